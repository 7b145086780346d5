package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.DerivativeCheck;
import org.bilevel4j.api.autodiff.GradientCheck;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReferenceKernels;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Tensor#linearModelLoss}: every derivative up to the third, in every argument, against the same loss
 * composed of ordinary operations (matmul, mul, add, softplus or square, sum) differentiated by the same
 * autodiff; against finite differences; and the number of kernel calls that makes it worth having (one fused
 * call per gradient and per Hessian-vector product, no matrix product) on a backend with
 * {@link Capability#FUSED_LINEAR_MODEL}, and the composition recorded on the others and in float32.
 */
class LinearModelLossTest {
    private static final Backend B = Backends.reference();
    private static final double TOLERANCE = 1e-11;

    static Stream<Arguments> instances() {
        List<Arguments> cases = new ArrayList<>();
        for (LinearModelLoss loss : LinearModelLoss.values()) {
            for (boolean offset : new boolean[] {false, true}) {
                for (long seed = 1; seed <= 6; seed++) {
                    cases.add(Arguments.of(loss, offset, seed));
                }
            }
        }
        return cases.stream();
    }

    /** Random X (n×d), w, c, b and two directions u, v, with n and d from 1 to 7. */
    private record Instance(Tensor x, Tensor w, Tensor c, Tensor b, Tensor u, Tensor v) {
        static Instance sample(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            int n = 1 + rng.nextInt(7);
            int d = 1 + rng.nextInt(7);
            return new Instance(uniform(Shape.of(n, d), rng), uniform(Shape.of(d), rng), uniform(Shape.of(n), rng),
                    uniform(Shape.of(n), rng), uniform(Shape.of(d), rng), uniform(Shape.of(d), rng));
        }
    }

    private static Tensor uniform(Shape s, SplittableRandom rng) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble(-1.5, 1.5);
        }
        return B.fromArray(v, s);
    }

    private interface Loss {
        Tensor apply(Tensor x, Tensor w, Tensor c, Tensor b);
    }

    private static Loss fused(LinearModelLoss phi, boolean offset) {
        return offset ? (x, w, c, b) -> x.linearModelLoss(phi, w, c, b) : (x, w, c, b) -> x.linearModelLoss(phi, w, c);
    }

    private static Loss composed(LinearModelLoss phi, boolean offset) {
        return (x, w, c, b) -> {
            Tensor a = x.matmul(w).mul(c);
            if (offset) {
                a = a.add(b);
            }
            return (phi == LinearModelLoss.LOGISTIC ? a.softplus() : a.square().mul(0.5)).sum();
        };
    }

    /**
     * Everything up to the third derivative, as one list of tensors: S; ∇S in X, w, c, b; the gradient in w and
     * its derivatives in X, w, c, b along u (second order); uᵀ H(w) v and its derivatives in X, w, c, b, v.
     */
    private static List<Tensor> derivatives(Loss loss, Instance in) {
        // scaled, so that every backward pass enters the loss with a cotangent other than 1
        Loss f = (x, w, c, b) -> loss.apply(x, w, c, b).mul(0.7);
        List<Tensor> out = new ArrayList<>();
        Trace t0 = new Trace();
        Tensor x = t0.variable(in.x);
        Tensor w = t0.variable(in.w);
        Tensor c = t0.variable(in.c);
        Tensor b = t0.variable(in.b);
        Tensor v = t0.variable(in.v);
        Tensor one = B.scalar(1);
        Tensor s = f.apply(x, w, c, b);
        out.add(t0.value(s));
        out.addAll(List.of(t0.gradients(s, one, x, w, c, b)));
        // the gradient in w, recorded on t0, and its contraction with u
        Trace t1 = new Trace();
        Tensor w1 = t1.variable(w);
        Tensor g = t1.gradient(f.apply(x, w1, c, b), w1);
        out.add(t0.value(g));
        out.addAll(List.of(t0.gradients(g.dot(in.u), one, x, w, c, b)));
        // H(w) v by a second nested trace, and the derivatives of uᵀ H v
        Trace t2 = new Trace();
        Tensor w2 = t2.variable(w);
        Trace t3 = new Trace();
        Tensor w3 = t3.variable(w2);
        Tensor g3 = t3.gradient(f.apply(x, w3, c, b), w3);
        Tensor hv = t2.gradients(g3, v, w2)[0];
        out.add(t0.value(hv));
        out.addAll(List.of(t0.gradients(hv.dot(in.u), one, x, w, c, b, v)));
        return out;
    }

    @ParameterizedTest(name = "{0}, offset {1}, seed {2}")
    @MethodSource("instances")
    void everyDerivativeToTheThirdAgreesWithTheComposedLoss(LinearModelLoss phi, boolean offset, long seed) {
        Instance in = Instance.sample(seed);
        List<Tensor> fused = derivatives(fused(phi, offset), in);
        List<Tensor> composed = derivatives(composed(phi, offset), in);
        String[] names = {"S", "dS/dX", "dS/dw", "dS/dc", "dS/db", "G", "d(u·G)/dX", "d(u·G)/dw", "d(u·G)/dc",
            "d(u·G)/db", "Hv", "d(u·Hv)/dX", "d(u·Hv)/dw", "d(u·Hv)/dc", "d(u·Hv)/db", "d(u·Hv)/dv"};
        assertEquals(names.length, fused.size());
        for (int i = 0; i < names.length; i++) {
            if (!offset && names[i].endsWith("/db")) {
                continue; // without an offset b does not enter the fused loss (its gradient is zero there)
            }
            double[] a = fused.get(i).toDoubleArray();
            double[] e = composed.get(i).toDoubleArray();
            assertEquals(e.length, a.length, names[i]);
            double scale = 1;
            for (double value : e) {
                scale = Math.max(scale, Math.abs(value));
            }
            for (int j = 0; j < e.length; j++) {
                assertEquals(e[j], a[j], TOLERANCE * scale, phi + " " + names[i] + "[" + j + "], seed " + seed);
            }
        }
    }

    @ParameterizedTest(name = "{0}, offset {1}, seed {2}")
    @MethodSource("instances")
    void gradientAndHessianVectorProductInWMatchFiniteDifferences(LinearModelLoss phi, boolean offset, long seed) {
        Instance in = Instance.sample(seed);
        Loss f = fused(phi, offset);
        java.util.function.UnaryOperator<Tensor> s = w -> f.apply(in.x, w, in.c, in.b);
        DerivativeCheck grad = GradientCheck.defaults().withSeed(seed).gradient(s, w -> Autodiff.grad(s, w), in.w);
        assertTrue(grad.passed(), grad::toString);
        DerivativeCheck hvp = GradientCheck.defaults().withSeed(seed).hvp(w -> Autodiff.grad(s, w),
                (w, v) -> Autodiff.hvp(s, w, v), in.w);
        assertTrue(hvp.passed(), hvp::toString);
        // and in the data: the gradient in X
        java.util.function.UnaryOperator<Tensor> inX = x -> f.apply(x, in.w, in.c, in.b);
        DerivativeCheck dx = GradientCheck.defaults().withSeed(seed).gradient(inX, x -> Autodiff.grad(inX, x), in.x);
        assertTrue(dx.passed(), dx::toString);
    }

    @Test
    void closedFormsOnASmallProblem() {
        // X = [[1, 2], [0, -1]], w = (1, 1), c = (1, -1), b = (0, 1): a = (3, 2)
        Tensor x = B.matrix(new double[][] {{1, 2}, {0, -1}});
        Tensor w = B.vector(1, 1);
        Tensor c = B.vector(1, -1);
        Tensor b = B.vector(0, 1);
        double squared = x.linearModelLoss(LinearModelLoss.SQUARED, w, c, b).item();
        assertEquals(0.5 * 9 + 0.5 * 4, squared, 1e-15);
        double logistic = x.linearModelLoss(LinearModelLoss.LOGISTIC, w, c, b).item();
        assertEquals(Math.log1p(Math.exp(3)) + Math.log1p(Math.exp(2)), logistic, 1e-14);
        // gradient of the squared loss: Xᵀ(c ⊙ a) = Xᵀ(3, -2) = (3, 8)
        Tensor g = Autodiff.grad(v -> x.linearModelLoss(LinearModelLoss.SQUARED, v, c, b), w);
        assertEquals(3, g.get(0), 1e-15);
        assertEquals(8, g.get(1), 1e-15);
    }

    /** Every kernel call counted by name, then passed to the reference kernels. */
    private static Kernels counting(Map<String, AtomicInteger> calls) {
        Kernels reference = new ReferenceKernels();
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("linearModelLoss")) { // with the gradient or without
                        name += "(" + args[5] + ")";
                    }
                    calls.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(reference, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void withoutTheCapabilityOrInFloat32TheCompositionIsRecorded() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Backend plain = Backend.of("plain", EnumSet.of(Capability.FLOAT64, Capability.FLOAT32), counting(calls));
        Backend fused = Backend.of("fused", EnumSet.of(Capability.FLOAT64, Capability.FLOAT32,
                Capability.FUSED_LINEAR_MODEL), counting(calls));
        for (Backend be : new Backend[] {plain, fused}) {
            for (DType dtype : DType.values()) {
                if (be == fused && dtype == DType.FLOAT64) {
                    continue; // the fused case, counted below
                }
                Tensor x = be.fromArray(new double[] {1, 2, 0, -1}, Shape.of(2, 2)).to(dtype);
                Tensor c = be.vector(1, -1).to(dtype);
                calls.clear();
                Tensor g = Autodiff.grad(w -> x.linearModelLoss(LinearModelLoss.SQUARED, w, c), be.vector(1, 1)
                        .to(dtype));
                assertEquals(0, count(calls, "linearModelLoss(true)") + count(calls, "linearModelLoss(false)"),
                        () -> be.name() + " " + dtype + ": " + calls);
                assertTrue(count(calls, "matmul") >= 2, () -> be.name() + " " + dtype + ": " + calls);
                // Xᵀ(c ⊙ a) with a = c ⊙ X w: X w = (3, -1), a = (3, 1), c ⊙ a = (3, -1), Xᵀ(3, -1) = (3, 7)
                assertEquals(3, g.get(0), 1e-6);
                assertEquals(7, g.get(1), 1e-6);
            }
        }
    }

    @Test
    void aGradientCostsOneFusedCallAndAHessianVectorProductOneMore() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Backend be = Backend.of("counting", EnumSet.of(Capability.FLOAT64, Capability.FUSED_LINEAR_MODEL),
                counting(calls));
        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = be.fromArray(rng.doubles(12 * 5, -1, 1).toArray(), Shape.of(12, 5));
        Tensor c = be.fromArray(rng.doubles(12, -1, 1).toArray(), Shape.of(12));
        Tensor w = be.fromArray(rng.doubles(5, -1, 1).toArray(), Shape.of(5));
        Tensor v = be.fromArray(rng.doubles(5, -1, 1).toArray(), Shape.of(5));
        java.util.function.UnaryOperator<Tensor> s = p -> x.linearModelLoss(LinearModelLoss.LOGISTIC, p, c);

        calls.clear();
        assertNotNull(Autodiff.grad(s, w));
        assertEquals(1, count(calls, "linearModelLoss(true)"), () -> "gradient: " + calls);
        assertEquals(0, count(calls, "linearModelLoss(false)"), () -> "gradient: " + calls);
        assertEquals(0, count(calls, "matmul"), () -> "gradient: " + calls);

        calls.clear();
        assertNotNull(Autodiff.hvp(s, w, v));
        assertEquals(1, count(calls, "linearModelLoss(true)"), () -> "hvp: " + calls);
        assertEquals(1, count(calls, "linearModelHvp"), () -> "hvp: " + calls);
        assertEquals(0, count(calls, "matmul"), () -> "hvp: " + calls);

        calls.clear(); // the value alone does not compute the gradient
        s.apply(w).item();
        assertEquals(1, count(calls, "linearModelLoss(false)"), () -> "value: " + calls);
        assertEquals(0, count(calls, "linearModelLoss(true)"), () -> "value: " + calls);
    }

    private static int count(Map<String, AtomicInteger> calls, String name) {
        AtomicInteger n = calls.get(name);
        return n == null ? 0 : n.get();
    }

    @Test
    void badArgumentsAreRejectedNamingTheArgument() {
        Tensor x = B.zeros(Shape.of(3, 2));
        Tensor w = B.zeros(Shape.of(2));
        Tensor c = B.zeros(Shape.of(3));
        var e = assertThrows(ShapeMismatchException.class,
                () -> x.linearModelLoss(LinearModelLoss.LOGISTIC, B.zeros(Shape.of(3)), c));
        assertEquals("linearModelLoss: w: expected shape [2] (the columns of X [3, 2]), got [3]", e.getMessage());
        e = assertThrows(ShapeMismatchException.class,
                () -> x.linearModelLoss(LinearModelLoss.LOGISTIC, w, B.zeros(Shape.of(2))));
        assertEquals("linearModelLoss: scale: expected shape [3] (the rows of X [3, 2]), got [2]", e.getMessage());
        e = assertThrows(ShapeMismatchException.class,
                () -> x.linearModelLoss(LinearModelLoss.SQUARED, w, c, B.zeros(Shape.of(4))));
        assertEquals("linearModelLoss: offset: expected shape [3] (the rows of X [3, 2]), got [4]", e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> w.linearModelLoss(LinearModelLoss.SQUARED, w, c));
        assertEquals("linearModelLoss: lhs: expected the data matrix X (rank 2), got shape [2]", e.getMessage());
        var missing = assertThrows(NullPointerException.class,
                () -> x.linearModelLoss(LinearModelLoss.LOGISTIC, null, c));
        assertEquals("linearModelLoss: w: expected a vector of shape [2], got null", missing.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> x.linearModelLoss(LinearModelLoss.SQUARED, w, c, null));
        assertTrue(npe.getMessage().startsWith("linearModelLoss: offset: expected a tensor of shape [3], got null"),
                npe.getMessage());
    }
}
