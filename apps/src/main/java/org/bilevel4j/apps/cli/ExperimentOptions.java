package org.bilevel4j.apps.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.inner.PicardIteration;
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
 * The options every experiment command shares (a picocli mixin). Each command gives its own defaults with a
 * {@link Defaults} subclass named in {@code @Command(defaultValueProvider = ...)}, so that {@code --help} shows
 * them; the user's flags override them.
 */
public final class ExperimentOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Mixin
    BackendOption backendOption;

    @Option(names = "--method", paramLabel = "NAME", description = "hypergradient estimator: itd, itd-tape, "
            + "itd-checkpoint, itd-truncated, itd-forward, aid-fp, aid-neumann, aid-cg, aid-cg-normal, aid-minres, "
            + "aid-gmres, aid-auto, aid-exact (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = {"-t", "--inner-steps"}, paramLabel = "T", description = "inner iterations t (default: "
            + "${DEFAULT-VALUE})")
    int innerSteps;

    @Option(names = {"-k", "--linear-steps"}, paramLabel = "K",
            description = "linear-solver iterations k (AID) or truncation (itd-truncated) (default: ${DEFAULT-VALUE})")
    int linearSteps;

    @Option(names = {"-s", "--outer-steps"}, paramLabel = "S", description = "outer iterations s (default: "
            + "${DEFAULT-VALUE})")
    int outerSteps;

    @Option(names = "--outer-optimizer", paramLabel = "NAME", description = "gd, momentum, nesterov or adam "
            + "(default: ${DEFAULT-VALUE})")
    String outerOptimizer;

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

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

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
        protected Defaults(String method, int innerSteps, int linearSteps, int outerSteps, String outerOptimizer,
                double learningRate, boolean warmStart, String outDir) {
            values.put("--method", method);
            values.put("--inner-steps", String.valueOf(innerSteps));
            values.put("--linear-steps", String.valueOf(linearSteps));
            values.put("--outer-steps", String.valueOf(outerSteps));
            values.put("--outer-optimizer", outerOptimizer);
            values.put("--lr", String.valueOf(learningRate));
            values.put("--warm-start", String.valueOf(warmStart));
            values.put("--out", outDir);
        }

        @Override
        public String defaultValue(ArgSpec argSpec) {
            return argSpec instanceof OptionSpec o ? values.get(o.longestName()) : null;
        }
    }

    /** @return the backend chosen by --backend or the usual resolution */
    public Backend backend() {
        return backendOption.backend();
    }

    /** @return the method name */
    public String method() {
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

    /** @return whether to hide the progress bar */
    public boolean quiet() {
        return quiet;
    }

    /** @return the output directory */
    public Path out() {
        return out;
    }

    /**
     * @param console where the progress bar goes
     * @param dir     the run's output directory
     * @return a runner that shows its progress bar on a terminal unless --quiet
     */
    public ExperimentRunner runner(PrintWriter console, Path dir) {
        return new ExperimentRunner(console, dir, !quiet && ProgressBar.interactive())
                .commandLine(command.commandLine().getParseResult().originalArgs());
    }

    /**
     * @param solver the inner solver of the command's problem
     * @return the estimator named by --method with t, k and the warm-start setting
     */
    public HypergradientEstimator estimator(InnerSolver solver) {
        return MethodNames.create(method(), solver, innerSteps(), linearSteps(), warmStart());
    }

    /** @return the outer optimizer */
    public OuterOptimizer optimizer() {
        return OptimizerNames.create(outerOptimizer, learningRate, momentum);
    }

    /**
     * Evaluates every setting once, so that a bad value is reported as a usage error (exit code 2) before any
     * work starts.
     *
     * @param spec the running command
     * @throws ParameterException naming the bad option
     */
    public void validate(CommandSpec spec) {
        backendOption.validate(spec);
        try {
            positive("inner-steps", innerSteps, 0);
            positive("linear-steps", linearSteps, method.equals("itd-truncated") ? 1 : 0);
            positive("outer-steps", outerSteps, 1);
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("lr: expected a finite value > 0, got " + learningRate);
            }
            MethodNames.create(method, new PicardIteration(), innerSteps, linearSteps, warmStart);
            optimizer();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
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
     * @return the value
     * @throws ParameterException naming the option if the value is above the maximum
     */
    public static int atMost(CommandSpec spec, String option, int value, int maximum) {
        if (value > maximum) {
            throw new ParameterException(spec.commandLine(), option + ": expected an integer <= " + maximum
                    + " (the size of the data), got " + value);
        }
        return value;
    }

    /** @return a one-line description of the settings */
    public String describe() {
        return method() + ", t = " + innerSteps() + ", k = " + linearSteps() + ", s = " + outerSteps() + ", "
                + optimizer().name() + (warmStart() ? ", warm starts" : "") + ", seed " + seed;
    }

    private static void positive(String name, int value, int minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + ": expected an integer >= " + minimum + ", got " + value);
        }
    }
}
