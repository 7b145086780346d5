package org.bilevel4j.apps;

import java.util.concurrent.Callable;
import org.bilevel4j.apps.compare.CompareCommand;
import org.bilevel4j.apps.demo.HypergradientCommand;
import org.bilevel4j.apps.equilibrium.EquilibriumCommand;
import org.bilevel4j.apps.figure1.Figure1Command;
import org.bilevel4j.apps.learndata.LearnDataCommand;
import org.bilevel4j.apps.tunel2.TuneL2Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code bilevel4j} command-line tool. Without arguments it runs {@code tune-l2} on its embedded synthetic
 * data. Exit codes: 0 success, 1 failure (one-line cause on stderr), 2 bad arguments (with usage).
 */
@Command(name = "bilevel4j", mixinStandardHelpOptions = true, version = "bilevel4j 0.1.0",
        description = "Bilevel optimization and hypergradients on the JVM.",
        subcommands = {TuneL2Command.class, LearnDataCommand.class, EquilibriumCommand.class, CompareCommand.class,
            HypergradientCommand.class, Figure1Command.class})
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** The default subcommand, run when none is given. */
    public static final String DEFAULT_COMMAND = "tune-l2";

    @Spec
    private CommandSpec spec;

    /** Runs the default experiment with its default options: no subcommand was given. */
    @Override
    public Integer call() {
        return spec.subcommands().get(DEFAULT_COMMAND).execute();
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");   // the plots are written to files, never shown
        System.exit(execute(args));
    }

    /**
     * @param args command-line arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** @return the configured command line: failures print one line on stderr and exit with code 1 */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String cause = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName()
                    : e.getMessage().lines().findFirst().orElse("");
            LOG.debug("bilevel4j failed", e);
            cmd.getErr().println("bilevel4j: " + cause);
            cmd.getErr().flush();
            return 1;
        });
        return cli;
    }
}
