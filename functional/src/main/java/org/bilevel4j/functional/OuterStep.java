package org.bilevel4j.functional;

import java.util.Locale;
import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.Status;

/**
 * What one outer step of an {@link OuterStepMethod} did: the losses of the functional problem at the step's outer
 * iterate, its wall time and its oracle calls, in the same units for every method (FuncID, FuncID linear, AID,
 * ITD, the DFIV-style closed-form heads, the penalty methods), so that an experiment can log and compare them
 * uniformly.
 *
 * @param method     the method's name
 * @param iteration  n, counted from 0 (the step that maps w_n to w_{n+1})
 * @param outerLoss  L̂_out(w_n, ĥ) = Σⱼ qⱼ l_out(w_n, ĥ(x̃ⱼ), x̃ⱼ, ỹⱼ) on the step's outer batch, with ĥ the inner
 *                   estimate after this step's inner phase (no regulariser; NaN when DIVERGED)
 * @param innerLoss  L̂_in(w_n, ĥ) = Σᵢ pᵢ l_in(w_n, ĥ(xᵢ), xᵢ, yᵢ) on the step's (last) inner batch (no
 *                   regulariser; NaN when DIVERGED)
 * @param nanos      the step's wall time in nanoseconds
 * @param counts     the step's oracle calls
 * @param status     the status of the step's gradient (CONVERGED when every sub-solver met its tolerance or is a
 *                   closed form, BUDGET_EXHAUSTED after fixed budgets, DIVERGED on a non-finite value: then the
 *                   outer iterate was not updated)
 * @param message    what happened, in words
 */
public record OuterStep(String method, int iteration, double outerLoss, double innerLoss, long nanos, Counts counts,
        Status status, String message) {

    /** Validates the components. */
    public OuterStep {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration: expected n ≥ 0, got " + iteration);
        }
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: expected a duration ≥ 0, got " + nanos);
        }
    }

    /** @return the wall time in seconds */
    public double seconds() {
        return nanos * 1e-9;
    }

    /**
     * Oracle calls of one outer step, in units shared by all methods.
     *
     * @param innerGradients           gradients of an inner objective in the inner model's parameters θ (InnerOpt
     *                                 steps, AID/ITD inner-map evaluations, DFIV stage-1 steps, the value-function
     *                                 penalty's inner loop and joint steps)
     * @param adjointGradients         gradients of FuncID's adjoint loss in the adjoint network's parameters
     * @param outputHessianProducts    Hessian-vector products ∂²_v l_in · a in the prediction space (d_v per row;
     *                                 FuncID's)
     * @param parameterHessianProducts second-order products in parameter space (θ-sized: AID's and ITD's
     *                                 vector-Jacobian products of the inner gradient step, the gradient penalty's
     *                                 double back-propagation)
     * @param outerGradients           gradients of an outer objective (∂_v l_out, ∂_w l_out, a stage-2 loss, a
     *                                 penalised objective's outer part)
     */
    public record Counts(long innerGradients, long adjointGradients, long outputHessianProducts,
            long parameterHessianProducts, long outerGradients) {

        /** No call. */
        public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

        /** Validates: every count ≥ 0. */
        public Counts {
            if (innerGradients < 0 || adjointGradients < 0 || outputHessianProducts < 0
                    || parameterHessianProducts < 0 || outerGradients < 0) {
                throw new IllegalArgumentException("counts: expected non-negative counts, got " + innerGradients
                        + ", " + adjointGradients + ", " + outputHessianProducts + ", " + parameterHessianProducts
                        + ", " + outerGradients);
            }
        }

        /** @param o other counts @return the element-wise sum */
        public Counts plus(Counts o) {
            return new Counts(innerGradients + o.innerGradients, adjointGradients + o.adjointGradients,
                    outputHessianProducts + o.outputHessianProducts,
                    parameterHessianProducts + o.parameterHessianProducts, outerGradients + o.outerGradients);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s step %d: %s, L_out %.6e, L_in %.6e, %.3f ms, %s; %s", method, iteration,
                status, outerLoss, innerLoss, nanos * 1e-6, counts, message);
    }
}
