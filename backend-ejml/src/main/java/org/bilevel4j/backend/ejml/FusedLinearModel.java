package org.bilevel4j.backend.ejml;

import org.bilevel4j.api.tensor.types.LinearModelLoss;

/**
 * The fused float64 kernels of a linear model's loss, S = Σᵢ φ(aᵢ) with a = c ⊙ (X w) + b: the value with the gradient
 * Xᵀ(c ⊙ φ′(a)), and the Hessian-vector product Xᵀ(c² ⊙ φ″(a) ⊙ X v), each in one pass over X. Four rows at a time, one
 * from each quarter of a chunk (four streams through memory: the kernels ran 4–11% faster at the median than on four
 * consecutive rows), the row dot products are taken (four independent sums sharing each load of w and v), then the
 * rows, still in the level-1 or level-2 cache, are added into the result with their per-sample factors. The composed
 * computation reads X twice (X w, then Xᵀ of the factors), so this saves one of the two reads of a matrix larger than
 * the caches. The row kernels are SIMD ({@link SimdLinearModel}) where {@link Simd#ENABLED}, scalar loops otherwise.
 *
 * <p><b>Determinism.</b> Rows are taken in fixed chunks of {@link #CHUNK_ROWS}; within a chunk every sum is in a fixed
 * order (that of {@code lossChunk}), and the chunks' partial sums are added in chunk order at the end. Chunks, not
 * threads, fix the order, so the results are bitwise the same for any number of threads (they differ from the composed
 * kernels' in the last bits: those sum over all rows in one sequence). A scalar dot product is the textbook sum in
 * column order; a SIMD one is defined in {@link SimdLinearModel}.
 *
 * <p>Thread-safe; arguments are not modified.
 */
final class FusedLinearModel {
    /** Rows per partial sum: the unit of work given to a thread, and the grain of the deterministic reduction. */
    static final int CHUNK_ROWS = 256;

    private FusedLinearModel() {
    }

    /**
     * @param x        n×d, row-major
     * @param w        d values
     * @param c        n values
     * @param b        n values, or null for zero
     * @param gradient whether to compute the gradient
     * @return the value followed, if asked, by the d values of the gradient
     */
    static double[] lossAndGradient(LinearModelLoss loss, double[] x, int n, int d, double[] w, double[] c,
            double[] b, boolean gradient) {
        return lossAndGradient(loss, x, n, d, w, c, b, gradient, parts(n, d));
    }

    /** @param parts how many ranges of chunks to compute in parallel (the result does not depend on it) */
    static double[] lossAndGradient(LinearModelLoss loss, double[] x, int n, int d, double[] w, double[] c,
            double[] b, boolean gradient, int parts) {
        int chunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
        int stride = stride(d);
        double[] values = new double[chunks];
        double[] partial = gradient ? new double[chunks * stride] : null;
        DenseProducts.split(chunks, parts, 1, (from, to) -> {
            for (int k = from; k < to; k++) {
                int r0 = k * CHUNK_ROWS;
                values[k] = lossChunk(loss, x, d, w, c, b, r0, Math.min(n, r0 + CHUNK_ROWS), partial, k * stride);
            }
            return 0;
        });
        double[] out = new double[gradient ? 1 + d : 1];
        for (int k = 0; k < chunks; k++) {
            out[0] += values[k];
        }
        if (gradient) {
            addChunks(partial, chunks, stride, d, out, 1);
        }
        return out;
    }

    /**
     * @param x n×d, row-major
     * @param w the point, d values
     * @param c n values
     * @param b n values, or null for zero
     * @param v the direction, d values
     * @return Xᵀ(c² ⊙ φ″(a) ⊙ X v), d values
     */
    static double[] hvp(LinearModelLoss loss, double[] x, int n, int d, double[] w, double[] c, double[] b,
            double[] v) {
        return hvp(loss, x, n, d, w, c, b, v, parts(n, d));
    }

    /** @param parts how many ranges of chunks to compute in parallel (the result does not depend on it) */
    static double[] hvp(LinearModelLoss loss, double[] x, int n, int d, double[] w, double[] c, double[] b,
            double[] v, int parts) {
        int chunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
        int stride = stride(d);
        double[] partial = new double[chunks * stride];
        DenseProducts.split(chunks, parts, 1, (from, to) -> {
            for (int k = from; k < to; k++) {
                int r0 = k * CHUNK_ROWS;
                hvpChunk(loss, x, d, w, c, b, v, r0, Math.min(n, r0 + CHUNK_ROWS), partial, k * stride);
            }
            return 0;
        });
        double[] out = new double[d];
        addChunks(partial, chunks, stride, d, out, 0);
        return out;
    }

    /** out[at, at + d) += the chunks' partial sums, in chunk order (the order that makes the result deterministic). */
    private static void addChunks(double[] partial, int chunks, int stride, int d, double[] out, int at) {
        for (int k = 0; k < chunks; k++) {
            int o = k * stride;
            for (int j = 0; j < d; j++) {
                out[at + j] += partial[o + j];
            }
        }
    }

    /** @return 1 for a small problem, else every chunk (the threads take them one at a time: a late one takes fewer) */
    private static int parts(int n, int d) {
        int chunks = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
        return DenseProducts.parts((long) n * d, chunks) > 1 ? chunks : 1;
    }

    /**
     * The distance between two chunks' partial sums: d rounded up to a cache line of doubles, plus one line, so
     * that two threads never write into the same cache line (which would move between their cores).
     */
    private static int stride(int d) {
        return (d + 7) / 8 * 8 + 8;
    }

    /**
     * Rows [r0, r1): returns Σ φ(aᵢ) and, if {@code g} is not null, adds Σ cᵢ φ′(aᵢ) xᵢ to g[o, o + d). Rows are
     * taken four at a time, one from each quarter of the range (r, r + h, r + 2h, r + 3h with h = ⌊(r1 − r0)/4⌋),
     * then the (r1 − r0) mod 4 last rows one by one: four streams through memory instead of one, which
     * the hardware reads faster than one stream when X does not fit the caches.
     */
    private static double lossChunk(LinearModelLoss loss, double[] x, int d, double[] w, double[] c, double[] b,
            int r0, int r1, double[] g, int o) {
        double[] z = new double[4];
        double value = 0;
        int h = (r1 - r0) / 4;
        int s = h * d;
        for (int r = r0; r < r0 + h; r++) {
            int o0 = r * d;
            dot4(x, o0, s, d, w, z);
            double a0 = argument(c, b, r, z[0]);
            double a1 = argument(c, b, r + h, z[1]);
            double a2 = argument(c, b, r + 2 * h, z[2]);
            double a3 = argument(c, b, r + 3 * h, z[3]);
            // φ and φ′ share their exponential
            double e0 = exponential(loss, a0);
            double e1 = exponential(loss, a1);
            double e2 = exponential(loss, a2);
            double e3 = exponential(loss, a3);
            value = value + phi(loss, a0, e0) + phi(loss, a1, e1) + phi(loss, a2, e2) + phi(loss, a3, e3);
            if (g != null) {
                addRows4(x, o0, s, d, c[r] * first(loss, a0, e0), c[r + h] * first(loss, a1, e1),
                        c[r + 2 * h] * first(loss, a2, e2), c[r + 3 * h] * first(loss, a3, e3), g, o);
            }
        }
        for (int r = r0 + 4 * h; r < r1; r++) {
            int o0 = r * d;
            double a = argument(c, b, r, dot(x, o0, w, d));
            double e = exponential(loss, a);
            value += phi(loss, a, e);
            if (g != null) {
                addRow(x, o0, d, c[r] * first(loss, a, e), g, o);
            }
        }
        return value;
    }

    /** Rows [r0, r1), in the order of {@link #lossChunk}: adds Σ cᵢ² φ″(aᵢ) (xᵢ·v) xᵢ to g[o, o + d). */
    private static void hvpChunk(LinearModelLoss loss, double[] x, int d, double[] w, double[] c, double[] b,
            double[] v, int r0, int r1, double[] g, int o) {
        double[] z = new double[4];
        double[] q = new double[4];
        int h = (r1 - r0) / 4;
        int s = h * d;
        for (int r = r0; r < r0 + h; r++) {
            int o0 = r * d;
            dot4x2(x, o0, s, d, w, v, z, q);
            addRows4(x, o0, s, d, curvature(loss, c, b, r, z[0]) * q[0],
                    curvature(loss, c, b, r + h, z[1]) * q[1], curvature(loss, c, b, r + 2 * h, z[2]) * q[2],
                    curvature(loss, c, b, r + 3 * h, z[3]) * q[3], g, o);
        }
        for (int r = r0 + 4 * h; r < r1; r++) {
            int o0 = r * d;
            addRow(x, o0, d, curvature(loss, c, b, r, dot(x, o0, w, d)) * dot(x, o0, v, d), g, o);
        }
    }

    // ---------------------------------------------------------------- row kernels: SIMD or scalar

    /** x[o, o + d) · w. */
    private static double dot(double[] x, int o, double[] w, int d) {
        if (Simd.ENABLED) {
            return SimdLinearModel.dot(x, o, w, d);
        }
        double s = 0;
        for (int j = 0; j < d; j++) {
            s += x[o + j] * w[j];
        }
        return s;
    }

    /** z[0, 4) = the dot products with w of the four rows at o0, o0 + s, o0 + 2s, o0 + 3s (s: a multiple of d). */
    private static void dot4(double[] x, int o0, int s, int d, double[] w, double[] z) {
        if (Simd.ENABLED) {
            SimdLinearModel.dot4(x, o0, s, d, w, z);
            return;
        }
        int o1 = o0 + s;
        int o2 = o1 + s;
        int o3 = o2 + s;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int j = 0; j < d; j++) {
            double wj = w[j];
            s0 += x[o0 + j] * wj;
            s1 += x[o1 + j] * wj;
            s2 += x[o2 + j] * wj;
            s3 += x[o3 + j] * wj;
        }
        z[0] = s0;
        z[1] = s1;
        z[2] = s2;
        z[3] = s3;
    }

    /** z[0, 4) and q[0, 4) = the dot products with w and with v of the four rows at o0, o0 + s, …, read once. */
    private static void dot4x2(double[] x, int o0, int s, int d, double[] w, double[] v, double[] z, double[] q) {
        if (Simd.ENABLED) {
            SimdLinearModel.dot4x2(x, o0, s, d, w, v, z, q);
            return;
        }
        dot4(x, o0, s, d, w, z);
        dot4(x, o0, s, d, v, q); // the four rows are in cache now
    }

    /** g[o, o + d) += f x[from, from + d). */
    private static void addRow(double[] x, int from, int d, double f, double[] g, int o) {
        if (Simd.ENABLED) {
            SimdLinearModel.addRow(x, from, d, f, g, o);
            return;
        }
        for (int j = 0; j < d; j++) {
            g[o + j] += x[from + j] * f;
        }
    }

    /** g[o, o + d) += f0 x_r + f1 x_(r+1) + f2 x_(r+2) + f3 x_(r+3), the rows at o0, o0 + s, …, in that order. */
    private static void addRows4(double[] x, int o0, int s, int d, double f0, double f1, double f2, double f3,
            double[] g, int o) {
        if (Simd.ENABLED) {
            SimdLinearModel.addRows4(x, o0, s, d, f0, f1, f2, f3, g, o);
            return;
        }
        int o1 = o0 + s;
        int o2 = o1 + s;
        int o3 = o2 + s;
        for (int j = 0; j < d; j++) {
            g[o + j] = (((g[o + j] + x[o0 + j] * f0) + x[o1 + j] * f1) + x[o2 + j] * f2) + x[o3 + j] * f3;
        }
    }

    private static double argument(double[] c, double[] b, int i, double z) {
        double a = c[i] * z;
        return b == null ? a : a + b[i];
    }

    /** cᵢ² φ″(aᵢ). */
    private static double curvature(LinearModelLoss loss, double[] c, double[] b, int i, double z) {
        double cc = c[i] * c[i];
        return switch (loss) {
            case LOGISTIC -> {
                double s = EjmlKernels.sigmoid(argument(c, b, i, z));
                yield cc * (s * (1 - s));
            }
            case SQUARED -> cc;
        };
    }

    /** e^(−|a|) for the logistic loss (shared by φ and φ′), unused otherwise. */
    private static double exponential(LinearModelLoss loss, double a) {
        return loss == LinearModelLoss.LOGISTIC ? Math.exp(-Math.abs(a)) : 0;
    }

    /** φ(a) given e = {@link #exponential}: the same as {@link EjmlKernels#softplus}, bitwise. */
    private static double phi(LinearModelLoss loss, double a, double e) {
        return switch (loss) {
            case LOGISTIC -> (a > 0 ? a : 0) + EjmlKernels.log1pUnit(e);
            case SQUARED -> 0.5 * (a * a);
        };
    }

    /** φ′(a) given e = {@link #exponential}: the same as {@link EjmlKernels#sigmoid}, bitwise. */
    private static double first(LinearModelLoss loss, double a, double e) {
        return switch (loss) {
            case LOGISTIC -> a >= 0 ? 1 / (1 + e) : e / (1 + e);
            case SQUARED -> a;
        };
    }
}
