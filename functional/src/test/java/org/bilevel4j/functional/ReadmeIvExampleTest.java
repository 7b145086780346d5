package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.baselines.Dfiv;
import org.bilevel4j.functional.baselines.PenaltyMethod;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Network;
import org.junit.jupiter.api.Test;

/**
 * The README's loop over the seven methods, with the README's calls, on the linear-Gaussian IV toy with small
 * networks and 3 outer steps; the test error is against the structural function f(t) = βᵀt on fresh treatments.
 */
class ReadmeIvExampleTest {

    @Test
    void theReadmeLoopRuns() {
        IvToy toy = new IvToy(400, 3);
        Backend backend = DiscreteProblem.B;
        long seed = 1;
        Dataset stage1 = toy.inner;
        Dataset stage2 = toy.outer;
        int dT = 2;
        Network psiNet = Mlp.of(2, new int[] {8}, 4, Activation.Kind.TANH);
        Network phiNet = Mlp.of(2, new int[] {8}, 4, Activation.Kind.TANH);
        Tensor tTest = backend.randomNormal(org.bilevel4j.api.tensor.types.Shape.of(50, 2), 9);
        Tensor fStructTest = tTest.matmul(backend.vector(IvToy.BETA).reshape(2, 1));
        // ---- as in the README
        InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(stage1, stage2, dT,
                FunctionModel.linearHead(FunctionModel.of(psiNet), 1, true));
        FunctionalBilevelProblem p = iv.functional();
        FunctionModel h = FunctionModel.linearHead(FunctionModel.of(phiNet), 1, true);
        Tensor w0 = iv.structural().initialParameters(backend, seed);
        Tensor theta0 = h.initialParameters(backend, seed + 1);
        List<OuterStepMethod> methods = List.of(
                OuterStepMethod.funcId(FuncId.builder().problem(p).innerModel(h).innerOptimizer(Adam.of(1e-3, 0.1), 20)
                        .adjoint(FuncId.AdjointMethod.network(h, Adam.of(1e-5, 0.1), 20))
                        .batchMode(FuncId.BatchMode.REUSE).seed(seed).build(), w0, Adam.of(1e-3, 0.1)),
                OuterStepMethod.funcId(FuncId.builder().problem(p).innerModel(h).innerOptimizer(Adam.of(1e-3, 0.1), 20)
                        .adjoint(FuncId.AdjointMethod.linear(0.2)).seed(seed).build(), w0, Adam.of(1e-3, 0.1)),
                OuterStepMethod.parametric("AID", AidEstimator.builder().innerSteps(20)
                        .linearSolver(new ConjugateGradientSolver(), 2).warmStart(true, true).build(), p, h, theta0,
                        1e-3, 1e-3, w0, Adam.of(1e-3)),
                OuterStepMethod.parametric("ITD", ItdEstimator.builder().innerSteps(20).warmStart(true).build(), p,
                        h, theta0, 1e-2, 1e-3, w0, Adam.of(1e-2)),
                Dfiv.builder().problem(iv).instrumentFeatures(FunctionModel.of(phiNet)).stage1Ridge(0.1)
                        .stage2Ridge(0.1).instrumentOptimizer(Adam.of(1e-3, 0.1), 20)
                        .treatmentOptimizer(Adam.of(1e-3, 0.1), 1).structuralInitial(w0).seed(seed).build(),
                PenaltyMethod.builder().problem(p).innerModel(h).innerInitial(theta0).outerInitial(w0)
                        .penalty(PenaltyMethod.Penalty.GRADIENT_NORM, PenaltyMethod.Schedule.constant(0.1))
                        .jointSteps(20).outerOptimizer(Adam.of(1e-3, 0.1)).innerOptimizer(Adam.of(1e-3, 0.1))
                        .build(),
                PenaltyMethod.builder().problem(p).innerModel(h).innerInitial(theta0).outerInitial(w0)
                        .penalty(PenaltyMethod.Penalty.VALUE_FUNCTION, PenaltyMethod.Schedule.constant(0.1))
                        .jointSteps(1).valueOptimizer(Adam.of(1e-3, 0.1), 20).outerOptimizer(Adam.of(1e-3, 0.1))
                        .innerOptimizer(Adam.of(1e-3, 0.1)).build());
        List<String> report = new ArrayList<>();
        for (OuterStepMethod m : methods) {
            List<OuterStep> steps = m.run(3, null);
            double mse = iv.testError(m.outerParameters(), tTest, fStructTest);
            // ---- end of the README's calls
            OuterStep last = steps.get(steps.size() - 1);
            report.add(m.name() + ": " + last.status() + ", test MSE " + mse + ", " + last.seconds() + " s");
            assertTrue(Double.isFinite(mse), m.name());
            if (!last.status().isFailure()) {
                assertEquals(3, steps.size(), m.name());
                assertTrue(Double.isFinite(last.outerLoss()) && Double.isFinite(last.innerLoss()), last::toString);
            }
        }
        System.out.println(String.join("\n", report));
        assertEquals(7, report.size());
    }
}
