package org.bilevel4j.theory.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.DerivativeCheck;
import org.bilevel4j.api.autodiff.GradientCheck;
import org.bilevel4j.api.autodiff.Pullback;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.Trace;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.theory.conformance.PrimitiveCatalogue.Case;
import org.bilevel4j.theory.conformance.PrimitiveCatalogue.Instance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autodiff checks that every backend must pass: first and second derivatives of every differentiable primitive
 * against finite differences and the Taylor-remainder test (seeded property tests over random shapes and
 * values), plus nesting, higher order, thread safety and error reporting. A backend adds one subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AutodiffContract {
    private static final int EXAMPLES = 12;

    /** @return the backend under test (float64) */
    abstract Backend backend();

    /** The backend, resolved once before the tests (an assumption there skips the whole class). */
    Backend resolved;

    @BeforeAll
    final void resolveBackend() {
        resolved = backend();
    }

    Stream<Case> cases() {
        return PrimitiveCatalogue.all().stream();
    }

    private void property(Case c, String what, PropertyBody body) {
        qt().withFixedSeed(20261123L).withExamples(EXAMPLES).forAll(longs().between(0, 1_000_000_000L))
                .checkAssert(seed -> {
                    SplittableRandom rng = new SplittableRandom(seed);
                    Instance in = c.sample(resolved, rng);
                    Tensor y = in.f().apply(in.x());
                    Tensor cot = PrimitiveCatalogue.uniform(resolved, y.shape(), -1, 1, rng);
                    DerivativeCheck check = body.check(in, cot, seed);
                    assertTrue(check.passed(), () -> c.name() + " " + what + " at x shape " + in.x().shape()
                            + " (seed " + seed + "): " + check);
                });
    }

    private interface PropertyBody {
        DerivativeCheck check(Instance in, Tensor cotangent, long seed);
    }

    /** ⟨c, f(x)⟩ for a fixed cotangent c: a scalar function whose gradient is the VJP. */
    private static UnaryOperator<Tensor> contracted(UnaryOperator<Tensor> f, Tensor c) {
        return x -> f.apply(x).mul(c).sum();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case c) {
        property(c, "gradient", (in, cot, seed) -> {
            UnaryOperator<Tensor> phi = contracted(in.f(), cot);
            return GradientCheck.defaults().withSeed(seed).gradient(phi, x -> Autodiff.grad(phi, x), in.x());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vjpMatchesFiniteDifferences(Case c) {
        property(c, "vjp", (in, cot, seed) ->
                GradientCheck.defaults().withSeed(seed).vjp(in.f(), (x, ct) -> Autodiff.vjp(in.f(), x, ct), in.x()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void jvpMatchesFiniteDifferences(Case c) {
        property(c, "jvp", (in, cot, seed) ->
                GradientCheck.defaults().withSeed(seed).jvp(in.f(), (x, u) -> Autodiff.jvp(in.f(), x, u), in.x()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hessianVectorProductMatchesFiniteDifferencesOfTheGradient(Case c) {
        property(c, "hvp", (in, cot, seed) -> {
            UnaryOperator<Tensor> phi = contracted(in.f(), cot);
            return GradientCheck.defaults().withSeed(seed).hvp(x -> Autodiff.grad(phi, x),
                    (x, v) -> Autodiff.hvp(phi, x, v), in.x());
        });
    }

    // ---------------------------------------------------------------- beyond single primitives

    @Test
    void thirdOrderDerivativeOfAQuarticHasItsClosedForm() {
        Backend b = resolved;
        Tensor x = b.vector(0.3, -1.2, 2.0);
        Tensor v = b.vector(1.0, 0.5, -2.0);
        Tensor u = b.vector(-0.7, 1.0, 0.25);
        UnaryOperator<Tensor> f = t -> t.pow(4).sum().div(4); // grad x^3, Hessian diag(3x^2), third 6 x v u
        Tensor third = Autodiff.grad(t -> Autodiff.hvp(f, t, v).dot(u), x);
        assertTrue(third.allClose(x.mul(v).mul(u).mul(6), 1e-13, 1e-14), () -> "third derivative: " + third);
    }

    @Test
    void nestedDerivativesDoNotConfuseTheirPerturbations() {
        // Siskind & Pearlmutter: d/dx [ x * d/dy (x + y) ] at x = 1 is 1 (a confused implementation gives 2)
        Backend b = resolved;
        Tensor one = b.scalar(1.0);
        Tensor d = Autodiff.grad(x -> x.mul(Autodiff.grad(y -> x.add(y), one)), one);
        assertEquals(1.0, d.item(), 0.0);
        // d/dx [ x * d/dy (x * y) ] = d/dx x^2 = 2x
        Tensor x0 = b.scalar(1.7);
        Tensor d2 = Autodiff.grad(x -> x.mul(Autodiff.grad(y -> x.mul(y), one)), x0);
        assertEquals(3.4, d2.item(), 1e-15);
    }

    @Test
    void differentiatingThroughAnUnrolledInnerGradientDescentMatchesFiniteDifferences() {
        // lambda -> E(w_K(lambda)), w_{k+1} = w_k - a grad_w g(w_k, lambda): the inner gradients are themselves
        // computed by autodiff inside the outer differentiation (MAML / ITD style)
        Backend b = resolved;
        SplittableRandom rng = new SplittableRandom(3);
        Tensor a = PrimitiveCatalogue.uniform(b, Shape.of(6, 4), -1, 1, rng);
        Tensor y = PrimitiveCatalogue.uniform(b, Shape.of(6), -1, 1, rng);
        BinaryOperator<Tensor> g = (w, l) -> a.matmul(w).sub(y).square().sum().mul(0.5).add(l.exp().mul(w.square()).sum());
        UnaryOperator<Tensor> outer = l -> {
            Tensor w = b.zeros(4);
            for (int k = 0; k < 8; k++) {
                Tensor wk = w;
                w = w.sub(Autodiff.grad(t -> g.apply(t, l), wk).mul(0.1));
            }
            return w.sub(b.ones(4)).square().sum();
        };
        Tensor lambda = PrimitiveCatalogue.uniform(b, Shape.of(4), -1, 0, rng);
        DerivativeCheck check = GradientCheck.defaults().gradient(outer, l -> Autodiff.grad(outer, l), lambda);
        assertTrue(check.passed(), check::toString);
    }

    @Test
    void fusedSecondOrderCallAgreesWithSeparateDerivatives() {
        Backend b = resolved;
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = PrimitiveCatalogue.uniform(b, Shape.of(7, 3), -1, 1, rng);
        Tensor t = PrimitiveCatalogue.uniform(b, Shape.of(7), -1, 1, rng);
        BinaryOperator<Tensor> g = (w, l) -> x.matmul(w).mul(t).neg().softplus().mean()
                .add(l.exp().mul(w.square()).sum().mul(0.5));
        Tensor w = PrimitiveCatalogue.uniform(b, Shape.of(3), -1, 1, rng);
        Tensor l = PrimitiveCatalogue.uniform(b, Shape.of(3), -1, 1, rng);
        Tensor v = PrimitiveCatalogue.uniform(b, Shape.of(3), -1, 1, rng);
        SecondOrderProducts p = Autodiff.secondOrder(g, w, l, v);
        assertEquals(g.apply(w, l).item(), p.value().item(), 1e-15);
        assertTrue(p.gradient().allClose(Autodiff.grad(z -> g.apply(z, l), w), 1e-14, 1e-15));
        assertTrue(p.hessianVector().allClose(Autodiff.hvp(z -> g.apply(z, l), w, v), 1e-13, 1e-15));
        // cross product = gradient in lambda of <grad_w g(w, lambda), v>, checked by finite differences
        UnaryOperator<Tensor> coupling = m -> Autodiff.grad(z -> g.apply(z, m), w).dot(v);
        DerivativeCheck check = GradientCheck.defaults().gradient(coupling, m -> Autodiff.secondOrder(g, w, m, v)
                .crossVector(), l);
        assertTrue(check.passed(), check::toString);
    }

    @Test
    void pullbackIsLinearAndReusable() {
        Backend b = resolved;
        SplittableRandom rng = new SplittableRandom(5);
        Tensor x = PrimitiveCatalogue.uniform(b, Shape.of(3, 2), -1, 1, rng);
        Pullback p = Autodiff.vjp(t -> t.tanh().matmul(t, true, false), x);
        Tensor c1 = PrimitiveCatalogue.uniform(b, Shape.of(2, 2), -1, 1, rng);
        Tensor c2 = PrimitiveCatalogue.uniform(b, Shape.of(2, 2), -1, 1, rng);
        Tensor first = p.apply(c1)[0];
        assertArrayEquals(first.toDoubleArray(), p.apply(c1)[0].toDoubleArray(), 0.0);
        Tensor combined = p.apply(c1.mul(2).sub(c2.mul(3)))[0];
        assertTrue(combined.allClose(first.mul(2).sub(p.apply(c2)[0].mul(3)), 1e-13, 1e-14));
    }

    @Test
    void denseJacobianAndHessianMatchTheirDefinitions() {
        Backend b = resolved;
        Tensor x = b.vector(0.5, -0.25, 1.5);
        Tensor j = Autodiff.jacobian(t -> t.square().mul(b.vector(1, 2, 3)).sin(), x);
        double[] xs = x.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                double expect = i == k ? Math.cos((i + 1) * xs[i] * xs[i]) * 2 * (i + 1) * xs[i] : 0.0;
                assertEquals(expect, j.get(i, k), 1e-14, "J[" + i + "][" + k + "]");
            }
        }
        Tensor h = Autodiff.hessian(t -> t.logSumExp(), x);
        Tensor p = x.softmax(0);
        double[] ps = p.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                assertEquals((i == k ? ps[i] : 0) - ps[i] * ps[k], h.get(i, k), 1e-14, "H[" + i + "][" + k + "]");
            }
        }
    }

    @Test
    void gradientOfAFunctionThatIgnoresItsArgumentIsZero() {
        Backend b = resolved;
        Tensor x = b.vector(1, 2);
        Tensor g = Autodiff.grad(t -> b.scalar(3.0), x);
        assertArrayEquals(new double[] {0, 0}, g.toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {0, 0}, Autodiff.hvp(t -> t.sum(), x, b.vector(1, 1)).toDoubleArray(), 0.0);
    }

    @Test
    void concurrentDifferentiationFromManyThreadsMatchesSequentialResults() throws Exception {
        Backend b = resolved;
        SplittableRandom rng = new SplittableRandom(17);
        Tensor data = PrimitiveCatalogue.uniform(b, Shape.of(20, 5), -1, 1, rng);
        BinaryOperator<Tensor> g = (w, l) -> data.matmul(w).tanh().square().mean().add(l.mul(w.square()).sum());
        List<Tensor[]> inputs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            inputs.add(new Tensor[] {
                PrimitiveCatalogue.uniform(b, Shape.of(5), -1, 1, rng), PrimitiveCatalogue.uniform(b, Shape.of(5), 0, 1, rng),
                PrimitiveCatalogue.uniform(b, Shape.of(5), -1, 1, rng)
            });
        }
        List<double[]> sequential = new ArrayList<>();
        for (Tensor[] in : inputs) {
            sequential.add(Autodiff.secondOrder(g, in[0], in[1], in[2]).crossVector().toDoubleArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (Tensor[] in : inputs) {
                futures.add(pool.submit(() -> Autodiff.secondOrder(g, in[0], in[1], in[2]).crossVector().toDoubleArray()));
            }
            for (int i = 0; i < inputs.size(); i++) {
                assertArrayEquals(sequential.get(i), futures.get(i).get(), 0.0, "input " + i);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void sharedGraphCanBeDifferentiatedFromSeveralThreadsAtOnce() throws Exception {
        Backend b = resolved;
        Tensor x = b.vector(0.1, 0.2, 0.3, 0.4);
        Pullback p = Autodiff.vjp(t -> t.exp().mul(t.sum()), x);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[]>> futures = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                double s = i;
                futures.add(pool.submit(() -> p.apply(b.full(Shape.of(4), DType.FLOAT64, s))[0].toDoubleArray()));
            }
            double[] unit = p.apply(b.ones(4))[0].toDoubleArray();
            for (int i = 0; i < futures.size(); i++) {
                double[] got = futures.get(i).get();
                for (int k = 0; k < 4; k++) {
                    assertEquals(i * unit[k], got[k], 1e-12 * Math.max(1, i));
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void gradientOfANonScalarWithoutCotangentIsRejected() {
        Backend b = resolved;
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Autodiff.grad(t -> t.square(), b.vector(1, 2, 3)));
        assertTrue(e.getMessage().contains("expected a scalar output") && e.getMessage().contains("[3]")
                && e.getMessage().contains("vjp"), e::getMessage);
    }

    @Test
    void nonFiniteInputsAreRejectedWithTheArgumentName() {
        Backend b = resolved;
        Tensor bad = b.vector(1, 2).div(b.vector(0, 1)); // [inf, 2]
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                () -> Autodiff.grad(t -> t.sum(), bad));
        assertTrue(e.getMessage().startsWith("x:") && e.getMessage().contains("Infinity") && e.getMessage()
                .contains("index 0"), e::getMessage);
        NonFiniteValueException ev = assertThrows(NonFiniteValueException.class,
                () -> Autodiff.hvp(t -> t.square().sum(), b.vector(1, 2), bad));
        assertTrue(ev.getMessage().startsWith("v:"), ev::getMessage);
        assertThrows(NonFiniteValueException.class, () -> b.vector(1, Double.NaN));
    }

    @Test
    void cotangentOfTheWrongShapeIsRejected() {
        Backend b = resolved;
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Autodiff.vjp(t -> t.square(), b.vector(1, 2), b.vector(1, 2, 3)));
        assertTrue(e.getMessage().contains("cotangent") && e.getMessage().contains("[2]")
                && e.getMessage().contains("[3]"), e::getMessage);
    }

    @Test
    void onlyVariablesOfTheTraceCanBeDifferentiatedAgainst() {
        Backend b = resolved;
        Trace trace = new Trace();
        Tensor x = trace.variable(b.vector(1, 2));
        Tensor y = x.square();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trace.gradients(y.sum(), b.scalar(1), y));
        assertTrue(e.getMessage().contains("variables[0]"), e::getMessage);
        Trace later = new Trace();
        Tensor z = later.variable(b.vector(3, 4));
        assertThrows(IllegalStateException.class, () -> trace.variable(z));
    }
}
