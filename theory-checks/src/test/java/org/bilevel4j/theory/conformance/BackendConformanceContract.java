package org.bilevel4j.theory.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.error.BackendMismatchException;
import org.bilevel4j.api.error.DTypeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.problems.L2LogisticRegression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every backend must do like the EJML reference: every kernel (reached through the tensor operations that
 * call it) on seeded random inputs, float64 to 1e-12 relative and float32 to 1e-5, and an end-to-end AID-CG
 * hypergradient of a logistic-regression problem to 1e-10. Adding a backend means one small subclass (plus one of
 * {@link AutodiffContract}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BackendConformanceContract {
    private static final Backend REFERENCE = Backends.get("ejml");

    /** @return the backend under test */
    abstract Backend backend();

    /** The backend, resolved once before the tests (an assumption there skips the whole class). */
    Backend resolved;

    @BeforeAll
    final void resolveBackend() {
        resolved = backend();
    }

    /**
     * A tensor program run on both backends: inputs are generated on the reference and copied. An element-wise
     * program (no sums inside) is compared element by element in plain relative error.
     */
    record Program(String name, Function<Inputs, Tensor> body, boolean elementwise) {
        Program(String name, Function<Inputs, Tensor> body) {
            this(name, body, false);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Seeded inputs, created on one backend. */
    static final class Inputs {
        final Backend backend;
        final DType dtype;
        final SplittableRandom rng;

        Inputs(Backend backend, DType dtype, long seed) {
            this.backend = backend;
            this.dtype = dtype;
            this.rng = new SplittableRandom(seed);
        }

        Tensor uniform(Shape s, double lo, double hi) {
            return REFERENCE.randomUniform(s, dtype, lo, hi, rng).to(backend);
        }

        Tensor normal(int... dims) {
            return REFERENCE.randomNormal(Shape.of(dims), dtype, rng).to(backend);
        }
    }

    static List<Program> programs() {
        List<Program> p = new ArrayList<>();
        // creation and copy-out
        p.add(new Program("fromArray", in -> in.backend.fromArray(new double[] {1.5, -2, 3.25, 1e-7, 4, 5},
                Shape.of(2, 3), in.dtype)));
        p.add(new Program("full/zeros/ones/identity", in -> in.backend.full(Shape.of(2, 2), in.dtype, 0.1)
                .add(in.backend.zeros(Shape.of(2, 2), in.dtype)).add(in.backend.ones(Shape.of(2, 2)).to(in.dtype))
                .add(in.backend.identity(2, in.dtype))));
        p.add(new Program("affine/pow of a rank-0 tensor", in -> {
            Tensor s = in.normal(4).sum();
            return Tensor.concat(0, s.mul(0.3).add(0.7).reshape(1), s.mul(-2.5).reshape(1), s.add(0.1).reshape(1),
                    s.square().pow(1.5).reshape(1), s.div(3).reshape(1));
        }));
        p.add(new Program("scalar and item", in -> in.backend.scalar(in.normal(3).sum().item(), in.dtype)));
        p.add(new Program("get", in -> {
            Tensor m = in.normal(3, 4);
            return in.backend.vector(m.get(5), m.get(2, 3), m.get(0)).to(in.dtype);
        }));
        p.add(new Program("cast f64<->f32", in -> in.normal(3, 3).to(DType.FLOAT32).to(DType.FLOAT64).to(in.dtype)));
        // element-wise unary (domains avoid NaN; extremes test overflow handling)
        p.add(new Program("neg/exp/log/sqrt", in -> {
            Tensor x = in.uniform(Shape.of(4, 5), 0.1, 3);
            return Tensor.concat(0, x.neg(), x.exp(), x.log(), x.sqrt());
        }, true));
        p.add(new Program("log1p/expm1 incl. tiny arguments", in -> {
            Tensor x = in.uniform(Shape.of(10), -0.5, 2).mul(in.backend.fromArray(new double[] {1, 1e-9, 1, 1e-12, 1,
                1, 1e-6, 1, 1, 1}, Shape.of(10), in.dtype));
            return Tensor.concat(0, x.log1p(), x.expm1());
        }, true));
        p.add(new Program("square/reciprocal/abs/sign/step", in -> {
            Tensor x = in.uniform(Shape.of(3, 4), -2, 2);
            return Tensor.concat(0, x.square(), x.reciprocal(), x.abs(), x.sign(), x.step());
        }, true));
        p.add(new Program("tanh/sigmoid/relu/softplus/sin/cos", in -> {
            Tensor x = in.uniform(Shape.of(3, 4), -6, 6);
            return Tensor.concat(0, x.tanh(), x.sigmoid(), x.relu(), x.softplus(), x.sin(), x.cos());
        }, true));
        p.add(new Program("sigmoid/softplus at +-50, +-800", in -> {
            Tensor x = in.backend.fromArray(new double[] {-800, -50, -20, 0, 20, 50, 800}, Shape.of(7), in.dtype);
            return Tensor.concat(0, x.sigmoid(), x.softplus(), x.tanh());
        }, true));
        p.add(new Program("log1p/expm1 at the edges of their domains", in -> {
            Tensor inf = in.backend.scalar(800, in.dtype).exp().reshape(1);   // overflows to +infinity in both types
            Tensor x = Tensor.concat(0, in.backend.fromArray(new double[] {-1, 0, 1e-30, -1e-30, -0.999999}, Shape.of(5),
                    in.dtype), inf);
            Tensor y = Tensor.concat(0, in.backend.fromArray(new double[] {0, 1e-30, -1e-30, -40, 60}, Shape.of(5),
                    in.dtype), inf, inf.neg());
            return Tensor.concat(0, x.log1p(), y.expm1());
        }, true));
        p.add(new Program("affine/pow", in -> {
            Tensor x = in.uniform(Shape.of(2, 5), 0.2, 2);
            return Tensor.concat(0, x.affine(-2.5, 0.75), x.pow(0.5), x.pow(3), x.pow(-1.5), x.add(1.25), x.div(3));
        }, true));
        // binary with broadcasting
        for (int[][] shapes : new int[][][] {{{3, 4}, {3, 4}}, {{3, 4}, {}}, {{}, {3, 4}}, {{3, 4}, {4}}, {{3, 4}, {1, 4}},
            {{3, 4}, {3, 1}}, {{3, 1}, {1, 4}}, {{3, 1}, {4}}, {{5}, {5}}}) {
            p.add(new Program("binary " + java.util.Arrays.toString(shapes[0]) + " op "
                    + java.util.Arrays.toString(shapes[1]), in -> {
                        Tensor a = in.uniform(Shape.of(shapes[0]), 0.5, 2);
                        Tensor b = in.uniform(Shape.of(shapes[1]), 0.5, 2);
                        Tensor c = a.add(b);
                        return Tensor.concat(0, c.flatten(), a.sub(b).flatten(), a.mul(b).flatten(), a.div(b).flatten(),
                                a.maximum(b).flatten(), a.minimum(b).flatten(), a.gt(b).flatten(), a.ge(b).flatten(),
                                a.lt(b).flatten(), a.le(b).flatten(), a.eq(a).flatten());
                    }, true));
        }
        p.add(new Program("where with broadcasting", in -> {
            Tensor mask = in.uniform(Shape.of(3, 1), -1, 1).gt(in.backend.scalar(0, in.dtype));
            return Tensor.where(mask, in.normal(3, 4), in.normal(4));
        }));
        // linear algebra
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                p.add(new Program("matmul(" + ta + ", " + tb + ")", in -> {
                    Tensor a = ta ? in.normal(7, 5) : in.normal(5, 7);
                    Tensor b = tb ? in.normal(6, 7) : in.normal(7, 6);
                    return a.matmul(b, ta, tb);
                }));
            }
        }
        p.add(new Program("matmul large (multi-threaded on EJML)", in -> in.normal(160, 130).matmul(in.normal(130, 150))));
        p.add(new Program("matrix-vector, vector-matrix, dot", in -> {
            Tensor a = in.normal(6, 4);
            Tensor v = in.normal(4);
            Tensor u = in.normal(6);
            return Tensor.concat(0, a.matmul(v), u.matmul(a), v.dot(v).reshape(1), v.matmul(v).reshape(1));
        }));
        p.add(new Program("transpose", in -> in.normal(3, 5).transpose()));
        p.add(new Program("solve", in -> {
            Tensor a = in.normal(6, 6).add(in.backend.identity(6, in.dtype).mul(4));
            return Tensor.concat(0, a.solve(in.normal(6)).reshape(6, 1), a.solve(in.normal(6, 3)).transpose()
                    .reshape(18, 1));
        }));
        // reductions
        p.add(new Program("reductions", in -> {
            Tensor x = in.uniform(Shape.of(4, 5), -3, 3);
            return Tensor.concat(0, x.sum().reshape(1), x.sum(0), x.sum(1), x.max().reshape(1), x.max(0), x.max(1),
                    x.min().reshape(1), x.min(0), x.min(1), x.mean().reshape(1), x.logSumExp().reshape(1),
                    x.logSumExp(0), x.logSumExp(1), x.flatten().logSumExp(0).reshape(1));
        }));
        p.add(new Program("logSumExp of large values", in -> in.uniform(Shape.of(3, 4), 990, 1000).logSumExp(1)));
        p.add(new Program("softmax and cross-entropy", in -> {
            Tensor z = in.normal(4, 3);
            return Tensor.concat(0, z.softmax(1).flatten(), z.softmaxCrossEntropy(new int[] {0, 2, 1, 2}));
        }));
        // moving values
        p.add(new Program("reshape/broadcastTo/flatten", in -> {
            Tensor x = in.normal(3, 4);
            return Tensor.concat(0, x.reshape(4, 3).flatten(), in.normal(4).broadcastTo(Shape.of(2, 4)).flatten(),
                    in.normal(2, 1).broadcastTo(Shape.of(2, 3)).flatten());
        }));
        p.add(new Program("slice/pad", in -> {
            Tensor x = in.normal(5, 6);
            return Tensor.concat(0, x.sliceRows(1, 4).flatten(), x.sliceColumns(2, 5).flatten(),
                    x.flatten().slice(0, 3, 11), x.sliceRows(0, 2).pad(0, 1, Shape.of(4, 6)).flatten(),
                    x.sliceColumns(0, 2).pad(1, 3, Shape.of(5, 6)).flatten());
        }));
        p.add(new Program("gather/scatterAdd", in -> {
            Tensor x = in.normal(5, 3);
            int[] idx = {4, 0, 0, 2, 4, 4};
            return Tensor.concat(0, x.gather(idx).flatten(), x.gather(idx).scatterAdd(idx, Shape.of(5, 3)).flatten(),
                    in.normal(6).gather(5, 1, 1).flatten(), in.normal(3).scatterAdd(new int[] {1, 1, 0}, Shape.of(2)));
        }));
        p.add(new Program("concat", in -> Tensor.concat(1, in.normal(3, 2), in.normal(3, 1), in.normal(3, 4))));
        return p;
    }

    Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Program p : programs()) {
            all.add(Arguments.of(p, DType.FLOAT64));
            all.add(Arguments.of(p, DType.FLOAT32));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void everyKernelAgreesWithTheEjmlReference(Program program, DType dtype) {
        Tensor expected = program.body().apply(new Inputs(REFERENCE, dtype, 1234));
        Tensor actual = program.body().apply(new Inputs(resolved, dtype, 1234));
        assertEquals(resolved.name(), actual.backend().name());
        assertEquals(expected.shape(), actual.shape(), program.name());
        assertEquals(dtype, actual.dtype(), program.name());
        double tolerance = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Double.isFinite(v) ? Math.abs(v) : 0);
        }
        // element-wise relative error; for programs with sums inside, with a floor for elements much smaller than the
        // result's scale (cancellation); float32 sums round at the scale of their terms, so its floor is the scale
        double floor = program.elementwise() ? 0 : dtype == DType.FLOAT64 ? 1e-3 * scale : scale;
        for (int i = 0; i < e.length; i++) {
            int at = i;
            // a float32 result must be float32 storage: a kernel that widens to float64 shows values no float has
            assertTrue(dtype == DType.FLOAT64 || Double.isNaN(a[i]) || (double) (float) a[i] == a[i],
                    () -> program.name() + " [float32] element " + at + " = " + a[at] + " is not a float32 value ("
                            + resolved.name() + " computed in float64)");
            double diff = Math.abs(a[i] - e[i]);
            boolean same = e[i] == a[i] || diff <= tolerance * Math.max(Math.abs(e[i]), floor);
            int index = i;
            assertTrue(same, () -> program.name() + " [" + dtype + "] element " + index + ": expected " + e[index]
                    + " (ejml), got " + a[index] + " (" + resolved.name() + ")");
        }
    }

    @Test
    void endToEndHypergradientAgreesWithTheReference() {
        L2LogisticRegression onReference = new L2LogisticRegression(REFERENCE, 60, 8, 1, 3, 21);
        L2LogisticRegression onBackend = new L2LogisticRegression(resolved, 60, 8, 1, 3, 21);
        Tensor lambda = onReference.sampleOuter(new SplittableRandom(5));
        AidEstimator cg = AidEstimator.conjugateGradient(200, 30);
        HypergradientEstimate expected = cg.estimate(onReference, lambda);
        HypergradientEstimate actual = cg.estimate(onBackend, lambda.to(resolved));
        double error = actual.hypergradient().to(REFERENCE).sub(expected.hypergradient()).normValue()
                / expected.hypergradient().normValue();
        assertTrue(error <= 1e-10, () -> "AID-CG on " + resolved.name() + " vs ejml: relative difference " + error);
        assertEquals(expected.counts(), actual.counts());
    }

    @Test
    void float32GradientAndHessianVectorProductOfALogisticLossStayInFloat32AndAgreeWithTheReference() {
        // reverse over reverse through matmul, softplus, mean and dot: every backward kernel must keep float32
        SplittableRandom rng = new SplittableRandom(9);
        Tensor x = REFERENCE.randomNormal(Shape.of(40, 6), DType.FLOAT32, rng);
        Tensor minusY = REFERENCE.randomUniform(Shape.of(40), DType.FLOAT32, -1, 1, rng).sign().neg();
        Tensor w = REFERENCE.randomNormal(Shape.of(6), DType.FLOAT32, rng);
        Tensor v = REFERENCE.randomNormal(Shape.of(6), DType.FLOAT32, rng);
        Tensor xb = x.to(resolved);
        Tensor yb = minusY.to(resolved);
        Tensor[] expected = {Autodiff.grad(u -> loss(x, minusY, u), w), Autodiff.hvp(u -> loss(x, minusY, u), w, v)};
        Tensor[] actual = {Autodiff.grad(u -> loss(xb, yb, u), w.to(resolved)),
            Autodiff.hvp(u -> loss(xb, yb, u), w.to(resolved), v.to(resolved))};
        for (int j = 0; j < 2; j++) {
            assertEquals(DType.FLOAT32, actual[j].dtype());
            double[] a = actual[j].toDoubleArray();
            double[] e = expected[j].toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                int at = i;
                String what = j == 0 ? "gradient" : "HVP";
                assertTrue((double) (float) a[i] == a[i], () -> what + " element " + at + " is not a float32 value");
                assertEquals(e[i], a[i], 1e-5 * (1 + Math.abs(e[i])), () -> what + " element " + at);
            }
        }
    }

    private static Tensor loss(Tensor x, Tensor minusY, Tensor w) {
        return x.matmul(w).mul(minusY).softplus().mean().add(w.dot(w).mul(0.05));
    }

    @Test
    void solvingASingularSystemGivesNonFiniteEntriesNotAnException() {
        // the Kernels contract, on which DenseDirectSolver's BREAKDOWN status relies
        for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor a = resolved.fromArray(new double[] {1, 2, 2, 4}, Shape.of(2, 2), dtype);
            Tensor x = a.solve(resolved.fromArray(new double[] {1, 1}, Shape.of(2), dtype));
            assertEquals(Shape.of(2), x.shape());
            assertTrue(!x.isFinite(), () -> dtype + ": " + java.util.Arrays.toString(x.toDoubleArray()));
        }
    }

    @Test
    void mixingBackendsOrElementTypesIsRejectedNamingBothSides() {
        Tensor mine = resolved.ones(3);
        Tensor other = REFERENCE.ones(3);
        if (resolved != REFERENCE) {
            BackendMismatchException e = assertThrows(BackendMismatchException.class, () -> mine.add(other));
            assertTrue(e.getMessage().contains(resolved.name()) && e.getMessage().contains("ejml"), e::getMessage);
        }
        DTypeMismatchException d = assertThrows(DTypeMismatchException.class,
                () -> mine.add(resolved.full(Shape.of(3), DType.FLOAT32, 1.0)));
        assertTrue(d.getMessage().contains("float64") && d.getMessage().contains("float32"), d::getMessage);
    }
}
