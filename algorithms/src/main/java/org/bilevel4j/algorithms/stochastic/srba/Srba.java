package org.bilevel4j.algorithms.stochastic.srba;

import java.util.Objects;
import org.bilevel4j.algorithms.stochastic.common.Batch;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Directions;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;

/**
 * SRBA, the Stochastic Recursive Bilevel Algorithm of Dagréou, Moreau, Vaiter, Ablin, "A Lower Bound and a
 * Near-Optimal Algorithm for Bilevel Empirical Risk Minimization", AISTATS 2024: SARAH/SPIDER-style recursive
 * directions with a periodic full-batch restart.
 * <pre>
 *   every q-th iteration (t ≡ 0 mod q):  D_t = D(w_t, v_t, λ_t)                          (full batch, n + m samples)
 *   otherwise, with the drawn B, J:      D_t = D^{B,J}(w_t, v_t, λ_t) − D^{B,J}(w_{t−1}, v_{t−1}, λ_{t−1}) + D_{t−1}
 *   w_{t+1} = w_t − ρ_t D_{t,w},   v_{t+1} = v_t − ρ_t D_{t,v},   λ_{t+1} = P(λ_t − γ_t D_{t,λ})
 * </pre>
 * where D^{B,J} are the SOBA directions ({@link org.bilevel4j.algorithms.stochastic.soba.Soba}) and the same
 * samples B, J are evaluated at the current and the previous iterate (two fused inner calls and two outer
 * gradients per iteration). v ≈ +[∇²_ww g]⁻¹ ∇_w f (the paper's v is −v). The period is
 * q = max(1, ⌊φ·(n + m)/(b_g + b_f)⌋) for the period fraction φ: between two restarts the stochastic
 * iterations draw about φ·(n + m) samples (the implementation of the paper's benchmark uses
 * ⌊φ·(n + m)/b⌋ with one batch size b, φ = 1/2 by default). The paper's theory uses constant steps
 * proportional to (n + m)^{-1/2} and proves the near-optimal oracle complexity O((n + m)^{1/2} ε⁻¹).
 */
public final class Srba implements SingleLoopMethod {
    private final StepSizes steps;
    private final double periodFraction;

    /**
     * @param steps          ρ, ρ_v, γ (constant in the paper's theory)
     * @param periodFraction φ in (0, ∞), finite: the restart period as a fraction of n + m
     */
    public Srba(StepSizes steps, double periodFraction) {
        this.steps = Objects.requireNonNull(steps, "steps");
        if (!(periodFraction > 0) || !Double.isFinite(periodFraction)) {
            throw new IllegalArgumentException("periodFraction: expected a finite fraction of n + m in (0, ∞), got "
                    + periodFraction);
        }
        this.periodFraction = periodFraction;
    }

    /**
     * @param periodFraction φ
     * @param n              inner samples
     * @param m              outer samples
     * @param innerBatch     b_g
     * @param outerBatch     b_f
     * @return the restart period q in iterations
     */
    public static long period(double periodFraction, int n, int m, int innerBatch, int outerBatch) {
        return Math.max(1L, (long) Math.floor(periodFraction * ((double) n + m) / ((double) innerBatch + outerBatch)));
    }

    @Override
    public String name() {
        return "SRBA(ρ=" + steps.inner() + ", ρv=" + steps.adjoint() + ", γ=" + steps.outer() + ", period="
                + periodFraction + "·(n+m))";
    }

    @Override
    public Iteration start(Context context) {
        long q = period(periodFraction, context.samplers().inner().sampleCount(),
                context.samplers().outer().sampleCount(), context.samplers().inner().batchSize(),
                context.samplers().outer().batchSize());
        StochasticOracles oracles = context.oracles();
        return new Iteration() {
            private BilevelState state = context.initial();
            private BilevelState previous;
            private Directions direction;

            @Override
            public BilevelState state() {
                return state;
            }

            @Override
            public BilevelState step(long t, Batch inner, Batch outer) {
                if (t % q == 0 || direction == null) {
                    direction = oracles.fullBatchDirections(state);
                } else {
                    Directions now = oracles.directions(state, inner.indices(), outer.indices());
                    Directions before = oracles.directions(previous, inner.indices(), outer.indices());
                    direction = now.minus(before).plus(direction);
                }
                previous = state;
                state = state.descend(direction, steps.inner().at(t), steps.adjoint().at(t), steps.outer().at(t),
                        context.projection());
                return state;
            }
        };
    }
}
