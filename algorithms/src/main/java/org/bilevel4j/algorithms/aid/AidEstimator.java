package org.bilevel4j.algorithms.aid;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.Certification;
import org.bilevel4j.algorithms.hypergradient.ErrorBound;
import org.bilevel4j.algorithms.hypergradient.ErrorBounds;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.Instrumentation;
import org.bilevel4j.algorithms.inner.InnerRun;
import org.bilevel4j.algorithms.linalg.AutoLinearSolver;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.DenseDirectSolver;
import org.bilevel4j.algorithms.linalg.GmresSolver;
import org.bilevel4j.algorithms.linalg.LinearOperator;
import org.bilevel4j.algorithms.linalg.LinearSolveResult;
import org.bilevel4j.algorithms.linalg.LinearSolver;
import org.bilevel4j.algorithms.linalg.MinresSolver;
import org.bilevel4j.algorithms.linalg.NeumannSolver;
import org.bilevel4j.algorithms.linalg.NormalEquationsSolver;
import org.bilevel4j.algorithms.linalg.RichardsonSolver;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Approximate implicit differentiation (AID, Grazzi et al., ICML 2020, Algorithm 2):
 * <ol>
 *   <li>compute w_t by t steps of an inner solver (or fewer, once its tolerance is met);</li>
 *   <li>solve the adjoint system (I - ∂₁Φ(w_t, λ)ᵀ) v = ∇₁E(w_t, λ) with k iterations of a
 *       matrix-free linear solver (optionally damped: + ρI);</li>
 *   <li>return ∇₂E(w_t, λ) + ∂₂Φ(w_t, λ)ᵀ v.</li>
 * </ol>
 * Φ is linearized once at w_t, so each solver iteration costs one backward pass (one VJP; CG on the normal
 * equations adds one JVP; GMRES adds one VJP per restart, MINRES one to confirm convergence, a warm start one for
 * the initial residual), and one joint VJP at the end gives ∂₂Φᵀv and the true adjoint residual together, so
 * the certification costs nothing extra. The linear solver decides the variant: AID-FP (Richardson, ω = 1),
 * AID-Neumann, AID-CG, AID-CG on the normal equations, AID-GD, AID-MINRES, AID-GMRES, AID-exact (dense LU), or an
 * automatic choice from the declared symmetry of ∂₁Φ.
 *
 * <p>Warm starts ("amortization", Arbel and Mairal, "Amortized Implicit Differentiation for Stochastic Bilevel
 * Optimization", ICLR 2022): the inner solve can start from the previous estimate's w_t and the linear solve from
 * its v. Every estimate reports the inner residual ‖w_t - Φ(w_t, λ)‖, the adjoint in {@link AidDiagnostics}, the
 * oracle counts, a status and, when q is known, a-posteriori error bounds ({@link ErrorBounds#aid}). The status is
 * CONVERGED only when both solves met their tolerances, the adjoint's judged on the true residual of the undamped
 * system (a solver that stopped on its recurrence residual, or a damped solve, is not enough). In strict mode a
 * non-converged estimate throws.
 *
 * <p>References: Pedregosa, "Hyperparameter optimization with approximate gradient", ICML 2016 (HOAG); Grazzi,
 * Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, Algorithm 2 and
 * Theorems 2.2–2.4; Liao et al., "Reviving and Improving Recurrent Back-Propagation", ICML 2018, for CG on the
 * normal equations and the Neumann series.
 */
public final class AidEstimator implements HypergradientEstimator {
    private final InnerPhase inner;
    private final LinearSolver solver;
    private final IterationBudget linearBudget;
    private final double damping;
    private final boolean warmStartAdjoint;
    private final boolean strict;

    private AidEstimator(Builder b) {
        this.inner = b.inner;
        this.solver = b.solver;
        this.linearBudget = b.linearBudget;
        this.damping = b.damping;
        this.warmStartAdjoint = b.warmStartAdjoint;
        this.strict = b.strict;
    }

    /** @return a builder with Picard inner steps, t = k = 10, CG, no warm start, not strict */
    public static Builder builder() {
        return new Builder();
    }

    /** @param t inner steps @param k linear iterations @return AID-FP: the fixed-point (Richardson, ω = 1) solver */
    public static AidEstimator fixedPoint(int t, int k) {
        return builder().innerSteps(t).linearSolver(RichardsonSolver.fixedPoint(), k).build();
    }

    /** @param t inner steps @param k series terms after the first @return AID-Neumann (equals AID-FP with k + 1) */
    public static AidEstimator neumann(int t, int k) {
        return builder().innerSteps(t).linearSolver(new NeumannSolver(), k).build();
    }

    /** @param t inner steps @param k CG iterations @return AID-CG (needs a symmetric ∂₁Φ) */
    public static AidEstimator conjugateGradient(int t, int k) {
        return builder().innerSteps(t).linearSolver(new ConjugateGradientSolver(), k).build();
    }

    /** @param t inner steps @param k iterations @return AID-CG on the normal equations (any invertible system) */
    public static AidEstimator normalEquations(int t, int k) {
        return builder().innerSteps(t).linearSolver(new NormalEquationsSolver(), k).build();
    }

    /**
     * @param t    inner steps
     * @param k    iterations
     * @param step gradient step on the quadratic ½vᵀAv - bᵀv
     * @return AID-GD
     */
    public static AidEstimator gradientDescent(int t, int k, double step) {
        return builder().innerSteps(t).linearSolver(RichardsonSolver.gradientDescent(step), k).build();
    }

    /** @param t inner steps @param k iterations @return AID-MINRES (symmetric, possibly indefinite systems) */
    public static AidEstimator minres(int t, int k) {
        return builder().innerSteps(t).linearSolver(new MinresSolver(), k).build();
    }

    /** @param t inner steps @param k iterations @return AID-GMRES(30) (non-symmetric systems) */
    public static AidEstimator gmres(int t, int k) {
        return builder().innerSteps(t).linearSolver(new GmresSolver(), k).build();
    }

    /** @param t inner steps @param k iterations @return AID with CG, MINRES or GMRES chosen from the map's symmetry */
    public static AidEstimator auto(int t, int k) {
        return builder().innerSteps(t).linearSolver(new AutoLinearSolver(), k).build();
    }

    /**
     * The reference: the inner problem solved until successive iterates agree to 1e-14 (relative) or
     * {@code maxInnerSteps}, then the adjoint system solved by dense LU.
     *
     * @param maxInnerSteps inner step budget
     * @return AID-exact
     */
    public static AidEstimator exact(int maxInnerSteps) {
        return builder().inner(InnerPhase.picard(maxInnerSteps).withBudget(
                new IterationBudget(maxInnerSteps, 1e-14, 0))).linearSolver(new DenseDirectSolver(), 1).build();
    }

    @Override
    public HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        OracleCounter counter = new OracleCounter();
        FixedPointOperator phi = Instrumentation.counting(problem.innerMap(), counter);
        ScalarObjective e = Instrumentation.counting(problem.outerObjective(), counter);
        Tensor w0 = inner.start(problem, outer, previous);
        problem.checkShapes(w0, outer);

        InnerRun run = inner.solver().run(problem, Instrumentation.counting(inner.solver().stepMap(problem), counter),
                outer, w0, inner.budget());
        Tensor w = run.inner();
        if (run.status() == Status.DIVERGED) {
            return Certification.finish(HypergradientEstimate.diverged(name(), outer, w, run.iterations(),
                    counter.snapshot(), run.message()), strict);
        }

        Linearization lin = phi.linearize(w, outer);
        double innerResidual = w.sub(lin.value()).normValue();
        ValueAndPartials grad = e.valueAndGradient(w, outer);
        Tensor b = grad.inner();
        if (!b.isFinite()) {
            return Certification.finish(HypergradientEstimate.builder(name(), outer.backend().zeros(outer.shape(),
                    outer.dtype()), w).outerValue(grad.value().item()).innerResidual(innerResidual)
                    .innerIterations(run.iterations()).counts(counter.snapshot()).status(Status.DIVERGED)
                    .bound(ErrorBound.unavailable("gradient of E not finite")).message("the gradient of the outer "
                            + "objective at w_t is not finite; the hypergradient (zeros) must not be used").build(),
                    strict);
        }
        LinearOperator a = adjointOperator(lin, phi.hasSymmetricJacobian()).damped(damping);
        Tensor v0 = warmStartAdjoint ? usableAdjoint(previous) : null;
        LinearSolveResult solve = solver.solve(a, b, v0, linearBudget);
        Tensor v = solve.solution();
        PartialGradients pv = lin.vjp(v);
        Tensor hypergradient = grad.outer().add(pv.outer());
        double adjointResidual = b.sub(v).add(pv.inner()).normValue();

        Status adjointStatus = solve.status();
        String adjointNote = "";
        double bNorm = b.normValue();
        double tolerance = Math.max(linearBudget.threshold(bNorm), 8 * b.dtype().epsilon() * (bNorm + v.normValue()));
        if (adjointStatus == Status.CONVERGED && linearBudget.hasTolerance() && adjointResidual > tolerance) {
            // the solver judged on its own (recurrence or damped) residual; the certificate rests on the true one
            adjointStatus = Status.BUDGET_EXHAUSTED;
            adjointNote = "; the true residual of the undamped adjoint system " + adjointResidual
                    + " is above the tolerance " + tolerance + ", so the adjoint is not certified";
        }
        Status status = run.status().worst(adjointStatus);
        // the bound must hold for the computed numbers: residuals evaluate to exactly 0 at a floating-point fixed point
        double rounding = ErrorBounds.rounding(outer, w);
        ErrorBound bound = ErrorBounds.aid(problem, outer, w, innerResidual + rounding * (w.normValue()
                + lin.value().normValue()), adjointResidual + rounding * (bNorm + v.normValue() + pv.inner().normValue()),
                rounding * (grad.outer().normValue() + pv.outer().normValue() + hypergradient.normValue()));
        String message = "inner " + inner.solver().name() + ": " + run.status() + " (" + run.message()
                + "); adjoint " + solver.name() + ": " + solve.status() + " (" + solve.message() + ")" + adjointNote;
        return Certification.finish(HypergradientEstimate.builder(name(), hypergradient, w)
                .outerValue(grad.value().item()).innerResidual(innerResidual).innerIterations(run.iterations())
                .diagnostics(new AidDiagnostics(v, adjointResidual, solve)).counts(counter.snapshot()).status(status)
                .bound(bound).message(message).build(), strict);
    }

    /** @return the previous estimate's adjoint, if it has a finite one from a usable AID estimate, else null */
    private static Tensor usableAdjoint(HypergradientEstimate previous) {
        if (previous == null || previous.status().isFailure()
                || !(previous.diagnostics() instanceof AidDiagnostics aid) || !aid.adjoint().isFinite()) {
            return null;
        }
        return aid.adjoint();
    }

    /** A = I - ∂₁Φᵀ (one VJP), Aᵀ = I - ∂₁Φ (one JVP). */
    static LinearOperator adjointOperator(Linearization lin, boolean symmetric) {
        if (symmetric) {
            return LinearOperator.of(v -> v.sub(lin.vjpInner(v)), true);
        }
        return LinearOperator.of(v -> v.sub(lin.vjpInner(v)), v -> v.sub(lin.jvpInner(v)));
    }

    @Override
    public String name() {
        return "aid-" + solver.name() + "(t=" + inner.budget().maxIterations() + ",k=" + linearBudget.maxIterations()
                + (damping > 0 ? ",damping=" + damping : "") + ")";
    }

    /** Configures an {@link AidEstimator}. */
    public static final class Builder {
        private InnerPhase inner = InnerPhase.picard(10);
        private LinearSolver solver = new ConjugateGradientSolver();
        private IterationBudget linearBudget = IterationBudget.exactly(10);
        private double damping;
        private boolean warmStartAdjoint;
        private boolean strict;

        private Builder() {
        }

        /** @param phase how w_t is computed @return this builder */
        public Builder inner(InnerPhase phase) {
            this.inner = Objects.requireNonNull(phase, "phase");
            return this;
        }

        /** @param t exactly t inner steps (keeps the solver and warm-start setting) @return this builder */
        public Builder innerSteps(int t) {
            this.inner = inner.withBudget(IterationBudget.exactly(t));
            return this;
        }

        /**
         * @param linearSolver the adjoint solver
         * @param k            exactly k iterations
         * @return this builder
         */
        public Builder linearSolver(LinearSolver linearSolver, int k) {
            return linearSolver(linearSolver, IterationBudget.exactly(k));
        }

        /**
         * @param linearSolver the adjoint solver
         * @param budget       its iterations and tolerances
         * @return this builder
         */
        public Builder linearSolver(LinearSolver linearSolver, IterationBudget budget) {
            this.solver = Objects.requireNonNull(linearSolver, "linearSolver");
            this.linearBudget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /** @param rho Tikhonov damping ρ ≥ 0 of the adjoint system @return this builder */
        public Builder damping(double rho) {
            if (!(rho >= 0) || !Double.isFinite(rho)) {
                throw new IllegalArgumentException("rho: expected a finite value >= 0, got " + rho);
            }
            this.damping = rho;
            return this;
        }

        /**
         * @param innerIterate start the inner solve from the previous w_t
         * @param adjoint      start the linear solve from the previous v
         * @return this builder
         */
        public Builder warmStart(boolean innerIterate, boolean adjoint) {
            this.inner = inner.withWarmStart(innerIterate);
            this.warmStartAdjoint = adjoint;
            return this;
        }

        /** @param enabled throw {@code UncertifiedHypergradientException} unless the estimate converged @return this */
        public Builder strict(boolean enabled) {
            this.strict = enabled;
            return this;
        }

        /** @return the estimator */
        public AidEstimator build() {
            return new AidEstimator(this);
        }
    }
}
