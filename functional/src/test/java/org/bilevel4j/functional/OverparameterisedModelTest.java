package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Proposition F.1 of Petrulionytė, Mairal, Arbel (NeurIPS 2024) on an over-parameterised model: h(x) = θ₁θ₂x with
 * l_in = ½(v - wx)², l_out = ½(v - y)². The parametric Hessian ∂²_θ G_in = κ[[θ₂², 2θ₁θ₂ - w], [2θ₁θ₂ - w, θ₁²]]
 * (κ = mean x²) is indefinite away from the inner optimum and singular on it (θ₁θ₂ = w), so AID's linear system is
 * ill posed; the functional adjoint's Hessian ∂²_v l_in = 1 is the identity at every point, and FuncID's gradient
 * with the same prediction function is well defined.
 */
class OverparameterisedModelTest {
    static final Backend B = DiscreteProblem.B;

    static FunctionModel product() {
        return new FunctionModel() {
            @Override
            public int inputDimension() {
                return 1;
            }

            @Override
            public int outputDimension() {
                return 1;
            }

            @Override
            public int parameterCount() {
                return 2;
            }

            @Override
            public Tensor apply(Tensor p, Tensor x) {
                return x.mul(p.slice(0, 0, 1).mul(p.slice(0, 1, 2)));
            }

            @Override
            public Tensor initialParameters(Backend backend, long seed) {
                return backend.vector(0.7, 3.0);
            }
        };
    }

    @Test
    void parametricHessianIsIndefiniteOrSingularWhileTheOutputHessianIsTheIdentity() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 200;
        double[] x = new double[n];
        double[] y = new double[n];
        double kappa = 0;
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
            y[i] = 1.5 * x[i] + 0.1 * rng.nextGaussian();
            kappa += x[i] * x[i] / n;
        }
        Dataset d = new Dataset(B.fromArray(x, Shape.of(n, 1)), B.fromArray(y, Shape.of(n, 1)));
        PointwiseLoss lIn = PointwiseLoss.of(1, (w, v, xx, yy) -> v.sub(xx.mul(w)).square().mul(0.5).reshape(v.dim(0)));
        PointwiseLoss lOut = PointwiseLoss.of(1, (w, v, xx, yy) -> v.sub(yy).square().mul(0.5).reshape(v.dim(0)));
        FunctionalBilevelProblem p = FunctionalBilevelProblem.builder().innerData(d).outerData(d).innerLoss(lIn)
                .outerLoss(lOut).outerDimension(1).build();
        double c = 1.3;
        Tensor w = B.vector(c);
        FunctionModel tau = product();
        OptimizationBilevelProblem pp = ParametricBilevel.of(p, tau, tau.initialParameters(B, 0), 0, 0.05);
        // away from the optimum: the Hessian matches the formula and has a negative eigenvalue
        double t1 = 0.7;
        double t2 = 3.0;
        Tensor h = Autodiff.hessian(t -> pp.innerObjective().value(t, w), B.vector(t1, t2));
        double off = kappa * (2 * t1 * t2 - c);
        assertEquals(kappa * t2 * t2, h.get(0, 0), 1e-10);
        assertEquals(off, h.get(0, 1), 1e-10);
        assertEquals(kappa * t1 * t1, h.get(1, 1), 1e-10);
        double det = h.get(0, 0) * h.get(1, 1) - h.get(0, 1) * h.get(1, 0);
        assertTrue(det < 0, "indefinite: det " + det);
        // on the optimum set θ₁θ₂ = w: singular
        Tensor hOpt = Autodiff.hessian(t -> pp.innerObjective().value(t, w), B.vector(0.5, c / 0.5));
        double detOpt = hOpt.get(0, 0) * hOpt.get(1, 1) - hOpt.get(0, 1) * hOpt.get(1, 0);
        assertEquals(0, detOpt, 1e-10 * hOpt.normValue() * hOpt.normValue());
        // the functional adjoint problem: output Hessian 1 at every row, for any prediction
        Dataset.Batch all = d.full();
        Tensor v = tau.apply(B.vector(t1, t2), all.x());
        for (double[] row : p.innerOutputHessians(w, v, all)[0]) {
            assertEquals(1.0, row[0], 1e-14);
        }
        // AID with CG, started at the indefinite point with no inner step, breaks down; FuncID's closed
        // form with the same prediction function is finite and equals g_Imp = -mean(x a(x)), a = -(v - y)
        HypergradientEstimate aid = AidEstimator.builder().innerSteps(0)
                .linearSolver(new org.bilevel4j.algorithms.linalg.ConjugateGradientSolver(), 50).build()
                .estimate(pp, w);
        // (CG meets non-positive curvature p'Ap < 0 and reports BREAKDOWN)
        assertEquals(Status.BREAKDOWN, aid.status(), aid::toString);
        Tensor a = p.closedFormAdjoint(w, v, all, v, all);
        double expected = 0;
        for (int i = 0; i < n; i++) {
            expected -= x[i] * (y[i] - v.get(i, 0)) / n;
        }
        assertEquals(expected, p.totalGradient(w, v, a, all, v, all).total().item(), 1e-12);
    }
}
