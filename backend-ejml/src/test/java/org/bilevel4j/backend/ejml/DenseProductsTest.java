package org.bilevel4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReferenceKernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The matrix–vector kernels of {@link DenseProducts}: bitwise equal to the textbook loop (each output a sum in the
 * order of the inner index, in float64) for every split into parts, hence deterministic whatever the number of
 * threads; and, through {@link EjmlKernels#matmul}, bitwise equal to {@link ReferenceKernels} for every placement
 * of the vector and every transpose flag, on both sides of the multi-threading threshold.
 */
class DenseProductsTest {

    /** Row × column sizes: empty, tiny, odd remainders of the 4-row and 8-column blocks, and above the threshold. */
    private static final int[][] SIZES = {
        {0, 5}, {5, 0}, {1, 1}, {3, 7}, {5, 1}, {1, 9}, {37, 29}, {6, 4099}, {700, 190}, {190, 700}, {2, 70_001},
    };

    private static double[] gaussian(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static double[] textbookTimes(double[] m, int rows, int cols, double[] x) {
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += m[i * cols + j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    private static double[] textbookTransposeTimes(double[] m, int rows, int cols, double[] x) {
        double[] y = new double[cols];
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s += m[i * cols + j] * x[i];
            }
            y[j] = s;
        }
        return y;
    }

    @Test
    void float64ProductsAreBitwiseTheTextbookLoopForEverySplit() {
        SplittableRandom r = new SplittableRandom(11);
        for (int[] s : SIZES) {
            int rows = s[0];
            int cols = s[1];
            double[] m = gaussian(r, rows * cols);
            double[] x = gaussian(r, cols);
            double[] v = gaussian(r, rows);
            double[] expected = textbookTimes(m, rows, cols, x);
            double[] expectedT = textbookTransposeTimes(m, rows, cols, v);
            for (int parts = 1; parts <= 5; parts++) {
                String what = rows + "x" + cols + " in " + parts + " parts";
                assertArrayEquals(expected, DenseProducts.times(m, rows, cols, x, parts), 0.0, "M x " + what);
                assertArrayEquals(expectedT, DenseProducts.transposeTimes(m, rows, cols, v, parts), 0.0,
                        "Mᵀ v " + what);
            }
        }
    }

    @Test
    void float32ProductsAreTheFloat64SumRoundedOnceForEverySplit() {
        SplittableRandom r = new SplittableRandom(12);
        for (int[] s : SIZES) {
            int rows = s[0];
            int cols = s[1];
            float[] m = toFloats(gaussian(r, rows * cols));
            float[] x = toFloats(gaussian(r, cols));
            float[] v = toFloats(gaussian(r, rows));
            float[] expected = toFloats(textbookTimes(toDoubles(m), rows, cols, toDoubles(x)));
            float[] expectedT = toFloats(textbookTransposeTimes(toDoubles(m), rows, cols, toDoubles(v)));
            for (int parts = 1; parts <= 5; parts++) {
                String what = rows + "x" + cols + " in " + parts + " parts";
                assertArrayEquals(expected, DenseProducts.times(m, rows, cols, x, parts), 0.0f, "M x " + what);
                assertArrayEquals(expectedT, DenseProducts.transposeTimes(m, rows, cols, v, parts), 0.0f,
                        "Mᵀ v " + what);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulWithAVectorIsBitwiseTheReferenceForEveryTransposeFlag(DType dt) {
        SplittableRandom r = new SplittableRandom(13 + dt.ordinal());
        // (m, k, n) with m = 1 or n = 1; the large ones read over PARALLEL_ELEMENTS elements
        int[][] mkn = {{1, 1, 1}, {1, 7, 1}, {5, 3, 1}, {1, 3, 5}, {2100, 1000, 1}, {1, 1000, 2100}, {1, 300_000, 1},
            {700, 300, 1}, {1, 300, 700}};
        assertTrue(2100L * 1000 >= DenseProducts.PARALLEL_ELEMENTS, "2100 x 1000 must reach the threshold");
        assertMatmulIsBitwiseTheReference(mkn, dt, r);
    }

    @Test
    void skinnyFloat64ProductsAreBitwiseTheReferenceForEveryTransposeFlag() {
        SplittableRandom r = new SplittableRandom(14);
        // (m, k, n): few columns, few rows, both odd and even counts, up to SKINNY, below and above the thresholds
        int[][] mkn = {{2, 3, 2}, {40, 30, 3}, {3, 30, 40}, {1001, 300, 2}, {2, 300, 1001}, {701, 190, 10},
            {10, 190, 701}, {333, 257, EjmlKernels.SKINNY}, {EjmlKernels.SKINNY, 257, 333}, {5, 9000, 7}};
        assertMatmulIsBitwiseTheReference(mkn, DType.FLOAT64, r);
    }

    @Test
    void skinnyKernelsAreBitwiseTheTextbookLoopForEverySplit() {
        SplittableRandom r = new SplittableRandom(15);
        for (int[] sz : new int[][] {{0, 4}, {7, 9}, {37, 29}, {601, 300}, {6, 5000}}) {
            int rows = sz[0];
            int cols = sz[1];
            for (int s : new int[] {2, 3, 10}) {
                double[] m = gaussian(r, rows * cols);
                double[] v = gaussian(r, s * cols);
                double[] g = gaussian(r, rows * s);
                double[] expected = new double[rows * s];
                double[] expectedT = new double[cols * s];
                for (int c = 0; c < s; c++) {
                    double[] vc = java.util.Arrays.copyOfRange(v, c * cols, (c + 1) * cols);
                    double[] gc = new double[rows];
                    for (int i = 0; i < rows; i++) {
                        gc[i] = g[i * s + c];
                    }
                    double[] y = textbookTimes(m, rows, cols, vc);
                    double[] yt = textbookTransposeTimes(m, rows, cols, gc);
                    for (int i = 0; i < rows; i++) {
                        expected[i * s + c] = y[i];
                    }
                    for (int j = 0; j < cols; j++) {
                        expectedT[j * s + c] = yt[j];
                    }
                }
                for (int parts = 1; parts <= 3; parts++) {
                    String what = rows + "x" + cols + ", " + s + " vectors, " + parts + " parts";
                    assertArrayEquals(expected, DenseProducts.timesMany(m, rows, cols, v, s, parts), 0.0,
                            "M V " + what);
                    assertArrayEquals(expectedT, DenseProducts.transposeTimesMany(m, rows, cols, g, s, parts), 0.0,
                            "Mᵀ G " + what);
                }
            }
        }
    }

    @Test
    void generalProductsAreBitwiseTheTextbookLoopForEverySplit() {
        // textbook: s += a b in the order of the inner index; with the SIMD kernels, s = fma(a, b, s) in that order
        SplittableRandom r = new SplittableRandom(16);
        // (m, k, n): remainders of the 4-term steps, depths and widths across the cache blocks, empty factors
        int[][] mkn = {{1, 1, 1}, {3, 5, 7}, {9, 4, 9}, {8, 6, 16}, {7, 9, 13}, {5, DenseProducts.PRODUCT_DEPTH + 3, 6},
            {6, 2 * DenseProducts.PRODUCT_DEPTH + 1, DenseProducts.PRODUCT_COLUMNS + 5}, {70, 301, 90}, {0, 3, 4},
            {4, 0, 3}};
        for (int[] d : mkn) {
            int m = d[0];
            int k = d[1];
            int n = d[2];
            double[] a = gaussian(r, m * k);
            double[] b = gaussian(r, k * n);
            double[] expected = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) {
                        // the SIMD kernel's sums are fused multiply-adds, in the same order
                        s = Simd.ENABLED ? Math.fma(a[i * k + q], b[q * n + j], s) : s + a[i * k + q] * b[q * n + j];
                    }
                    expected[i * n + j] = s;
                }
            }
            for (int parts = 1; parts <= 5; parts++) {
                assertArrayEquals(expected, DenseProducts.matrixTimes(a, m, k, b, n, parts), 0.0,
                        "A B, " + m + "x" + k + " by " + k + "x" + n + " in " + parts + " parts");
            }
        }
    }

    @Test
    void generalFloat64ProductsAreBitwiseTheReferenceForEveryTransposeFlag() {
        SplittableRandom r = new SplittableRandom(17);
        // (m, k, n) on both sides of GENERAL_MULTIPLY_ADDS, above PARALLEL_ELEMENTS, and not multiples of the blocks
        int[][] mkn = {{40, 50, 60}, {65, 70, 66}, {130, 150, 20}, {17, 1000, 30}, {300, 40, 530}};
        assertTrue(40L * 50 * 60 < EjmlKernels.GENERAL_MULTIPLY_ADDS, "40 x 50 x 60 must stay on EJML");
        assertTrue(65L * 70 * 66 >= EjmlKernels.GENERAL_MULTIPLY_ADDS, "65 x 70 x 66 must take the general kernel");
        assertMatmulIsBitwiseTheReference(mkn, DType.FLOAT64, r);
    }

    @Test
    void splitCoversEveryIndexOnceInAlignedRanges() {
        for (int n : new int[] {0, 1, 7, 8, 9, 100, 1001}) {
            for (int parts = 1; parts <= 6; parts++) {
                for (int align : new int[] {1, 4, 8}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    List<int[]> ranges = java.util.Collections.synchronizedList(new ArrayList<>());
                    DenseProducts.split(n, parts, align, (from, to) -> {
                        ranges.add(new int[] {from, to});
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                        return 0;
                    });
                    String what = "n=" + n + " parts=" + parts + " align=" + align;
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), what + ": index " + i + " visited");
                    }
                    for (int[] rg : ranges) {
                        assertTrue(rg[0] % align == 0 && (rg[1] % align == 0 || rg[1] == n),
                                what + ": range [" + rg[0] + ", " + rg[1] + ") not aligned");
                    }
                }
            }
        }
    }

    @Test
    void aFailureInAnyPartReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing = 0; failing < 3; failing++) {
            int f = failing;
            RuntimeException e = assertThrows(RuntimeException.class, () -> DenseProducts.split(300, 3, 1,
                    (from, to) -> {
                        if (from == f * 100) {
                            throw boom;
                        }
                        return 0;
                    }), "part " + failing);
            assertTrue(e == boom || e.getCause() == boom, "part " + failing + ": got " + e);
        }
    }

    @Test
    void smallProductsStayOnTheCallersThread() {
        assertEquals(1, DenseProducts.parts(DenseProducts.PARALLEL_ELEMENTS - 1, 1000));
        assertEquals(1, DenseProducts.parts(1L << 30, 1), "one output cannot be split");
        assertEquals(Math.min(DenseProducts.threads(), 1000), DenseProducts.parts(1L << 30, 1000));
    }

    /** For each (m, k, n) and each pair of transpose flags: EJML's matmul equals the reference kernels' bit for bit. */
    private static void assertMatmulIsBitwiseTheReference(int[][] mkn, DType dt, SplittableRandom r) {
        Kernels ejml = new EjmlBackendProvider().create();
        Kernels ref = new ReferenceKernels();
        for (int[] d : mkn) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    Shape as = ta ? Shape.of(d[1], d[0]) : Shape.of(d[0], d[1]);
                    Shape bs = tb ? Shape.of(d[2], d[1]) : Shape.of(d[1], d[2]);
                    double[] a = gaussian(r, as.size());
                    double[] b = gaussian(r, bs.size());
                    Storage got = ejml.matmul(ejml.fromDoubles(a.clone(), as, dt), ta,
                            ejml.fromDoubles(b.clone(), bs, dt), tb);
                    Storage want = Simd.ENABLED && takesGeneralKernel(d[0], d[1], d[2], dt)
                            ? ref.fromDoubles(fusedTextbook(a, ta, b, tb, d[0], d[1], d[2]), Shape.of(d[0], d[2]), dt)
                            : ref.matmul(ref.fromDoubles(a, as, dt), ta, ref.fromDoubles(b, bs, dt), tb);
                    String what = as + (ta ? "ᵀ" : "") + " x " + bs + (tb ? "ᵀ" : "") + " [" + dt + "]";
                    assertEquals(want.shape(), got.shape(), what + ": shape");
                    assertEquals(dt, got.dtype(), what + ": dtype");
                    assertArrayEquals(ref.toDoubles(want), ejml.toDoubles(got), 0.0, what);
                }
            }
        }
    }

    /** Whether {@link EjmlKernels#matmul} sends an m × k by k × n product to {@link DenseProducts#matrixTimes}. */
    private static boolean takesGeneralKernel(int m, int k, int n, DType dt) {
        long mnk = (long) m * n * k;
        boolean vector = (m == 1 || n == 1) && k > 0;
        boolean skinny = Math.min(m, n) <= EjmlKernels.SKINNY && k > 0 && dt == DType.FLOAT64
                && mnk >= EjmlKernels.SKINNY_MULTIPLY_ADDS;
        return !vector && !skinny && dt == DType.FLOAT64 && mnk >= EjmlKernels.GENERAL_MULTIPLY_ADDS;
    }

    /** op(A) op(B), each element the fused multiply-adds s = fma(op(A)_iq, op(B)_qj, s) in the order of q. */
    private static double[] fusedTextbook(double[] a, boolean ta, double[] b, boolean tb, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    double aq = ta ? a[q * m + i] : a[i * k + q];
                    double bq = tb ? b[j * k + q] : b[q * n + j];
                    s = Math.fma(aq, bq, s);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
