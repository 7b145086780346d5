package org.bilevel4j.algorithms.stochastic.masoba;

import java.util.Objects;
import org.bilevel4j.algorithms.stochastic.common.Batch;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Directions;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSchedule;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.api.tensor.Tensor;

/**
 * MA-SOBA, SOBA with a moving average of the outer direction, from Chen, Xiao, Balasubramanian, "Optimal
 * algorithms for stochastic bilevel optimization under relaxed smoothness conditions", arXiv:2306.12067, 2023.
 * Iteration t draws B and J, computes the SOBA directions D at (w_t, v_t, λ_t) (see
 * {@link org.bilevel4j.algorithms.stochastic.soba.Soba}) and sets
 * <pre>
 *   w_{t+1} = w_t − ρ_t D_w,   v_{t+1} = Π_r(v_t − ρ_t D_v),
 *   λ_{t+1} = P(λ_t − γ_t h_t),   h_{t+1} = (1 − θ_t) h_t + θ_t D_λ,
 * </pre>
 * with h₀ = D_λ at the first iteration (so λ moves along the first sampled direction) and Π_r the projection on the
 * ball ‖v‖ ≤ r (r = ∞ by default; the paper's analysis uses a finite r). The outer step follows the average
 * before the current sample enters it (our reading of the paper's algorithm; check the ordering before comparing
 * exact iterates with another implementation); with θ_t = 1 the method is SOBA with a one-step
 * delay on λ. The paper's steps are of order 1/√T with θ of the order of the outer step ratio; its analysis needs
 * only first-order smoothness of f and second-order smoothness of g. v ≈ +[∇²_ww g]⁻¹ ∇_w f (the paper's z, same sign).
 */
public final class MaSoba implements SingleLoopMethod {
    private final StepSizes steps;
    private final StepSchedule averaging;
    private final double adjointRadius;

    /**
     * @param steps         ρ (w), ρ_v (v) and γ (λ)
     * @param averaging     θ_t in (0, 1] (its initial value must be at most 1)
     * @param adjointRadius r &gt; 0, the radius of the ball v is projected on ({@link Double#POSITIVE_INFINITY}: none)
     */
    public MaSoba(StepSizes steps, StepSchedule averaging, double adjointRadius) {
        this.steps = Objects.requireNonNull(steps, "steps");
        this.averaging = Objects.requireNonNull(averaging, "averaging");
        if (averaging.initial() > 1) {
            throw new IllegalArgumentException("averaging: expected a weight θ in (0, 1], got " + averaging.initial());
        }
        if (!(adjointRadius > 0)) {
            throw new IllegalArgumentException("adjointRadius: expected a radius > 0 (or +∞), got " + adjointRadius);
        }
        this.adjointRadius = adjointRadius;
    }

    /**
     * MA-SOBA without the projection of v.
     *
     * @param steps     ρ, ρ_v, γ
     * @param averaging θ_t
     */
    public MaSoba(StepSizes steps, StepSchedule averaging) {
        this(steps, averaging, Double.POSITIVE_INFINITY);
    }

    @Override
    public String name() {
        return "MA-SOBA(ρ=" + steps.inner() + ", ρv=" + steps.adjoint() + ", γ=" + steps.outer() + ", θ=" + averaging
                + (Double.isInfinite(adjointRadius) ? "" : ", r=" + adjointRadius) + ")";
    }

    @Override
    public Iteration start(Context context) {
        return new Iteration() {
            private BilevelState state = context.initial();
            private Tensor average;

            @Override
            public BilevelState state() {
                return state;
            }

            @Override
            public BilevelState step(long t, Batch inner, Batch outer) {
                Directions d = context.oracles().directions(state, inner.indices(), outer.indices());
                if (average == null) {
                    average = d.outer();
                }
                Tensor w = state.inner().sub(d.inner().mul(steps.inner().at(t)));
                Tensor v = state.adjoint().sub(d.adjoint().mul(steps.adjoint().at(t)));
                if (Double.isFinite(adjointRadius)) {
                    double norm = v.normValue();
                    if (norm > adjointRadius) {
                        v = v.mul(adjointRadius / norm);
                    }
                }
                Tensor l = context.projection().project(state.outer().sub(average.mul(steps.outer().at(t))));
                double theta = averaging.at(t);
                average = average.mul(1 - theta).add(d.outer().mul(theta));
                state = new BilevelState(w, v, l);
                return state;
            }
        };
    }
}
