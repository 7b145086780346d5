package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Sgd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact checks of functional implicit differentiation on a finite input space (Petrulionytė, Mairal, Arbel, NeurIPS
 * 2024, Propositions 2.2–2.3): the library's pointwise closed-form adjoint and total gradient against a dense
 * computation (the inner solution by Newton per point, the operators C, B, d̄ assembled from hand-written
 * derivatives, ∇F = g - B C⁻¹ d̄ by a dense solve) to 1e-10, the dense ∇F against finite differences of F, and
 * FuncID with tabular h and a, trained by gradient descent, converging to the exact ∇F.
 */
class DiscreteExactTest {

    static double[] point(int d, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] w = new double[d];
        for (int i = 0; i < d; i++) {
            w[i] = r.nextGaussian();
        }
        return w;
    }

    static double maxAbs(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void closedFormAdjointAndTotalGradientMatchTheDenseComputation(long seed) {
        DiscreteProblem dp = new DiscreteProblem(6, 3, 2, 3, 0.5, seed);
        double[] w = point(3, seed + 10);
        Tensor wt = DiscreteProblem.B.vector(w);
        double[][] h = dp.hStar(w);
        // h* is a stationary point of L_in: the library's ∂_v l_in, averaged per point with the inner weights, vanishes
        Dataset.Batch in = dp.inner.full();
        Dataset.Batch out = dp.outer.full();
        Tensor vIn = dp.rows(h);
        // (rows summed per support point: the one-hot inputs' transpose does the grouping)
        Tensor perPoint = in.x().matmul(dp.problem.innerOutputGradients(wt, vIn, in)
                .mul(in.weights().reshape(in.size(), 1)), true, false);
        assertTrue(perPoint.normValue() < 1e-14, () -> "h* residual " + perPoint.normValue());
        // the pointwise closed form vs -C⁻¹d̄
        Tensor a = dp.problem.closedFormAdjoint(wt, vIn, in, vIn, out);
        double[] aDense = dp.rows(dp.adjointStar(w, h)).toDoubleArray();
        double errA = maxAbs(a.toDoubleArray(), aDense);
        assertTrue(errA < 1e-10, "adjoint error " + errA);
        // ∇F by TotalGrad vs the dense g - B C⁻¹ d̄
        double[] grad = dp.problem.totalGradient(wt, vIn, a, in, vIn, out).total().toDoubleArray();
        double[] dense = dp.gradF(w);
        double errG = maxAbs(grad, dense);
        assertTrue(errG < 1e-10, "gradient error " + errG);
        // and the dense ∇F vs central differences of F (an independent check of the formula itself)
        double step = 1e-5;
        for (int l = 0; l < 3; l++) {
            double[] wp = w.clone();
            double[] wm = w.clone();
            wp[l] += step;
            wm[l] -= step;
            double fd = (dp.value(wp) - dp.value(wm)) / (2 * step);
            assertEquals(fd, dense[l], 1e-8, "finite difference, coordinate " + l);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void funcIdWithNewtonInnerAndClosedFormAdjointIsExact(long seed) {
        DiscreteProblem dp = new DiscreteProblem(6, 3, 2, 3, 0.5, seed);
        double[] w = point(3, seed + 20);
        FuncId f = FuncId.builder().problem(dp.problem).innerModel(FunctionModel.tabular(6, 2)).innerNewton(50)
                .adjoint(FuncId.AdjointMethod.closedForm()).build();
        FunctionalGradient r = f.totalGradient(DiscreteProblem.B.vector(w));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        double err = maxAbs(r.gradient().toDoubleArray(), dp.gradF(w));
        assertTrue(err < 1e-10, "FuncID closed form error " + err + ": " + r);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void funcIdWithTabularNetworksConvergesToTheExactGradient(long seed) {
        DiscreteProblem dp = new DiscreteProblem(6, 3, 2, 3, 0.5, seed);
        double[] w = point(3, seed + 30);
        double maxP = 0;
        for (double p : dp.px) {
            maxP = Math.max(maxP, p);
        }
        // both losses are quadratic-like in the tables with curvature at most max_i p_X(i) (μ + 1): step 1/L
        double lr = 1 / (maxP * (dp.mu + 1));
        FuncId f = FuncId.builder().problem(dp.problem).innerModel(FunctionModel.tabular(6, 2))
                .innerOptimizer(Sgd.of(lr), 3000)
                .adjoint(FuncId.AdjointMethod.network(FunctionModel.tabular(6, 2), Sgd.of(lr), 3000)).build();
        FunctionalGradient r = f.totalGradient(DiscreteProblem.B.vector(w));
        double[] exact = dp.gradF(w);
        double err = maxAbs(r.gradient().toDoubleArray(), exact);
        double scale = maxAbs(exact, new double[3]);
        assertTrue(err < 1e-8 * Math.max(1, scale), "FuncID (tabular) error " + err + " for |∇F| " + scale + ": " + r);
        assertEquals(Status.BUDGET_EXHAUSTED, r.status());
        assertEquals(3000, r.innerIterations());
        assertEquals(3000, r.adjointIterations());
        assertTrue(r.innerLoss() < r.innerLossStart());
        // the adjoint network's output equals the exact adjoint table
        double[] aNet = FunctionModel.tabular(6, 2).apply(r.adjointParameters(), DiscreteProblem.B.identity(6))
                .toDoubleArray();
        double[][] aStar = dp.adjointStar(w, dp.hStar(w));
        for (int i = 0; i < 6; i++) {
            for (int k = 0; k < 2; k++) {
                assertEquals(aStar[i][k], aNet[i * 2 + k], 1e-8);
            }
        }
    }
}
