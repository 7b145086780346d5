package org.bilevel4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.ReferenceKernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.kernels.CheckedKernels;
import org.bilevel4j.testkit.kernels.KernelExercise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every method of {@link Kernels} as implemented by {@link EjmlKernels}, in float64 and float32, against the naive
 * {@link ReferenceKernels} (explicit index loops over row-major {@code double[]} arrays, the scalar definitions
 * {@link UnaryOp#apply} and {@link BinaryOp#apply}), with float32 inputs and expected outputs rounded to float.
 *
 * <p>Every kernel call goes through {@link CheckedKernels}, which fails when a kernel modifies an argument.
 */
class EjmlKernelsTest {

    /** The kernels under test, as the provider hands them out. */
    private static final Kernels RAW = new EjmlBackendProvider().create();

    /** The same kernels, checking after every call that no argument changed. */
    private static final Kernels K = new CheckedKernels(RAW);

    private static final Shape SCALAR = Shape.scalar();

    // ================================================================ tolerance and assertions

    /** Relative tolerance: 1e-12 for float64, 1e-5 for float32. */
    private static double tol(DType dt) {
        return dt == DType.FLOAT64 ? 1e-12 : 1e-5;
    }

    /** The value as the dtype stores it. */
    private static double round(DType dt, double v) {
        return dt == DType.FLOAT32 ? (double) (float) v : v;
    }

    private static double[] round(DType dt, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = round(dt, v[i]);
        }
        return r;
    }

    /**
     * Asserts shape, dtype and values of {@code actual}. The expected values are rounded to the dtype; a value
     * passes when {@code |actual - expected| <= tol * (|expected| + scale[i])} ({@code scale} may be null, then
     * the check is purely relative); NaN must match NaN and infinities must match exactly.
     */
    private static void assertValues(String what, Shape expShape, DType dt, double[] expected, double[] scale,
            Storage actual) {
        assertEquals(expShape, actual.shape(), what + ": shape");
        assertEquals(dt, actual.dtype(), what + ": dtype");
        double[] got = RAW.toDoubles(actual);
        assertEquals(expected.length, got.length, what + ": number of values");
        assertEquals(expShape.size(), got.length, what + ": number of values vs shape");
        double t = tol(dt);
        for (int i = 0; i < expected.length; i++) {
            double e = round(dt, expected[i]);
            double a = got[i];
            String msg = what + " [" + dt + "]: element " + i + " expected " + e + " got " + a;
            if (Double.isNaN(e)) {
                assertTrue(Double.isNaN(a), msg);
            } else if (Double.isInfinite(e)) {
                assertEquals(e, a, msg);
            } else {
                double s = scale == null ? 0.0 : scale[i];
                assertTrue(Math.abs(a - e) <= t * (Math.abs(e) + s), msg + " (diff " + Math.abs(a - e) + ")");
            }
        }
    }

    private static void assertValues(String what, Shape expShape, DType dt, double[] expected, Storage actual) {
        assertValues(what, expShape, dt, expected, null, actual);
    }

    // ================================================================ data

    /** A storage together with its values as the dtype holds them (the reference's input). */
    private record T(Storage s, double[] v) {
        Shape shape() {
            return s.shape();
        }
    }

    private static T make(double[] values, Shape shape, DType dt) {
        assertEquals(shape.size(), values.length, "test setup: values vs shape");
        return new T(RAW.fromDoubles(values.clone(), shape, dt), round(dt, values));
    }

    private static double[] uniform(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(lo, hi);
        }
        return v;
    }

    private static T rand(SplittableRandom r, Shape shape, DType dt) {
        return make(uniform(r, shape.size(), -3, 3), shape, dt);
    }

    /** Values from a small set so that ties (equal elements) are frequent. */
    private static double[] discrete(SplittableRandom r, int n, boolean allowZero) {
        double[] set = allowZero ? new double[] {-1, -0.5, 0, 0.5, 1} : new double[] {-1, -0.5, 0.5, 1, 2};
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = set[r.nextInt(set.length)];
        }
        return v;
    }

    private static double[] abs(double[] v) {
        double[] a = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
        }
        return a;
    }

    private static double innerProduct(double[] x, double[] y) {
        assertEquals(x.length, y.length, "inner product lengths");
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    // ================================================================ the naive reference

    /**
     * The specification oracle, computing in float64 on the inputs as the dtype holds them ({@link T#v()}); the
     * expected values are rounded to the dtype by {@link #assertValues}.
     */
    private static final ReferenceKernels REF = new ReferenceKernels();

    private static Storage ref(double[] values, Shape shape) {
        return REF.fromDoubles(values, shape, DType.FLOAT64);
    }

    private static double[] refUnary(UnaryOp op, double[] x) {
        return REF.toDoubles(REF.unary(op, ref(x, Shape.of(x.length))));
    }

    private static double[] refBinary(BinaryOp op, double[] a, Shape as, double[] b, Shape bs, Shape out) {
        return REF.toDoubles(REF.binary(op, ref(a, as), ref(b, bs), out));
    }

    private static double[] refWhere(double[] m, Shape ms, double[] a, Shape as, double[] b, Shape bs, Shape out) {
        return REF.toDoubles(REF.where(ref(m, ms), ref(a, as), ref(b, bs), out));
    }

    private static double[] refBroadcastTo(double[] a, Shape as, Shape out) {
        return REF.toDoubles(REF.broadcastTo(ref(a, as), out));
    }

    private static double[] refMatmul(double[] a, Shape as, boolean ta, double[] b, Shape bs, boolean tb) {
        return REF.toDoubles(REF.matmul(ref(a, as), ta, ref(b, bs), tb));
    }

    private static double[] refTranspose(double[] a, int rows, int cols) {
        return REF.toDoubles(REF.transpose(ref(a, Shape.of(rows, cols))));
    }

    private static double[] refSolve(double[] a, int n, double[] b, int k) {
        return REF.toDoubles(REF.solve(ref(a, Shape.of(n, n)), ref(b, Shape.of(n, k))));
    }

    /** Reference reduction; {@code scaleOut} receives a magnitude for the tolerance of each output. */
    private static double[] refReduce(ReduceOp op, double[] x, Shape s, int axis, double[] scaleOut) {
        Shape out = reducedShape(s, axis);
        double[] absolute = abs(x);
        double[] sumAbs = REF.toDoubles(REF.reduce(ReduceOp.SUM, ref(absolute, s), axis, out));
        double[] maxAbs = REF.toDoubles(REF.reduce(ReduceOp.MAX, ref(absolute, s), axis, out));
        for (int i = 0; i < scaleOut.length && i < sumAbs.length; i++) {
            scaleOut[i] = op == ReduceOp.SUM ? sumAbs[i] : op == ReduceOp.LOG_SUM_EXP ? maxAbs[i] + 1 : 0;
        }
        return REF.toDoubles(REF.reduce(op, ref(x, s), axis, out));
    }

    private static Shape reducedShape(Shape s, int axis) {
        if (axis == -1 || s.rank() <= 1) {
            return SCALAR;
        }
        return axis == 0 ? Shape.of(s.dim(1)) : Shape.of(s.dim(0));
    }

    private static double[] refSlice(double[] x, Shape s, int axis, int start, int end) {
        return REF.toDoubles(REF.slice(ref(x, s), axis, start, end));
    }

    private static double[] refPad(double[] x, Shape s, int axis, int offset, Shape out) {
        return REF.toDoubles(REF.pad(ref(x, s), axis, offset, out));
    }

    private static double[] refGather(double[] x, Shape s, int[] idx) {
        return REF.toDoubles(REF.gather(ref(x, s), idx));
    }

    private static double[] refScatterAdd(double[] x, int[] idx, Shape out) {
        Shape in = out.rank() == 1 ? Shape.of(idx.length) : Shape.of(idx.length, out.dim(1));
        return REF.toDoubles(REF.scatterAdd(ref(x, in), idx, out));
    }

    private static double[] refConcat(List<T> parts, int axis, Shape out) {
        List<Storage> refs = new ArrayList<>();
        for (T p : parts) {
            refs.add(ref(p.v(), p.shape()));
        }
        return REF.toDoubles(REF.concat(refs, axis, out));
    }

    // ================================================================ creation and copy-out

    @Test
    void providerCreatesEjmlKernels() {
        assertInstanceOf(EjmlKernels.class, RAW);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fromDoublesToDoublesAndGetRoundToTheDtype(DType dt) {
        SplittableRandom r = new SplittableRandom(11 + dt.ordinal());
        for (Shape s : List.of(SCALAR, Shape.of(1), Shape.of(6), Shape.of(0), Shape.of(3, 4), Shape.of(1, 5),
                Shape.of(5, 1), Shape.of(0, 3))) {
            double[] v = uniform(r, s.size(), -1e3, 1e3);
            if (v.length > 0) {
                v[0] = 0.1; // not representable in float32
            }
            Storage st = K.fromDoubles(v.clone(), s, dt);
            String what = "fromDoubles " + s;
            assertEquals(s, st.shape(), what + " shape");
            assertEquals(dt, st.dtype(), what + " dtype");
            double[] expected = round(dt, v);
            assertArrayEquals(expected, K.toDoubles(st), what + " [" + dt + "] toDoubles");
            for (int i = 0; i < v.length; i++) {
                assertEquals(expected[i], K.get(st, i), what + " [" + dt + "] get(" + i + ")");
            }
            // toDoubles returns a fresh copy: writing to it must not change the storage
            double[] copy = K.toDoubles(st);
            Arrays.fill(copy, 42.0);
            assertArrayEquals(expected, K.toDoubles(st), what + " [" + dt + "]: toDoubles is not a fresh copy");
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void fullFillsEveryElement(DType dt) {
        for (double value : new double[] {0.0, 1.0, -2.5, 0.1, 1e30}) {
            for (Shape s : List.of(SCALAR, Shape.of(4), Shape.of(0), Shape.of(3, 2), Shape.of(1, 1))) {
                double[] expected = new double[s.size()];
                Arrays.fill(expected, value);
                assertValues("full(" + s + ", " + value + ")", s, dt, expected, K.full(s, dt, value));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void identityIsOneOnTheDiagonal(DType dt) {
        for (int n = 0; n <= 6; n++) {
            double[] expected = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] = i == j ? 1 : 0;
                }
            }
            assertValues("identity(" + n + ")", Shape.of(n, n), dt, expected, K.identity(n, dt));
        }
    }

    @Test
    void castRoundsAndWidens() {
        SplittableRandom r = new SplittableRandom(12);
        for (Shape s : List.of(SCALAR, Shape.of(5), Shape.of(3, 4), Shape.of(0))) {
            double[] v = uniform(r, s.size(), -100, 100);
            Storage d = K.fromDoubles(v.clone(), s, DType.FLOAT64);
            Storage f = K.cast(d, DType.FLOAT32);
            double[] rounded = round(DType.FLOAT32, v);
            assertEquals(DType.FLOAT32, f.dtype(), "cast f64->f32 " + s + " dtype");
            assertEquals(s, f.shape(), "cast f64->f32 " + s + " shape");
            assertArrayEquals(rounded, K.toDoubles(f), "cast f64->f32 " + s + " values");
            Storage back = K.cast(f, DType.FLOAT64);
            assertEquals(DType.FLOAT64, back.dtype(), "cast f32->f64 " + s + " dtype");
            assertEquals(s, back.shape(), "cast f32->f64 " + s + " shape");
            assertArrayEquals(rounded, K.toDoubles(back), "cast f32->f64 " + s + " values (exact widening)");
            Storage again = K.cast(back, DType.FLOAT32);
            assertArrayEquals(rounded, K.toDoubles(again), "cast f32->f64->f32 " + s + " round trip");
            assertArrayEquals(v, K.toDoubles(K.cast(d, DType.FLOAT64)), "cast f64->f64 " + s);
            assertArrayEquals(rounded, K.toDoubles(K.cast(f, DType.FLOAT32)), "cast f32->f32 " + s);
            assertEquals(DType.FLOAT64, K.cast(d, DType.FLOAT64).dtype(), "cast f64->f64 dtype");
            assertEquals(DType.FLOAT32, K.cast(f, DType.FLOAT32).dtype(), "cast f32->f32 dtype");
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reshapeKeepsRowMajorValues(DType dt) {
        SplittableRandom r = new SplittableRandom(13 + dt.ordinal());
        T a = rand(r, Shape.of(3, 4), dt);
        for (Shape s : List.of(Shape.of(4, 3), Shape.of(12), Shape.of(1, 12), Shape.of(12, 1), Shape.of(2, 6),
                Shape.of(3, 4))) {
            assertValues("reshape [3, 4] -> " + s, s, dt, a.v(), K.reshape(a.s(), s));
        }
        T v = rand(r, Shape.of(6), dt);
        assertValues("reshape [6] -> [2, 3]", Shape.of(2, 3), dt, v.v(), K.reshape(v.s(), Shape.of(2, 3)));
        T sc = rand(r, SCALAR, dt);
        Storage one = K.reshape(sc.s(), Shape.of(1));
        assertValues("reshape [] -> [1]", Shape.of(1), dt, sc.v(), one);
        Storage oneByOne = K.reshape(one, Shape.of(1, 1));
        assertValues("reshape [1] -> [1, 1]", Shape.of(1, 1), dt, sc.v(), oneByOne);
        assertValues("reshape [1, 1] -> []", SCALAR, dt, sc.v(), K.reshape(oneByOne, SCALAR));
        // a reshape of a reshape, then a kernel on the view
        Storage view = K.reshape(K.reshape(a.s(), Shape.of(12)), Shape.of(4, 3));
        assertValues("unary NEG on a reshaped view", Shape.of(4, 3), dt, refUnary(UnaryOp.NEG, a.v()),
                K.unary(UnaryOp.NEG, view));
    }

    // ================================================================ element-wise

    static Stream<Arguments> unaryCases() {
        List<Arguments> list = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (DType dt : DType.values()) {
                list.add(Arguments.of(op, dt));
            }
        }
        return list.stream();
    }

    /** Inputs in the domain of {@code op}, with the special values that matter for it. */
    private static double[] unaryDomain(UnaryOp op, SplittableRandom r, int n) {
        return switch (op) {
            case LOG, SQRT, RECIPROCAL -> uniform(r, n, 0.05, 6);
            case LOG1P -> uniform(r, n, -0.95, 4);
            default -> uniform(r, n, -3, 3);
        };
    }

    private static double[] unarySpecials(UnaryOp op) {
        return switch (op) {
            case LOG, SQRT, RECIPROCAL -> new double[] {1, 1e-3, 1e-10, 100, 1e10, 4};
            case LOG1P -> new double[] {0, 1e-10, -1e-10, 1e-5, -0.5, 1e6};
            case EXPM1 -> new double[] {0, 1e-10, -1e-10, 1e-5, 50, -50};
            case EXP, SIGMOID, SOFTPLUS, TANH -> new double[] {0, 50, -50, 800, -800, 1e-8, -1e-8, 20, -20, 40, -40};
            default -> new double[] {0, -0.0, 1, -1, 2.5, -2.5, 50, -50, 800, -800};
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryMatchesReference(UnaryOp op, DType dt) {
        SplittableRandom r = new SplittableRandom(1000L + 10L * op.ordinal() + dt.ordinal());
        List<Shape> shapes = List.of(SCALAR, Shape.of(1 + r.nextInt(7)), Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)),
                Shape.of(4, 1), Shape.of(1, 4), Shape.of(0), Shape.of(2, 0));
        for (Shape s : shapes) {
            T a = make(unaryDomain(op, r, s.size()), s, dt);
            assertValues("unary " + op + " " + s, s, dt, refUnary(op, a.v()), K.unary(op, a.s()));
        }
        double[] sp = unarySpecials(op);
        T special = make(sp, Shape.of(sp.length), dt);
        assertValues("unary " + op + " special values " + Arrays.toString(sp), special.shape(), dt,
                refUnary(op, special.v()), K.unary(op, special.s()));
        T special2 = make(sp, Shape.of(1, sp.length), dt);
        assertValues("unary " + op + " special values as [1, n]", special2.shape(), dt, refUnary(op, special2.v()),
                K.unary(op, special2.s()));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sigmoidAndSoftplusDoNotOverflow(DType dt) {
        T x = make(new double[] {800, -800, 50, -50, 0}, Shape.of(5), dt);
        double[] sig = K.toDoubles(K.unary(UnaryOp.SIGMOID, x.s()));
        double[] sp = K.toDoubles(K.unary(UnaryOp.SOFTPLUS, x.s()));
        for (int i = 0; i < 5; i++) {
            assertTrue(Double.isFinite(sig[i]), "sigmoid(" + x.v()[i] + ") [" + dt + "] not finite: " + sig[i]);
            assertTrue(Double.isFinite(sp[i]), "softplus(" + x.v()[i] + ") [" + dt + "] not finite: " + sp[i]);
            assertTrue(sig[i] >= 0 && sig[i] <= 1, "sigmoid(" + x.v()[i] + ") [" + dt + "] out of [0, 1]: " + sig[i]);
            assertTrue(sp[i] >= 0, "softplus(" + x.v()[i] + ") [" + dt + "] negative: " + sp[i]);
        }
        assertEquals(1.0, sig[0], "sigmoid(800) [" + dt + "]");
        assertEquals(0.0, sig[1], 1e-300, "sigmoid(-800) [" + dt + "]");
        assertEquals(800.0, sp[0], "softplus(800) [" + dt + "]");
        assertEquals(0.0, sp[1], 1e-300, "softplus(-800) [" + dt + "]");
        assertEquals(round(dt, 1.0 / (1.0 + Math.exp(-50))), sig[2], tol(dt), "sigmoid(50) [" + dt + "]");
        double expSmall = Math.exp(-50); // sigmoid(-50) ~ softplus(-50) ~ e^-50, relative accuracy expected
        assertEquals(round(dt, expSmall / (1 + expSmall)), sig[3], tol(dt) * expSmall, "sigmoid(-50) [" + dt + "]");
        assertEquals(round(dt, Math.log1p(expSmall)), sp[3], tol(dt) * expSmall, "softplus(-50) [" + dt + "]");
        assertEquals(50.0, sp[2], tol(dt) * 50, "softplus(50) [" + dt + "]");
        assertEquals(0.5, sig[4], "sigmoid(0) [" + dt + "]");
        assertEquals(round(dt, Math.log(2)), sp[4], tol(dt), "softplus(0) [" + dt + "]");
        double[] e = K.toDoubles(K.unary(UnaryOp.EXP, x.s()));
        assertEquals(Double.POSITIVE_INFINITY, e[0], "exp(800) [" + dt + "] overflows to +inf");
        assertEquals(0.0, e[1], "exp(-800) [" + dt + "] underflows to 0");
    }

    static Stream<Arguments> binaryCases() {
        List<Arguments> list = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (DType dt : DType.values()) {
                list.add(Arguments.of(op, dt));
            }
        }
        return list.stream();
    }

    /** Operand shape pairs covering every broadcasting pattern for the output [m, n]. */
    private static List<Shape[]> broadcastPairs(int m, int n) {
        Shape s = SCALAR;
        Shape v = Shape.of(n);
        Shape mat = Shape.of(m, n);
        Shape row = Shape.of(1, n);
        Shape col = Shape.of(m, 1);
        Shape v1 = Shape.of(1);
        Shape one = Shape.of(1, 1);
        Shape[][] pairs = {
            {mat, mat}, {v, v}, {s, s}, {row, row}, {col, col},
            {s, mat}, {mat, s}, {s, v}, {v, s}, {s, col}, {row, s},
            {v, mat}, {mat, v}, {row, mat}, {mat, row}, {col, mat}, {mat, col},
            {col, row}, {row, col}, {col, v}, {v, col},
            {one, mat}, {mat, one}, {v1, mat}, {mat, v1}, {one, v}, {v, one}, {v1, v}, {v, v1},
            {row, v}, {v, row}, {s, one}, {v1, s},
        };
        return Arrays.asList(pairs);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void binaryMatchesReferenceWithBroadcasting(BinaryOp op, DType dt) {
        SplittableRandom r = new SplittableRandom(2000L + 10L * op.ordinal() + dt.ordinal());
        int[][] sizes = {{3, 5}, {5, 2}, {1, 4}, {4, 1}, {1, 1}, {1 + r.nextInt(7), 1 + r.nextInt(7)}};
        for (int[] mn : sizes) {
            for (Shape[] p : broadcastPairs(mn[0], mn[1])) {
                Shape out = Shape.broadcast(op.name(), p[0], p[1]);
                for (boolean ties : new boolean[] {false, true}) {
                    double[] av = ties ? discrete(r, p[0].size(), true) : uniform(r, p[0].size(), -3, 3);
                    double[] bv = ties ? discrete(r, p[1].size(), op != BinaryOp.DIV)
                            : uniform(r, p[1].size(), -3, 3);
                    T a = make(av, p[0], dt);
                    T b = make(bv, p[1], dt);
                    String what = "binary " + op + " " + p[0] + " with " + p[1] + " -> " + out
                            + (ties ? " (ties)" : "");
                    assertValues(what, out, dt, refBinary(op, a.v(), a.shape(), b.v(), b.shape(), out),
                            K.binary(op, a.s(), b.s(), out));
                }
            }
        }
        // zero-size operands
        T e = make(new double[0], Shape.of(0, 3), dt);
        T v = rand(r, Shape.of(3), dt);
        assertValues("binary " + op + " [0, 3] with [3]", Shape.of(0, 3), dt, new double[0],
                K.binary(op, e.s(), v.s(), Shape.of(0, 3)));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void affineIsScaleTimesXPlusShift(DType dt) {
        SplittableRandom r = new SplittableRandom(31 + dt.ordinal());
        double[][] params = {{2, 0.5}, {-1, 0}, {0, 3}, {1e-3, -7}, {1, 0}, {-2.5, 1e3}};
        for (Shape s : List.of(SCALAR, Shape.of(5), Shape.of(3, 4), Shape.of(4, 1), Shape.of(0))) {
            T a = rand(r, s, dt);
            for (double[] p : params) {
                double[] expected = new double[s.size()];
                double[] scale = new double[s.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = p[0] * a.v()[i] + p[1];
                    scale[i] = Math.abs(p[0] * a.v()[i]) + Math.abs(p[1]);
                }
                assertValues("affine(" + s + ", scale " + p[0] + ", shift " + p[1] + ")", s, dt, expected, scale,
                        K.affine(a.s(), p[0], p[1]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void powMatchesElementaryDefinitions(DType dt) {
        SplittableRandom r = new SplittableRandom(32 + dt.ordinal());
        for (Shape s : List.of(SCALAR, Shape.of(6), Shape.of(3, 4), Shape.of(1, 5), Shape.of(0))) {
            T pos = make(uniform(r, s.size(), 0.05, 5), s, dt);
            T any = make(uniform(r, s.size(), -3, 3), s, dt);
            double[] sqrt = new double[s.size()];
            double[] onePointFive = new double[s.size()];
            double[] sq = new double[s.size()];
            double[] inv = new double[s.size()];
            double[] cube = new double[s.size()];
            double[] ones = new double[s.size()];
            for (int i = 0; i < s.size(); i++) {
                double p = pos.v()[i];
                double x = any.v()[i];
                sqrt[i] = Math.sqrt(p);
                onePointFive[i] = p * Math.sqrt(p);
                sq[i] = x * x;
                inv[i] = 1.0 / x;
                cube[i] = x * x * x;
                ones[i] = 1.0;
            }
            assertValues("pow(" + s + ", 0.5)", s, dt, sqrt, K.pow(pos.s(), 0.5));
            assertValues("pow(" + s + ", 1.5)", s, dt, onePointFive, K.pow(pos.s(), 1.5));
            assertValues("pow(" + s + ", 2)", s, dt, sq, K.pow(any.s(), 2));
            assertValues("pow(" + s + ", -1)", s, dt, inv, K.pow(any.s(), -1));
            assertValues("pow(" + s + ", 3)", s, dt, cube, K.pow(any.s(), 3));
            assertValues("pow(" + s + ", 0)", s, dt, ones, K.pow(any.s(), 0));
            assertValues("pow(" + s + ", 1)", s, dt, any.v(), K.pow(any.s(), 1));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereSelectsWithBroadcasting(DType dt) {
        SplittableRandom r = new SplittableRandom(33 + dt.ordinal());
        for (int[] mn : new int[][] {{3, 5}, {4, 2}, {1, 3}, {3, 1}, {1 + r.nextInt(7), 1 + r.nextInt(7)}}) {
            int m = mn[0];
            int n = mn[1];
            Shape s = SCALAR;
            Shape v = Shape.of(n);
            Shape mat = Shape.of(m, n);
            Shape row = Shape.of(1, n);
            Shape col = Shape.of(m, 1);
            Shape[][] triples = {
                {mat, mat, mat}, {col, row, s}, {v, mat, col}, {s, mat, v}, {row, col, mat}, {mat, s, s},
                {col, v, row}, {s, s, s}, {v, v, v}, {mat, row, col}, {s, col, row}, {Shape.of(1, 1), mat, v},
            };
            for (Shape[] t : triples) {
                Shape out = Shape.broadcast("where", Shape.broadcast("where", t[0], t[1]), t[2]);
                double[] maskValues = new double[t[0].size()];
                double[] set = {0, 1, -2, 0.5, 0};
                for (int i = 0; i < maskValues.length; i++) {
                    maskValues[i] = set[r.nextInt(set.length)];
                }
                T mask = make(maskValues, t[0], dt);
                T a = rand(r, t[1], dt);
                T b = rand(r, t[2], dt);
                String what = "where mask " + t[0] + " a " + t[1] + " b " + t[2] + " -> " + out;
                assertValues(what, out, dt,
                        refWhere(mask.v(), mask.shape(), a.v(), a.shape(), b.v(), b.shape(), out),
                        K.where(mask.s(), a.s(), b.s(), out));
            }
        }
    }

    // ================================================================ linear algebra

    private static void checkMatmul(SplittableRandom r, DType dt, int m, int k, int n, boolean ta, boolean tb) {
        Shape as = ta ? Shape.of(k, m) : Shape.of(m, k);
        Shape bs = tb ? Shape.of(n, k) : Shape.of(k, n);
        T a = rand(r, as, dt);
        T b = rand(r, bs, dt);
        String what = "matmul " + as + (ta ? "^T" : "") + " x " + bs + (tb ? "^T" : "") + " (m=" + m + ", k=" + k
                + ", n=" + n + ")";
        double[] expected = refMatmul(a.v(), as, ta, b.v(), bs, tb);
        double[] scale = refMatmul(abs(a.v()), as, ta, abs(b.v()), bs, tb);
        assertValues(what, Shape.of(m, n), dt, expected, scale, K.matmul(a.s(), ta, b.s(), tb));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulAllTransposeFlagsAndShapes(DType dt) {
        SplittableRandom r = new SplittableRandom(41 + dt.ordinal());
        List<int[]> mkn = new ArrayList<>(List.of(
                new int[] {3, 4, 5}, new int[] {5, 3, 2}, new int[] {4, 6, 1}, new int[] {1, 6, 4},
                new int[] {4, 1, 5}, new int[] {1, 1, 1}, new int[] {1, 5, 1}, new int[] {7, 7, 7},
                new int[] {3, 0, 4}, new int[] {0, 0, 0}, new int[] {1, 0, 1}));
        for (int i = 0; i < 6; i++) {
            mkn.add(new int[] {1 + r.nextInt(7), 1 + r.nextInt(7), 1 + r.nextInt(7)});
        }
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int[] d : mkn) {
                    checkMatmul(r, dt, d[0], d[1], d[2], ta, tb);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulWithAnEmptyOuterDimension(DType dt) {
        SplittableRandom r = new SplittableRandom(42 + dt.ordinal());
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                checkMatmul(r, dt, 0, 3, 4, ta, tb);
                checkMatmul(r, dt, 4, 3, 0, ta, tb);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulZeroInnerDimensionGivesZeros(DType dt) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Storage a = K.full(ta ? Shape.of(0, 3) : Shape.of(3, 0), dt, 0);
                Storage b = K.full(tb ? Shape.of(4, 0) : Shape.of(0, 4), dt, 0);
                assertValues("matmul k=0 ta=" + ta + " tb=" + tb, Shape.of(3, 4), dt, new double[12],
                        K.matmul(a, ta, b, tb));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulOfAnOperandWithItself(DType dt) {
        SplittableRandom r = new SplittableRandom(43 + dt.ordinal());
        T a = rand(r, Shape.of(4, 6), dt);
        for (boolean ta : new boolean[] {false, true}) {
            boolean tb = !ta;
            String what = "matmul a" + (ta ? "^T" : "") + " x a" + (tb ? "^T" : "") + " [4, 6]";
            int dim = ta ? 6 : 4;
            assertValues(what, Shape.of(dim, dim), dt, refMatmul(a.v(), a.shape(), ta, a.v(), a.shape(), tb),
                    refMatmul(abs(a.v()), a.shape(), ta, abs(a.v()), a.shape(), tb), K.matmul(a.s(), ta, a.s(), tb));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulLargeEnoughForTheMultiThreadedPath(DType dt) {
        assertTrue(160L * 160 * 160 >= EjmlKernels.PARALLEL_FLOPS, "160^3 must reach PARALLEL_FLOPS");
        assertTrue(150L * 170 * 130 >= EjmlKernels.PARALLEL_FLOPS, "150*170*130 must reach PARALLEL_FLOPS");
        SplittableRandom r = new SplittableRandom(44 + dt.ordinal());
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                checkMatmul(r, dt, 160, 160, 160, ta, tb);
                checkMatmul(r, dt, 150, 170, 130, ta, tb);
            }
        }
        // matrix-vector product above the threshold
        checkMatmul(r, dt, 2100, 1000, 1, false, false);
        checkMatmul(r, dt, 2100, 1000, 1, true, false);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void transposeSwapsAxes(DType dt) {
        SplittableRandom r = new SplittableRandom(45 + dt.ordinal());
        List<Shape> shapes = List.of(Shape.of(3, 5), Shape.of(5, 3), Shape.of(1, 6), Shape.of(6, 1), Shape.of(1, 1),
                Shape.of(0, 3), Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)), Shape.of(400, 390));
        for (Shape s : shapes) {
            T a = rand(r, s, dt);
            int rows = s.dim(0);
            int cols = s.dim(1);
            Storage t = K.transpose(a.s());
            assertValues("transpose " + s, Shape.of(cols, rows), dt, refTranspose(a.v(), rows, cols), t);
            assertValues("transpose(transpose " + s + ")", s, dt, a.v(), K.transpose(t));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void dotIsTheSumOfProducts(DType dt) {
        SplittableRandom r = new SplittableRandom(46 + dt.ordinal());
        for (Shape s : List.of(SCALAR, Shape.of(1), Shape.of(7), Shape.of(3, 4), Shape.of(1, 5), Shape.of(0),
                Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)))) {
            T a = rand(r, s, dt);
            T b = rand(r, s, dt);
            double expected = innerProduct(a.v(), b.v());
            double scale = innerProduct(abs(a.v()), abs(b.v()));
            assertValues("dot " + s, SCALAR, dt, new double[] {expected}, new double[] {scale},
                    K.dot(a.s(), b.s()));
        }
    }

    /** A random, strongly diagonally dominant (hence well-conditioned) n x n matrix. */
    private static double[] wellConditioned(SplittableRandom r, int n) {
        double[] a = uniform(r, n * n, -1, 1);
        for (int i = 0; i < n; i++) {
            a[i * n + i] += (r.nextBoolean() ? 1 : -1) * (n + 1.0);
        }
        return a;
    }

    private static void checkSolve(SplittableRandom r, DType dt, int n, Shape bShape) {
        T a = make(wellConditioned(r, n), Shape.of(n, n), dt);
        T b = rand(r, bShape, dt);
        int k = bShape.rank() == 1 ? 1 : bShape.dim(1);
        String what = "solve A [" + n + ", " + n + "] b " + bShape;
        Storage x = K.solve(a.s(), b.s());
        double[] xRef = refSolve(a.v(), n, b.v(), k);
        double maxAbs = 0;
        for (double v : xRef) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double[] scale = new double[xRef.length];
        Arrays.fill(scale, maxAbs);
        assertValues(what, bShape, dt, xRef, scale, x);
        // residual ||A x - b||_inf <= tol (||A||_inf ||x||_inf + ||b||_inf), on the stored values
        double[] xv = RAW.toDoubles(x);
        double normA = 0;
        double normX = 0;
        double normB = 0;
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double rowSum = 0;
            for (int p = 0; p < n; p++) {
                rowSum += Math.abs(a.v()[i * n + p]);
            }
            normA = Math.max(normA, rowSum);
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int p = 0; p < n; p++) {
                    s += a.v()[i * n + p] * xv[p * k + j];
                }
                residual = Math.max(residual, Math.abs(s - b.v()[i * k + j]));
                normB = Math.max(normB, Math.abs(b.v()[i * k + j]));
            }
        }
        for (double v : xv) {
            normX = Math.max(normX, Math.abs(v));
        }
        assertTrue(residual <= tol(dt) * (normA * normX + normB),
                what + " [" + dt + "]: residual " + residual + " too large (||A|| " + normA + ", ||x|| " + normX
                        + ", ||b|| " + normB + ")");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void solveRankOneAndRankTwoRightHandSides(DType dt) {
        SplittableRandom r = new SplittableRandom(47 + dt.ordinal());
        for (int n = 1; n <= 7; n++) {
            checkSolve(r, dt, n, Shape.of(n));
            checkSolve(r, dt, n, Shape.of(n, 1));
            checkSolve(r, dt, n, Shape.of(n, 1 + r.nextInt(4)));
        }
        checkSolve(r, dt, 120, Shape.of(120));
        checkSolve(r, dt, 120, Shape.of(120, 3));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void solveWithASingularMatrixGivesNonFiniteEntries(DType dt) {
        double[][] singular = {
            {1, 2, 2, 4},                     // rank 1, exact elimination
            {1, 0, 2, 0},                     // zero column
            {0, 0, 0, 0},                     // zero matrix
        };
        for (double[] av : singular) {
            Storage a = K.fromDoubles(av.clone(), Shape.of(2, 2), dt);
            for (Shape bs : List.of(Shape.of(2), Shape.of(2, 3))) {
                double[] bv = new double[bs.size()];
                for (int i = 0; i < bv.length; i++) {
                    bv[i] = 1 + i;
                }
                Storage x = K.solve(a, K.fromDoubles(bv, bs, dt));
                String what = "solve singular A " + Arrays.toString(av) + " b " + bs + " [" + dt + "]";
                assertEquals(bs, x.shape(), what + ": shape");
                assertEquals(dt, x.dtype(), what + ": dtype");
                boolean nonFinite = false;
                for (double v : K.toDoubles(x)) {
                    nonFinite |= !Double.isFinite(v);
                }
                assertTrue(nonFinite, what + ": expected NaN or infinite entries, got "
                        + Arrays.toString(K.toDoubles(x)));
            }
        }
    }

    // ================================================================ reductions

    static Stream<Arguments> reduceCases() {
        List<Arguments> list = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            for (DType dt : DType.values()) {
                list.add(Arguments.of(op, dt));
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reduceCases")
    void reduceOverAllAndEachAxis(ReduceOp op, DType dt) {
        SplittableRandom r = new SplittableRandom(3000L + 10L * op.ordinal() + dt.ordinal());
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {SCALAR, -1});
        for (Shape v : List.of(Shape.of(1), Shape.of(6), Shape.of(1 + r.nextInt(7)))) {
            cases.add(new Object[] {v, -1});
            cases.add(new Object[] {v, 0});
        }
        for (Shape m : List.of(Shape.of(3, 5), Shape.of(5, 2), Shape.of(1, 4), Shape.of(4, 1), Shape.of(1, 1),
                Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)))) {
            for (int axis : new int[] {-1, 0, 1}) {
                cases.add(new Object[] {m, axis});
            }
        }
        for (Object[] c : cases) {
            Shape s = (Shape) c[0];
            int axis = (Integer) c[1];
            for (boolean ties : new boolean[] {false, true}) {
                T a = make(ties ? discrete(r, s.size(), true) : uniform(r, s.size(), -3, 3), s, dt);
                Shape out = reducedShape(s, axis);
                double[] scale = new double[out.size()];
                double[] expected = refReduce(op, a.v(), s, axis, scale);
                assertValues("reduce " + op + " " + s + " axis " + axis + (ties ? " (ties)" : ""), out, dt, expected,
                        scale, K.reduce(op, a.s(), axis, out));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sumOfEmptyIsZero(DType dt) {
        assertValues("reduce SUM [0] axis -1", SCALAR, dt, new double[] {0},
                K.reduce(ReduceOp.SUM, K.full(Shape.of(0), dt, 0), -1, SCALAR));
        assertValues("reduce SUM [0, 3] axis 0", Shape.of(3), dt, new double[3],
                K.reduce(ReduceOp.SUM, K.full(Shape.of(0, 3), dt, 0), 0, Shape.of(3)));
        assertValues("reduce SUM [2, 0] axis 1", Shape.of(2), dt, new double[2],
                K.reduce(ReduceOp.SUM, K.full(Shape.of(2, 0), dt, 0), 1, Shape.of(2)));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void logSumExpDoesNotOverflow(DType dt) {
        double ln2 = Math.log(2);
        double ln3 = Math.log(3);
        Storage big = K.fromDoubles(new double[] {1000, 1000, 1000}, Shape.of(3), dt);
        assertValues("LOG_SUM_EXP [1000, 1000, 1000]", SCALAR, dt, new double[] {1000 + ln3},
                K.reduce(ReduceOp.LOG_SUM_EXP, big, -1, SCALAR));
        assertValues("LOG_SUM_EXP [1000, 1000, 1000] axis 0", SCALAR, dt, new double[] {1000 + ln3},
                K.reduce(ReduceOp.LOG_SUM_EXP, big, 0, SCALAR));
        Storage mixed = K.fromDoubles(new double[] {1000, 0}, Shape.of(2), dt);
        assertValues("LOG_SUM_EXP [1000, 0]", SCALAR, dt, new double[] {1000},
                K.reduce(ReduceOp.LOG_SUM_EXP, mixed, -1, SCALAR));
        Storage negative = K.fromDoubles(new double[] {-1000, -1000}, Shape.of(2), dt);
        assertValues("LOG_SUM_EXP [-1000, -1000]", SCALAR, dt, new double[] {-1000 + ln2},
                K.reduce(ReduceOp.LOG_SUM_EXP, negative, -1, SCALAR));
        // [[1000, 999], [-1000, 1000]]
        Storage m = K.fromDoubles(new double[] {1000, 999, -1000, 1000}, Shape.of(2, 2), dt);
        double c1 = 1000 + Math.log1p(Math.exp(-1)); // log(e^999 + e^1000)
        assertValues("LOG_SUM_EXP [[1000, 999], [-1000, 1000]] axis 0", Shape.of(2), dt, new double[] {1000, c1},
                K.reduce(ReduceOp.LOG_SUM_EXP, m, 0, Shape.of(2)));
        assertValues("LOG_SUM_EXP [[1000, 999], [-1000, 1000]] axis 1", Shape.of(2), dt, new double[] {c1, 1000},
                K.reduce(ReduceOp.LOG_SUM_EXP, m, 1, Shape.of(2)));
        assertValues("LOG_SUM_EXP [[1000, 999], [-1000, 1000]] all", SCALAR, dt,
                new double[] {1000 + Math.log(2 + Math.exp(-1))}, K.reduce(ReduceOp.LOG_SUM_EXP, m, -1, SCALAR));
        Storage withMinusInf = K.fromDoubles(new double[] {Double.NEGATIVE_INFINITY, 0}, Shape.of(2), dt);
        assertValues("LOG_SUM_EXP [-inf, 0]", SCALAR, dt, new double[] {0},
                K.reduce(ReduceOp.LOG_SUM_EXP, withMinusInf, -1, SCALAR));
        Storage allMinusInf = K.full(Shape.of(3), dt, Double.NEGATIVE_INFINITY);
        assertValues("LOG_SUM_EXP [-inf, -inf, -inf]", SCALAR, dt, new double[] {Double.NEGATIVE_INFINITY},
                K.reduce(ReduceOp.LOG_SUM_EXP, allMinusInf, -1, SCALAR));
    }

    // ================================================================ shape

    @ParameterizedTest
    @EnumSource(DType.class)
    void broadcastToRepeatsAlongStretchedAxes(DType dt) {
        SplittableRandom r = new SplittableRandom(51 + dt.ordinal());
        for (int[] mn : new int[][] {{3, 5}, {4, 2}, {1, 3}, {3, 1}, {1 + r.nextInt(7), 1 + r.nextInt(7)}}) {
            int m = mn[0];
            int n = mn[1];
            Shape mat = Shape.of(m, n);
            Shape v = Shape.of(n);
            Shape[][] pairs = {
                {SCALAR, mat}, {v, mat}, {Shape.of(1, n), mat}, {Shape.of(m, 1), mat}, {mat, mat},
                {Shape.of(1), v}, {SCALAR, v}, {Shape.of(1, 1), mat}, {v, Shape.of(1, n)}, {Shape.of(1), mat},
                {SCALAR, SCALAR}, {v, v}, {Shape.of(1), Shape.of(1, n)},
            };
            for (Shape[] p : pairs) {
                assertTrue(p[0].broadcastsTo(p[1]), "test setup: " + p[0] + " -> " + p[1]);
                T a = rand(r, p[0], dt);
                assertValues("broadcastTo " + p[0] + " -> " + p[1], p[1], dt, refBroadcastTo(a.v(), p[0], p[1]),
                        K.broadcastTo(a.s(), p[1]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sliceAndPadAreAdjoint(DType dt) {
        SplittableRandom r = new SplittableRandom(52 + dt.ordinal());
        List<Object[]> cases = new ArrayList<>();
        for (int trial = 0; trial < 8; trial++) {
            cases.add(new Object[] {Shape.of(1 + r.nextInt(7)), 0});
            cases.add(new Object[] {Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)), 0});
            cases.add(new Object[] {Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)), 1});
        }
        cases.add(new Object[] {Shape.of(3, 5), 0});
        cases.add(new Object[] {Shape.of(3, 5), 1});
        cases.add(new Object[] {Shape.of(5), 0});
        for (Object[] c : cases) {
            Shape s = (Shape) c[0];
            int axis = (Integer) c[1];
            int len = s.dim(axis);
            List<int[]> ranges = new ArrayList<>(List.of(new int[] {0, len}, new int[] {0, 0}, new int[] {len, len}));
            int start = r.nextInt(len + 1);
            ranges.add(new int[] {start, start + r.nextInt(len - start + 1)});
            if (len >= 2) {
                ranges.add(new int[] {1, len});
                ranges.add(new int[] {0, len - 1});
            }
            T x = rand(r, s, dt);
            for (int[] range : ranges) {
                int[] dims = s.dims();
                dims[axis] = range[1] - range[0];
                Shape sliced = Shape.of(dims);
                String what = s + " axis " + axis + " [" + range[0] + ", " + range[1] + ")";
                Storage sl = K.slice(x.s(), axis, range[0], range[1]);
                assertValues("slice " + what, sliced, dt, refSlice(x.v(), s, axis, range[0], range[1]), sl);

                T y = rand(r, sliced, dt);
                Storage padded = K.pad(y.s(), axis, range[0], s);
                assertValues("pad " + sliced + " at " + range[0] + " along axis " + axis + " into " + s, s, dt,
                        refPad(y.v(), sliced, axis, range[0], s), padded);

                double lhs = innerProduct(K.toDoubles(sl), y.v());
                double rhs = innerProduct(x.v(), K.toDoubles(padded));
                double scale = innerProduct(abs(x.v()), abs(K.toDoubles(padded)));
                assertTrue(Math.abs(lhs - rhs) <= 1e-12 * (Math.abs(lhs) + scale),
                        "slice/pad adjoint " + what + " [" + dt + "]: <slice(x), y> = " + lhs + " but <x, pad(y)> = "
                                + rhs);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherAndScatterAddAreAdjoint(DType dt) {
        SplittableRandom r = new SplittableRandom(53 + dt.ordinal());
        List<Shape> shapes = new ArrayList<>(List.of(Shape.of(5), Shape.of(4, 3), Shape.of(1), Shape.of(3, 1),
                Shape.of(1, 4)));
        for (int trial = 0; trial < 6; trial++) {
            shapes.add(Shape.of(1 + r.nextInt(7)));
            shapes.add(Shape.of(1 + r.nextInt(7), 1 + r.nextInt(7)));
        }
        for (Shape s : shapes) {
            int len = s.dim(0);
            List<int[]> indexSets = new ArrayList<>();
            int[] rnd = new int[1 + r.nextInt(9)];
            for (int i = 0; i < rnd.length; i++) {
                rnd[i] = r.nextInt(len);
            }
            indexSets.add(rnd);
            indexSets.add(new int[] {0, 0, 0}); // repeated
            indexSets.add(new int[] {len - 1, 0, len - 1, len - 1});
            indexSets.add(new int[0]);
            int[] perm = new int[len];
            for (int i = 0; i < len; i++) {
                perm[i] = len - 1 - i;
            }
            indexSets.add(perm);
            T x = rand(r, s, dt);
            for (int[] idx : indexSets) {
                Shape gathered = s.rank() == 1 ? Shape.of(idx.length) : Shape.of(idx.length, s.dim(1));
                String what = s + " indices " + Arrays.toString(idx);
                Storage g = K.gather(x.s(), idx.clone());
                assertValues("gather " + what, gathered, dt, refGather(x.v(), s, idx), g);

                T y = rand(r, gathered, dt);
                Storage sc = K.scatterAdd(y.s(), idx.clone(), s);
                double[] scatterScale = refScatterAdd(abs(y.v()), idx, s);
                assertValues("scatterAdd " + gathered + " indices " + Arrays.toString(idx) + " into " + s, s, dt,
                        refScatterAdd(y.v(), idx, s), scatterScale, sc);

                double lhs = innerProduct(K.toDoubles(g), y.v());
                double rhs = innerProduct(x.v(), K.toDoubles(sc));
                double scale = innerProduct(abs(K.toDoubles(g)), abs(y.v()));
                assertTrue(Math.abs(lhs - rhs) <= tol(dt) * (Math.abs(lhs) + scale),
                        "gather/scatterAdd adjoint " + what + " [" + dt + "]: <gather(x), y> = " + lhs
                                + " but <x, scatterAdd(y)> = " + rhs);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void gatherAndScatterAddDoNotModifyTheIndices(DType dt) {
        Storage x = K.fromDoubles(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(3, 2), dt);
        int[] idx = {2, 0, 2};
        K.gather(x, idx);
        assertArrayEquals(new int[] {2, 0, 2}, idx, "gather modified its indices [" + dt + "]");
        K.scatterAdd(K.fromDoubles(new double[6], Shape.of(3, 2), dt), idx, Shape.of(3, 2));
        assertArrayEquals(new int[] {2, 0, 2}, idx, "scatterAdd modified its indices [" + dt + "]");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void concatJoinsAlongAnAxis(DType dt) {
        SplittableRandom r = new SplittableRandom(54 + dt.ordinal());
        for (int trial = 0; trial < 6; trial++) {
            int m = 1 + r.nextInt(7);
            int n = 1 + r.nextInt(7);
            int[] lens = {1 + r.nextInt(4), 1 + r.nextInt(4), 1 + r.nextInt(4)};
            if (trial == 0) {
                lens[1] = 0; // an empty middle part
            }
            // vectors, axis 0
            checkConcat(r, dt, List.of(Shape.of(lens[0]), Shape.of(lens[1]), Shape.of(lens[2])), 0,
                    Shape.of(lens[0] + lens[1] + lens[2]));
            // matrices, axis 0: [l_i, n]
            checkConcat(r, dt, List.of(Shape.of(lens[0], n), Shape.of(lens[1], n), Shape.of(lens[2], n)), 0,
                    Shape.of(lens[0] + lens[1] + lens[2], n));
            // matrices, axis 1: [m, l_i]
            checkConcat(r, dt, List.of(Shape.of(m, lens[0]), Shape.of(m, lens[1]), Shape.of(m, lens[2])), 1,
                    Shape.of(m, lens[0] + lens[1] + lens[2]));
        }
        checkConcat(r, dt, List.of(Shape.of(2, 3), Shape.of(2, 1)), 1, Shape.of(2, 4));
        checkConcat(r, dt, List.of(Shape.of(1, 3)), 0, Shape.of(1, 3));
    }

    private static void checkConcat(SplittableRandom r, DType dt, List<Shape> shapes, int axis, Shape out) {
        List<T> parts = new ArrayList<>();
        List<Storage> storages = new ArrayList<>();
        for (Shape s : shapes) {
            T p = rand(r, s, dt);
            parts.add(p);
            storages.add(p.s());
        }
        assertValues("concat " + shapes + " axis " + axis + " -> " + out, out, dt, refConcat(parts, axis, out),
                K.concat(storages, axis, out));
    }

    // ================================================================ arguments stay unmodified

    /**
     * Runs every kernel once on shared inputs through {@link CheckedKernels} (a 160×160 product reaches EJML's
     * blocked paths) and checks every input's values bit for bit afterwards.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void noKernelModifiesItsArguments(DType dt) {
        assertTrue(KernelExercise.run(RAW, dt, 160) > 100, "kernel calls checked");
    }

    // ================================================================ thread safety

    @Test
    void concurrentKernelsGiveTheSequentialResults() throws Exception {
        SplittableRandom r = new SplittableRandom(71);
        List<Callable<Storage>> tasks = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (DType dt : DType.values()) {
            T bigA = rand(r, Shape.of(160, 160), dt);
            T bigB = rand(r, Shape.of(160, 160), dt);
            for (boolean ta : new boolean[] {false, true}) {
                boolean tb = !ta;
                tasks.add(() -> RAW.matmul(bigA.s(), ta, bigB.s(), tb));
                names.add("matmul 160x160x160 ta=" + ta + " tb=" + tb + " [" + dt + "]");
            }
            for (int i = 0; i < 40; i++) {
                int m = 1 + r.nextInt(7);
                int k = 1 + r.nextInt(7);
                int n = 1 + r.nextInt(7);
                boolean ta = r.nextBoolean();
                boolean tb = r.nextBoolean();
                T a = rand(r, ta ? Shape.of(k, m) : Shape.of(m, k), dt);
                T b = rand(r, tb ? Shape.of(n, k) : Shape.of(k, n), dt);
                tasks.add(() -> RAW.matmul(a.s(), ta, b.s(), tb));
                names.add("matmul " + a.shape() + " ta=" + ta + " x " + b.shape() + " tb=" + tb + " [" + dt + "]");

                List<Shape[]> pairs = broadcastPairs(m, n);
                Shape[] p = pairs.get(r.nextInt(pairs.size()));
                BinaryOp op = BinaryOp.values()[r.nextInt(BinaryOp.values().length)];
                T x = rand(r, p[0], dt);
                T y = rand(r, p[1], dt);
                Shape out = Shape.broadcast("test", p[0], p[1]);
                tasks.add(() -> RAW.binary(op, x.s(), y.s(), out));
                names.add("binary " + op + " " + p[0] + " with " + p[1] + " [" + dt + "]");

                UnaryOp uop = UnaryOp.values()[r.nextInt(UnaryOp.values().length)];
                T u = make(uniform(r, m * n, 0.1, 3), Shape.of(m, n), dt);
                tasks.add(() -> RAW.unary(uop, u.s()));
                names.add("unary " + uop + " [" + dt + "]");

                ReduceOp rop = ReduceOp.values()[r.nextInt(ReduceOp.values().length)];
                int axis = r.nextInt(3) - 1;
                Shape rout = reducedShape(u.shape(), axis);
                tasks.add(() -> RAW.reduce(rop, u.s(), axis, rout));
                names.add("reduce " + rop + " axis " + axis + " [" + dt + "]");
            }
            T sa = make(wellConditioned(r, 6), Shape.of(6, 6), dt);
            T sb = rand(r, Shape.of(6, 2), dt);
            tasks.add(() -> RAW.solve(sa.s(), sb.s()));
            names.add("solve 6x6 [" + dt + "]");
        }
        double[][] expected = new double[tasks.size()][];
        for (int i = 0; i < tasks.size(); i++) {
            expected[i] = RAW.toDoubles(tasks.get(i).call());
        }

        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 100 + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    SplittableRandom order = new SplittableRandom(seed);
                    List<String> failures = new ArrayList<>();
                    for (int rep = 0; rep < 3; rep++) {
                        int[] perm = new int[tasks.size()];
                        for (int i = 0; i < perm.length; i++) {
                            perm[i] = i;
                        }
                        for (int i = perm.length - 1; i > 0; i--) {
                            int j = order.nextInt(i + 1);
                            int tmp = perm[i];
                            perm[i] = perm[j];
                            perm[j] = tmp;
                        }
                        for (int i : perm) {
                            double[] got = RAW.toDoubles(tasks.get(i).call());
                            if (!Arrays.equals(got, expected[i])) {
                                failures.add(names.get(i) + " differs from the sequential result");
                            }
                        }
                    }
                    return failures;
                }));
            }
            start.countDown();
            List<String> failures = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                failures.addAll(f.get(120, TimeUnit.SECONDS));
            }
            if (!failures.isEmpty()) {
                fail("concurrent results differ from sequential ones: " + failures);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
