package org.bilevel4j.backend.ejml;

import java.util.function.IntBinaryOperator;

/**
 * Matrix–vector products on row-major arrays, multi-threaded above a size threshold: y = M x (one dot product per
 * row of M) and y = Mᵀ x (a weighted sum of the rows of M, without forming Mᵀ).
 *
 * <p><b>Determinism.</b> Every output element is computed by one thread, summing its terms in the order of the
 * inner index, one after the other, in float64: y_i = (…((M_i0 x_0 + M_i1 x_1) + M_i2 x_2) + …). That is the order
 * of the textbook loop, so the results are bitwise those of a sequential triple loop (and of the reference
 * kernels), whatever the number of threads or their scheduling: work is split by fixed ranges of output elements,
 * never by the inner index, and nothing is reduced across threads. Java evaluates {@code a * b + c} as a rounded
 * product and a rounded sum (no fused multiply-add is introduced), on every JIT tier.
 *
 * <p><b>Speed.</b> y = M x processes four rows at a time (four independent sums, sharing each load of x); y = Mᵀ x
 * adds four rows at a time into a block of y that stays in the level-1 cache (a loop the JIT vectorises). Both
 * read M once, so a large product runs at the memory bandwidth, shared by {@link #threads()} threads: the caller
 * and a {@link WorkerTeam} of daemon workers. Products under {@link #PARALLEL_ELEMENTS} elements of M run on the
 * caller's thread alone (handing out work costs microseconds, and waking a parked worker tens of them).
 *
 * <p>Thread-safe: the team is shared by all callers (one product at a time uses it, the others run on their
 * callers' threads); each call writes only its own output array.
 */
final class DenseProducts {
    /** Products that read at least this many elements of M are split across threads. */
    static final long PARALLEL_ELEMENTS = 1L << 17;

    /** Columns of y = Mᵀ x computed together, one block at a time (16 KiB of float64: inside the level-1 cache). */
    static final int COLUMN_BLOCK = 2048;

    /** System property: the number of threads for large products (default: the available processors). */
    static final String THREADS_PROPERTY = "bilevel4j.ejml.threads";

    private DenseProducts() {
    }

    private static final class Pool {
        static final int THREADS = (int) property(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors(), 1);
        static final WorkerTeam TEAM = new WorkerTeam(THREADS - 1,
                1000 * property(WorkerTeam.SPIN_PROPERTY, WorkerTeam.DEFAULT_SPIN_MICROS, 0), "bilevel4j-ejml-");

        /** @return the system property's value, at least {@code min}, or {@code otherwise} when it is not set */
        private static long property(String name, long otherwise, int min) {
            String p = System.getProperty(name);
            if (p == null || p.isBlank()) {
                return otherwise;
            }
            try {
                long v = Long.parseLong(p.trim());
                if (v >= min && v <= Integer.MAX_VALUE) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(name + ": expected an integer from " + min + " to "
                    + Integer.MAX_VALUE + ", got '" + p + "'");
        }
    }

    /** @return how long an idle worker spins before it parks, in nanoseconds */
    static long spinNanos() {
        return Pool.TEAM.spinNanos();
    }

    /** @return the number of threads a large product uses (the caller's included) */
    static int threads() {
        return Pool.THREADS;
    }

    /** @return the parts to split {@code outputs} output elements into, reading {@code elements} elements of M */
    static int parts(long elements, int outputs) {
        if (elements < PARALLEL_ELEMENTS || outputs < 2) {
            return 1;
        }
        return Math.min(threads(), outputs);
    }

    /**
     * Runs {@code work.applyAsInt(from, to)} over {@code parts} consecutive ranges of [0, n), on the calling thread
     * and the {@link WorkerTeam}'s (each thread takes the next range not yet taken), and returns when all are done.
     * Range boundaries are multiples of {@code align} (except n). The first exception of a range is rethrown.
     */
    static void split(int n, int parts, int align, IntBinaryOperator work) {
        int units = (n + align - 1) / align;
        int pieces = Math.min(parts, units);
        if (pieces <= 1) {
            work.applyAsInt(0, n);
            return;
        }
        Pool.TEAM.run(pieces, p -> work.applyAsInt(Math.min(n, (int) ((long) units * p / pieces) * align),
                Math.min(n, (int) ((long) units * (p + 1) / pieces) * align)));
    }

    // ---------------------------------------------------------------- float64

    /**
     * @param m    rows × cols, row-major; not modified
     * @param x    cols values; not modified
     * @param parts how many ranges of rows to compute in parallel (1: on the caller's thread)
     * @return M x, rows values
     */
    static double[] times(double[] m, int rows, int cols, double[] x, int parts) {
        return timesMany(m, rows, cols, x, 1, parts);
    }

    /**
     * @param m    rows × cols, row-major; not modified
     * @param x    rows values; not modified
     * @param parts how many ranges of columns to compute in parallel (1: on the caller's thread)
     * @return Mᵀ x, cols values
     */
    static double[] transposeTimes(double[] m, int rows, int cols, double[] x, int parts) {
        double[] y = new double[cols];
        split(cols, parts, 8, (from, to) -> {
            // each thread sums into a block of its own and copies it to y at the end: summing in y itself, two
            // threads would write into one cache line at the boundary of their ranges after every four rows, and
            // the line would move between their cores each time (at d = 200: about 40% of the product's time)
            double[] acc = new double[Math.min(COLUMN_BLOCK, to - from)];
            for (int c = from; c < to; c += COLUMN_BLOCK) {
                int w = Math.min(to, c + COLUMN_BLOCK) - c;
                java.util.Arrays.fill(acc, 0, w, 0.0);
                transposeTimesBlock(m, rows, cols, x, acc, c, w);
                System.arraycopy(acc, 0, y, c, w);
            }
            return 0;
        });
        return y;
    }

    /** Adds to y[0, w) Mᵀ x restricted to the columns [from, from + w), four rows at a time, each sum in row order. */
    private static void transposeTimesBlock(double[] m, int rows, int cols, double[] x, double[] y, int from,
            int w) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            double x0 = x[r];
            double x1 = x[r + 1];
            double x2 = x[r + 2];
            double x3 = x[r + 3];
            int o0 = r * cols + from;
            int o1 = o0 + cols;
            int o2 = o1 + cols;
            int o3 = o2 + cols;
            for (int j = 0; j < w; j++) {
                y[j] = (((y[j] + m[o0 + j] * x0) + m[o1 + j] * x1) + m[o2 + j] * x2) + m[o3 + j] * x3;
            }
        }
        for (; r < rows; r++) {
            double xr = x[r];
            int o = r * cols + from;
            for (int j = 0; j < w; j++) {
                y[j] += m[o + j] * xr;
            }
        }
    }

    // ---------------------------------------------------------------- float64, several vectors at once

    /**
     * Several products M vᶜ at once (a matrix–matrix product with a skinny right factor).
     *
     * @param m    rows × cols, row-major; not modified
     * @param v    s × cols, row-major: the s vectors as rows; not modified
     * @param parts how many ranges of rows to compute in parallel
     * @return rows × s, row-major: element (i, c) is M_i · vᶜ, summed in the order of the inner index
     */
    static double[] timesMany(double[] m, int rows, int cols, double[] v, int s, int parts) {
        double[] y = new double[rows * s];
        split(rows, parts, 4, (from, to) -> {
            int r = from;
            for (; r + 4 <= to; r += 4) {
                int o0 = r * cols;
                int o1 = o0 + cols;
                int o2 = o1 + cols;
                int o3 = o2 + cols;
                for (int c = 0; c < s; c++) {
                    int oc = c * cols;
                    double s0 = 0;
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    for (int j = 0; j < cols; j++) {
                        double vj = v[oc + j];
                        s0 += m[o0 + j] * vj;
                        s1 += m[o1 + j] * vj;
                        s2 += m[o2 + j] * vj;
                        s3 += m[o3 + j] * vj;
                    }
                    y[r * s + c] = s0;
                    y[(r + 1) * s + c] = s1;
                    y[(r + 2) * s + c] = s2;
                    y[(r + 3) * s + c] = s3;
                }
            }
            for (; r < to; r++) {
                int o = r * cols;
                for (int c = 0; c < s; c++) {
                    int oc = c * cols;
                    double acc = 0;
                    for (int j = 0; j < cols; j++) {
                        acc += m[o + j] * v[oc + j];
                    }
                    y[r * s + c] = acc;
                }
            }
            return 0;
        });
        return y;
    }

    /**
     * Several products Mᵀ gᶜ at once (a matrix–matrix product Mᵀ G with a skinny G), without forming Mᵀ.
     *
     * @param m    rows × cols, row-major; not modified
     * @param g    rows × s, row-major; not modified
     * @param parts how many ranges of columns of M to compute in parallel
     * @return cols × s, row-major: element (j, c) is Σᵢ M_ij g_ic, summed in the order of i
     */
    static double[] transposeTimesMany(double[] m, int rows, int cols, double[] g, int s, int parts) {
        if (s == 1) {
            return transposeTimes(m, rows, cols, g, parts);
        }
        double[] y = new double[cols * s];
        // s accumulator rows of width w stay in the level-1 cache together
        int w = Math.max(8, (COLUMN_BLOCK / s) & ~7);
        split(cols, parts, 8, (from, to) -> {
            double[] acc = new double[s * w];
            for (int c0 = from; c0 < to; c0 += w) {
                int width = Math.min(w, to - c0);
                java.util.Arrays.fill(acc, 0.0);
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    int o0 = r * cols + c0;
                    int o1 = o0 + cols;
                    int o2 = o1 + cols;
                    int o3 = o2 + cols;
                    for (int c = 0; c < s; c++) {
                        double g0 = g[r * s + c];
                        double g1 = g[(r + 1) * s + c];
                        double g2 = g[(r + 2) * s + c];
                        double g3 = g[(r + 3) * s + c];
                        int a = c * w;
                        for (int j = 0; j < width; j++) {
                            acc[a + j] = (((acc[a + j] + m[o0 + j] * g0) + m[o1 + j] * g1) + m[o2 + j] * g2)
                                    + m[o3 + j] * g3;
                        }
                    }
                }
                for (; r < rows; r++) {
                    int o = r * cols + c0;
                    for (int c = 0; c < s; c++) {
                        double gr = g[r * s + c];
                        int a = c * w;
                        for (int j = 0; j < width; j++) {
                            acc[a + j] += m[o + j] * gr;
                        }
                    }
                }
                for (int j = 0; j < width; j++) {
                    for (int c = 0; c < s; c++) {
                        y[(c0 + j) * s + c] = acc[c * w + j];
                    }
                }
            }
            return 0;
        });
        return y;
    }

    /** Rows of B (terms of each sum) taken together by {@link #matrixTimes}: 128 × {@link #PRODUCT_COLUMNS} float64, 512 KiB. */
    static final int PRODUCT_DEPTH = 128;

    /** Columns of B and C taken together by {@link #matrixTimes}: a block of one row of C stays in the level-1 cache. */
    static final int PRODUCT_COLUMNS = 512;

    /**
     * A general matrix product C = A B, row by row of C: C_i· = Σ_k A_ik B_k·, four rows of B at a time into a block
     * of C_i· that stays in the level-1 cache (a loop the JIT vectorises), over blocks of {@link #PRODUCT_DEPTH} rows
     * and {@link #PRODUCT_COLUMNS} columns of B that stay in the level-2 cache while every row of A in the range
     * uses them. Each C_ij is summed in the order of k, so the result is bitwise the textbook triple loop's. With
     * {@link Simd#ENABLED}, the blocks are computed by {@link SimdMatrixProduct} instead: each C_ij is then the
     * sequence of fused multiply-adds in the order of k (bitwise {@code s = Math.fma(a_iq, b_qj, s)} for q = 0, 1, …),
     * about five times faster (512 × 512: 12–14 ms, where the scalar kernel took 59–70 ms; BENCHMARKS.md).
     *
     * @param a    m × k, row-major; not modified
     * @param b    k × n, row-major; not modified
     * @param parts how many ranges of rows of C to compute in parallel
     * @return C, m × n, row-major
     */
    static double[] matrixTimes(double[] a, int m, int k, double[] b, int n, int parts) {
        double[] c = new double[m * n];
        // ranges of rows in multiples of six, the row block of the SIMD kernel: only the last one has leftover rows
        split(m, parts, 6, (from, to) -> {
            double[] packed = Simd.ENABLED
                    ? SimdMatrixProduct.scratch(Math.min(PRODUCT_DEPTH, k), Math.min(PRODUCT_COLUMNS, n)) : null;
            for (int k0 = 0; k0 < k; k0 += PRODUCT_DEPTH) {
                int k1 = Math.min(k, k0 + PRODUCT_DEPTH);
                for (int j0 = 0; j0 < n; j0 += PRODUCT_COLUMNS) {
                    int w = Math.min(n, j0 + PRODUCT_COLUMNS) - j0;
                    if (Simd.ENABLED) {
                        SimdMatrixProduct.addBlock(a, k, b, n, c, from, to, k0, k1, j0, w, packed);
                        continue;
                    }
                    for (int i = from; i < to; i++) {
                        addRowTimesBlock(a, i * k, k0, k1, b, n, j0, w, c, i * n + j0);
                    }
                }
            }
            return 0;
        });
        return c;
    }

    /** c[ci, ci + w) += Σ_{k0 ≤ q < k1} a[ai + q] b[q n + j0, q n + j0 + w), the terms added in the order of q. */
    private static void addRowTimesBlock(double[] a, int ai, int k0, int k1, double[] b, int n, int j0, int w,
            double[] c, int ci) {
        int q = k0;
        for (; q + 4 <= k1; q += 4) {
            double a0 = a[ai + q];
            double a1 = a[ai + q + 1];
            double a2 = a[ai + q + 2];
            double a3 = a[ai + q + 3];
            int b0 = q * n + j0;
            int b1 = b0 + n;
            int b2 = b1 + n;
            int b3 = b2 + n;
            for (int j = 0; j < w; j++) {
                c[ci + j] = (((c[ci + j] + a0 * b[b0 + j]) + a1 * b[b1 + j]) + a2 * b[b2 + j]) + a3 * b[b3 + j];
            }
        }
        for (; q < k1; q++) {
            double aq = a[ai + q];
            int bq = q * n + j0;
            for (int j = 0; j < w; j++) {
                c[ci + j] += aq * b[bq + j];
            }
        }
    }

    /** @return the transpose of a rows × cols row-major array */
    static double[] transposed(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- float32 (float64 sums, rounded once)

    /** As {@link #times(double[], int, int, double[], int)}, on float32 values, each sum in float64. */
    static float[] times(float[] m, int rows, int cols, float[] x, int parts) {
        float[] y = new float[rows];
        split(rows, parts, 4, (from, to) -> {
            for (int r = from; r < to; r++) {
                int o = r * cols;
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    s += (double) m[o + j] * x[j];
                }
                y[r] = (float) s;
            }
            return 0;
        });
        return y;
    }

    /** As {@link #transposeTimes(double[], int, int, double[], int)}, on float32 values, each sum in float64. */
    static float[] transposeTimes(float[] m, int rows, int cols, float[] x, int parts) {
        float[] y = new float[cols];
        split(cols, parts, 8, (from, to) -> {
            double[] acc = new double[Math.min(COLUMN_BLOCK, to - from)];
            for (int c = from; c < to; c += COLUMN_BLOCK) {
                int w = Math.min(to, c + COLUMN_BLOCK) - c;
                java.util.Arrays.fill(acc, 0, w, 0.0);
                for (int r = 0; r < rows; r++) {
                    double xr = x[r];
                    int o = r * cols + c;
                    for (int j = 0; j < w; j++) {
                        acc[j] += m[o + j] * xr;
                    }
                }
                for (int j = 0; j < w; j++) {
                    y[c + j] = (float) acc[j];
                }
            }
            return 0;
        });
        return y;
    }
}
