package org.bilevel4j.apps.iv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-sided paired t-test against closed forms of Student's distribution and a direct computation. */
class IvStatisticsTest {

    @ParameterizedTest
    @ValueSource(doubles = {-5, -1.3, -0.2, 0, 0.4, 2, 7})
    void studentCdfMatchesTheClosedFormsForOneAndTwoDegrees(double t) {
        // one degree of freedom: the Cauchy distribution; two: 1/2 + t / (2 √(2 + t²))
        assertEquals(0.5 + Math.atan(t) / Math.PI, PairedTTest.studentCdf(t, 1), 1e-12);
        assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), PairedTTest.studentCdf(t, 2), 1e-12);
    }

    @Test
    void studentCdfApproachesTheNormalForManyDegrees() {
        // Φ(-1.959964) = 0.025
        assertEquals(0.025, PairedTTest.studentCdf(-1.959964, 1e7), 1e-6);
        assertEquals(Math.log(120), PairedTTest.lnGamma(6), 1e-12);
    }

    @Test
    void pairedTestMatchesTheDirectFormula() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 9;
        double[] a = new double[n];
        double[] b = new double[n];
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = 1 + rng.nextDouble();
            a[i] = b[i] - 0.2 + 0.3 * rng.nextGaussian();
            d[i] = a[i] - b[i];
        }
        double m = java.util.Arrays.stream(d).average().orElseThrow();
        double s = Math.sqrt(java.util.Arrays.stream(d).map(x -> (x - m) * (x - m)).sum() / (n - 1));
        PairedTTest t = PairedTTest.lessThan(a, b);
        assertEquals(m, t.meanDifference(), 1e-15);
        assertEquals(m / (s / Math.sqrt(n)), t.t(), 1e-12);
        assertEquals(PairedTTest.studentCdf(t.t(), n - 1), t.pValue(), 0.0);
        // swapping the roles gives the complementary one-sided p-value
        assertEquals(1 - t.pValue(), PairedTTest.lessThan(b, a).pValue(), 1e-12);
    }

    @Test
    void degenerateAndMismatchedInputs() {
        assertTrue(Double.isNaN(PairedTTest.lessThan(new double[] {1}, new double[] {2}).pValue()));
        assertTrue(Double.isNaN(PairedTTest.lessThan(new double[] {1, 2}, new double[] {2, 3}).pValue()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PairedTTest.lessThan(new double[] {1, 2}, new double[] {2}));
        assertTrue(e.getMessage().startsWith("b"), e.getMessage());
    }
}
