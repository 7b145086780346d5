package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.CountingOperator;
import static org.bilevel4j.algorithms.TestMatrices.nonSymmetric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomMatrix;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.algorithms.TestMatrices.shiftedRandom;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dense reference solver: assembles the operator column by column and solves by LU. */
class DenseDirectSolverTest {

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 7, 25})
    void matchesTheDenseSolve(int n) {
        SplittableRandom rng = new SplittableRandom(91 + n);
        Tensor a = nonSymmetric(n, 50, rng);
        Tensor b = randomVector(n, rng);
        CountingOperator op = new CountingOperator(operator(a, false));
        LinearSolveResult r = new DenseDirectSolver().solve(op, b, null, IterationBudget.exactly(0));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-12, r::toString);
        assertEquals(1, r.iterations());
        assertEquals(n + 1, r.operatorApplications(), "n columns and one residual");
        assertEquals(op.applications, r.operatorApplications());
        assertEquals(2, r.residualNorms().length);
        assertEquals(b.normValue(), r.residualNorms()[0], 1e-14 * b.normValue());
        assertEquals(b.sub(a.matmul(r.solution())).normValue(), r.finalResidual(), 1e-14 * b.normValue());
    }

    @Test
    void solvesForMatrixShapedUnknowns() {
        // the operator V -> A V on 3 x 2 matrices is I_2 (x) A on the 6 unknowns
        SplittableRandom rng = new SplittableRandom(92);
        Tensor a = shiftedRandom(3, rng);
        Tensor b = randomMatrix(3, 2, 1, rng);
        LinearOperator op = LinearOperator.of(v -> a.matmul(v), false);
        LinearSolveResult r = new DenseDirectSolver().solve(op, b, null, IterationBudget.exactly(1));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertEquals(Shape.of(3, 2), r.solution().shape());
        Tensor expected = a.solve(b);
        assertTrue(relativeError(r.solution(), expected) <= 1e-12, r::toString);
        assertEquals(7, r.operatorApplications());
        assertTrue(b.sub(a.matmul(r.solution())).normValue() <= 1e-13 * b.normValue());
    }

    @Test
    void solvesForMatrixShapedUnknownsOfANonSeparableOperator() {
        // V -> A V + V C couples the rows and the columns (a Sylvester operator)
        SplittableRandom rng = new SplittableRandom(93);
        Tensor a = shiftedRandom(3, rng);
        Tensor c = shiftedRandom(2, rng);
        Tensor b = randomMatrix(3, 2, 1, rng);
        LinearOperator op = LinearOperator.of(v -> a.matmul(v).add(v.matmul(c)), false);
        LinearSolveResult r = new DenseDirectSolver().solve(op, b, null, IterationBudget.exactly(1));
        assertEquals(Status.CONVERGED, r.status());
        Tensor x = r.solution();
        assertTrue(b.sub(a.matmul(x).add(x.matmul(c))).normValue() <= 1e-13 * b.normValue(), r::toString);
    }

    @Test
    void singularMatrixIsABreakdown() {
        Tensor a = B.matrix(new double[][] {{1, 2, 3}, {2, 4, 6}, {1, 0, 1}});
        LinearSolveResult r = new DenseDirectSolver().solve(operator(a, false), B.vector(1, 2, 3), null,
                IterationBudget.exactly(1));
        assertEquals(Status.BREAKDOWN, r.status(), r::toString);
        assertTrue(r.message().contains("singular"), r::message);
        assertTrue(r.solution().isFinite());
        assertEquals(0.0, r.solution().normValue(), "a breakdown returns zeros, never NaN");
    }

    @Test
    void zeroMatrixIsABreakdown() {
        LinearSolveResult r = new DenseDirectSolver().solve(operator(B.zeros(4, 4), false), B.vector(1, 0, 0, 0),
                null, IterationBudget.exactly(1));
        assertEquals(Status.BREAKDOWN, r.status(), r::toString);
    }
}
