package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Network;
import org.junit.jupiter.api.Test;

/**
 * The code example of the README's functional bilevel optimization section, verbatim between the markers, run on
 * the linear-Gaussian instrumental-variable toy: FuncID with MLPs for h and a moves w from 0 towards β.
 */
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() {
        IvToy toy = new IvToy(2000, 11);
        Tensor xIn = toy.inner.x();
        Tensor yIn = toy.inner.y();
        Tensor xOut = toy.outer.x();
        Tensor yOut = toy.outer.y();
        // --- README example begin
        Backend b = Backends.get("ejml");
        Dataset in = new Dataset(xIn, yIn);     // x: instrument (2 columns), y = (t₁, t₂, o); two halves
        Dataset out = new Dataset(xOut, yOut);
        PointwiseLoss lIn = PointwiseLoss.of(1, (w, v, x, y) ->          // l_in = (wᵀt - v)²
                y.sliceColumns(0, 2).matmul(w).sub(v.reshape(v.dim(0))).square());
        PointwiseLoss lOut = PointwiseLoss.of(1, (w, v, x, y) ->         // l_out = (o - v)²
                y.sliceColumns(2, 3).sub(v).square().reshape(v.dim(0)));
        FunctionalBilevelProblem problem = FunctionalBilevelProblem.builder()
                .innerData(in).outerData(out).innerLoss(lIn).outerLoss(lOut).outerDimension(2).build();
        Network h = Mlp.of(2, new int[] {16}, 1, Activation.Kind.TANH);  // prediction function h(x)
        Network a = Mlp.of(2, new int[] {16}, 1, Activation.Kind.TANH);  // adjoint function a(x)
        FuncId funcId = FuncId.builder().problem(problem)
                .innerModel(FunctionModel.of(h)).innerOptimizer(Adam.of(1e-2), 20)
                .adjoint(FuncId.AdjointMethod.network(FunctionModel.of(a), Adam.of(1e-2), 20))
                .innerBatchSize(200).outerBatchSize(200).seed(1).build();   // warm starts by default
        FuncId.Run run = funcId.minimize(b.zeros(2), Adam.of(5e-2), 60, null);
        // --- README example end
        System.getLogger("example").log(System.Logger.Level.INFO, "w = " + run.w() + ", last estimate: "
                + run.history().get(59));
        double[] w = run.w().toDoubleArray();
        double before = Math.hypot(IvToy.BETA[0], IvToy.BETA[1]);
        double after = Math.hypot(w[0] - IvToy.BETA[0], w[1] - IvToy.BETA[1]);
        assertEquals(Status.BUDGET_EXHAUSTED, run.status());
        assertTrue(after < 0.5 * before, "‖w - β‖ went from " + before + " to " + after);
    }
}
