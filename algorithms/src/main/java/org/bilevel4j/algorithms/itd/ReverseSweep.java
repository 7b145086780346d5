package org.bilevel4j.algorithms.itd;

import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.Certification;
import org.bilevel4j.algorithms.hypergradient.ErrorBound;
import org.bilevel4j.algorithms.hypergradient.ErrorBounds;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/** Steps shared by the reverse-mode ITD estimators. */
final class ReverseSweep {
    private ReverseSweep() {
    }

    /** The adjoint of the state and the accumulated hypergradient during the backward pass. */
    static final class Adjoint {
        Tensor state;
        Tensor outer;

        Adjoint(Tensor state, Tensor outer) {
            this.state = state;
            this.outer = outer;
        }

        /** One backward step through s_i = Ψ(s_{i-1}, λ): a ← ∂₁Ψᵀa, g ← g + ∂₂Ψᵀa. */
        void through(Linearization step) {
            PartialGradients p = step.vjp(state);
            state = p.inner();
            outer = outer.add(p.outer());
        }

        /** As {@link #through(Linearization)}, linearizing Ψ at s_{i-1} first. */
        void through(FixedPointOperator step, Tensor previousState, Tensor lambda) {
            through(step.linearize(previousState, lambda));
        }
    }

    /**
     * The divergence rule of {@link InnerSolver#run}: the iterate of the state is not finite or has grown
     * {@link InnerSolver#DIVERGENCE_FACTOR} times over max(‖w₀‖, 1).
     *
     * @param phase the inner phase
     * @param problem the problem
     * @param state s_i
     * @param w0 the starting iterate
     * @return true if the iteration diverged
     */
    static boolean diverged(InnerPhase phase, BilevelProblem problem, Tensor state, Tensor w0) {
        double norm = phase.solver().inner(problem, state).normValue();
        return !Double.isFinite(norm) || norm > InnerSolver.DIVERGENCE_FACTOR * Math.max(w0.normValue(), 1.0);
    }

    /**
     * Evaluates E at w_t = w(s_t) and seeds the backward pass: a = ∇_s E(w(s_t), λ), g = ∇₂E.
     */
    static Adjoint seed(BilevelProblem problem, InnerSolver solver, ValueAndPartials grad, Tensor finalState) {
        Tensor a = Autodiff.vjp(s -> solver.inner(problem, s), finalState, grad.inner());
        return new Adjoint(a, grad.outer());
    }

    /** The estimate returned when the inner iteration blew up. */
    static HypergradientEstimate diverged(String name, InnerSolver solver, Tensor outer, Tensor inner, int steps,
            OracleCounter counter, boolean strict) {
        return Certification.finish(HypergradientEstimate.innerDiverged(name, solver.name(), outer, inner, steps,
                counter.snapshot()), strict);
    }

    /**
     * Finishes an ITD estimate: inner residual ‖w_t - Φ(w_t, λ)‖ (one map evaluation), status, bound.
     */
    static HypergradientEstimate finish(String name, BilevelProblem problem, FixedPointOperator phi, InnerPhase phase,
            Tensor outer, Tensor w0, Tensor wt, ValueAndPartials grad, Tensor hypergradient, int steps,
            boolean differentiatedAllSteps, boolean converged, OracleCounter counter, boolean strict, String detail) {
        double innerResidual = wt.sub(phi.apply(wt, outer)).normValue();
        Status status = converged ? Status.CONVERGED : Status.BUDGET_EXHAUSTED;
        ErrorBound bound = differentiatedAllSteps
                ? ErrorBounds.itd(problem, outer, steps, w0, wt, innerResidual, phase.solver() instanceof PicardIteration)
                : ErrorBound.unavailable("truncated back-propagation: Theorem 2.1 does not apply");
        String message = "differentiated through " + steps + " steps of " + phase.solver().name()
                + (converged ? " (inner tolerance met)" : "") + (detail.isEmpty() ? "" : "; " + detail);
        return Certification.finish(new HypergradientEstimate(name, hypergradient, wt, null, grad.value().item(),
                innerResidual, Double.NaN, steps, null, counter.snapshot(), status, bound, message), strict);
    }

    /** @return true if the step from {@code before} to {@code after} meets the phase's tolerance */
    static boolean converged(InnerPhase phase, BilevelProblem problem, Tensor before, Tensor after) {
        if (!phase.budget().hasTolerance()) {
            return false;
        }
        Tensor w0 = phase.solver().inner(problem, before);
        Tensor w1 = phase.solver().inner(problem, after);
        double scale = Math.max(w0.normValue(), w1.normValue());
        return w1.sub(w0).normValue() <= phase.budget().threshold(scale);
    }
}
