package org.bilevel4j.functional;

import java.util.Locale;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * One total-gradient estimate of a functional bilevel problem, with diagnostics.
 *
 * @param method             the method and its adjoint ("FuncID", "FuncID-linear", "FuncID-closed-form")
 * @param gradient           g_Exp + g_Imp, shape [d] (zero, not to be used, when DIVERGED)
 * @param explicitPart       g_Exp = ∂_w L̂_out(w, ĥ)
 * @param implicitPart       g_Imp = B̂ â
 * @param innerLossStart     L̂_in at the start of InnerOpt (on its first batch)
 * @param innerLoss          L̂_in at the end of InnerOpt (on its last batch)
 * @param adjointLoss        the empirical adjoint loss of â (on the adjoint's last batches; NaN for the
 *                           batch closed form)
 * @param outerLoss          L̂_out(w, ĥ) on TotalGrad's outer batch
 * @param innerIterations    InnerOpt steps taken
 * @param adjointIterations  AdjointOpt steps taken (0 for closed forms)
 * @param counts             oracle counts
 * @param status             CONVERGED when both InnerOpt and AdjointOpt met their tolerances (closed forms are
 *                           exact), BUDGET_EXHAUSTED when they ran their fixed step counts, DIVERGED on a
 *                           non-finite value
 * @param message            a human-readable summary of the status
 * @param innerParameters    θ of ĥ after InnerOpt
 * @param adjointParameters  ξ of â after AdjointOpt (W flattened for the linear adjoint; null for the closed form)
 */
public record FunctionalGradient(String method, Tensor gradient, Tensor explicitPart, Tensor implicitPart,
        double innerLossStart, double innerLoss, double adjointLoss, double outerLoss, int innerIterations,
        int adjointIterations, Counts counts, Status status, String message, Tensor innerParameters,
        Tensor adjointParameters) {

    /**
     * Oracle counts of one total gradient.
     *
     * @param innerGradients          gradients of L̂_in in θ (InnerOpt)
     * @param adjointGradients        gradients of the adjoint loss in ξ (AdjointOpt)
     * @param outputHessianProducts   output-space Hessian-vector products ∂²_v l_in · a (batched; each is d_v-sized
     *                                per row, never θ-sized)
     * @param outerGradients          gradients ∂_v l_out or ∂_w l_out on a batch
     * @param crossProducts           cross products ∂_{w,v} l_in · a (one per TotalGrad)
     */
    public record Counts(int innerGradients, int adjointGradients, int outputHessianProducts, int outerGradients,
            int crossProducts) {
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %s ‖g‖ = %.4e (‖g_Exp‖ = %.3e, ‖g_Imp‖ = %.3e), L_in %.4e → %.4e in %d "
                + "steps, L_adj %.4e in %d steps, L_out %.4e; %s", method, status, gradient.normValue(),
                explicitPart.normValue(), implicitPart.normValue(), innerLossStart, innerLoss, innerIterations,
                adjointLoss, adjointIterations, outerLoss, message);
    }
}
