package org.bilevel4j.api.map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CurvatureBoundsTest {

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void strongConvexityMustBeFinitePositive(double mu) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CurvatureBounds(mu, 10.0));
        assertTrue(e.getMessage().startsWith("strongConvexity"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(mu)), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.0, -2.0, Double.NaN, Double.POSITIVE_INFINITY})
    void smoothnessMustBeFiniteAndAtLeastStrongConvexity(double l) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CurvatureBounds(1.0, l));
        assertTrue(e.getMessage().startsWith("smoothness"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(l)), e.getMessage());
    }

    @Test
    void equalBoundsAreAccepted() {
        CurvatureBounds b = new CurvatureBounds(2.0, 2.0);
        assertEquals(1.0, b.conditionNumber(), 0.0);
        assertEquals(0.5, b.optimalStep(), 0.0);
        assertEquals(0.0, b.contraction(b.optimalStep()), 1e-15);
    }

    @Test
    void conditionNumberIsSmoothnessOverStrongConvexity() {
        assertEquals(100.0, new CurvatureBounds(0.1, 10.0).conditionNumber(), 1e-12);
        assertEquals(4.0, new CurvatureBounds(0.5, 2.0).conditionNumber(), 0.0);
    }

    @ParameterizedTest(name = "mu={0}, L={1}")
    @CsvSource({
        "1.0, 1.0",
        "1.0, 2.0",
        "0.5, 2.0",
        "0.1, 10.0",
        "1.0, 100.0",
        "1e-3, 1e3",
        "3.0, 7.0",
        "0.25, 0.75",
        "1e-6, 1.0",
        "5.0, 5.000001",
    })
    void optimalStepGivesKappaContraction(double mu, double l) {
        CurvatureBounds b = new CurvatureBounds(mu, l);
        double step = b.optimalStep();
        assertEquals(2.0 / (mu + l), step, 0.0);
        double kappa = l / mu;
        double expected = (kappa - 1) / (kappa + 1);
        assertEquals(expected, b.contraction(step), 1e-15);
        assertTrue(b.contraction(step) < 1.0);
    }

    @ParameterizedTest(name = "mu={0}, L={1}")
    @CsvSource({
        "1.0, 2.0",
        "0.1, 10.0",
        "1e-3, 1e3",
    })
    void optimalStepMinimisesTheContraction(double mu, double l) {
        CurvatureBounds b = new CurvatureBounds(mu, l);
        double best = b.contraction(b.optimalStep());
        for (double factor : new double[] {0.5, 0.9, 0.99, 1.01, 1.1, 1.5}) {
            assertTrue(b.contraction(b.optimalStep() * factor) > best, "factor " + factor);
        }
    }

    @ParameterizedTest(name = "mu={0}, L={1}, step={2}")
    @CsvSource({
        "1.0, 2.0, 0.1",
        "1.0, 2.0, 0.5",
        "1.0, 2.0, 1.0",
        "1.0, 2.0, 1.5",
        "0.1, 10.0, 0.01",
        "0.1, 10.0, 0.3",
        "0.1, 10.0, 5.0",
        "2.0, 2.0, 0.25",
    })
    void contractionIsMaxOfTheTwoEndsOfTheSpectrum(double mu, double l, double step) {
        CurvatureBounds b = new CurvatureBounds(mu, l);
        double expected = Math.max(Math.abs(1 - step * mu), Math.abs(1 - step * l));
        assertEquals(expected, b.contraction(step), 0.0);
    }

    @Test
    void contractionHandValues() {
        CurvatureBounds b = new CurvatureBounds(1.0, 3.0);
        // small step: dominated by mu, q = 1 - step*mu
        assertEquals(0.9, b.contraction(0.1), 1e-15);
        // large step: dominated by L, q = step*L - 1
        assertEquals(2.0, b.contraction(1.0), 1e-15);
        // the step 2/L is the edge of stability
        assertEquals(1.0, b.contraction(2.0 / 3.0), 1e-15);
        // optimal step 2/(1+3) = 0.5 gives (3-1)/(3+1) = 0.5
        assertEquals(0.5, b.optimalStep(), 0.0);
        assertEquals(0.5, b.contraction(0.5), 0.0);
    }

    @Test
    void contractionOfTheOptimalStepFeedsAKnownContractionInfo() {
        CurvatureBounds b = new CurvatureBounds(0.5, 4.5);
        ContractionInfo info = ContractionInfo.known(b.contraction(b.optimalStep()));
        assertTrue(info.isContraction());
        assertEquals(0.8, info.constant(), 1e-15);
    }
}
