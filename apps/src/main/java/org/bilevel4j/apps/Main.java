package org.bilevel4j.apps;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bilevel4j.apps.cli.RunRecords;
import org.bilevel4j.apps.compare.CompareCommand;
import org.bilevel4j.apps.demo.HypergradientCommand;
import org.bilevel4j.apps.equilibrium.EquilibriumCommand;
import org.bilevel4j.apps.figure1.Figure1Command;
import org.bilevel4j.apps.iv.IvCommand;
import org.bilevel4j.apps.learndata.LearnDataCommand;
import org.bilevel4j.apps.report.RunLog;
import org.bilevel4j.apps.stochastic.StochasticCommand;
import org.bilevel4j.apps.tunel2.TuneL2Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The {@code bilevel4j} command-line tool. Without arguments it runs {@code tune-l2} on its embedded synthetic
 * data. Exit codes: 0 success; 1 failure, with a one-line cause on stderr — an error, running out of memory, a
 * malformed data file, or a run that ended with status {@code DIVERGED} or {@code BREAKDOWN} (after its summary);
 * 2 bad arguments (with usage).
 */
@Command(name = "bilevel4j", mixinStandardHelpOptions = true, version = "bilevel4j 0.1.0",
        description = "Bilevel optimization and hypergradients on the JVM.",
        subcommands = {TuneL2Command.class, LearnDataCommand.class, EquilibriumCommand.class, CompareCommand.class,
            HypergradientCommand.class, Figure1Command.class, StochasticCommand.class, IvCommand.class})
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

    /**
     * @return the configured command line: a failure — an exception, or running out of memory — prints one line on
     *         stderr and exits with code 1; the exit code is appended to the {@code run.txt} of every run made
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> fail(cmd, e));
        cli.setExecutionStrategy(Main::executeRecordingExitCode);
        return cli;
    }

    private static int fail(CommandLine cmd, Throwable e) {
        String cause = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName()
                : e.getMessage().lines().findFirst().orElse("");
        if (e instanceof OutOfMemoryError) {
            cause = "out of memory (" + cause + "); use smaller sizes or give the JVM more heap (-Xmx through "
                    + "BILEVEL4J_JAVA_OPTS)";
        }
        LOG.debug("bilevel4j failed", e);
        cmd.getErr().println("bilevel4j: " + cause);
        cmd.getErr().flush();
        return 1;
    }

    private static int executeRecordingExitCode(ParseResult parsed) {
        int code = 1;
        try {
            code = new CommandLine.RunLast().execute(parsed);
            return code;
        } catch (CommandLine.ParameterException e) {
            code = 2;
            throw e;
        } catch (OutOfMemoryError e) {
            CommandLine cmd = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            return fail(cmd, e);
        } finally {
            recordExitCode(parsed, code);
        }
    }

    /** Appends the exit code to the run.txt of every run of the command (the runs' own lines say how each ended). */
    private static void recordExitCode(ParseResult parsed, int code) {
        for (CommandLine cmd : parsed.asCommandLineList()) {
            List<Object> parts = new ArrayList<>();
            parts.add(cmd.getCommandSpec().userObject());
            cmd.getCommandSpec().mixins().values().forEach(m -> parts.add(m.userObject()));
            for (Object part : parts) {
                if (part instanceof RunRecords records) {
                    for (Path record : records.runRecords()) {
                        try {
                            RunLog.appendToRecord(record, Map.of("exit code", Integer.toString(code)));
                        } catch (UncheckedIOException e) {
                            LOG.warn("cannot record the exit code in {}: {}", record, e.getMessage());
                        }
                    }
                }
            }
        }
    }
}
