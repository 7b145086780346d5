package org.bilevel4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The EJML backend's softplus and its log1p on [0, 1] against {@link Math#log1p} (fdlibm, within 1 ulp), on seeded
 * arguments over the whole range where the result is neither 0 nor v, and at the ends of that range.
 */
class EjmlSoftplusTest {

    /** Allowed error in ulps of the expected value: Goldberg's bound for log(u)·x/(u − 1) is a few ulps. */
    private static final double ULPS = 4;

    @Test
    void log1pOnTheUnitIntervalIsWithinAFewUlpsOfMathLog1p() {
        SplittableRandom r = new SplittableRandom(21);
        for (int i = 0; i < 200_000; i++) {
            // log-uniform over [1e-300, 1] and uniform over [0, 1]
            double x = i % 2 == 0 ? Math.pow(10, -300 * r.nextDouble()) : r.nextDouble();
            double expected = Math.log1p(x);
            double got = EjmlKernels.log1pUnit(x);
            assertTrue(Math.abs(got - expected) <= ULPS * Math.ulp(expected),
                    "log1p(" + x + "): expected " + expected + " got " + got);
        }
        assertEquals(0.0, EjmlKernels.log1pUnit(0.0), "log1p(0)");
        assertEquals(Math.log(2), EjmlKernels.log1pUnit(1.0), Math.ulp(Math.log(2)), "log1p(1)");
        assertEquals(Double.MIN_VALUE, EjmlKernels.log1pUnit(Double.MIN_VALUE), "log1p(smallest subnormal)");
    }

    @Test
    void softplusIsWithinAFewUlpsOfItsDefinitionThroughMathLog1p() {
        SplittableRandom r = new SplittableRandom(22);
        for (int i = 0; i < 200_000; i++) {
            double v = (r.nextDouble() - 0.5) * 1500;
            if (i % 3 == 0) {
                v = (r.nextDouble() - 0.5) * 80;
            }
            double expected = v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
            double got = EjmlKernels.softplus(v);
            assertTrue(Math.abs(got - expected) <= ULPS * Math.ulp(expected) + Double.MIN_VALUE,
                    "softplus(" + v + "): expected " + expected + " got " + got);
        }
    }
}
