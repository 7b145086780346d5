package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Mismatched data, non-finite samples, wrong model dimensions, empty batches: errors that name the argument. */
class BadInputTest {
    static final Backend B = DiscreteProblem.B;
    final IvToy toy = new IvToy(40, 1);

    static void fails(Class<? extends Throwable> type, String argument, Executable e) {
        Throwable t = assertThrows(type, e);
        assertTrue(t.getMessage().contains(argument), () -> "message should name " + argument + ": " + t.getMessage());
    }

    FunctionalBilevelProblem.Builder builder() {
        return FunctionalBilevelProblem.builder().innerData(toy.inner).outerData(toy.outer)
                .innerLoss(toy.problem.innerLoss()).outerLoss(toy.problem.outerLoss()).outerDimension(2);
    }

    @Test
    void mismatchedDataShapesBetweenInnerAndOuterData() {
        Dataset wideX = new Dataset(B.zeros(5, 3), B.zeros(5, 3));
        fails(ShapeMismatchException.class, "outerData", () -> builder().outerData(wideX).build());
        Dataset wideY = new Dataset(B.zeros(5, 2), B.zeros(5, 4));
        fails(ShapeMismatchException.class, "outerData", () -> builder().outerData(wideY).build());
        fails(ShapeMismatchException.class, "y", () -> new Dataset(B.zeros(5, 2), B.zeros(4, 3)));
        fails(ShapeMismatchException.class, "weights", () -> Dataset.weighted(B.zeros(3, 1), B.zeros(3, 1),
                new double[] {1, 1}));
        fails(IllegalArgumentException.class, "weights[1]", () -> Dataset.weighted(B.zeros(3, 1), B.zeros(3, 1),
                new double[] {1, -1, 1}));
        fails(ShapeMismatchException.class, "outerLoss", () -> builder().outerLoss(PointwiseLoss.of(2,
                (w, v, x, y) -> v.sum(1))).build());
    }

    @Test
    void nonFiniteSamples() {
        Tensor bad = B.vector(1, 0, 2, 3).log().reshape(2, 2); // -∞ in row 0
        fails(NonFiniteValueException.class, "x", () -> new Dataset(bad, B.zeros(2, 1)));
        fails(NonFiniteValueException.class, "y", () -> new Dataset(B.zeros(2, 1), bad));
        FuncId f = FuncId.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1, true)).innerNewton(2)
                .adjoint(FuncId.AdjointMethod.linear(0)).build();
        fails(NonFiniteValueException.class, "w", () -> f.totalGradient(B.vector(0, 1).log()));
    }

    @Test
    void modelWhoseOutputDimensionDiffersFromTheLossesDv() {
        FunctionModel twoOutputs = FunctionModel.of(Mlp.of(2, new int[] {4}, 2, Activation.Kind.TANH));
        fails(ShapeMismatchException.class, "innerModel", () -> FuncId.builder().problem(toy.problem)
                .innerModel(twoOutputs).innerOptimizer(Adam.of(0.1), 1).adjoint(FuncId.AdjointMethod.linear(0))
                .build());
        fails(ShapeMismatchException.class, "adjoint.model", () -> FuncId.builder().problem(toy.problem)
                .innerModel(FunctionModel.linear(2, 1, true)).innerOptimizer(Adam.of(0.1), 1)
                .adjoint(FuncId.AdjointMethod.network(twoOutputs, Adam.of(0.1), 1)).build());
        fails(ShapeMismatchException.class, "innerModel", () -> FuncId.builder().problem(toy.problem)
                .innerModel(FunctionModel.linear(3, 1, true)).innerOptimizer(Adam.of(0.1), 1)
                .adjoint(FuncId.AdjointMethod.linear(0)).build());
        fails(ShapeMismatchException.class, "model", () -> ParametricBilevel.of(toy.problem, twoOutputs,
                B.zeros(twoOutputs.parameterCount()), 0, 0.1));
        fails(ShapeMismatchException.class, "innerInitial", () -> FuncId.builder().problem(toy.problem)
                .innerModel(FunctionModel.linear(2, 1, true)).innerOptimizer(Adam.of(0.1), 1).innerInitial(B.zeros(4))
                .adjoint(FuncId.AdjointMethod.linear(0)).build());
    }

    @Test
    void zeroSizedBatchesAndData() {
        fails(ShapeMismatchException.class, "x", () -> new Dataset(B.zeros(Shape.of(0, 2)), B.zeros(Shape.of(0, 1))));
        fails(IllegalArgumentException.class, "indices", () -> toy.inner.batch(new int[0]));
        fails(IllegalArgumentException.class, "batchSize", () -> toy.inner.sampler(0, 1));
        fails(IllegalArgumentException.class, "innerBatchSize", () -> FuncId.builder().problem(toy.problem)
                .innerModel(FunctionModel.linear(2, 1, true)).innerOptimizer(Adam.of(0.1), 1).innerBatchSize(0)
                .adjoint(FuncId.AdjointMethod.linear(0)).build());
        fails(IllegalArgumentException.class, "outerBatchSize", () -> FuncId.builder().problem(toy.problem)
                .innerModel(FunctionModel.linear(2, 1, true)).innerOptimizer(Adam.of(0.1), 1).outerBatchSize(0)
                .adjoint(FuncId.AdjointMethod.linear(0)).build());
    }

    @Test
    void wrongShapesAtEvaluation() {
        Dataset.Batch b = toy.inner.full();
        fails(ShapeMismatchException.class, "w", () -> toy.problem.innerValue(B.zeros(3), B.zeros(b.size(), 1), b));
        fails(ShapeMismatchException.class, "v", () -> toy.problem.innerValue(B.zeros(2), B.zeros(b.size(), 2), b));
        fails(ShapeMismatchException.class, "innerA", () -> toy.problem.totalGradient(B.zeros(2),
                B.zeros(b.size(), 1), B.zeros(3, 1), b, B.zeros(b.size(), 1), b));
        fails(IllegalArgumentException.class, "outer", () -> toy.problem.closedFormAdjoint(B.zeros(2),
                B.zeros(b.size(), 1), b, B.zeros(toy.outer.size(), 1), toy.outer.full()));
    }
}
