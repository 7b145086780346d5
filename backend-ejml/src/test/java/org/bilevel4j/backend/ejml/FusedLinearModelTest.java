package org.bilevel4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReferenceKernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused kernels of a linear model's loss ({@link FusedLinearModel}, through {@link EjmlKernels}): value,
 * gradient and Hessian-vector product against the reference kernels' composition of matrix products and
 * element-wise functions, for sizes on both sides of the 4-row block, of a chunk and of the threading threshold;
 * and bitwise the same result for every split into parts (so for any number of threads). The build runs this class
 * twice: with the Vector API (SIMD row kernels) and with {@code -Dbilevel4j.ejml.simd=false} (scalar ones).
 */
class FusedLinearModelTest {
    private static final Kernels EJML = new EjmlKernels();
    private static final Kernels REFERENCE = new ReferenceKernels();

    /**
     * n × d: empty, tiny, remainders of the 4-row block, of the 4-double vector and of a 256-row chunk, several
     * chunks, above the threshold.
     */
    private static final int[][] SIZES = {
        {0, 3}, {5, 0}, {1, 1}, {3, 5}, {7, 2}, {4, 4}, {8, 6}, {255, 3}, {257, 9}, {259, 7}, {513, 11}, {600, 37},
        {1031, 200},
    };

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (LinearModelLoss loss : LinearModelLoss.values()) {
            for (int[] size : SIZES) {
                cases.add(Arguments.of(loss, size[0], size[1], true));
                cases.add(Arguments.of(loss, size[0], size[1], false));
            }
        }
        return cases.stream();
    }

    private static double[] uniform(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * r.nextDouble(-1, 1);
        }
        return v;
    }

    private record Data(double[] x, double[] w, double[] c, double[] b, double[] v) {
        static Data sample(int n, int d, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            // |aᵢ| up to about 3: the logistic factors are far from 0 and 1
            double scale = 3 / Math.sqrt(d);
            return new Data(uniform(r, n * d, 1), uniform(r, d, scale), uniform(r, n, 1), uniform(r, n, 0.5),
                    uniform(r, d, 1));
        }

        Storage[] on(Kernels k, int n, int d) {
            return new Storage[] {k.fromDoubles(x.clone(), Shape.of(n, d), DType.FLOAT64),
                k.fromDoubles(w.clone(), Shape.of(d), DType.FLOAT64), k.fromDoubles(c.clone(), Shape.of(n), DType.FLOAT64),
                k.fromDoubles(b.clone(), Shape.of(n), DType.FLOAT64), k.fromDoubles(v.clone(), Shape.of(d), DType.FLOAT64)};
        }
    }

    private static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 1e-300;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * scale, what + "[" + i + "]");
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2} offset {3}")
    @MethodSource("cases")
    void valueGradientAndHessianVectorProductAgreeWithTheComposedReference(LinearModelLoss loss, int n, int d,
            boolean offset) {
        Data data = Data.sample(n, d, 31L * n + d);
        Storage[] e = data.on(EJML, n, d);
        Storage[] r = data.on(REFERENCE, n, d);
        Storage[] fused = EJML.linearModelLoss(loss, e[0], e[1], e[2], offset ? e[3] : null, true);
        Storage[] composed = REFERENCE.linearModelLoss(loss, r[0], r[1], r[2], offset ? r[3] : null, true);
        String what = loss + " " + n + "x" + d;
        assertClose(REFERENCE.toDoubles(composed[0]), EJML.toDoubles(fused[0]), 1e-13, what + " value");
        assertClose(REFERENCE.toDoubles(composed[1]), EJML.toDoubles(fused[1]), 1e-12, what + " gradient");
        Storage hvp = EJML.linearModelHvp(loss, e[0], e[1], e[2], offset ? e[3] : null, e[4]);
        Storage reference = REFERENCE.linearModelHvp(loss, r[0], r[1], r[2], offset ? r[3] : null, r[4]);
        assertClose(REFERENCE.toDoubles(reference), EJML.toDoubles(hvp), 1e-12, what + " hvp");
        Storage[] valueOnly = EJML.linearModelLoss(loss, e[0], e[1], e[2], offset ? e[3] : null, false);
        assertEquals(EJML.get(fused[0], 0), EJML.get(valueOnly[0], 0), 0.0, "the value without the gradient");
        assertNull(valueOnly[1]);
    }

    @ParameterizedTest(name = "{0} {1}x{2} offset {3}")
    @MethodSource("cases")
    void everySplitIntoPartsGivesBitwiseTheSameResult(LinearModelLoss loss, int n, int d, boolean offset) {
        Data data = Data.sample(n, d, 7L * n + d);
        double[] b = offset ? data.b : null;
        double[] one = FusedLinearModel.lossAndGradient(loss, data.x, n, d, data.w, data.c, b, true, 1);
        double[] hvpOne = FusedLinearModel.hvp(loss, data.x, n, d, data.w, data.c, b, data.v, 1);
        for (int parts : new int[] {2, 3, 7}) {
            assertArrayEquals(one, FusedLinearModel.lossAndGradient(loss, data.x, n, d, data.w, data.c, b, true,
                    parts), "value and gradient, " + parts + " parts");
            assertArrayEquals(hvpOne, FusedLinearModel.hvp(loss, data.x, n, d, data.w, data.c, b, data.v, parts),
                    "hvp, " + parts + " parts");
        }
    }

    @Test
    void theKernelsAreSimdExactlyWhenModuleHardwareAndSwitchAllowIt() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (Boolean.getBoolean("bilevel4j.ejml.expectSimd")) { // set by the build's default test run
            assertTrue(module, "expected the JVM to have jdk.incubator.vector (--add-modules)");
        }
        boolean off = "false".equalsIgnoreCase(System.getProperty(Simd.PROPERTY, ""));
        boolean wide = module && SimdLinearModel.preferredBits() >= 256;
        assertEquals(module && wide && !off, Simd.ENABLED, "module " + module + ", 256-bit vectors " + wide
                + ", switched off " + off);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(LinearModelLoss.class)
    void saturatedLogisticArgumentsAgreeWithTheReference(LinearModelLoss loss) {
        // |aᵢ| up to about 900: e^(−|a|) underflows, φ is linear in a, φ′ is 0 or 1 and φ″ is 0
        int n = 37;
        int d = 9;
        Data data = Data.sample(n, d, 99);
        double[] w = data.w.clone();
        for (int j = 0; j < d; j++) {
            w[j] *= 300 * Math.sqrt(d);
        }
        Data big = new Data(data.x, w, data.c, data.b, data.v);
        Storage[] e = big.on(EJML, n, d);
        Storage[] r = big.on(REFERENCE, n, d);
        Storage[] fused = EJML.linearModelLoss(loss, e[0], e[1], e[2], e[3], true);
        Storage[] composed = REFERENCE.linearModelLoss(loss, r[0], r[1], r[2], r[3], true);
        assertClose(REFERENCE.toDoubles(composed[0]), EJML.toDoubles(fused[0]), 1e-13, loss + " value");
        assertClose(REFERENCE.toDoubles(composed[1]), EJML.toDoubles(fused[1]), 1e-12, loss + " gradient");
        assertClose(REFERENCE.toDoubles(REFERENCE.linearModelHvp(loss, r[0], r[1], r[2], r[3], r[4])),
                EJML.toDoubles(EJML.linearModelHvp(loss, e[0], e[1], e[2], e[3], e[4])), 1e-12, loss + " hvp");
        for (double value : EJML.toDoubles(fused[1])) {
            assertTrue(Double.isFinite(value), "finite gradient");
        }
    }

    @Test
    void autodiffOnTheEjmlBackendAgreesWithTheComposedLossAboveTheThreadingThreshold() {
        Backend be = Backends.get("ejml");
        int n = 1500;
        int d = 120; // 180,000 elements: split between threads
        Data data = Data.sample(n, d, 2026);
        Tensor x = be.fromArray(data.x, Shape.of(n, d));
        Tensor c = be.fromArray(data.c, Shape.of(n));
        Tensor w = be.fromArray(data.w, Shape.of(d));
        Tensor v = be.fromArray(data.v, Shape.of(d));
        Tensor b = be.fromArray(data.b, Shape.of(n));
        UnaryOperator<Tensor> fused = p -> x.linearModelLoss(LinearModelLoss.LOGISTIC, p, c).div(n);
        UnaryOperator<Tensor> composed = p -> x.matmul(p).mul(c).softplus().mean();
        UnaryOperator<Tensor> fusedSquared = p -> x.linearModelLoss(LinearModelLoss.SQUARED, p, c, b);
        UnaryOperator<Tensor> composedSquared = p -> x.matmul(p).mul(c).add(b).square().mul(0.5).sum();
        for (var pair : List.of(List.of(fused, composed), List.of(fusedSquared, composedSquared))) {
            UnaryOperator<Tensor> f = pair.get(0);
            UnaryOperator<Tensor> g = pair.get(1);
            assertClose(g.apply(w).toDoubleArray(), f.apply(w).toDoubleArray(), 1e-13, "value");
            assertClose(Autodiff.grad(g, w).toDoubleArray(), Autodiff.grad(f, w).toDoubleArray(), 1e-12, "gradient");
            assertClose(Autodiff.hvp(g, w, v).toDoubleArray(), Autodiff.hvp(f, w, v).toDoubleArray(), 1e-12, "hvp");
        }
    }
}
