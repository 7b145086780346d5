package org.bilevel4j.algorithms.stochastic.saba;

import java.util.Objects;
import org.bilevel4j.algorithms.stochastic.common.Batch;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Directions;
import org.bilevel4j.algorithms.stochastic.common.Sampler;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * SABA, the Stochastic Average Bilevel Algorithm of Dagréou, Ablin, Vaiter, Moreau, "A framework for bilevel
 * optimization that enables stochastic and global variance reduction algorithms", NeurIPS 2022: SAGA applied to
 * each of the five oracle quantities of the directions, one memory table per sum.
 *
 * <p>The samples of each sum are cut into fixed blocks (the batches of {@link Sampler#uniformBlocks}; batch size 1
 * gives the paper's per-sample memory). For a quantity φ with blocks k = 1..K of weights p_k = |B_k|/n, memory
 * M_k and mean M̄ = Σ_k p_k M_k, iteration t draws a block k uniformly, evaluates φ_k at (w_t, v_t, λ_t) and
 * uses the SAGA estimate
 * <pre>
 *   φ̂ = K p_k (φ_k − M_k) + M̄,   then   M̄ ← M̄ + p_k (φ_k − M_k),   M_k ← φ_k,
 * </pre>
 * which is unbiased for Σ_k p_k φ_k (K p_k = 1 for equal blocks). The inner table holds, per block,
 * (∇_w g_B, ∇²_ww g_B·v, ∇²_λw g_B·v); the outer table (∇_w f_J, ∇_λ f_J). Then
 * <pre>
 *   D_w = ∇̂_w g,   D_v = (∇²_ww g·v)^ − ∇̂_w f,   D_λ = ∇̂_λ f − (∇²_λw g·v)^
 *   w_{t+1} = w_t − ρ_t D_w,   v_{t+1} = v_t − ρ_t D_v,   λ_{t+1} = P(λ_t − γ_t D_λ)
 * </pre>
 * with v ≈ +[∇²_ww g]⁻¹ ∇_w f (the paper's v is −v). The paper proves O(1/T) convergence with constant
 * steps and a sample complexity O((n + m)^{2/3} ε⁻¹).
 *
 * <p>Memory: the tables are flat {@code double[]} arrays, K_g·(2d_w + d_λ) + K_f·(d_w + d_λ) numbers
 * (8 bytes each) for K_g = ⌈n/b_g⌉ inner and K_f = ⌈m/b_f⌉ outer blocks, plus the five means: O((n + m)·dim)
 * at batch size 1; no per-sample tensor objects. The memory starts at zero ({@link MemoryInit#ZERO}, the estimate is
 * unbiased from the first step) or at the values of every block at the initial point ({@link MemoryInit#FULL}, one
 * full pass counted in the oracle budget).
 */
public final class Saba implements SingleLoopMethod {

    /** How the memory tables start. */
    public enum MemoryInit {
        /** All tables and means zero. */
        ZERO,
        /** One pass over all blocks at the initial point (costs n + m per-sample calls per oracle kind). */
        FULL
    }

    private final StepSizes steps;
    private final MemoryInit init;

    /**
     * @param steps ρ, ρ_v, γ (constant in the paper's theory)
     * @param init  how the memory starts
     */
    public Saba(StepSizes steps, MemoryInit init) {
        this.steps = Objects.requireNonNull(steps, "steps");
        this.init = Objects.requireNonNull(init, "init");
    }

    /** @param steps ρ, ρ_v, γ; the memory starts at zero */
    public Saba(StepSizes steps) {
        this(steps, MemoryInit.ZERO);
    }

    @Override
    public String name() {
        return "SABA(ρ=" + steps.inner() + ", ρv=" + steps.adjoint() + ", γ=" + steps.outer() + ", memory="
                + init.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /**
     * @param innerBlocks K_g
     * @param outerBlocks K_f
     * @param innerSize   d_w
     * @param outerSize   d_λ
     * @return the number of doubles in the two tables (the means excluded)
     */
    public static long tableLength(int innerBlocks, int outerBlocks, int innerSize, int outerSize) {
        return (long) innerBlocks * (2L * innerSize + outerSize) + (long) outerBlocks * (innerSize + outerSize);
    }

    @Override
    public SabaIteration start(Context context) {
        Sampler in = context.samplers().inner();
        Sampler out = context.samplers().outer();
        if (in.blockCount() == 0 || out.blockCount() == 0) {
            throw new IllegalArgumentException("sampling: SABA keeps one memory row per fixed block and needs a "
                    + "block sampler (UNIFORM_BLOCKS or FULL_BATCH), got inner " + in + ", outer " + out);
        }
        return new SabaIteration(context, in, out);
    }

    /** The run state of SABA: the iterate and the two flat memory tables. */
    public final class SabaIteration implements Iteration {
        private final Context context;
        private final int dw;
        private final int dl;
        private final int innerRow;
        private final int outerRow;
        private final int n;
        private final int m;
        private final int innerBlocks;
        private final int outerBlocks;
        private final double[] innerTable;
        private final double[] outerTable;
        private final double[] innerMean;
        private final double[] outerMean;
        private final Backend backend;
        private final DType dtype;
        private final Shape innerShape;
        private final Shape outerShape;
        private BilevelState state;

        private SabaIteration(Context context, Sampler in, Sampler out) {
            this.context = context;
            this.state = context.initial();
            this.innerShape = state.inner().shape();
            this.outerShape = state.outer().shape();
            this.dw = state.inner().size();
            this.dl = state.outer().size();
            this.innerRow = 2 * dw + dl;
            this.outerRow = dw + dl;
            this.n = in.sampleCount();
            this.m = out.sampleCount();
            this.innerBlocks = in.blockCount();
            this.outerBlocks = out.blockCount();
            this.innerTable = new double[Math.multiplyExact(innerBlocks, innerRow)];
            this.outerTable = new double[Math.multiplyExact(outerBlocks, outerRow)];
            this.innerMean = new double[innerRow];
            this.outerMean = new double[outerRow];
            this.backend = state.outer().backend();
            this.dtype = state.outer().dtype();
            if (init == MemoryInit.FULL) {
                for (int k = 0; k < innerBlocks; k++) {
                    int[] idx = in.block(k);
                    storeInner(k, innerValues(idx), (double) idx.length / n);
                }
                for (int k = 0; k < outerBlocks; k++) {
                    int[] idx = out.block(k);
                    storeOuter(k, outerValues(idx), (double) idx.length / m);
                }
            }
        }

        @Override
        public BilevelState state() {
            return state;
        }

        /** @return the number of doubles held by the two tables, K_g·(2d_w + d_λ) + K_f·(d_w + d_λ) */
        public long tableLength() {
            return (long) innerTable.length + outerTable.length;
        }

        @Override
        public BilevelState step(long t, Batch inner, Batch outer) {
            requireBlock("inner", inner, innerBlocks);
            requireBlock("outer", outer, outerBlocks);
            double pIn = (double) inner.size() / n;
            double pOut = (double) outer.size() / m;
            double[] phiIn = innerValues(inner.indices());
            double[] phiOut = outerValues(outer.indices());
            double[] estIn = estimate(innerTable, innerMean, inner.block(), innerRow, phiIn, innerBlocks * pIn);
            double[] estOut = estimate(outerTable, outerMean, outer.block(), outerRow, phiOut, outerBlocks * pOut);
            storeInner(inner.block(), phiIn, pIn);
            storeOuter(outer.block(), phiOut, pOut);
            double[] dv = new double[dw];
            double[] dlam = new double[dl];
            for (int i = 0; i < dw; i++) {
                dv[i] = estIn[dw + i] - estOut[i];
            }
            for (int i = 0; i < dl; i++) {
                dlam[i] = estOut[dw + i] - estIn[2 * dw + i];
            }
            double[] dwv = java.util.Arrays.copyOf(estIn, dw);
            Directions d = new Directions(backend.fromArray(dwv, innerShape, dtype),
                    backend.fromArray(dv, innerShape, dtype), backend.fromArray(dlam, outerShape, dtype));
            state = state.descend(d, steps.inner().at(t), steps.adjoint().at(t), steps.outer().at(t),
                    context.projection());
            return state;
        }

        private double[] innerValues(int[] idx) {
            SecondOrderProducts p = context.oracles().inner(state.inner(), state.adjoint(), state.outer(), idx);
            double[] row = new double[innerRow];
            System.arraycopy(p.gradient().toDoubleArray(), 0, row, 0, dw);
            System.arraycopy(p.hessianVector().toDoubleArray(), 0, row, dw, dw);
            System.arraycopy(p.crossVector().toDoubleArray(), 0, row, 2 * dw, dl);
            return row;
        }

        private double[] outerValues(int[] idx) {
            PartialGradients g = context.oracles().outer(state.inner(), state.outer(), idx);
            double[] row = new double[outerRow];
            System.arraycopy(g.inner().toDoubleArray(), 0, row, 0, dw);
            System.arraycopy(g.outer().toDoubleArray(), 0, row, dw, dl);
            return row;
        }

        private void storeInner(int k, double[] phi, double p) {
            store(innerTable, innerMean, k, innerRow, phi, p);
        }

        private void storeOuter(int k, double[] phi, double p) {
            store(outerTable, outerMean, k, outerRow, phi, p);
        }
    }

    private static double[] estimate(double[] table, double[] mean, int k, int row, double[] phi, double scale) {
        double[] est = new double[row];
        int base = k * row;
        for (int i = 0; i < row; i++) {
            est[i] = scale * (phi[i] - table[base + i]) + mean[i];
        }
        return est;
    }

    private static void store(double[] table, double[] mean, int k, int row, double[] phi, double p) {
        int base = k * row;
        for (int i = 0; i < row; i++) {
            mean[i] += p * (phi[i] - table[base + i]);
            table[base + i] = phi[i];
        }
    }

    private static void requireBlock(String name, Batch b, int blocks) {
        if (b.block() < 0 || b.blockCount() != blocks) {
            throw new IllegalArgumentException(name + ": SABA needs a batch that is one of the " + blocks
                    + " fixed blocks of its sampler, got block " + b.block() + " of " + b.blockCount());
        }
    }
}
