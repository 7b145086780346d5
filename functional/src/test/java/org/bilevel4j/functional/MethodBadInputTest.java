package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.functional.baselines.Dfiv;
import org.bilevel4j.functional.baselines.PenaltyMethod;
import org.bilevel4j.functional.baselines.PenaltyMethod.Penalty;
import org.bilevel4j.functional.baselines.PenaltyMethod.Schedule;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input to the outer-step methods, the instrumental-variable problem and the baselines: mismatched shapes
 * between the stages, non-finite samples and parameters, models whose output dimension is not the losses' d_v,
 * zero-sized batches and inputs, invalid schedules. Each is an IllegalArgumentException whose message names the
 * argument and states what was expected and what was got.
 */
class MethodBadInputTest {
    static final Backend B = DiscreteProblem.B;
    final IvToy toy = new IvToy(40, 1);
    final FunctionModel.LinearHeadModel f = FunctionModel.linearHead(FunctionModel.linear(2, 2, false), 1, true);
    final InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2, f);
    final Tensor nan = B.vector(0, 1).log().reshape(2); // -∞ first

    static void fails(String argument, Executable e) {
        Throwable t = assertThrows(IllegalArgumentException.class, e);
        String m = t.getMessage();
        assertTrue(m.contains(argument + ":"), () -> "message should name " + argument + ": " + m);
        assertTrue(m.contains("expected") && m.contains("got"), () -> "message should say expected and got: " + m);
    }

    @Test
    void instrumentalVariableProblemShapes() {
        Dataset wideX = new Dataset(B.zeros(5, 3), B.zeros(5, 3));
        fails("stage2", () -> InstrumentalVariableProblem.of(toy.inner, wideX, 2, f));
        Dataset wideY = new Dataset(B.zeros(5, 2), B.zeros(5, 4));
        fails("stage1", () -> InstrumentalVariableProblem.of(wideY, toy.outer, 2, f));
        fails("stage2", () -> InstrumentalVariableProblem.of(toy.inner, wideY, 2, f));
        fails("treatmentDimension", () -> InstrumentalVariableProblem.of(toy.inner, toy.outer, 0, f));
        fails("structural", () -> InstrumentalVariableProblem.of(toy.inner, toy.outer, 2,
                FunctionModel.linear(3, 1, false)));
        fails("structural", () -> InstrumentalVariableProblem.of(toy.inner, toy.outer, 2,
                FunctionModel.linear(2, 2, false)));
        fails("t", () -> iv.structural(B.zeros(7), B.zeros(3, 3)));
        fails("t", () -> iv.structural(B.zeros(7), B.zeros(Shape.of(0, 2))));
        fails("t", () -> iv.structural(B.zeros(7), nan.reshape(1, 2)));
        fails("w", () -> iv.structural(B.zeros(6), B.zeros(3, 2)));
        fails("truth", () -> iv.testError(B.zeros(7), B.zeros(3, 2), B.zeros(4)));
        fails("truth", () -> iv.testError(B.zeros(7), B.zeros(2, 2), nan));
    }

    @Test
    void adaptersAndPredictions() {
        FuncId fid = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true))
                .innerNewton(2).adjoint(FuncId.AdjointMethod.linear(0)).build();
        fails("w0", () -> OuterStepMethod.funcId(fid, B.zeros(3), Adam.of(0.1)));
        fails("w0", () -> OuterStepMethod.funcId(fid, nan, Adam.of(0.1)));
        OuterStepMethod m = OuterStepMethod.funcId(fid, B.zeros(2), Adam.of(0.1));
        fails("x", () -> m.innerPrediction(B.zeros(4, 3)));
        fails("x", () -> m.innerPrediction(B.zeros(Shape.of(0, 2))));
        fails("x", () -> m.innerPrediction(nan.reshape(1, 2)));
        FunctionModel two = FunctionModel.of(Mlp.of(2, new int[] {4}, 2, Activation.Kind.TANH));
        fails("model", () -> OuterStepMethod.parametric("AID", AidEstimator.exact(10), toy.problem, two,
                two.initialParameters(B, 1), 0, 0.1, B.zeros(2), Adam.of(0.1)));
        fails("w0", () -> OuterStepMethod.parametric("AID", AidEstimator.exact(10), toy.problem,
                FunctionModel.linear(2, 1, true), B.zeros(3), 0, 0.1, B.zeros(5), Adam.of(0.1)));
        fails("initial", () -> OuterStepMethod.parametric("AID", AidEstimator.exact(10), toy.problem,
                FunctionModel.linear(2, 1, true), B.zeros(4), 0, 0.1, B.zeros(2), Adam.of(0.1)));
        fails("iteration", () -> new OuterStep("m", -1, 0, 0, 0, OuterStep.Counts.ZERO,
                org.bilevel4j.algorithms.diagnostics.Status.CONVERGED, ""));
        fails("counts", () -> new OuterStep.Counts(0, -1, 0, 0, 0));
        fails("out", () -> FunctionModel.linearHead(FunctionModel.linear(2, 2, false), 0, true));
        fails("params", () -> f.apply(B.zeros(5), B.zeros(1, 2)));
    }

    Dfiv.Builder dfiv() {
        return Dfiv.builder().problem(iv).instrumentFeatures(FunctionModel.linear(2, 3, true))
                .instrumentOptimizer(Adam.of(0.1), 2).treatmentOptimizer(Adam.of(0.1), 1);
    }

    @Test
    void dfivInputs() {
        InstrumentalVariableProblem plain = InstrumentalVariableProblem.of(toy.inner, toy.outer, 2,
                FunctionModel.linear(2, 1, false));
        fails("problem.structural", () -> dfiv().problem(plain).build());
        fails("instrumentFeatures", () -> dfiv().instrumentFeatures(FunctionModel.linear(3, 3, true)).build());
        fails("stage1Ridge", () -> dfiv().stage1Ridge(-1).build());
        fails("stage2Ridge", () -> dfiv().stage2Ridge(Double.NaN).build());
        fails("steps", () -> dfiv().treatmentOptimizer(Adam.of(0.1), 0));
        fails("steps", () -> dfiv().instrumentOptimizer(Adam.of(0.1), -1));
        fails("instrumentInitial", () -> dfiv().instrumentInitial(B.zeros(5)).build());
        fails("instrumentInitial", () -> dfiv().instrumentInitial(B.vector(0, 0, 0, 0, 0, 0, 0, 0, 1).log())
                .build());
        fails("structuralInitial", () -> dfiv().structuralInitial(B.zeros(3)).build());
        Dfiv d = dfiv().build();
        fails("theta", () -> d.stage1Loss(B.zeros(2), B.zeros(4)));
        fails("chi", () -> d.stage2Loss(d.instrumentParameters(), B.zeros(5)));
        fails("x", () -> d.innerPrediction(B.zeros(2, 5)));
    }

    PenaltyMethod.Builder penalty(Penalty p) {
        return PenaltyMethod.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true))
                .outerInitial(B.zeros(2)).penalty(p, Schedule.constant(1)).outerOptimizer(Adam.of(0.1))
                .innerOptimizer(Adam.of(0.1)).valueOptimizer(Adam.of(0.1), 2);
    }

    @Test
    void penaltyInputs() {
        FunctionModel two = FunctionModel.of(Mlp.of(2, new int[] {4}, 2, Activation.Kind.TANH));
        fails("innerModel", () -> penalty(Penalty.GRADIENT_SQUARED).innerModel(two).build());
        fails("innerBatchSize", () -> penalty(Penalty.GRADIENT_SQUARED).innerBatchSize(0).build());
        fails("outerBatchSize", () -> penalty(Penalty.VALUE_FUNCTION).outerBatchSize(0).build());
        fails("outerInitial", () -> penalty(Penalty.GRADIENT_NORM).outerInitial(B.zeros(3)).build());
        fails("outerInitial", () -> penalty(Penalty.GRADIENT_NORM).outerInitial(nan).build());
        fails("innerInitial", () -> penalty(Penalty.GRADIENT_NORM).innerInitial(B.zeros(2)).build());
        fails("valueOptimizer", () -> PenaltyMethod.builder().problem(toy.problem)
                .innerModel(FunctionModel.linear(2, 1, true)).outerInitial(B.zeros(2))
                .penalty(Penalty.VALUE_FUNCTION, Schedule.constant(1)).outerOptimizer(Adam.of(0.1))
                .innerOptimizer(Adam.of(0.1)).build());
        fails("jointSteps", () -> penalty(Penalty.GRADIENT_SQUARED).jointSteps(-1));
        fails("gamma", () -> Schedule.constant(-1));
        fails("gamma0", () -> Schedule.geometric(0, 2, 10));
        fails("factor", () -> Schedule.geometric(1, 0.5, 10));
        fails("max", () -> Schedule.geometric(1, 2, 0.5));
        PenaltyMethod bad = penalty(Penalty.GRADIENT_SQUARED).penalty(Penalty.GRADIENT_SQUARED, n -> Double.NaN)
                .build();
        fails("schedule", bad::step);
        PenaltyMethod ok = penalty(Penalty.GRADIENT_SQUARED).build();
        fails("gamma", () -> ok.gradient(B.zeros(2), B.zeros(3), null, -2));
        fails("w", () -> ok.objective(B.zeros(3), B.zeros(3), null, 1));
    }
}
