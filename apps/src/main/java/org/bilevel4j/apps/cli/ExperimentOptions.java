package org.bilevel4j.apps.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.outer.OuterOptimizer;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.apps.report.ProgressBar;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every experiment command shares (a picocli mixin): backend, method, budgets, outer optimizer, seed,
 * output directory. Each command gives its own defaults
 * with a {@link Defaults} subclass named in {@code @Command(defaultValueProvider = ...)}, so that {@code --help}
 * shows them; the user's flags override them. {@link #start} checks every value before any work and clears the
 * output directory of an earlier run's files.
 */
public final class ExperimentOptions implements RunRecords {
    /** Largest -t and -k: the inner solver and ITD's tape hold O(t) values, so a larger budget exhausts memory. */
    public static final int MAX_STEPS = 100_000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Mixin
    BackendOption backendOption;

    @Option(names = "--method", paramLabel = "NAME", converter = Method.Converter.class,
            description = "hypergradient estimator: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Method method;

    @Option(names = {"-t", "--inner-steps"}, paramLabel = "T", description = "inner iterations t, 0 .. " + MAX_STEPS
            + " (default: ${DEFAULT-VALUE})")
    int innerSteps;

    @Option(names = {"-k", "--linear-steps"}, paramLabel = "K", description = "linear-solver iterations k (AID) or "
            + "truncation (itd-truncated), 0 .. " + MAX_STEPS + " (default: ${DEFAULT-VALUE})")
    int linearSteps;

    @Option(names = "--tolerance", paramLabel = "TOL", description = "relative tolerance that ends the inner and "
            + "linear solves before t and k iterations, so that each estimate can be certified; 0 runs exactly t and "
            + "k (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = {"-s", "--outer-steps"}, paramLabel = "S", description = "outer iterations s (default: "
            + "${DEFAULT-VALUE})")
    int outerSteps;

    @Option(names = "--outer-optimizer", paramLabel = "NAME", converter = OuterOptimizerName.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    OuterOptimizerName outerOptimizer;

    @Option(names = "--lr", paramLabel = "STEP", description = "outer step size (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--momentum", paramLabel = "BETA", defaultValue = "0.9",
            description = "momentum of the momentum/nesterov optimizers (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--warm-start", negatable = true, description = "warm-start w and the adjoint from the previous "
            + "outer iteration (default: ${DEFAULT-VALUE})")
    boolean warmStart;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "seed of data generation and initialisation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory; the files of an earlier run "
            + "there are replaced, other files are kept (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    /** The run.txt files written by this invocation; the tool appends its exit code to each when it ends. */
    private final List<Path> runRecords = new ArrayList<>();

    /**
     * A command's defaults for the shared options. Subclass it with a public no-argument constructor and name the
     * subclass in the command's {@code @Command(defaultValueProvider = ...)}.
     */
    public abstract static class Defaults implements IDefaultValueProvider {
        private final Map<String, String> values = new HashMap<>();

        /**
         * @param method         --method
         * @param innerSteps     -t
         * @param linearSteps    -k
         * @param outerSteps     -s
         * @param outerOptimizer --outer-optimizer
         * @param learningRate   --lr
         * @param warmStart      --warm-start
         * @param outDir         --out
         */
        protected Defaults(Method method, int innerSteps, int linearSteps, int outerSteps,
                OuterOptimizerName outerOptimizer, double learningRate, boolean warmStart, String outDir) {
            values.put("--method", method.cliName());
            values.put("--inner-steps", String.valueOf(innerSteps));
            values.put("--linear-steps", String.valueOf(linearSteps));
            values.put("--outer-steps", String.valueOf(outerSteps));
            values.put("--outer-optimizer", outerOptimizer.cliName());
            values.put("--lr", String.valueOf(learningRate));
            values.put("--warm-start", String.valueOf(warmStart));
            values.put("--out", outDir);
            values.put("--tolerance", "0");
        }

        /**
         * @param relative the default of {@code --tolerance}
         * @return these defaults
         */
        protected Defaults tolerance(double relative) {
            values.put("--tolerance", String.valueOf(relative));
            return this;
        }

        /**
         * @param names the default of {@code --methods} ({@link MethodsOption}), for the commands that run several
         * @return these defaults
         */
        protected Defaults methods(Method... names) {
            values.put("--methods", Arrays.stream(names).map(Method::cliName).collect(Collectors.joining(",")));
            return this;
        }

        @Override
        public String defaultValue(ArgSpec argSpec) {
            return argSpec instanceof OptionSpec o ? values.get(o.longestName()) : null;
        }
    }

    /**
     * Checks every setting (a bad value is a usage error, exit code 2, before any work starts), then clears the
     * output directory of the files an earlier run of the tool left there ({@link OutputDirectory#clear}).
     *
     * @return the console
     * @throws ParameterException naming the bad option, the expected and the actual value
     * @throws IOException        if the output directory cannot be cleared
     */
    public PrintWriter start() throws IOException {
        CommandSpec spec = command;
        backendOption.validate(spec);
        atLeast(spec, "--inner-steps", innerSteps, 0);
        atMost(spec, "--inner-steps", innerSteps, MAX_STEPS, "the largest inner budget");
        atLeast(spec, "--linear-steps", linearSteps, method.minimumK());
        if (!(tolerance >= 0) || !(tolerance < 1)) {
            throw new ParameterException(spec.commandLine(), "--tolerance: expected a value in [0, 1), got "
                    + tolerance);
        }
        atMost(spec, "--linear-steps", linearSteps, MAX_STEPS, "the largest linear-solver budget");
        atLeast(spec, "--outer-steps", outerSteps, 1);
        positive(spec, "--lr", learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ParameterException(spec.commandLine(), "--momentum: expected a value in [0, 1), got "
                    + momentum);
        }
        runRecords.clear();
        OutputDirectory.clear(out);
        return spec.commandLine().getOut();
    }

    /** @param option an option's name @return whether the user gave it */
    boolean matched(String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** @return the backend chosen by --backend or the usual resolution */
    public Backend backend() {
        return backendOption.backend();
    }

    /** @return the method named by --method */
    public Method method() {
        return method;
    }

    /** @return t */
    public int innerSteps() {
        return innerSteps;
    }

    /** @return k */
    public int linearSteps() {
        return linearSteps;
    }

    /** @return s */
    public int outerSteps() {
        return outerSteps;
    }

    /** @return whether to warm-start */
    public boolean warmStart() {
        return warmStart;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return the output directory */
    public Path out() {
        return out;
    }

    /**
     * @param console where the progress bar goes
     * @param dir     the run's output directory
     * @return a runner that shows its progress bar on a terminal unless --quiet, and records the command line
     */
    public ExperimentRunner runner(PrintWriter console, Path dir) {
        return new ExperimentRunner(console, dir, !quiet && ProgressBar.interactive(), runRecords::add)
                .commandLine(command.commandLine().getParseResult().originalArgs());
    }

    @Override
    public List<Path> runRecords() {
        return List.copyOf(runRecords);
    }

    /**
     * @param solver the inner solver of the command's problem
     * @return the estimator named by --method with t, k and the warm-start setting
     */
    public HypergradientEstimator estimator(InnerSolver solver) {
        return estimator(method, solver);
    }

    /**
     * @param m      a method
     * @param solver the inner solver of the command's problem
     * @return the estimator with t, k and the warm-start setting
     */
    public HypergradientEstimator estimator(Method m, InnerSolver solver) {
        return m.create(solver, innerSteps, linearSteps, tolerance, warmStart);
    }

    /** @return the outer optimizer */
    public OuterOptimizer optimizer() {
        return outerOptimizer.create(learningRate, momentum);
    }

    /**
     * Ends a command: prints where its files are and fails (exit code 1) if any run failed.
     *
     * @param console the console
     * @param failed  a description of each failed run, empty if none
     * @throws ExperimentFailure listing the failed runs
     */
    public void finish(PrintWriter console, List<String> failed) {
        console.println("wrote " + out.toAbsolutePath());
        console.flush();
        if (!failed.isEmpty()) {
            throw new ExperimentFailure((failed.size() == 1 ? "run failed: " : "runs failed: ")
                    + String.join(", ", failed));
        }
    }

    /**
     * @param spec    the running command
     * @param option  the option's name, e.g. {@code --train-size}
     * @param value   its value
     * @param minimum the smallest valid value
     * @return the value
     * @throws ParameterException naming the option if the value is below the minimum
     */
    public static int atLeast(CommandSpec spec, String option, int value, int minimum) {
        if (value < minimum) {
            throw new ParameterException(spec.commandLine(), option + ": expected an integer >= " + minimum + ", got "
                    + value);
        }
        return value;
    }

    /**
     * @param spec    the running command
     * @param option  the option's name, e.g. {@code --train-size}
     * @param value   its value
     * @param maximum the largest valid value (e.g. the number of rows in the data)
     * @param what    what the maximum is, e.g. {@code "the size of the data"}
     * @return the value
     * @throws ParameterException naming the option if the value is above the maximum
     */
    public static int atMost(CommandSpec spec, String option, int value, int maximum, String what) {
        if (value > maximum) {
            throw new ParameterException(spec.commandLine(), option + ": expected an integer <= " + maximum + " ("
                    + what + "), got " + value);
        }
        return value;
    }

    /**
     * @param spec   the running command
     * @param option the option's name, e.g. {@code --lr}
     * @param value  its value
     * @return the value
     * @throws ParameterException naming the option if the value is not finite and &gt; 0
     */
    public static double positive(CommandSpec spec, String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ParameterException(spec.commandLine(), option + ": expected a finite value > 0, got " + value);
        }
        return value;
    }

    /** @return a one-line description of the settings */
    public String describe() {
        return "t = " + innerSteps() + ", k = " + linearSteps() + (tolerance > 0 ? " (at most; tolerance "
                + tolerance + ")" : "") + ", s = " + outerSteps() + ", " + optimizer().name()
                + (warmStart() ? ", warm starts" : "") + ", seed " + seed;
    }
}
