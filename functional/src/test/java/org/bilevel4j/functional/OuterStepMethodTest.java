package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.NormalEquationsSolver;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.functional.baselines.Dfiv;
import org.bilevel4j.functional.baselines.PenaltyMethod;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The uniform outer-step interface over all seven methods of the paper's instrumental-variable comparison on one
 * {@link InstrumentalVariableProblem}: each runs in the same loop and reports finite losses, wall time and oracle
 * counts in its own currency; the FuncID adapter takes exactly FuncID's total gradient and the outer optimizer's
 * step; AID with an exact solve and FuncID linear take the same step on the linear model; the problem's functional
 * form equals the hand-built two-stage least-squares problem.
 */
class OuterStepMethodTest {
    static final org.bilevel4j.api.tensor.Backend B = DiscreteProblem.B;

    @Test
    void theInstrumentalVariableProblemIsTheTwoStageLeastSquaresProblem() {
        IvToy toy = new IvToy(400, 2);
        InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2,
                FunctionModel.linear(2, 1, false));
        Tensor w = B.vector(0.3, -0.8);
        Dataset.Batch in = toy.inner.full();
        Dataset.Batch out = toy.outer.full();
        Tensor v = B.randomNormal(Shape.of(in.size(), 1), 3);
        Tensor vo = B.randomNormal(Shape.of(out.size(), 1), 4);
        assertEquals(toy.problem.innerValue(w, v, in).item(), iv.functional().innerValue(w, v, in).item(), 1e-14);
        assertEquals(toy.problem.outerValue(w, vo, out).item(), iv.functional().outerValue(w, vo, out).item(), 1e-14);
        double[] f = iv.structural(w, B.matrix(new double[][] {{1, 2}})).toDoubleArray();
        assertEquals(0.3 - 1.6, f[0], 1e-15);
        assertEquals(1.69, iv.testError(w, B.matrix(new double[][] {{1, 2}}), B.vector(0.0)), 1e-14);
    }

    static List<OuterStepMethod> allMethods(IvToy toy) {
        FunctionModel.LinearHeadModel f = FunctionModel.linearHead(FunctionModel.of(Mlp.of(2, new int[] {8}, 4,
                Activation.Kind.TANH)), 1, true);
        InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2, f);
        FunctionalBilevelProblem p = iv.functional();
        Tensor w0 = f.initialParameters(B, 1);
        FunctionModel h = FunctionModel.linearHead(FunctionModel.of(Mlp.of(2, new int[] {8}, 4,
                Activation.Kind.TANH)), 1, true);
        List<OuterStepMethod> m = new ArrayList<>();
        m.add(OuterStepMethod.funcId(FuncId.builder().problem(p).innerModel(h).innerOptimizer(Adam.of(1e-2), 5)
                .adjoint(FuncId.AdjointMethod.network(h, Adam.of(1e-2), 5)).seed(1).build(), w0, Adam.of(1e-2)));
        m.add(OuterStepMethod.funcId(FuncId.builder().problem(p).innerModel(h).innerOptimizer(Adam.of(1e-2), 5)
                .adjoint(FuncId.AdjointMethod.linear(1e-3)).seed(1).build(), w0, Adam.of(1e-2)));
        Tensor theta0 = h.initialParameters(B, 2);
        // conjugate gradients break down on the indefinite parametric Hessian of an MLP (Prop. F.1): normal equations
        m.add(OuterStepMethod.parametric("AID", AidEstimator.builder().innerSteps(5).linearSolver(
                new NormalEquationsSolver(), 5).warmStart(true, true).build(), p, h, theta0, 1e-3, 0.1, w0,
                Adam.of(1e-2)));
        m.add(OuterStepMethod.parametric("ITD", ItdEstimator.builder().innerSteps(5).warmStart(true).build(), p, h,
                theta0, 1e-3, 0.1, w0, Adam.of(1e-2)));
        m.add(Dfiv.builder().problem(iv).instrumentFeatures(FunctionModel.of(Mlp.of(2, new int[] {8}, 4,
                Activation.Kind.TANH))).instrumentOptimizer(Adam.of(1e-2), 5).treatmentOptimizer(Adam.of(1e-2), 1)
                .structuralInitial(w0).seed(1).build());
        for (PenaltyMethod.Penalty pen : new PenaltyMethod.Penalty[] {PenaltyMethod.Penalty.GRADIENT_SQUARED,
                PenaltyMethod.Penalty.VALUE_FUNCTION}) {
            m.add(PenaltyMethod.builder().problem(p).innerModel(h).innerInitial(theta0).outerInitial(w0)
                    .penalty(pen, PenaltyMethod.Schedule.geometric(0.1, 1.5, 10)).outerOptimizer(Adam.of(1e-2))
                    .innerOptimizer(Adam.of(1e-2)).valueOptimizer(Adam.of(1e-2), 5).jointSteps(5).build());
        }
        return m;
    }

    @Test
    void everyMethodRunsInOneLoopAndReportsLossesTimeAndCounts() {
        IvToy toy = new IvToy(300, 5);
        List<OuterStepMethod> methods = allMethods(toy);
        List<String> names = new ArrayList<>();
        for (OuterStepMethod m : methods) {
            names.add(m.name());
            Tensor w0 = m.outerParameters();
            List<OuterStep> steps = m.run(4, null);
            assertEquals(4, steps.size(), () -> m.name() + ": " + steps);
            assertEquals(4, m.iterations());
            for (int n = 0; n < 4; n++) {
                OuterStep s = steps.get(n);
                assertEquals(n, s.iteration());
                assertEquals(m.name(), s.method());
                assertTrue(s.status() != Status.DIVERGED, s::toString);
                assertTrue(Double.isFinite(s.outerLoss()) && s.outerLoss() >= 0, s::toString);
                assertTrue(Double.isFinite(s.innerLoss()) && s.innerLoss() >= 0, s::toString);
                assertTrue(s.nanos() > 0, s::toString);
                OuterStep.Counts c = s.counts();
                assertTrue(c.innerGradients() > 0, s::toString);
                assertTrue(c.outerGradients() > 0, s::toString);
            }
            assertEquals(w0.shape(), m.outerParameters().shape());
            assertTrue(m.outerParameters().sub(w0).normValue() > 0, m.name() + " did not move w");
            Tensor hx = m.innerPrediction(toy.outer.x());
            assertEquals(Shape.of(toy.outer.size(), 1), hx.shape());
            System.out.println(steps.get(3));
        }
        assertEquals(List.of("FuncID", "FuncID-linear", "AID", "ITD", "DFIV", "gradient-penalty",
                "value-function-penalty"), names);
        // the currencies: FuncID's second-order work is in output space, AID's and the gradient penalty's in θ-space
        assertTrue(methods.get(0).step().counts().outputHessianProducts() > 0);
        assertEquals(0, methods.get(0).step().counts().parameterHessianProducts());
        assertTrue(methods.get(2).step().counts().parameterHessianProducts() > 0);
        assertTrue(methods.get(5).step().counts().parameterHessianProducts() > 0);
    }

    @Test
    void aBreakdownOfTheAdjointSolveStopsTheRunWithoutMovingW() {
        IvToy toy = new IvToy(300, 5);
        FunctionModel h = FunctionModel.of(Mlp.of(2, new int[] {8}, 1, Activation.Kind.TANH));
        FunctionalBilevelProblem p = toy.problem;
        OuterStepMethod aid = OuterStepMethod.parametric("AID-CG", AidEstimator.builder().innerSteps(5)
                .linearSolver(new ConjugateGradientSolver(), 5).build(), p, h, h.initialParameters(B, 2), 0, 0.1,
                B.vector(0.5, 0.5), Adam.of(1e-2));
        List<OuterStep> steps = aid.run(5, null);
        // deterministic (seeded) instance: CG meets negative curvature in the first adjoint solve
        assertEquals(1, steps.size(), steps::toString);
        OuterStep last = steps.get(0);
        assertEquals(Status.BREAKDOWN, last.status(), last::toString);
        assertTrue(Double.isNaN(last.outerLoss()) && Double.isNaN(last.innerLoss()));
        assertTrue(aid.outerParameters().allClose(B.vector(0.5, 0.5), 0, 0), "w must not move");
        assertEquals(1, aid.iterations());
    }

    @Test
    void theFuncIdAdapterTakesFuncIdsGradientAndTheOptimizersStep() {
        IvToy toy = new IvToy(600, 6);
        Tensor w0 = B.vector(0.2, 0.1);
        FuncId a = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true)).innerNewton(3)
                .adjoint(FuncId.AdjointMethod.linear(0)).build();
        FuncId b = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true)).innerNewton(3)
                .adjoint(FuncId.AdjointMethod.linear(0)).build();
        OuterStepMethod m = OuterStepMethod.funcId(a, w0, Sgd.of(0.1));
        Tensor w = w0;
        for (int n = 0; n < 3; n++) {
            FunctionalGradient g = b.totalGradient(w);
            OuterStep s = m.step();
            w = w.sub(g.gradient().mul(0.1));
            assertTrue(m.outerParameters().allClose(w, 0, 1e-15), "step " + n);
            assertEquals(g.outerLoss(), s.outerLoss(), 0.0);
            assertEquals(g.innerLoss(), s.innerLoss(), 0.0);
            assertEquals(Status.CONVERGED, s.status());
        }
        // AID with an exact inner and adjoint solve on the same linear model takes the same steps (Prop. F.2)
        OuterStepMethod aid = OuterStepMethod.parametric("AID", AidEstimator.exact(100_000), toy.problem,
                FunctionModel.linear(2, 1, true), B.zeros(3), 0, 0.2, w0, Sgd.of(0.1));
        aid.run(3, null);
        assertTrue(aid.outerParameters().allClose(m.outerParameters(), 0, 1e-9), aid.outerParameters() + " vs "
                + m.outerParameters());
        assertTrue(aid.innerPrediction(toy.inner.x()).allClose(m.innerPrediction(toy.inner.x()), 0, 1e-8));
    }
}
