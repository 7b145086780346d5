package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.CountingOperator;
import static org.bilevel4j.algorithms.TestMatrices.nonSymmetric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.symmetricIndefinite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The automatic choice between CG, MINRES (after a CG breakdown) and GMRES. */
class AutoLinearSolverTest {

    @Test
    void usesConjugateGradientsOnASymmetricPositiveDefiniteOperator() {
        SplittableRandom rng = new SplittableRandom(101);
        Tensor a = spd(20, 100, rng);
        Tensor b = randomVector(20, rng);
        LinearSolveResult auto = new AutoLinearSolver().solve(operator(a, true), b, null, IterationBudget.of(500, 1e-12));
        LinearSolveResult cg = new ConjugateGradientSolver().solve(operator(a, true), b, null,
                IterationBudget.of(500, 1e-12));
        assertEquals(Status.CONVERGED, auto.status());
        assertTrue(auto.message().startsWith("cg"), auto::message);
        assertEquals(cg.iterations(), auto.iterations());
        assertTrue(auto.solution().sub(cg.solution()).normValue() == 0, "the same computation as CG");
        assertEquals("auto", new AutoLinearSolver().name());
    }

    @ParameterizedTest(name = "seed = {0}")
    @ValueSource(longs = {102, 103, 104})
    void fallsBackToMinresWhenConjugateGradientsBreaksDown(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 20;
        Tensor a = symmetricIndefinite(n, 10, rng);
        Tensor b = randomVector(n, rng);
        IterationBudget budget = IterationBudget.of(500, 1e-12);
        LinearSolveResult cg = new ConjugateGradientSolver().solve(operator(a, true), b, null, budget);
        assertEquals(Status.BREAKDOWN, cg.status(), "precondition: CG breaks down on this system");

        CountingOperator op = new CountingOperator(operator(a, true));
        LinearSolveResult r = new AutoLinearSolver().solve(op, b, null, budget);
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(r.message().contains("minres"), r::message);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-9, r::toString);
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        assertEquals(op.applications, r.operatorApplications());
        assertTrue(r.iterations() > cg.iterations(), "the CG iterations are counted with MINRES's");
        // the history starts with CG's
        for (int k = 0; k < cg.residualNorms().length; k++) {
            assertEquals(cg.residualNorms()[k], r.residualNorms()[k], 0.0, "k = " + k);
        }
        double trueResidual = b.sub(a.matmul(r.solution())).normValue();
        assertTrue(Math.abs(trueResidual - r.finalResidual()) <= 1e-8 * b.normValue());
    }

    @Test
    void theFallbackSharesTheBudget() {
        SplittableRandom rng = new SplittableRandom(105);
        Tensor a = symmetricIndefinite(30, 50, rng);
        Tensor b = randomVector(30, rng);
        LinearSolveResult r = new AutoLinearSolver().solve(operator(a, true), b, null, IterationBudget.exactly(15));
        assertEquals(15, r.iterations(), r::toString);
        assertEquals(Status.BUDGET_EXHAUSTED, r.status());
    }

    @Test
    void usesGmresOnANonSymmetricOperator() {
        SplittableRandom rng = new SplittableRandom(106);
        Tensor a = nonSymmetric(20, 30, rng);
        Tensor b = randomVector(20, rng);
        LinearSolveResult r = new AutoLinearSolver().solve(operator(a, false), b, null, IterationBudget.of(500, 1e-12));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(r.message().startsWith("gmres"), r::message);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-9);
    }
}
