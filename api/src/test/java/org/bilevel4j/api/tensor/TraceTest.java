package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@link Trace} on the reference kernels: gradients against closed forms, nested traces (second derivatives),
 * traces that do not interfere with each other, and the misuse checks.
 */
class TraceTest {
    private static final Backend B = Backends.reference();

    @Test
    void gradientOfASumOfSquaresIsTwiceThePoint() {
        Trace trace = new Trace();
        Tensor x = trace.variable(B.vector(1, -2, 3));
        Tensor g = trace.gradient(x.square().sum(), x);
        assertArrayEquals(new double[] {2, -4, 6}, g.toDoubleArray());
        assertTrue(x.isTraced());
        assertFalse(trace.value(x).isTraced());
    }

    @Test
    void recordedBytesCountTheRecordedValuesOnly() {
        // a (4 values, data) is not recorded; y = a ∘ x (4 values), exp(y) (4), sum (1): 9 float64 values recorded
        Tensor a = B.vector(1, 2, 3, 4);
        Trace trace = new Trace();
        Tensor x = trace.variable(B.vector(1, 0, -1, 2));
        Tensor y = a.mul(x);
        Tensor out = y.exp().sum();
        assertEquals(9L * Double.BYTES, trace.recordedBytes(out));
        assertEquals(4L * Double.BYTES, trace.recordedBytes(y));
        assertEquals(0, trace.recordedBytes(x), "a variable records nothing");
        assertEquals(0, new Trace().recordedBytes(out), "another trace recorded nothing of it");
        assertEquals(0, trace.recordedBytes(a), "a constant is not recorded");
        // a matrix-vector product records the product and the reshapes around it (counted as copies: an upper bound)
        Tensor m = B.matrix(new double[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
        long product = trace.recordedBytes(m.matmul(x));
        assertTrue(product >= 3L * Double.BYTES && product <= (3 + 4 + 3) * Double.BYTES, () -> "" + product);
    }

    @Test
    void gradientsOfAMatrixProductWithACotangent() {
        // y = A x; Jᵀ c = Aᵀ c
        Tensor a = B.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Trace trace = new Trace();
        Tensor x = trace.variable(B.vector(0.5, -1));
        Tensor y = a.matmul(x);
        Tensor[] vjp = trace.gradients(y, B.vector(1, 0, -1), x);
        assertArrayEquals(new double[] {-4, -4}, vjp[0].toDoubleArray(), 1e-15);
        // the graph is not consumed: a second cotangent gives the second product
        assertArrayEquals(new double[] {3, 4}, trace.gradients(y, B.vector(0, 1, 0), x)[0].toDoubleArray(), 1e-15);
    }

    @Test
    void nestedTracesGiveSecondDerivatives() {
        // f(x) = Σ x³: the inner gradient is 3x², the outer gradient of its sum is 6x
        Trace outer = new Trace();
        Tensor x1 = outer.variable(B.vector(1, 2, -0.5));
        Trace inner = new Trace();
        Tensor x2 = inner.variable(x1);
        Tensor g = inner.gradient(x2.pow(3).sum(), x2);
        assertArrayEquals(new double[] {3, 12, 0.75}, outer.value(g).toDoubleArray(), 1e-14);
        Tensor h = outer.gradient(g.sum(), x1);
        assertArrayEquals(new double[] {6, 12, -3}, h.toDoubleArray(), 1e-14);
    }

    @Test
    void independentTracesDifferentiateOnlyTheirOwnVariables() {
        Trace first = new Trace();
        Tensor x = first.variable(B.vector(1, 2));
        Trace second = new Trace();
        Tensor y = second.variable(B.vector(3, 5));
        Tensor f = x.mul(y).sum();
        // d f / d y = x, still recorded on the first trace
        Tensor dy = second.gradient(f, y);
        assertArrayEquals(new double[] {1, 2}, first.value(dy).toDoubleArray());
        assertTrue(dy.isTraced());
        // d/dx Σ (d f / d y) = 1
        assertArrayEquals(new double[] {1, 1}, first.gradient(dy.sum(), x).toDoubleArray());
        // an output that does not depend on a trace's variables has a zero gradient there
        Trace unrelated = new Trace();
        Tensor z = unrelated.variable(B.vector(7, 7));
        assertArrayEquals(new double[] {0, 0}, unrelated.gradients(B.scalar(1), B.scalar(1), z)[0].toDoubleArray());
    }

    @Test
    void misuseIsReportedWithTheArgument() {
        Trace early = new Trace();
        Trace late = new Trace();
        Tensor v = late.variable(B.vector(1));
        IllegalStateException order = assertThrows(IllegalStateException.class, () -> early.variable(v));
        assertTrue(order.getMessage().contains("value"), order.getMessage());
        Tensor w = early.variable(B.vector(1));
        IllegalArgumentException notOwn = assertThrows(IllegalArgumentException.class,
                () -> late.gradients(v.sum(), B.scalar(1), w));
        assertTrue(notOwn.getMessage().contains("variables[0]"), notOwn.getMessage());
        assertThrows(RuntimeException.class, () -> late.gradient(v.mul(B.vector(1, 2)), v));
    }

    @Test
    void severalThreadsDifferentiateTheSameGraph() throws Exception {
        Trace trace = new Trace();
        Tensor x = trace.variable(B.vector(0.3, -0.7, 1.1));
        Tensor y = x.tanh().mul(x).sum();
        double[] expected = trace.gradient(y, x).toDoubleArray();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> trace.gradient(y, x).toDoubleArray()));
            }
            for (Future<double[]> r : results) {
                assertArrayEquals(expected, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        // d/dx x tanh x = tanh x + x (1 - tanh² x)
        for (int i = 0; i < 3; i++) {
            double v = new double[] {0.3, -0.7, 1.1}[i];
            double t = Math.tanh(v);
            assertEquals(t + v * (1 - t * t), expected[i], 1e-15);
        }
    }
}
