package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.CountingOperator;
import static org.bilevel4j.algorithms.TestMatrices.nonSymmetric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.shiftedRandom;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.withTranspose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CG on the normal equations (CGLS) for non-symmetric systems. */
class NormalEquationsSolverTest {

    @ParameterizedTest(name = "kappa = {0}")
    @ValueSource(doubles = {1, 10, 100})
    void convergesOnNonSymmetricSystems(double kappa) {
        SplittableRandom rng = new SplittableRandom(61 + (long) kappa);
        int n = 25;
        Tensor a = nonSymmetric(n, kappa, rng);
        Tensor b = randomVector(n, rng);
        CountingOperator op = new CountingOperator(withTranspose(a));
        LinearSolveResult r = new NormalEquationsSolver().solve(op, b, null, IterationBudget.of(5000, 1e-12));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= Math.max(1e-9, 1e-11 * kappa), r::toString);
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        double trueResidual = b.sub(a.matmul(r.solution())).normValue();
        assertTrue(Math.abs(trueResidual - r.finalResidual()) <= 1e-8 * b.normValue());
        // one A and one A^T per iteration
        assertEquals(r.iterations() + 1, r.operatorApplications(), "one more to confirm the true residual");
        assertEquals(r.iterations(), r.transposeApplications(), r::toString);
        assertEquals(op.applications, r.operatorApplications());
        assertEquals(op.transposes, r.transposeApplications());
    }

    @Test
    void firstIterateIsSteepestDescentOnTheNormalEquations() {
        // x1 = t s with s = A^T b and t = ||s||^2 / ||A s||^2
        SplittableRandom rng = new SplittableRandom(62);
        Tensor a = nonSymmetric(10, 5, rng);
        Tensor b = randomVector(10, rng);
        LinearSolveResult r = new NormalEquationsSolver().solve(withTranspose(a), b, null, IterationBudget.exactly(1));
        Tensor s = a.matmul(b, true, false);
        Tensor as = a.matmul(s);
        Tensor expected = s.mul(s.dotValue(s) / as.dotValue(as));
        assertTrue(relativeError(r.solution(), expected) <= 1e-13, r::toString);
        assertEquals(b.sub(a.matmul(expected)).normValue(), r.residualNorms()[1], 1e-12 * b.normValue());
    }

    /**
     * The class documents "One iteration: one application of A and one of A^T". With an exact budget of k iterations
     * the solver applies A^T k + 1 times: after the last iteration it still computes s = A^T r for an iteration that
     * never comes (for AID-CG on the normal equations, one wasted JVP per estimate, and counted).
     */
    @Test
    void exactBudgetUsesOneTransposePerIteration() {
        SplittableRandom rng = new SplittableRandom(63);
        Tensor a = nonSymmetric(20, 30, rng);
        Tensor b = randomVector(20, rng);
        CountingOperator op = new CountingOperator(withTranspose(a));
        LinearSolveResult r = new NormalEquationsSolver().solve(op, b, null, IterationBudget.exactly(8));
        assertEquals(Status.BUDGET_EXHAUSTED, r.status());
        assertEquals(8, r.iterations());
        assertEquals(8, op.applications);
        assertEquals(8, op.transposes, "A^T applications for 8 iterations: " + r);
    }

    @Test
    void warmStartAddsOneApplicationOfA() {
        SplittableRandom rng = new SplittableRandom(64);
        Tensor a = shiftedRandom(15, rng);
        Tensor b = randomVector(15, rng);
        CountingOperator op = new CountingOperator(withTranspose(a));
        LinearSolveResult r = new NormalEquationsSolver().solve(op, b, randomVector(15, rng),
                IterationBudget.of(500, 1e-12));
        assertEquals(Status.CONVERGED, r.status());
        assertEquals(r.iterations() + 2, r.operatorApplications(), "one for the initial residual, one to confirm");
        assertEquals(r.iterations(), r.transposeApplications());
    }

    @Test
    void worksOnASymmetricOperatorThroughItsImplicitTranspose() {
        SplittableRandom rng = new SplittableRandom(65);
        Tensor a = spd(12, 10, rng);
        Tensor b = randomVector(12, rng);
        LinearSolveResult r = new NormalEquationsSolver().solve(operator(a, true), b, null,
                IterationBudget.of(1000, 1e-12));
        assertEquals(Status.CONVERGED, r.status());
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-9);
    }

    @Test
    void rejectsAnOperatorWithoutTranspose() {
        SplittableRandom rng = new SplittableRandom(66);
        Tensor a = shiftedRandom(6, rng);
        LinearOperator noTranspose = operator(a, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NormalEquationsSolver().solve(noTranspose, randomVector(6, rng), null,
                        IterationBudget.of(10, 1e-8)));
        assertTrue(e.getMessage().contains("transpose"), e::getMessage);
    }
}
