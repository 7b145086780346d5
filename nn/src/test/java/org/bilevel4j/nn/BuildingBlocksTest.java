package org.bilevel4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/** Layouts, initialisers, optimizers and minibatches against hand computations; bad input. */
class BuildingBlocksTest {
    static final Backend B = LayerGradientTest.B;

    @Test
    void packThenViewRoundTrips() {
        ParameterLayout layout = ParameterLayout.builder().add("a", Shape.of(2, 3)).add("b", Shape.of(4)).build();
        assertEquals(10, layout.size());
        Tensor a = B.randomNormal(Shape.of(2, 3), 1);
        Tensor b = B.randomNormal(Shape.of(4), 2);
        Map<String, Tensor> values = new LinkedHashMap<>();
        values.put("b", b);
        values.put("a", a);
        Tensor flat = layout.pack(values);
        assertArrayEquals(a.toDoubleArray(), layout.view(flat, "a").toDoubleArray(), 0);
        assertArrayEquals(b.toDoubleArray(), layout.view(flat, "b").toDoubleArray(), 0);
        assertEquals(6, layout.entry("b").offset());
        assertEquals(a.get(1, 2), flat.get(5), 0);
        var e = assertThrows(ShapeMismatchException.class, () -> layout.view(B.zeros(9), "a"));
        assertTrue(e.getMessage().contains("flat") && e.getMessage().contains("[10]"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> layout.view(flat, "c"));
        assertTrue(e2.getMessage().contains("'c'"), e2.getMessage());
        var e3 = assertThrows(ShapeMismatchException.class, () -> layout.pack(Map.of("a", b, "b", b)));
        assertTrue(e3.getMessage().contains("values['a']"), e3.getMessage());
    }

    @Test
    void orthogonalInitialiserHasOrthonormalColumnsOrRows() {
        for (int[] s : new int[][] {{7, 3}, {3, 7}, {5, 5}}) {
            Tensor w = Initializer.orthogonal(2.0).initialize(B, Shape.of(s), s[0], new SplittableRandom(4));
            Tensor gram = s[0] >= s[1] ? w.matmul(w, true, false) : w.matmul(w, false, true);
            int k = Math.min(s[0], s[1]);
            assertTrue(gram.allClose(B.identity(k).mul(4.0), 0, 1e-12), gram::toString);
        }
    }

    @Test
    void kaimingInitialiserHasTheStatedVariance() {
        int fanIn = 50;
        Tensor w = Initializer.kaiming(Math.sqrt(2)).initialize(B, Shape.of(fanIn, 400), fanIn, new SplittableRandom(1));
        double var = w.square().mean().item();
        // 20000 draws: the sample variance is within 5 standard errors (√(2/20000) relative) of 2/fan_in
        assertEquals(2.0 / fanIn, var, 5 * Math.sqrt(2.0 / 20000) * 2.0 / fanIn);
    }

    @Test
    void adamMatchesItsEquationsOnAQuadratic() {
        double lr = 0.1;
        double wd = 0.01;
        Adam adam = Adam.of(lr, wd);
        double[] theta = {1.0, -2.0};
        double[] m = new double[2];
        double[] s = new double[2];
        Tensor t = B.vector(theta.clone());
        for (int step = 1; step <= 5; step++) {
            Tensor grad = t.mul(B.vector(3.0, 0.5)); // ∇ of ½(3θ₀² + 0.5θ₁²)
            t = adam.step(t, grad);
            for (int i = 0; i < 2; i++) {
                double g = (i == 0 ? 3.0 : 0.5) * theta[i] + wd * theta[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                s[i] = 0.999 * s[i] + 0.001 * g * g;
                double mh = m[i] / (1 - Math.pow(0.9, step));
                double sh = s[i] / (1 - Math.pow(0.999, step));
                theta[i] -= lr * mh / (Math.sqrt(sh) + 1e-8);
            }
            assertArrayEquals(theta, t.toDoubleArray(), 1e-15);
        }
        assertEquals(5, adam.steps());
        adam.reset();
        assertEquals(0, adam.steps());
    }

    @Test
    void sgdWithWeightDecayAndMomentumMatchesItsEquations() {
        Sgd sgd = new Sgd(0.2, 0.5, 0.1);
        double[] theta = {1.0, 2.0};
        double[] v = new double[2];
        Tensor t = B.vector(theta.clone());
        for (int step = 0; step < 4; step++) {
            t = sgd.step(t, t.mul(2.0));
            for (int i = 0; i < 2; i++) {
                double g = 2 * theta[i] + 0.1 * theta[i];
                v[i] = step == 0 ? g : 0.5 * v[i] + g;
                theta[i] -= 0.2 * v[i];
            }
            assertArrayEquals(theta, t.toDoubleArray(), 1e-15);
        }
    }

    @Test
    void minibatchesVisitEveryIndexOncePerEpoch() {
        Minibatches mb = new Minibatches(12, 4, 3);
        int[] count = new int[12];
        for (int b = 0; b < 3; b++) {
            for (int i : mb.next()) {
                count[i]++;
            }
        }
        for (int c : count) {
            assertEquals(1, c);
        }
        assertArrayEquals(new int[] {0, 1, 2}, new Minibatches(3, 10, 0).next());
        assertArrayEquals(new Minibatches(50, 7, 9).next(), new Minibatches(50, 7, 9).next(), "reproducible");
        var e = assertThrows(IllegalArgumentException.class, () -> new Minibatches(10, 0, 0));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        // gather picks the rows
        Tensor x = B.fromArray(new double[] {0, 1, 2, 3, 4, 5}, Shape.of(3, 2));
        assertArrayEquals(new double[] {4, 5, 0, 1}, x.gather(2, 0).toDoubleArray(), 0);
    }

    @Test
    void badInputNamesTheArgument() {
        var e = assertThrows(ShapeMismatchException.class, () -> new Network(java.util.List.of(Dense.of(2, 3),
                Dense.of(4, 1))));
        assertTrue(e.getMessage().contains("layers[1]") && e.getMessage().contains("3"), e.getMessage());
        Network net = Mlp.of(2, new int[] {3}, 1, Activation.Kind.TANH);
        Tensor theta = net.initialParameters(B, 0);
        var e2 = assertThrows(ShapeMismatchException.class, () -> net.forward(theta, B.zeros(4, 3)));
        assertTrue(e2.getMessage().startsWith("x:"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Adam.of(-1));
        assertTrue(e3.getMessage().contains("learningRate"), e3.getMessage());
        var e4 = assertThrows(ShapeMismatchException.class, () -> Adam.of(0.1).step(theta, B.zeros(2)));
        assertTrue(e4.getMessage().contains("gradient"), e4.getMessage());
        Tensor nan = B.zeros(theta.shape()).log(); // -∞ everywhere
        var e5 = assertThrows(RuntimeException.class, () -> Sgd.of(0.1).step(theta, nan));
        assertTrue(e5.getMessage().contains("gradient"), e5.getMessage());
    }

    @Test
    void spectralNormalisedWeightHasUnitSpectralNormAfterRefresh() {
        SpectralNormDense sn = new SpectralNormDense(Dense.of(6, 4), 1, 2);
        Tensor w = B.randomNormal(Shape.of(6, 4), 5);
        sn.refresh(w, 200);
        // σ(W) by power iteration vs the largest eigenvalue of WᵀW from a long independent iteration on the JVM
        double[] a = w.matmul(w, true, false).toDoubleArray();
        double[] u = {1, 1, 1, 1};
        double lambda = 0;
        for (int k = 0; k < 2000; k++) {
            double[] z = new double[4];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    z[i] += a[i * 4 + j] * u[j];
                }
            }
            double n = Math.sqrt(z[0] * z[0] + z[1] * z[1] + z[2] * z[2] + z[3] * z[3]);
            lambda = n;
            for (int i = 0; i < 4; i++) {
                u[i] = z[i] / n;
            }
        }
        assertEquals(Math.sqrt(lambda), sn.spectralNorm(w).item(), 1e-9);
        assertFalse(Double.isNaN(sn.spectralNorm(w).item()));
    }
}
