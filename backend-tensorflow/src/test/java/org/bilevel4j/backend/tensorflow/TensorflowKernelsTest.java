package org.bilevel4j.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.kernels.CheckedKernels;
import org.bilevel4j.testkit.kernels.KernelExercise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TensorFlow kernels against the scalar reference definitions ({@link UnaryOp#apply}, {@link BinaryOp#apply})
 * and on the edge cases the conformance suite in theory-checks (which compares every kernel with EJML) does not
 * reach: infinities in log-sum-exp, singular solves, empty tensors, concurrency.
 */
class TensorflowKernelsTest {
    static final TensorflowKernels K = SharedKernels.get();

    private static Storage vec(DType t, double... v) {
        return K.fromDoubles(v.clone(), Shape.of(v.length), t);
    }

    private static void assertClose(double expected, double actual, double tol, String what) {
        boolean ok = expected == actual || Math.abs(expected - actual) <= tol * Math.max(Math.abs(expected), 1e-300)
                || (Double.isNaN(expected) && Double.isNaN(actual));
        assertTrue(ok, () -> what + ": expected " + expected + ", got " + actual);
    }

    /** Points in each function's domain, with tiny, large and extreme arguments. */
    private static double[] points(UnaryOp op) {
        SplittableRandom rng = new SplittableRandom(7);
        double[] x = new double[400];
        for (int i = 0; i < x.length; i++) {
            double u = rng.nextDouble(-30, 30);
            x[i] = switch (i % 5) {
                case 0 -> u * 1e-12;
                case 1 -> u * 1e-6;
                case 2 -> u * 1e-2;
                default -> u;
            };
            if (op == UnaryOp.LOG || op == UnaryOp.SQRT) {
                x[i] = Math.abs(x[i]) + 1e-300;
            } else if (op == UnaryOp.LOG1P) {
                x[i] = Math.max(x[i], -0.999);
            }
        }
        double[] extremes = {-800, -50, -20, 0, 20, 50, 700};
        if (op == UnaryOp.SIGMOID || op == UnaryOp.SOFTPLUS || op == UnaryOp.TANH || op == UnaryOp.RELU
                || op == UnaryOp.STEP || op == UnaryOp.SIGN || op == UnaryOp.ABS || op == UnaryOp.NEG) {
            System.arraycopy(extremes, 0, x, 0, extremes.length);
        }
        return x;
    }

    /**
     * Every kernel once on shared inputs through {@link CheckedKernels}, which reads each argument's values back
     * from native memory before and after the call; each result is compared with the reference kernels.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void noKernelModifiesItsArguments(DType dtype) {
        assertTrue(KernelExercise.run(K, dtype, 64) > 100, "kernel calls checked");
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryFunctionMatchesItsScalarDefinitionInFloat64(UnaryOp op) {
        double[] x = points(op);
        double[] y = K.toDoubles(K.unary(op, K.fromDoubles(x.clone(), Shape.of(x.length), DType.FLOAT64)));
        for (int i = 0; i < x.length; i++) {
            double e = op.apply(x[i]);
            // values below the normal range carry fewer digits in any implementation
            double tol = Math.abs(e) < Double.MIN_NORMAL * 1e6 ? 1e-6 : 1e-13;
            assertClose(e, y[i], tol, op + "(" + x[i] + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryFunctionMatchesItsScalarDefinitionInFloat32(UnaryOp op) {
        double[] x = points(op);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) x[i];
        }
        double[] y = K.toDoubles(K.unary(op, K.fromDoubles(x.clone(), Shape.of(x.length), DType.FLOAT32)));
        for (int i = 0; i < x.length; i++) {
            double e = (float) op.apply(x[i]);
            double tol = Math.abs(e) < Float.MIN_NORMAL * 1e3 ? 1e-2 : 1e-5;
            assertClose(e, y[i], tol, op + "(" + x[i] + ") [float32]");
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void everyBinaryFunctionBroadcastsLikeNumpy(BinaryOp op) {
        SplittableRandom rng = new SplittableRandom(3);
        int[][][] cases = {{{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {4}}, {{3, 4}, {1, 4}},
            {{3, 4}, {3, 1}}, {{3, 1}, {1, 4}}, {{3, 1}, {4}}, {{5}, {5}}, {{}, {}}};
        for (DType t : DType.values()) {
            for (int[][] c : cases) {
                Shape sa = Shape.of(c[0]);
                Shape sb = Shape.of(c[1]);
                Shape out = Shape.broadcast("test", sa, sb);
                double[] a = new double[sa.size()];
                double[] b = new double[sb.size()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = t == DType.FLOAT32 ? (float) rng.nextDouble(-2, 2) : rng.nextDouble(-2, 2);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = i % 3 == 0 && a.length > 0 ? a[0] : t == DType.FLOAT32 ? (float) rng.nextDouble(-2, 2)
                            : rng.nextDouble(-2, 2);
                }
                Storage r = K.binary(op, K.fromDoubles(a.clone(), sa, t), K.fromDoubles(b.clone(), sb, t), out);
                assertEquals(out, r.shape());
                double[] y = K.toDoubles(r);
                for (int i = 0; i < out.rows(); i++) {
                    for (int j = 0; j < out.cols(); j++) {
                        double u = a[(sa.rows() == 1 ? 0 : i) * sa.cols() + (sa.cols() == 1 ? 0 : j)];
                        double v = b[(sb.rows() == 1 ? 0 : i) * sb.cols() + (sb.cols() == 1 ? 0 : j)];
                        double e = op.apply(u, v);
                        e = t == DType.FLOAT32 ? (float) e : e;
                        assertClose(e, y[i * out.cols() + j], t == DType.FLOAT64 ? 1e-15 : 1e-6,
                                op + " " + sa + " " + sb + " [" + t + "]");
                    }
                }
            }
        }
    }

    @Test
    void logSumExpGuardsInfiniteMaxima() {
        for (DType t : DType.values()) {
            double inf = Double.POSITIVE_INFINITY;
            Storage m = K.fromDoubles(new double[] {-inf, -inf, -inf, 1, 2, 3, 1000, 1000, -inf, inf, 0, 1}, Shape.of(4,
                    3), t);
            double[] rows = K.toDoubles(K.reduce(ReduceOp.LOG_SUM_EXP, m, 1, Shape.of(4)));
            assertEquals(-inf, rows[0]);
            assertClose(3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1), rows[1], t == DType.FLOAT64 ? 1e-15 : 1e-6,
                    "row 1 " + t);
            assertClose(1000 + Math.log(2), rows[2], t == DType.FLOAT64 ? 1e-15 : 1e-7, "row 2 " + t);
            assertEquals(inf, rows[3]);
            double[] cols = K.toDoubles(K.reduce(ReduceOp.LOG_SUM_EXP, m, 0, Shape.of(3)));
            assertEquals(3, cols.length);
            assertEquals(inf, cols[0]);
            Storage allNegInf = K.fromDoubles(new double[] {-inf, -inf}, Shape.of(2), t);
            assertEquals(-inf, K.toDoubles(K.reduce(ReduceOp.LOG_SUM_EXP, allNegInf, -1, Shape.scalar()))[0]);
            assertEquals(-inf, K.toDoubles(K.reduce(ReduceOp.LOG_SUM_EXP, allNegInf, 0, Shape.scalar()))[0]);
            Storage scalar = K.fromDoubles(new double[] {-inf}, Shape.scalar(), t);
            assertEquals(-inf, K.get(K.reduce(ReduceOp.LOG_SUM_EXP, scalar, -1, Shape.scalar()), 0));
        }
    }

    @Test
    void reductionsOverEachAxisAndAll() {
        double[] x = {1, -2, 3, 4, 5, -6};
        Storage m = K.fromDoubles(x.clone(), Shape.of(2, 3), DType.FLOAT64);
        assertArrayEquals(new double[] {5}, K.toDoubles(K.reduce(ReduceOp.SUM, m, -1, Shape.scalar())));
        assertArrayEquals(new double[] {5, 3, -3}, K.toDoubles(K.reduce(ReduceOp.SUM, m, 0, Shape.of(3))));
        assertArrayEquals(new double[] {2, 3}, K.toDoubles(K.reduce(ReduceOp.SUM, m, 1, Shape.of(2))));
        assertArrayEquals(new double[] {4, 5, 3}, K.toDoubles(K.reduce(ReduceOp.MAX, m, 0, Shape.of(3))));
        assertArrayEquals(new double[] {-2, -6}, K.toDoubles(K.reduce(ReduceOp.MIN, m, 1, Shape.of(2))));
        assertEquals(Shape.scalar(), K.reduce(ReduceOp.MAX, m, -1, Shape.scalar()).shape());
    }

    @Test
    void aSingularSolveGivesNaNAndARegularOneTheSolution() {
        for (DType t : DType.values()) {
            Storage singular = K.fromDoubles(new double[] {1, 2, 2, 4}, Shape.of(2, 2), t);
            double[] x = K.toDoubles(K.solve(singular, vec(t, 1, 1)));
            assertEquals(2, x.length);
            assertTrue(Double.isNaN(x[0]) && Double.isNaN(x[1]), () -> java.util.Arrays.toString(x));
            double[] xm = K.toDoubles(K.solve(K.full(Shape.of(2, 2), t, 0.0), K.identity(2, t)));
            assertTrue(java.util.Arrays.stream(xm).allMatch(Double::isNaN), () -> java.util.Arrays.toString(xm));
            Storage a = K.fromDoubles(new double[] {4, 1, 2, 3}, Shape.of(2, 2), t);
            Storage v = K.solve(a, vec(t, 1, 2));
            assertEquals(Shape.of(2), v.shape());
            double[] y = K.toDoubles(v);
            assertClose(0.1, y[0], t == DType.FLOAT64 ? 1e-15 : 1e-6, "x0");
            assertClose(0.6, y[1], t == DType.FLOAT64 ? 1e-15 : 1e-6, "x1");
            Storage b = K.fromDoubles(new double[] {1, 0, 2, 1}, Shape.of(2, 2), t);
            assertEquals(Shape.of(2, 2), K.solve(a, b).shape());
        }
    }

    @Test
    void matmulHonoursTheTransposeFlags() {
        Storage a = K.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT64);
        Storage b = K.fromDoubles(new double[] {1, 0, -1, 2, 1, 0}, Shape.of(3, 2), DType.FLOAT64);
        double[] ab = {1 * 1 + 2 * -1 + 3 * 1, 1 * 0 + 2 * 2 + 3 * 0, 4 * 1 + 5 * -1 + 6 * 1, 4 * 0 + 5 * 2 + 6 * 0};
        assertArrayEquals(ab, K.toDoubles(K.matmul(a, false, b, false)));
        assertArrayEquals(ab, K.toDoubles(K.matmul(K.transpose(a), true, b, false)));
        assertArrayEquals(ab, K.toDoubles(K.matmul(a, false, K.transpose(b), true)));
        assertArrayEquals(ab, K.toDoubles(K.matmul(K.transpose(a), true, K.transpose(b), true)));
        assertEquals(Shape.of(2, 2), K.matmul(a, false, b, false).shape());
    }

    @Test
    void shapeKernelsAndCopyOut() {
        Storage m = K.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3), DType.FLOAT32);
        assertEquals(6.0, K.get(m, 5));
        assertEquals(4.0, K.get(m, 3));
        assertEquals(3.0, K.get(vec(DType.FLOAT64, 1, 2, 3), 2));
        assertEquals(7.5, K.get(K.full(Shape.scalar(), DType.FLOAT64, 7.5), 0));
        assertArrayEquals(new double[] {2, 3, 5, 6}, K.toDoubles(K.slice(m, 1, 1, 3)));
        assertArrayEquals(new double[] {4, 5, 6}, K.toDoubles(K.slice(m, 0, 1, 2)));
        assertArrayEquals(new double[] {0, 1, 2, 3, 0, 0, 4, 5, 6, 0}, K.toDoubles(K.pad(m, 1, 1, Shape.of(2, 5))));
        assertArrayEquals(new double[] {0, 0, 0, 1, 2, 3, 4, 5, 6}, K.toDoubles(K.pad(m, 0, 1, Shape.of(3, 3))));
        assertArrayEquals(new double[] {4, 5, 6, 1, 2, 3, 4, 5, 6}, K.toDoubles(K.gather(m, new int[] {1, 0, 1})));
        assertArrayEquals(new double[] {2, 7, 0}, K.toDoubles(K.scatterAdd(vec(DType.FLOAT64, 1, 3, 4, 1),
                new int[] {0, 1, 1, 0}, Shape.of(3))));
        assertArrayEquals(new double[] {1, 2, 3, 9, 4, 5, 6, 9}, K.toDoubles(K.concat(List.of(m,
                K.full(Shape.of(2, 1), DType.FLOAT32, 9)), 1, Shape.of(2, 4))));
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, K.toDoubles(K.broadcastTo(vec(DType.FLOAT64, 1, 2, 3),
                Shape.of(2, 3))));
        assertEquals(Shape.of(3, 2), K.reshape(m, Shape.of(3, 2)).shape());
        assertArrayEquals(new double[] {1, 0, 0, 1}, K.toDoubles(K.identity(2, DType.FLOAT64)));
        assertSame(m, K.cast(m, DType.FLOAT32));
        assertEquals(DType.FLOAT64, K.cast(m, DType.FLOAT64).dtype());
        assertArrayEquals(new double[] {0.1f}, K.toDoubles(K.cast(vec(DType.FLOAT64, 0.1), DType.FLOAT32)));
        assertArrayEquals(new double[] {-1.5, 2.5, 4.5}, K.toDoubles(K.affine(vec(DType.FLOAT64, -1, 1, 2), 2, 0.5)));
        assertArrayEquals(new double[] {8, 27}, K.toDoubles(K.pow(vec(DType.FLOAT64, 2, 3), 3)));
        assertArrayEquals(new double[] {7, 2, 9}, K.toDoubles(K.where(vec(DType.FLOAT64, 1, 0, 2),
                vec(DType.FLOAT64, 7, 8, 9), K.full(Shape.scalar(), DType.FLOAT64, 2), Shape.of(3))));
        assertEquals(32.0, K.get(K.dot(vec(DType.FLOAT64, 1, 2, 3), vec(DType.FLOAT64, 4, 5, 6)), 0));
    }

    @Test
    void emptyTensorsAreSupported() {
        Storage e = K.fromDoubles(new double[0], Shape.of(0), DType.FLOAT64);
        assertEquals(0, K.toDoubles(e).length);
        assertArrayEquals(new double[] {1, 2}, K.toDoubles(K.concat(List.of(e, vec(DType.FLOAT64, 1, 2)), 0,
                Shape.of(2))));
        assertEquals(0.0, K.get(K.reduce(ReduceOp.SUM, e, -1, Shape.scalar()), 0));
        Storage z = K.matmul(K.fromDoubles(new double[0], Shape.of(2, 0), DType.FLOAT64), false,
                K.fromDoubles(new double[0], Shape.of(0, 3), DType.FLOAT64), false);
        assertArrayEquals(new double[6], K.toDoubles(z));
    }

    @Test
    void kernelsAreSafeToCallFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int task = 0; task < 16; task++) {
                final int id = task;
                tasks.add(() -> {
                    Storage a = K.fromDoubles(new double[] {id, 1, 2, 3}, Shape.of(2, 2), DType.FLOAT64);
                    Storage acc = a;
                    for (int i = 0; i < 100; i++) {
                        acc = K.binary(BinaryOp.ADD, acc, a, Shape.of(2, 2));
                        K.matmul(acc, i % 2 == 0, a, false);
                        K.reduce(ReduceOp.LOG_SUM_EXP, acc, 1, Shape.of(2));
                    }
                    double[] r = K.toDoubles(acc);
                    return r[0] == 101.0 * id && r[1] == 101 && r[2] == 202 && r[3] == 303;
                });
            }
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
