package org.bilevel4j.algorithms.diagnostics;

/**
 * How many times each oracle was called to produce a result.
 *
 * @param mapEvaluations evaluations of the inner map Φ(w, λ) (or of an inner solver step; for the
 *                       optimization form each includes one gradient ∇_w g of the inner objective)
 * @param vjps           vector-Jacobian products of Φ (for a gradient-step map, each is one Hessian-vector
 *                       product of the inner objective)
 * @param jvps           Jacobian-vector products of Φ
 * @param hvps           Hessian-vector products of an objective requested directly (none of the deterministic
 *                       estimators does: their second-order products are the VJPs above)
 * @param gradients      gradients of the outer objective E (inner-objective gradients are counted as map
 *                       evaluations)
 */
public record OracleCounts(long mapEvaluations, long vjps, long jvps, long hvps, long gradients) {

    /** No call at all. */
    public static final OracleCounts ZERO = new OracleCounts(0, 0, 0, 0, 0);

    /**
     * @param other counts of another computation
     * @return the element-wise sum
     */
    public OracleCounts plus(OracleCounts other) {
        return new OracleCounts(mapEvaluations + other.mapEvaluations, vjps + other.vjps, jvps + other.jvps,
                hvps + other.hvps, gradients + other.gradients);
    }

    @Override
    public String toString() {
        return "maps=" + mapEvaluations + " vjps=" + vjps + " jvps=" + jvps + " hvps=" + hvps + " grads=" + gradients;
    }
}
