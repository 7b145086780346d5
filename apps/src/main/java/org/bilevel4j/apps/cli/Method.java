package org.bilevel4j.apps.cli;

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

/**
 * The hypergradient estimators of the command line ({@code --method}, {@code --methods}), each with its name and how
 * it is built: the one list of methods, used to parse the options, for {@code --help} and in the README. ITD
 * variants differentiate through t inner steps (the truncated one through the last k); AID variants take t inner
 * steps and k iterations of their linear solver.
 */
public enum Method implements CliValue {
    /** Reverse-mode ITD through t inner steps. */
    ITD("itd", (inner, linear, warm) -> ItdEstimator.builder().inner(inner).build()),
    /** Reverse-mode ITD that keeps the whole tape. */
    ITD_TAPE("itd-tape", (inner, linear, warm) -> ItdEstimator.builder().inner(inner).keepTape(true).build()),
    /** Reverse-mode ITD with checkpoints. */
    ITD_CHECKPOINT("itd-checkpoint", (inner, linear, warm) -> ItdEstimator.builder().inner(inner).checkpointed(0).build()),
    /** ITD through the last k of the t inner steps. */
    ITD_TRUNCATED("itd-truncated", (inner, linear, warm) -> ItdEstimator.builder().inner(inner).truncated(linear.maxIterations()).build()),
    /** Forward-mode ITD. */
    ITD_FORWARD("itd-forward", (inner, linear, warm) -> ItdEstimator.builder().inner(inner).mode(ItdEstimator.Mode.FORWARD).build()),
    /** AID with k fixed-point (Richardson) iterations. */
    AID_FP("aid-fp", aid(RichardsonSolver.fixedPoint())),
    /** AID with a k-term Neumann series. */
    AID_NEUMANN("aid-neumann", aid(new NeumannSolver())),
    /** AID with k conjugate-gradient iterations. */
    AID_CG("aid-cg", aid(new ConjugateGradientSolver())),
    /** AID with k conjugate-gradient iterations on the normal equations. */
    AID_CG_NORMAL("aid-cg-normal", aid(new NormalEquationsSolver())),
    /** AID with k MINRES iterations. */
    AID_MINRES("aid-minres", aid(new MinresSolver())),
    /** AID with k GMRES iterations. */
    AID_GMRES("aid-gmres", aid(new GmresSolver())),
    /** AID with a linear solver chosen from the problem's structure. */
    AID_AUTO("aid-auto", aid(new AutoLinearSolver())),
    /** AID with a dense direct solve (small problems). */
    AID_EXACT("aid-exact", aid(new DenseDirectSolver()));

    /** How a method is built from the shared settings. */
    @FunctionalInterface
    private interface Factory {
        HypergradientEstimator create(InnerPhase inner, IterationBudget linear, boolean warmAdjoint);
    }

    private final String cliName;
    private final Factory factory;

    Method(String cliName, Factory factory) {
        this.cliName = cliName;
        this.factory = factory;
    }

    private static Factory aid(LinearSolver solver) {
        return (inner, linear, warm) -> AidEstimator.builder().inner(inner)
                .linearSolver(solver, linear).warmStart(inner.warmStart(), warm).build();
    }

    @Override
    public String cliName() {
        return cliName;
    }

    /** @return the smallest valid k: 1 for the truncated ITD (it differentiates through k ≥ 1 steps), else 0 */
    public int minimumK() {
        return this == ITD_TRUNCATED ? 1 : 0;
    }

    /**
     * @param solver    the inner solver
     * @param t         inner steps
     * @param k         linear-solver iterations (AID) or truncation (truncated ITD)
     * @param warmStart warm-start the inner iterate and (AID) the adjoint from the previous outer iteration
     * @return the estimator with exactly t and k iterations (the fixed budgets of the papers' experiments)
     */
    public HypergradientEstimator create(InnerSolver solver, int t, int k, boolean warmStart) {
        return create(solver, t, k, 0, warmStart);
    }

    /**
     * @param solver    the inner solver
     * @param t         at most t inner steps
     * @param k         at most k linear-solver iterations (AID), or the truncation (truncated ITD)
     * @param tolerance the relative tolerance that stops the inner and linear solves early, ≥ 0 (0: exactly t and
     *                  k iterations)
     * @param warmStart warm-start the inner iterate and (AID) the adjoint from the previous outer iteration
     * @return the estimator
     */
    public HypergradientEstimator create(InnerSolver solver, int t, int k, double tolerance, boolean warmStart) {
        return factory.create(new InnerPhase(solver, IterationBudget.of(t, tolerance), warmStart),
                IterationBudget.of(k, tolerance), warmStart);
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** picocli converter. */
    public static final class Converter extends CliValue.Converter<Method> {
        /** The converter. */
        public Converter() {
            super(Method.class);
        }
    }
}
