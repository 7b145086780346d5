package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;

/**
 * One step-size schedule per variable group: ρ for the inner variable w, ρ_v for the adjoint v, γ for the
 * outer variable λ. The papers use ρ_v = ρ ("same step size in w and v because same conditioning": both
 * problems have the Hessian ∇²_ww g).
 *
 * @param inner   ρ_t, for w
 * @param adjoint ρ_v,t, for v
 * @param outer   γ_t, for λ
 */
public record StepSizes(StepSchedule inner, StepSchedule adjoint, StepSchedule outer) {

    /** Checks the arguments. */
    public StepSizes {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(adjoint, "adjoint");
        Objects.requireNonNull(outer, "outer");
    }

    /**
     * @param rho   constant ρ &gt; 0 for w and v
     * @param gamma constant γ &gt; 0 for λ
     * @return constant steps
     */
    public static StepSizes constant(double rho, double gamma) {
        return new StepSizes(StepSchedule.constant(rho), StepSchedule.constant(rho), StepSchedule.constant(gamma));
    }

    /**
     * @param rho      ρ₀ &gt; 0 for w and v
     * @param gamma    γ₀ &gt; 0 for λ
     * @param exponent the decay a in [0, 1] of all three groups
     * @return ρ₀/(t + 1)^a and γ₀/(t + 1)^a
     */
    public static StepSizes decreasing(double rho, double gamma, double exponent) {
        StepSchedule r = new StepSchedule(rho, exponent);
        return new StepSizes(r, r, new StepSchedule(gamma, exponent));
    }
}
