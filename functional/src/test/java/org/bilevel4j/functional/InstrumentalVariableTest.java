package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Network;
import org.bilevel4j.nn.Sgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two-stage least squares on the linear-Gaussian instrumental-variable toy as a functional bilevel problem:
 * FuncID linear (adjoint W[x; 1] in closed form, exact inner fit) equals the gradient of the empirical 2SLS objective
 * to 1e-10, its outer loop reaches the 2SLS estimate (close to β while least squares is biased), a trained linear
 * adjoint converges to the same gradient, and FuncID with MLPs for h and a on minibatches points the same way.
 */
class InstrumentalVariableTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void funcIdLinearEqualsTheClosedFormTwoStageGradient(long seed) {
        IvToy toy = new IvToy(2000, seed);
        FuncId f = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true)).innerNewton(5)
                .adjoint(FuncId.AdjointMethod.linear(0)).build();
        for (double[] w : new double[][] {{0, 0}, {0.5, 1.5}, {-1, 3}}) {
            FunctionalGradient r = f.totalGradient(IvToy.vector(w));
            double[] expected = toy.gradient(w);
            double[] got = r.gradient().toDoubleArray();
            double scale = Math.max(1, Math.hypot(expected[0], expected[1]));
            assertEquals(expected[0], got[0], 1e-10 * scale, r::toString);
            assertEquals(expected[1], got[1], 1e-10 * scale, r::toString);
            assertEquals(Status.CONVERGED, r.status());
            assertEquals(0, r.explicitPart().normValue(), 0.0, "l_out does not depend on w");
        }
    }

    @Test
    void funcIdLinearOuterLoopRecoversBetaWhereLeastSquaresIsBiased() {
        IvToy toy = new IvToy(4000, 7);
        FuncId f = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true)).innerNewton(5)
                .adjoint(FuncId.AdjointMethod.linear(0)).build();
        FuncId.Run run = f.minimize(IvToy.vector(0, 0), Sgd.of(0.2), 150, null);
        double[] w = run.w().toDoubleArray();
        double[] tsls = toy.twoStage();
        assertEquals(tsls[0], w[0], 1e-8);
        assertEquals(tsls[1], w[1], 1e-8);
        double errIv = Math.hypot(w[0] - IvToy.BETA[0], w[1] - IvToy.BETA[1]);
        double[] ols = toy.ordinaryLeastSquares();
        double errOls = Math.hypot(ols[0] - IvToy.BETA[0], ols[1] - IvToy.BETA[1]);
        assertTrue(errIv < 0.15, "2SLS error " + errIv);
        assertTrue(errOls > 0.5, "least-squares error " + errOls + " (its population bias is 0.87)");
        assertEquals(150, run.history().size());
        assertTrue(run.history().get(149).gradient().normValue() < 1e-8);
    }

    @Test
    void trainedLinearAdjointConvergesToTheClosedForm() {
        IvToy toy = new IvToy(2000, 4);
        double[] w = {0.3, -0.7};
        FuncId trained = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true))
                .innerOptimizer(Adam.of(0.05), 3000)
                .adjoint(FuncId.AdjointMethod.network(FunctionModel.linear(2, 1, true), Adam.of(0.05), 3000)).build();
        FunctionalGradient r = trained.totalGradient(IvToy.vector(w));
        double[] expected = toy.gradient(w);
        double[] got = r.gradient().toDoubleArray();
        assertEquals(expected[0], got[0], 1e-6, r::toString);
        assertEquals(expected[1], got[1], 1e-6, r::toString);
        assertEquals(3000, r.counts().adjointGradients() - 1, "K steps plus the final gradient evaluation");
    }

    @Test
    void funcIdWithMlpsOnMinibatchesPointsAlongTheClosedFormGradient() {
        IvToy toy = new IvToy(2000, 5);
        double[] w = {0, 0};
        Network h = Mlp.of(2, new int[] {16}, 1, Activation.Kind.TANH);
        Network a = Mlp.of(2, new int[] {16}, 1, Activation.Kind.TANH);
        FuncId f = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.of(h))
                .innerOptimizer(Adam.of(1e-2), 400).innerBatchSize(250).outerBatchSize(250)
                .adjoint(FuncId.AdjointMethod.network(FunctionModel.of(a), Adam.of(1e-2), 400))
                .batchMode(FuncId.BatchMode.REUSE).seed(3).build();
        FunctionalGradient r = f.totalGradient(IvToy.vector(w));
        double[] expected = toy.gradient(w);
        double[] got = r.gradient().toDoubleArray();
        double cos = (expected[0] * got[0] + expected[1] * got[1]) / (Math.hypot(expected[0], expected[1])
                * Math.hypot(got[0], got[1]));
        double rel = Math.hypot(expected[0] - got[0], expected[1] - got[1]) / Math.hypot(expected[0], expected[1]);
        assertTrue(cos > 0.95 && rel < 0.3, "cosine " + cos + ", relative error " + rel + ": " + r);
        assertTrue(r.innerLoss() < r.innerLossStart(), r::toString);
        // a warm-started second estimate starts from the first one's networks: its initial inner loss is lower
        FunctionalGradient r2 = f.totalGradient(IvToy.vector(w));
        assertTrue(r2.innerLossStart() < r.innerLossStart(), r2::toString);
        Tensor theta1 = r.innerParameters();
        assertTrue(theta1 != r2.innerParameters());
    }
}
