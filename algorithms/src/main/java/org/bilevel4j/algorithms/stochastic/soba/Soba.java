package org.bilevel4j.algorithms.stochastic.soba;

import java.util.Objects;
import org.bilevel4j.algorithms.stochastic.common.Batch;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Directions;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;

/**
 * SOBA, the StOchastic Bilevel Algorithm of Dagréou, Ablin, Vaiter, Moreau, "A framework for bilevel optimization
 * that enables stochastic and global variance reduction algorithms", NeurIPS 2022. Iteration t draws an inner batch
 * B and an outer batch J; the same B serves the gradient, the HVP and the cross product (one fused call) and the
 * same J both outer gradients:
 * <pre>
 *   D_w = ∇_w g_B,   D_v = ∇²_ww g_B·v − ∇_w f_J,   D_λ = ∇_λ f_J − ∇²_λw g_B·v     (all at (w_t, v_t, λ_t))
 *   w_{t+1} = w_t − ρ_t D_w,   v_{t+1} = v_t − ρ_t D_v,   λ_{t+1} = P(λ_t − γ_t D_λ)
 * </pre>
 * with v ≈ +[∇²_ww g]⁻¹ ∇_w f (the paper's v is −v). The paper's theory uses ρ_t, γ_t ∝ t^{-1/2};
 * with constant steps SOBA stalls at a variance floor proportional to the steps. Cost per iteration: b inner
 * gradients, HVPs and cross products and b' outer gradients (per-sample units).
 */
public final class Soba implements SingleLoopMethod {
    private final StepSizes steps;

    /** @param steps ρ (w), ρ_v (v) and γ (λ) */
    public Soba(StepSizes steps) {
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** @return the step sizes */
    public StepSizes steps() {
        return steps;
    }

    @Override
    public String name() {
        return "SOBA(ρ=" + steps.inner() + ", ρv=" + steps.adjoint() + ", γ=" + steps.outer() + ")";
    }

    @Override
    public Iteration start(Context context) {
        return new Iteration() {
            private BilevelState state = context.initial();

            @Override
            public BilevelState state() {
                return state;
            }

            @Override
            public BilevelState step(long t, Batch inner, Batch outer) {
                Directions d = context.oracles().directions(state, inner.indices(), outer.indices());
                state = state.descend(d, steps.inner().at(t), steps.adjoint().at(t), steps.outer().at(t),
                        context.projection());
                return state;
            }
        };
    }
}
