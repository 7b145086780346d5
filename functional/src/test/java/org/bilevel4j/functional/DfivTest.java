package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.functional.baselines.Dfiv;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DFIV-style closed-form heads on the linear-Gaussian instrumental-variable toy: with linear features and no
 * ridge they reproduce two-stage least squares exactly (with and without a stage-2 intercept), the gradients of the
 * profiled stage losses through the closed forms match central differences, and the outer steps keep w the
 * structural model's parameters while reporting the functional problem's losses.
 */
class DfivTest {
    static final org.bilevel4j.api.tensor.Backend B = DiscreteProblem.B;

    static Tensor randomMatrix(int r, int c, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] a = new double[r * c];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian() + (i % (c + 1) == 0 && r == c ? 2 : 0);
        }
        return B.fromArray(a, Shape.of(r, c));
    }

    /** Linear features ψ(t) = tX and φ(x) = xΘ (X, Θ invertible), λ₁ = λ₂ = 0. */
    static Dfiv linearDfiv(IvToy toy, boolean outerIntercept, Tensor chi, Tensor theta) {
        FunctionModel.LinearHeadModel f = FunctionModel.linearHead(FunctionModel.linear(2, 2, false), 1,
                outerIntercept);
        InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2, f);
        Tensor w0 = f.parameters(chi.flatten(), B.zeros(2, 1), outerIntercept ? B.zeros(1) : null);
        return Dfiv.builder().problem(iv).instrumentFeatures(FunctionModel.linear(2, 2, false))
                .instrumentInitial(theta.flatten()).structuralInitial(w0).stage1Ridge(0).stage2Ridge(0)
                .instrumentOptimizer(Adam.of(1e-3), 0).treatmentOptimizer(Adam.of(1e-3), 1).build();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void linearFeaturesWithoutRidgeGiveTwoStageLeastSquares(long seed) {
        IvToy toy = new IvToy(2000, seed);
        double[] tsls = toy.twoStage();
        for (Tensor chi : new Tensor[] {B.identity(2), randomMatrix(2, 2, seed + 10)}) {
            Dfiv d = linearDfiv(toy, false, chi, randomMatrix(2, 2, seed + 20));
            // f(t) = tXu: the effective slope Xu is the 2SLS estimate (first stage on [x, 1], second without constant)
            double[] slope = chi.matmul(d.outerParameters().slice(0, 4, 6).reshape(2, 1)).toDoubleArray();
            assertEquals(tsls[0], slope[0], 1e-10 * Math.max(1, Math.abs(tsls[0])));
            assertEquals(tsls[1], slope[1], 1e-10 * Math.max(1, Math.abs(tsls[1])));
            // ĥ on stage-2 inputs is Ẑβ̂
            double[][] z = toy.predictedTreatments();
            double[] h = d.innerPrediction(toy.outer.x()).toDoubleArray();
            for (int j = 0; j < z.length; j += 97) {
                assertEquals(z[j][0] * tsls[0] + z[j][1] * tsls[1], h[j], 1e-10);
            }
        }
    }

    @Test
    void linearFeaturesWithAStageTwoInterceptGiveTheClosedFormWithIntercept() {
        IvToy toy = new IvToy(1000, 9);
        // independent closed form: regress o on [Ẑ, 1] by the 3 × 3 normal equations
        double[][] z = toy.predictedTreatments();
        double[][] a = new double[3][3];
        double[] r = new double[3];
        for (int j = 0; j < z.length; j++) {
            double[] f = {z[j][0], z[j][1], 1};
            for (int p = 0; p < 3; p++) {
                r[p] += f[p] * toy.oOut[j];
                for (int q = 0; q < 3; q++) {
                    a[p][q] += f[p] * f[q];
                }
            }
        }
        double[] expected = DenseSolve.solve(a, r, "2SLS with intercept");
        Tensor chi = randomMatrix(2, 2, 4);
        Dfiv d = linearDfiv(toy, true, chi, randomMatrix(2, 2, 5));
        double[] w = d.outerParameters().toDoubleArray();
        double[] slope = chi.matmul(d.outerParameters().slice(0, 4, 6).reshape(2, 1)).toDoubleArray();
        assertEquals(expected[0], slope[0], 1e-10);
        assertEquals(expected[1], slope[1], 1e-10);
        assertEquals(expected[2], w[6], 1e-10);
        // the structural model evaluates f(t) = tXu + b
        InstrumentalVariableProblem iv = d.ivProblem();
        double[] f = iv.structural(d.outerParameters(), B.matrix(new double[][] {{1, 2}})).toDoubleArray();
        assertEquals(expected[0] + 2 * expected[1] + expected[2], f[0], 1e-10);
    }

    static double directional(java.util.function.UnaryOperator<Tensor> f, Tensor x, Tensor dir, double h) {
        return (f.apply(x.add(dir.mul(h))).item() - f.apply(x.sub(dir.mul(h))).item()) / (2 * h);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12})
    void stageGradientsThroughTheClosedFormsMatchCentralDifferences(long seed) {
        IvToy toy = new IvToy(300, seed);
        FunctionModel psi = FunctionModel.of(Mlp.of(2, new int[] {6}, 3, Activation.Kind.TANH));
        FunctionModel phi = FunctionModel.of(Mlp.of(2, new int[] {6}, 4, Activation.Kind.TANH));
        FunctionModel.LinearHeadModel f = FunctionModel.linearHead(psi, 1, true);
        InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2, f);
        Dfiv d = Dfiv.builder().problem(iv).instrumentFeatures(phi).stage1Ridge(0.05).stage2Ridge(0.02)
                .instrumentOptimizer(Adam.of(1e-3), 0).treatmentOptimizer(Adam.of(1e-3), 1).seed(seed).build();
        Tensor theta = d.instrumentParameters();
        Tensor chi = f.bodyParameters(d.outerParameters());
        double worst = 0;
        for (int k = 0; k < 3; k++) {
            Tensor dt = B.randomNormal(theta.shape(), seed * 31 + k);
            Tensor dc = B.randomNormal(chi.shape(), seed * 37 + k);
            double g1 = Autodiff.grad(t -> d.stage1Loss(t, chi), theta).dotValue(dt);
            double fd1 = directional(t -> d.stage1Loss(t, chi), theta, dt, 1e-5);
            double g2 = Autodiff.grad(c -> d.stage2Loss(theta, c), chi).dotValue(dc);
            double fd2 = directional(c -> d.stage2Loss(theta, c), chi, dc, 1e-5);
            double g3 = Autodiff.grad(c -> d.stage1Loss(theta, c), chi).dotValue(dc);
            double fd3 = directional(c -> d.stage1Loss(theta, c), chi, dc, 1e-5);
            worst = Math.max(worst, Math.abs(g1 - fd1) / Math.max(1e-3, Math.abs(fd1)));
            worst = Math.max(worst, Math.abs(g2 - fd2) / Math.max(1e-3, Math.abs(fd2)));
            worst = Math.max(worst, Math.abs(g3 - fd3) / Math.max(1e-3, Math.abs(fd3)));
        }
        System.out.println("DFIV stage-gradient relative error vs central differences: " + worst);
        assertTrue(worst < 1e-6, "relative error " + worst);
    }

    @Test
    void outerStepsKeepTheStructuralLayoutAndReportTheFunctionalLosses() {
        IvToy toy = new IvToy(1000, 21);
        FunctionModel psi = FunctionModel.of(Mlp.of(2, new int[] {8}, 4, Activation.Kind.TANH));
        FunctionModel phi = FunctionModel.of(Mlp.of(2, new int[] {8}, 4, Activation.Kind.TANH));
        FunctionModel.LinearHeadModel f = FunctionModel.linearHead(psi, 1, true);
        InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2, f);
        Dfiv d = Dfiv.builder().problem(iv).instrumentFeatures(phi).stage1Ridge(1e-3).stage2Ridge(1e-3)
                .instrumentOptimizer(Adam.of(1e-2), 10).treatmentOptimizer(Adam.of(1e-2), 1).seed(2).build();
        Tensor chi0 = f.bodyParameters(d.outerParameters());
        Tensor theta0 = d.instrumentParameters();
        List<OuterStep> steps = d.run(40, null);
        assertEquals(40, steps.size());
        assertEquals(40, d.iterations());
        OuterStep last = steps.get(39);
        assertEquals(Status.BUDGET_EXHAUSTED, last.status());
        assertEquals(10, last.counts().innerGradients());
        assertEquals(1, last.counts().outerGradients());
        Tensor chi = f.bodyParameters(d.outerParameters());
        // with the final instrument features, the trained treatment features have a lower stage-2 loss than the
        // initial ones; with the final treatment features, the trained instrument features a lower stage-1 loss
        double l2Start = d.stage2Loss(d.instrumentParameters(), chi0).item();
        double l2End = d.stage2Loss(d.instrumentParameters(), chi).item();
        assertTrue(l2End < l2Start, "stage-2 loss " + l2Start + " → " + l2End);
        double l1Start = d.stage1Loss(theta0, chi).item();
        double l1End = d.stage1Loss(d.instrumentParameters(), chi).item();
        assertTrue(l1End < l1Start, "stage-1 loss " + l1Start + " → " + l1End);
        // w = [χ; u; b] with (u, b) the stage-2 closed form: f(t) equals ψ_χ(t)ᵀu + b from the fitted heads,
        // and the functional losses at w agree with ĥ's definition
        Tensor w = d.outerParameters();
        Dataset.Batch s2 = toy.outer.full();
        double lOut = iv.functional().outerValue(w, d.innerPrediction(s2.x()), s2).item();
        assertTrue(Double.isFinite(lOut) && lOut > 0);
        Tensor tIn = iv.treatments(toy.inner.full().y());
        Tensor hIn = d.innerPrediction(toy.inner.x());
        // stage 1 with a small ridge: ĥ on stage-1 inputs is close to the least-squares projection of f(t) on φ̄
        double mse = iv.structural(w, tIn).sub(hIn).square().mean().item();
        assertEquals(mse, iv.functional().innerValue(w, hIn, toy.inner.full()).item(), 1e-12);
        // the effective slope of f on the toy is closer to β than least squares is
        double[] ols = toy.ordinaryLeastSquares();
        double[] lin = iv.structural(w, B.matrix(new double[][] {{0, 0}, {1, 0}, {0, 1}})).toDoubleArray();
        double errDfiv = Math.hypot(lin[1] - lin[0] - IvToy.BETA[0], lin[2] - lin[0] - IvToy.BETA[1]);
        double errOls = Math.hypot(ols[0] - IvToy.BETA[0], ols[1] - IvToy.BETA[1]);
        System.out.println("DFIV 40 steps: stage-1 loss " + l1Start + " → " + l1End + ", stage-2 loss " + l2Start
                + " → " + l2End + ", finite-difference slope error "
                + errDfiv + " (least squares " + errOls + "), " + last);
    }
}
