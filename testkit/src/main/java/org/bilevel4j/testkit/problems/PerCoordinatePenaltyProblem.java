package org.bilevel4j.testkit.problems;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;

/**
 * An optimization-form test problem whose outer variable is one penalty per feature, λ ∈ [λ_lo, λ_hi]^p
 * (ridge and logistic regression with a per-coordinate ℓ₂ penalty); λ is sampled uniformly from the box.
 */
abstract class PerCoordinatePenaltyProblem extends OptimizationTestProblem {
    /** Number of features, the dimension of both w and λ. */
    protected final int p;
    /** λ_lo, positive. */
    protected final double low;
    /** λ_hi. */
    protected final double high;

    /**
     * @param kind    the problem's short name, e.g. {@code "ridge"}
     * @param backend backend
     * @param samples rows of X and X'
     * @param p       features (= dimension of w and λ)
     * @param low     λ_lo &gt; 0
     * @param high    λ_hi ≥ λ_lo
     */
    PerCoordinatePenaltyProblem(String kind, Backend backend, int samples, int p, double low, double high) {
        super(kind + "(n=" + samples + ",p=" + p + ",lambda in [" + low + "," + high + "])", backend);
        if (!(low > 0 && high >= low)) {
            throw new IllegalArgumentException("low, high: expected 0 < low <= high, got " + low + ", " + high);
        }
        this.p = p;
        this.low = low;
        this.high = high;
    }

    @Override
    public Tensor sampleOuter(SplittableRandom rng) {
        return uniformOuter(rng, p, low, high);
    }
}
