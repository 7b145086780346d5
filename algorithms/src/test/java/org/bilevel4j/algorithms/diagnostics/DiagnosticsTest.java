package org.bilevel4j.algorithms.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IterationBudget, Status and OracleCounts. */
class DiagnosticsTest {

    @Test
    void budgetRejectsNegativeIterations() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new IterationBudget(-1, 0, 0));
        assertTrue(e.getMessage().startsWith("maxIterations"), e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> IterationBudget.exactly(-5));
        assertThrows(IllegalArgumentException.class, () -> IterationBudget.of(-1, 1e-3));
    }

    @Test
    void budgetRejectsInvalidTolerances() {
        assertThrows(IllegalArgumentException.class, () -> new IterationBudget(10, -1e-3, 0));
        assertThrows(IllegalArgumentException.class, () -> new IterationBudget(10, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new IterationBudget(10, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new IterationBudget(10, 0, Double.NaN));
    }

    @Test
    void budgetFactoriesAndThreshold() {
        IterationBudget exact = IterationBudget.exactly(7);
        assertEquals(7, exact.maxIterations());
        assertFalse(exact.hasTolerance());
        assertEquals(0.0, exact.threshold(123.0));

        IterationBudget relative = IterationBudget.of(50, 1e-3);
        assertTrue(relative.hasTolerance());
        assertEquals(2e-3, relative.threshold(2.0), 1e-18);

        IterationBudget both = new IterationBudget(5, 1e-2, 0.5);
        assertEquals(0.5, both.threshold(10.0), 0.0, "max(0.1, 0.5)");
        assertEquals(1.0, both.threshold(100.0), 1e-15, "max(1.0, 0.5)");
        assertTrue(new IterationBudget(5, 0, 1e-9).hasTolerance());
        assertEquals(0, IterationBudget.exactly(0).maxIterations());
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
        "CONVERGED, CONVERGED, CONVERGED",
        "CONVERGED, BUDGET_EXHAUSTED, BUDGET_EXHAUSTED",
        "BUDGET_EXHAUSTED, CONVERGED, BUDGET_EXHAUSTED",
        "BUDGET_EXHAUSTED, BREAKDOWN, BREAKDOWN",
        "BREAKDOWN, DIVERGED, DIVERGED",
        "DIVERGED, BREAKDOWN, DIVERGED",
        "DIVERGED, CONVERGED, DIVERGED",
        "BREAKDOWN, CONVERGED, BREAKDOWN"})
    void worstOrdersTheStatuses(Status a, Status b, Status worst) {
        assertEquals(worst, a.worst(b));
    }

    @Test
    void failureAndConvergencePredicates() {
        assertTrue(Status.CONVERGED.isConverged());
        assertFalse(Status.BUDGET_EXHAUSTED.isConverged());
        assertFalse(Status.CONVERGED.isFailure());
        assertFalse(Status.BUDGET_EXHAUSTED.isFailure());
        assertTrue(Status.DIVERGED.isFailure());
        assertTrue(Status.BREAKDOWN.isFailure());
    }

    @Test
    void countsAddElementWise() {
        OracleCounts a = new OracleCounts(1, 2, 3, 4, 5);
        OracleCounts b = new OracleCounts(10, 20, 30, 40, 50);
        assertEquals(new OracleCounts(11, 22, 33, 44, 55), a.plus(b));
        assertEquals(a, a.plus(OracleCounts.ZERO));
        assertEquals("maps=1 vjps=2 jvps=3 hvps=4 grads=5", a.toString());
    }

    @Test
    void counterTalliesEachOracle() {
        OracleCounter c = new OracleCounter();
        c.map();
        c.maps(4);
        c.vjp();
        c.vjp();
        c.jvp();
        c.hvp();
        c.gradient();
        c.gradient();
        c.gradient();
        assertEquals(new OracleCounts(5, 2, 1, 1, 3), c.snapshot());
        OracleCounts before = c.snapshot();
        c.map();
        assertEquals(5, before.mapEvaluations(), "a snapshot is not affected by later calls");
    }
}
