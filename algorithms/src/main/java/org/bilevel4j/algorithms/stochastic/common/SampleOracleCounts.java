package org.bilevel4j.algorithms.stochastic.common;

/**
 * Oracle calls of a stochastic run in per-sample units, the unit of the complexity results: an oracle on a batch of
 * b samples counts b (a full-batch call counts n or m).
 *
 * @param innerGradients         per-sample gradients ∇_w gᵢ
 * @param hessianVectorProducts  per-sample Hessian-vector products ∇²_ww gᵢ·v
 * @param crossProducts          per-sample cross products ∇²_λw gᵢ·v
 * @param outerGradients         per-sample outer gradients (∇_w fⱼ, ∇_λ fⱼ), both partials from one pass
 *                               counted once
 */
public record SampleOracleCounts(long innerGradients, long hessianVectorProducts, long crossProducts,
        long outerGradients) {

    /** No call. */
    public static final SampleOracleCounts ZERO = new SampleOracleCounts(0, 0, 0, 0);

    /** @return the sum of the four counts */
    public long total() {
        return innerGradients + hessianVectorProducts + crossProducts + outerGradients;
    }

    /**
     * @param other other counts
     * @return the element-wise sum
     */
    public SampleOracleCounts plus(SampleOracleCounts other) {
        return new SampleOracleCounts(innerGradients + other.innerGradients,
                hessianVectorProducts + other.hessianVectorProducts, crossProducts + other.crossProducts,
                outerGradients + other.outerGradients);
    }

    @Override
    public String toString() {
        return "innerGrads=" + innerGradients + " hvps=" + hessianVectorProducts + " cross=" + crossProducts
                + " outerGrads=" + outerGradients;
    }
}
