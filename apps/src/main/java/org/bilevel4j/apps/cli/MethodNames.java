package org.bilevel4j.apps.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.AutoLinearSolver;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.DenseDirectSolver;
import org.bilevel4j.algorithms.linalg.GmresSolver;
import org.bilevel4j.algorithms.linalg.LinearSolver;
import org.bilevel4j.algorithms.linalg.MinresSolver;
import org.bilevel4j.algorithms.linalg.NeumannSolver;
import org.bilevel4j.algorithms.linalg.NormalEquationsSolver;
import org.bilevel4j.algorithms.linalg.RichardsonSolver;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The hypergradient estimators by command-line name. ITD variants differentiate through t inner steps (the
 * truncated one through the last k); AID variants take t inner steps and k iterations of their linear solver.
 */
public final class MethodNames {
    private MethodNames() {
    }

    /** How a method is built from the shared settings. */
    @FunctionalInterface
    private interface Factory {
        HypergradientEstimator create(InnerPhase inner, int k, boolean warmAdjoint);
    }

    private static final Map<String, Factory> METHODS = new LinkedHashMap<>();

    static {
        METHODS.put("itd", (inner, k, warm) -> ItdEstimator.builder().inner(inner).build());
        METHODS.put("itd-tape", (inner, k, warm) -> ItdEstimator.builder().inner(inner).keepTape(true).build());
        METHODS.put("itd-checkpoint", (inner, k, warm) -> ItdEstimator.builder().inner(inner).checkpointed(0).build());
        METHODS.put("itd-truncated", (inner, k, warm) -> ItdEstimator.builder().inner(inner).truncated(k).build());
        METHODS.put("itd-forward", (inner, k, warm) -> ItdEstimator.builder().inner(inner).mode(ItdEstimator.Mode.FORWARD).build());
        aid("aid-fp", RichardsonSolver.fixedPoint());
        aid("aid-neumann", new NeumannSolver());
        aid("aid-cg", new ConjugateGradientSolver());
        aid("aid-cg-normal", new NormalEquationsSolver());
        aid("aid-minres", new MinresSolver());
        aid("aid-gmres", new GmresSolver());
        aid("aid-auto", new AutoLinearSolver());
        aid("aid-exact", new DenseDirectSolver());
    }

    private static void aid(String name, LinearSolver solver) {
        METHODS.put(name, (inner, k, warm) -> AidEstimator.builder().inner(inner)
                .linearSolver(solver, IterationBudget.exactly(k)).warmStart(inner.warmStart(), warm).build());
    }

    /** @return the names, in a stable order */
    public static List<String> names() {
        return List.copyOf(METHODS.keySet());
    }

    /**
     * @param name      a method name
     * @param solver    the inner solver
     * @param t         inner steps
     * @param k         linear-solver iterations (AID) or truncation (truncated ITD)
     * @param warmStart warm-start the inner iterate and (AID) the adjoint from the previous outer iteration
     * @return the estimator
     * @throws IllegalArgumentException naming the valid methods if the name is unknown
     */
    public static HypergradientEstimator create(String name, InnerSolver solver, int t, int k, boolean warmStart) {
        Factory f = METHODS.get(name);
        if (f == null) {
            throw new IllegalArgumentException("method: expected one of " + names() + ", got '" + name + "'");
        }
        return f.create(new InnerPhase(solver, IterationBudget.exactly(t), warmStart), k, warmStart);
    }

    /**
     * @param spec   the running command
     * @param option the option that named the methods, e.g. {@code --methods}
     * @param names  the names given
     * @return the names, if every one is known
     * @throws ParameterException naming the option and the valid names otherwise
     */
    public static List<String> requireKnown(CommandSpec spec, String option, List<String> names) {
        for (String m : names) {
            if (!METHODS.containsKey(m)) {
                throw new ParameterException(spec.commandLine(), option + ": expected names among " + names()
                        + ", got '" + m + "'");
            }
        }
        return names;
    }
}
