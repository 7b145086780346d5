package org.bilevel4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalGradient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two configurations that {@link FunctionalCostBenchmark} times compute what they claim, on small instances of
 * the same construction (2 → 3 → 3 → 2 networks, 29 weights, n = 4, so that the n·d_v = 8 sample outputs are a
 * generic image of the weights and the model is well specified on the sample points):
 * AID-CG with the benchmark's k = 10 iterations equals the functional gradient ∇F(w) in closed form
 * (Proposition F.2 of Petrulionytė, Mairal, Arbel, NeurIPS 2024, with the projection the identity); FuncID with the
 * benchmark's k = 10 adjoint SGD steps equals the same steps taken by hand on the adjoint loss, differentiated as one
 * scalar (not through FuncID's per-row cotangents); and FuncID with enough adjoint steps approaches ∇F.
 */
class FunctionalCostTest {
    static final Backend B = Backends.get("ejml");

    static FunctionalCost tiny(long seed) {
        return FunctionalCost.of(B, 2, 4, 3, 2, seed);
    }

    static double maxAbs(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item();
    }

    @Test
    void widthGivesTheClosestParameterCount() {
        for (int dv : new int[] {1, 10, 100}) {
            for (long target : new long[] {1_000, 10_000, 100_000, 1_000_000}) {
                int h = FunctionalCost.widthFor(10, target, dv);
                long p = FunctionalCost.parameterCount(10, h, dv);
                assertTrue(Math.abs(p - target) <= Math.abs(FunctionalCost.parameterCount(10, h + 1, dv) - target)
                        && Math.abs(p - target) <= Math.abs(FunctionalCost.parameterCount(10, h - 1, dv) - target),
                        "H = " + h + " gives " + p + " weights for " + target);
                assertTrue(Math.abs(p - target) < 0.3 * target, "H = " + h + " gives " + p + " for " + target);
            }
        }
        FunctionalCost c = FunctionalCost.of(B, 10, 3, 7, 4, 1);
        assertEquals(FunctionalCost.parameterCount(10, 7, 4), c.parameterCount());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void learnedWeightsAreAnExactInnerMinimiser(long seed) {
        FunctionalCost c = tiny(seed);
        Tensor g = Autodiff.grad(t -> c.parametric().innerObjective().value(t, c.w()), c.theta());
        assertTrue(g.normValue() < 1e-14, "‖∇_θ G_in‖ = " + g.normValue());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aidAsBenchmarkedGivesTheFunctionalGradient(long seed) {
        FunctionalCost c = tiny(seed);
        HypergradientEstimate e = FunctionalCost.aid(FunctionalCostBenchmark.K).estimate(c.parametric(), c.w());
        double err = maxAbs(e.hypergradient(), c.functionalGradient());
        double scale = c.functionalGradient().normValue();
        assertTrue(scale > 1e-2, "‖∇F‖ = " + scale + " should not be trivially small");
        assertTrue(err < 1e-8 * scale, "|AID - ∇F| = " + err + " (" + e + ", adjoint residual "
                + ((AidDiagnostics) e.diagnostics()).adjointResidual() + ")");
    }

    /** k SGD steps on L_adj(ξ) = (1/n) Σᵢ ½‖ν(ξ)(xᵢ)‖² + ν(ξ)(xᵢ)ᵀ(h(xᵢ) - yᵢ), then g = -(1/n) Σᵢ yᵢ ∘ â(xᵢ). */
    static Tensor byHand(FunctionalCost c, int k, double lr, long adjointSeed) {
        FunctionModel m = c.model();
        Tensor x = c.problem().innerData().x();
        Tensor y = c.problem().innerData().y();
        int n = x.dim(0);
        Tensor residual = m.apply(c.theta(), x).detach().sub(y);
        Tensor xi = m.initialParameters(B, adjointSeed);
        for (int s = 0; s < k; s++) {
            Tensor grad = Autodiff.grad(p -> {
                Tensor a = m.apply(p, x);
                return a.square().sum().mul(0.5).add(a.mul(residual).sum()).div(n);
            }, xi);
            xi = xi.sub(grad.mul(lr));
        }
        Tensor a = m.apply(xi, x);
        return y.mul(a).sum(0).div(-n);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void funcIdAsBenchmarkedTakesTheAdjointStepsItClaims(long seed) {
        FunctionalCost c = tiny(seed);
        int k = FunctionalCostBenchmark.K;
        double lr = FunctionalCostBenchmark.LEARNING_RATE;
        long adjointSeed = seed + 100; // not θ's seed: here a* = h, so ξ₀ = θ would already be optimal
        FunctionalGradient g = c.funcId(k, lr, adjointSeed).totalGradient(c.w());
        assertEquals(k, g.adjointIterations(), g::toString);
        Tensor expected = byHand(c, k, lr, adjointSeed);
        double err = maxAbs(g.gradient(), expected);
        assertTrue(err < 1e-12 * (1 + expected.normValue()), "|FuncID - by hand| = " + err + ": " + g);
        // and the k steps moved the adjoint: the estimate differs from the one at ξ₀
        double moved = maxAbs(g.gradient(), byHand(c, 0, lr, adjointSeed));
        assertTrue(moved > 1e-9, "k adjoint steps changed the estimate by only " + moved);
    }

    @Test
    void funcIdWithEnoughAdjointStepsApproachesTheFunctionalGradient() {
        FunctionalCost c = tiny(1);
        Tensor expected = c.functionalGradient();
        double err100 = maxAbs(c.funcId(100, 0.5, 2).totalGradient(c.w()).gradient(), expected);
        double err = maxAbs(c.funcId(3000, 0.5, 2).totalGradient(c.w()).gradient(), expected);
        assertTrue(err < 1e-3 * expected.normValue(), "|FuncID(3000 steps) - ∇F| = " + err + ", ‖∇F‖ = "
                + expected.normValue());
        assertTrue(err < err100, "more adjoint steps should get closer: " + err + " against " + err100);
    }
}
