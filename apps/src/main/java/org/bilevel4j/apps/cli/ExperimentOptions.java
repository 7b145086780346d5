package org.bilevel4j.apps.cli;

import java.nio.file.Path;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.outer.OuterOptimizer;
import org.bilevel4j.api.backend.Backends;
import org.bilevel4j.api.tensor.Backend;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every experiment command shares (a picocli mixin). Defaults are set per command through
 * {@link #defaults}; the user's flags override them.
 */
public final class ExperimentOptions {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "backend: ejml, djl or tensorflow (default: -Dbilevel4j.backend, BILEVEL4J_BACKEND, or "
                    + "the highest-priority available one)")
    String backend;

    @Option(names = "--method", paramLabel = "NAME", description = "hypergradient estimator: itd, itd-tape, "
            + "itd-checkpoint, itd-truncated, itd-forward, aid-fp, aid-neumann, aid-cg, aid-cg-normal, aid-minres, "
            + "aid-gmres, aid-auto, aid-exact")
    String method;

    @Option(names = {"-t", "--inner-steps"}, paramLabel = "T", description = "inner iterations t")
    Integer innerSteps;

    @Option(names = {"-k", "--linear-steps"}, paramLabel = "K",
            description = "linear-solver iterations k (AID) or truncation (itd-truncated)")
    Integer linearSteps;

    @Option(names = {"-s", "--outer-steps"}, paramLabel = "S", description = "outer iterations s")
    Integer outerSteps;

    @Option(names = "--outer-optimizer", paramLabel = "NAME", description = "gd, momentum, nesterov or adam")
    String outerOptimizer;

    @Option(names = "--lr", paramLabel = "STEP", description = "outer step size")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "BETA", description = "momentum of the momentum/nesterov optimizers "
            + "(default 0.9)")
    double momentum = 0.9;

    @Option(names = "--warm-start", negatable = true, description = "warm-start w and the adjoint from the previous "
            + "outer iteration (default: per command)")
    Boolean warmStart;

    @Option(names = "--seed", paramLabel = "N", description = "seed of data generation and initialisation (default 0)")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/<command>)")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    /** The command's own defaults. */
    public record Defaults(String method, int innerSteps, int linearSteps, int outerSteps, String outerOptimizer,
            double learningRate, boolean warmStart, String outDir) {
    }

    private Defaults defaults;

    /** @param commandDefaults the defaults of the running command */
    public void defaults(Defaults commandDefaults) {
        this.defaults = commandDefaults;
    }

    /** @return the backend chosen by --backend or the usual resolution */
    public Backend backend() {
        return backend == null ? Backends.get() : Backends.get(backend);
    }

    /** @return the method name */
    public String method() {
        return method != null ? method : defaults.method();
    }

    /** @return t */
    public int innerSteps() {
        return positive("inner-steps", innerSteps != null ? innerSteps : defaults.innerSteps(), true);
    }

    /** @return k */
    public int linearSteps() {
        return positive("linear-steps", linearSteps != null ? linearSteps : defaults.linearSteps(), true);
    }

    /** @return s */
    public int outerSteps() {
        return positive("outer-steps", outerSteps != null ? outerSteps : defaults.outerSteps(), false);
    }

    /** @return the outer step size */
    public double learningRate() {
        double lr = learningRate != null ? learningRate : defaults.learningRate();
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr: expected a finite value > 0, got " + lr);
        }
        return lr;
    }

    /** @return whether to warm-start */
    public boolean warmStart() {
        return warmStart != null ? warmStart : defaults.warmStart();
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
        return out != null ? out : Path.of(defaults.outDir());
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
        return OptimizerNames.create(outerOptimizer != null ? outerOptimizer : defaults.outerOptimizer(),
                learningRate(), momentum);
    }

    /**
     * Evaluates every setting once, so that a bad value is reported as a usage error (exit code 2) before any
     * work starts.
     *
     * @param spec the running command
     * @throws ParameterException naming the bad option
     */
    public void validate(CommandSpec spec) {
        try {
            method();
            MethodNames.create(method(), new org.bilevel4j.algorithms.inner.PicardIteration(), innerSteps(),
                    linearSteps(), warmStart());
            outerSteps();
            optimizer();
            out();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** @return a one-line description of the settings */
    public String describe() {
        return method() + ", t = " + innerSteps() + ", k = " + linearSteps() + ", s = " + outerSteps() + ", "
                + optimizer().name() + (warmStart() ? ", warm starts" : "") + ", seed " + seed;
    }

    private static int positive(String name, int value, boolean zeroAllowed) {
        if (value < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException(name + ": expected an integer >= " + (zeroAllowed ? 0 : 1) + ", got "
                    + value);
        }
        return value;
    }
}
