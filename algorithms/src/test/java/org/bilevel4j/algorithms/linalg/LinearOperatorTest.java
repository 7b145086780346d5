package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.nonSymmetric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.symmetricIndefinite;
import static org.bilevel4j.algorithms.TestMatrices.withTranspose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Operator construction, transposes and Tikhonov damping. */
class LinearOperatorTest {

    @ParameterizedTest(name = "rho = {0}")
    @ValueSource(doubles = {0, 1e-3, 0.5, 10})
    void dampedOperatorSolvesTheShiftedSystem(double rho) {
        SplittableRandom rng = new SplittableRandom(111);
        int n = 20;
        Tensor a = spd(n, 100, rng);
        Tensor b = randomVector(n, rng);
        Tensor shifted = a.add(B.identity(n).mul(rho));
        LinearOperator damped = operator(a, true).damped(rho);
        assertTrue(damped.isSymmetric());
        LinearSolveResult r = new ConjugateGradientSolver().solve(damped, b, null, IterationBudget.of(500, 1e-12));
        assertEquals(Status.CONVERGED, r.status());
        assertTrue(relativeError(r.solution(), shifted.solve(b)) <= 1e-9, r::toString);
    }

    @Test
    void dampingMakesAnIndefiniteOperatorPositiveDefinite() {
        SplittableRandom rng = new SplittableRandom(112);
        int n = 16;
        Tensor a = symmetricIndefinite(n, 4, rng); // eigenvalues in [-4, -1] and [1, 4]
        Tensor b = randomVector(n, rng);
        double rho = 5;
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true).damped(rho), b, null,
                IterationBudget.of(500, 1e-12));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.add(B.identity(n).mul(rho)).solve(b)) <= 1e-9);
    }

    @Test
    void dampedNonSymmetricOperatorKeepsItsTranspose() {
        SplittableRandom rng = new SplittableRandom(113);
        int n = 12;
        Tensor a = nonSymmetric(n, 20, rng);
        Tensor v = randomVector(n, rng);
        double rho = 0.7;
        LinearOperator damped = withTranspose(a).damped(rho);
        assertFalse(damped.isSymmetric());
        assertTrue(damped.hasTranspose());
        Tensor shifted = a.add(B.identity(n).mul(rho));
        assertTrue(relativeError(damped.apply(v), shifted.matmul(v)) <= 1e-14);
        assertTrue(relativeError(damped.applyTranspose(v), shifted.transpose().matmul(v)) <= 1e-14);

        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new NormalEquationsSolver().solve(damped, b, null, IterationBudget.of(2000, 1e-12));
        assertEquals(Status.CONVERGED, r.status());
        assertTrue(relativeError(r.solution(), shifted.solve(b)) <= 1e-9);
    }

    @Test
    void dampingWithoutTransposeHasNoTranspose() {
        SplittableRandom rng = new SplittableRandom(114);
        Tensor a = nonSymmetric(5, 3, rng);
        LinearOperator damped = operator(a, false).damped(1);
        assertFalse(damped.hasTranspose());
        assertThrows(UnsupportedCapabilityException.class, () -> damped.applyTranspose(randomVector(5, rng)));
    }

    @Test
    void rejectsInvalidDamping() {
        LinearOperator op = operator(B.identity(3), true);
        for (double rho : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.damped(rho));
            assertTrue(e.getMessage().startsWith("rho"), e::getMessage);
        }
    }

    @Test
    void declaredSymmetryGivesTheTranspose() {
        SplittableRandom rng = new SplittableRandom(115);
        Tensor a = spd(6, 3, rng);
        Tensor v = randomVector(6, rng);
        LinearOperator sym = operator(a, true);
        assertTrue(sym.hasTranspose());
        assertTrue(relativeError(sym.applyTranspose(v), a.matmul(v)) <= 1e-15);

        LinearOperator general = operator(nonSymmetric(6, 3, rng), false);
        assertFalse(general.isSymmetric());
        assertFalse(general.hasTranspose());
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> general.applyTranspose(v));
        assertTrue(e.getMessage().contains("transpose"), e::getMessage);

        Tensor m = nonSymmetric(6, 3, rng);
        LinearOperator explicit = withTranspose(m);
        assertFalse(explicit.isSymmetric());
        assertTrue(explicit.hasTranspose());
        assertTrue(relativeError(explicit.applyTranspose(v), m.transpose().matmul(v)) <= 1e-15);
    }
}
