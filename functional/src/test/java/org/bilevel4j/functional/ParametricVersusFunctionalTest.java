package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Proposition F.2 of Petrulionytė, Mairal, Arbel (NeurIPS 2024): AID on the parameters θ of a model τ computes
 * ∇G_tot(w) = g + B P a with P = J(JᵀCJ)⁻¹JᵀC the C-orthogonal projection onto the model's tangent space
 * (everything at τ(θ*_w)); it equals the functional gradient ∇F(w) when the model is well specified and differs
 * when it is not. Checked with the library's {@link AidEstimator} (exact inner solve, dense adjoint solve) on the
 * finite input space: a tabular model (well specified) and a linear model on 3 fixed features of the 6 points
 * (misspecified); and on the instrumental-variable toy, where the linear model [x; 1] is well specified and AID
 * equals FuncID linear.
 */
class ParametricVersusFunctionalTest {
    static final Backend B = DiscreteProblem.B;

    /** τ(Θ)(x) = x F Θ with a fixed F ∈ ℝ^{6×3}: only 3 degrees of freedom per output for 6 points. */
    static FunctionModel features(Tensor f, int dv) {
        int q = f.dim(1);
        return new FunctionModel() {
            @Override
            public int inputDimension() {
                return f.dim(0);
            }

            @Override
            public int outputDimension() {
                return dv;
            }

            @Override
            public int parameterCount() {
                return q * dv;
            }

            @Override
            public Tensor apply(Tensor params, Tensor x) {
                return x.matmul(f).matmul(params.reshape(q, dv));
            }

            @Override
            public Tensor initialParameters(Backend backend, long seed) {
                return backend.zeros(q * dv);
            }
        };
    }

    static HypergradientEstimate aid(DiscreteProblem dp, FunctionModel model, double[] w) {
        double maxP = 0;
        for (double p : dp.px) {
            maxP = Math.max(maxP, p);
        }
        // L of G_in in θ is at most max p (μ + 1) times ‖features‖²; the step 1/(that bound) contracts
        double featureNorm = Autodiff.jacobian(t -> model.apply(t, B.identity(dp.n)).flatten(),
                B.zeros(model.parameterCount())).normValue();
        double step = 1 / (maxP * (dp.mu + 1) * featureNorm * featureNorm);
        OptimizationBilevelProblem p = ParametricBilevel.of(dp.problem, model, B.zeros(model.parameterCount()), 0, step);
        HypergradientEstimate e = AidEstimator.exact(200_000).estimate(p, B.vector(w));
        assertEquals(Status.CONVERGED, e.status(), e::toString);
        return e;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void wellSpecifiedTabularModelGivesTheFunctionalGradient(long seed) {
        DiscreteProblem dp = new DiscreteProblem(6, 3, 2, 3, 0.5, seed);
        double[] w = DiscreteExactTest.point(3, seed + 40);
        HypergradientEstimate e = aid(dp, FunctionModel.tabular(6, 2), w);
        double err = DiscreteExactTest.maxAbs(e.hypergradient().toDoubleArray(), dp.gradF(w));
        assertTrue(err < 1e-9, "|AID - ∇F| = " + err);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void misspecifiedModelGivesTheProjectedGradient(long seed) {
        DiscreteProblem dp = new DiscreteProblem(6, 3, 2, 3, 0.5, seed);
        double[] w = DiscreteExactTest.point(3, seed + 50);
        Tensor f = B.randomNormal(Shape.of(6, 3), seed + 60);
        FunctionModel model = features(f, 2);
        HypergradientEstimate e = aid(dp, model, w);
        double[] gAid = e.hypergradient().toDoubleArray();
        // g + B P a at τ(θ*): dense C, B, d̄, g at that function; J the model's Jacobian (12 × 6)
        Tensor table = model.apply(e.inner(), B.identity(6));
        double[][] h = new double[6][2];
        for (int i = 0; i < 6; i++) {
            h[i][0] = table.get(i, 0);
            h[i][1] = table.get(i, 1);
        }
        DiscreteProblem.Dense o = dp.dense(w, h);
        Tensor c = B.matrix(o.c());
        Tensor bm = B.matrix(o.b());
        Tensor j = Autodiff.jacobian(t -> model.apply(t, B.identity(6)).flatten(), e.inner());
        Tensor jtcj = j.matmul(c.matmul(j), true, false);
        Tensor projected = B.vector(o.gw()).sub(bm.matmul(j.matmul(jtcj.solve(j.matmul(B.vector(o.dbar()), true,
                false)))));
        double errProj = DiscreteExactTest.maxAbs(gAid, projected.toDoubleArray());
        double gap = DiscreteExactTest.maxAbs(gAid, dp.gradF(w));
        assertTrue(errProj < 1e-9, "|AID - (g + BPa)| = " + errProj);
        assertTrue(gap > 1e-3, "|AID - ∇F| = " + gap + " should be visible for a misspecified model");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void onTheInstrumentalVariableToyAidEqualsFuncIdLinear(long seed) {
        IvToy toy = new IvToy(2000, seed);
        FunctionModel model = FunctionModel.linear(2, 1, true);
        OptimizationBilevelProblem p = ParametricBilevel.of(toy.problem, model, B.zeros(3), 0, 0.2);
        double[] w = {0.4, -1.1};
        HypergradientEstimate e = AidEstimator.exact(100_000).estimate(p, B.vector(w));
        double[] expected = toy.gradient(w);
        assertEquals(expected[0], e.hypergradient().get(0), 1e-9, e::toString);
        assertEquals(expected[1], e.hypergradient().get(1), 1e-9, e::toString);
    }
}
