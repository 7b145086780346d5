package org.bilevel4j.api.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Autodiff} on the reference kernels against central finite differences, at random points of smooth
 * functions built from a seeded random matrix: grad, vjp, jvp, hvp, the two-argument gradient, the fused
 * second-order call, and the dense Jacobian and Hessian.
 */
class AutodiffTest {
    private static final Backend B = Backends.reference();
    private static final double H = 1e-5;
    /** Central differences with h = 1e-5 are accurate to about h² ≈ 1e-10 relative on these functions. */
    private static final double TOL = 1e-7;

    static LongStream seeds() {
        return LongStream.range(1, 9);
    }

    /** A smooth nonlinear map ℝ⁴ → ℝ³: tanh(A x) ⊙ (1 + softplus(x₀..₂)) + sin of a row-sum. */
    private static UnaryOperator<Tensor> map(Tensor a) {
        return x -> a.matmul(x).tanh().mul(x.slice(0, 0, 3).softplus().add(1)).add(a.matmul(x.square()).sin());
    }

    /** A smooth scalar function ℝ⁴ → ℝ. */
    private static UnaryOperator<Tensor> scalar(Tensor a) {
        return x -> map(a).apply(x).square().sum().add(x.exp().sum().mul(0.1)).add(a.matmul(x).logSumExp());
    }

    private static Tensor random(SplittableRandom rng, int... dims) {
        return B.randomNormal(Shape.of(dims), DType.FLOAT64, rng).mul(0.5);
    }

    /**
     * The random data of one case, N(0, 1/4) entries drawn in this order from the seed.
     *
     * @param a a 3×4 matrix
     * @param x a point of ℝ⁴
     * @param u a direction in ℝ⁴
     * @param c a cotangent in ℝ³ (also the second argument λ of two-argument functions)
     */
    private record Case(Tensor a, Tensor x, Tensor u, Tensor c) {
        static Case of(long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            return new Case(random(rng, 3, 4), random(rng, 4), random(rng, 4), random(rng, 3));
        }
    }

    /** (f(x + h u) - f(x - h u)) / 2h */
    private static Tensor directional(UnaryOperator<Tensor> f, Tensor x, Tensor u) {
        return f.apply(x.add(u.mul(H))).sub(f.apply(x.sub(u.mul(H)))).div(2 * H);
    }

    /** @return the gradient of a scalar function by central differences along every axis */
    private static Tensor differenceGradient(UnaryOperator<Tensor> f, Tensor x) {
        double[] g = new double[x.size()];
        for (int i = 0; i < g.length; i++) {
            double[] e = new double[x.size()];
            e[i] = 1;
            g[i] = directional(f, x, B.fromArray(e, x.shape())).item();
        }
        return B.fromArray(g, x.shape());
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double error = expected.sub(actual).normValue();
        double scale = Math.max(1, expected.normValue());
        assertTrue(error <= TOL * scale, what + ": error " + error + " for " + expected + " vs " + actual);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void gradientMatchesFiniteDifferencesAlongEveryAxis(long seed) {
        Case k = Case.of(seed);
        Tensor x = k.x();
        UnaryOperator<Tensor> f = scalar(k.a());
        Tensor g = Autodiff.grad(f, x);
        assertClose(differenceGradient(f, x), g, "grad");
        ValueAndGradient vg = Autodiff.valueAndGrad(f, x);
        assertEquals(f.apply(x).item(), vg.value().item(), 1e-14);
        assertClose(g, vg.gradient(), "valueAndGrad");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void vjpAndJvpMatchFiniteDifferencesAndEachOther(long seed) {
        Case k = Case.of(seed);
        Tensor x = k.x();
        Tensor u = k.u();
        Tensor c = k.c();
        UnaryOperator<Tensor> f = map(k.a());
        Tensor jvp = Autodiff.jvp(f, x, u);
        assertClose(directional(f, x, u), jvp, "jvp");
        // ⟨c, J u⟩ = ⟨Jᵀ c, u⟩
        Tensor vjp = Autodiff.vjp(f, x, c);
        assertEquals(c.dotValue(jvp), vjp.dotValue(u), 1e-13 * Math.max(1, Math.abs(c.dotValue(jvp))), "adjoint");
        // Jᵀ c by finite differences of x ↦ ⟨c, f(x)⟩
        assertClose(differenceGradient(y -> f.apply(y).dot(c), x), vjp, "vjp");
        // the dense Jacobian has the JVPs of the unit vectors as columns
        Tensor jacobian = Autodiff.jacobian(f, x);
        assertClose(jvp, jacobian.matmul(u), "jacobian · u");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void hessianVectorProductsMatchDifferencesOfGradients(long seed) {
        Case k = Case.of(seed);
        Tensor x = k.x();
        Tensor v = k.u();
        UnaryOperator<Tensor> f = scalar(k.a());
        Tensor hvp = Autodiff.hvp(f, x, v);
        assertClose(directional(y -> Autodiff.grad(f, y), x, v), hvp, "hvp");
        Tensor hessian = Autodiff.hessian(f, x);
        assertClose(hvp, hessian.matmul(v), "hessian · v");
        assertTrue(hessian.sub(hessian.transpose()).abs().max().item() <= 1e-12, "symmetric Hessian");
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void partialGradientsAndSecondOrderProductsOfATwoArgumentFunction(long seed) {
        Case k = Case.of(seed);
        Tensor a = k.a();
        Tensor w = k.x();
        Tensor lambda = k.c();
        Tensor v = k.u();
        // g(w, λ) = Σ softplus(A w) λ + ½‖w‖² Σ exp(λ)
        java.util.function.BinaryOperator<Tensor> g = (ww, l) -> a.matmul(ww).softplus().mul(l).sum()
                .add(ww.square().sum().mul(0.5).mul(l.exp().sum()));
        PartialGradients p = Autodiff.grad(g, w, lambda);
        assertClose(Autodiff.grad(ww -> g.apply(ww, lambda), w), p.inner(), "∇_w g");
        assertClose(Autodiff.grad(l -> g.apply(w, l), lambda), p.outer(), "∇_λ g");
        SecondOrderProducts s = Autodiff.secondOrder(g, w, lambda, v);
        UnaryOperator<Tensor> gradW = ww -> Autodiff.grad(g, ww, lambda).inner();
        assertClose(directional(gradW, w, v), Autodiff.hvp(ww -> g.apply(ww, lambda), w, v), "∇²_ww g · v (hvp)");
        // ∇²_λw g · v = ∇_λ ⟨∇_w g(w, λ), v⟩, by finite differences in λ
        assertClose(differenceGradient(l -> Autodiff.grad(g, w, l).inner().dot(v), lambda), s.crossVector(),
                "∇²_λw g · v (fused)");
        assertClose(directional(gradW, w, v), s.hessianVector(), "∇²_ww g · v (fused)");
        assertClose(p.inner(), s.gradient(), "∇_w g (fused)");
    }
}
