package org.bilevel4j.api.autodiff;

import java.util.Arrays;
import java.util.Locale;

/**
 * The outcome of one {@link GradientCheck}: a central finite-difference comparison and a Taylor-remainder test.
 *
 * <p>The Taylor test evaluates r(h) = ‖F(x + h u) - F(x) - h D(u)‖ for a sequence of halving steps.
 * With a correct derivative D, r(h) = O(h²) and each halving divides r by about 4 (observed order 2); with a
 * wrong one r(h) = O(h) (order 1). Unlike the finite-difference error, this verdict does not depend on guessing
 * a good step.
 *
 * @param what            which derivative was checked (gradient, vjp, jvp, hvp)
 * @param analytic        the claimed directional derivative (or its norm, for vector-valued checks)
 * @param finiteDifference the central finite-difference estimate (or its norm)
 * @param relativeError   ‖claimed - finite difference‖ / max(‖claimed‖, ‖finite difference‖)
 * @param roundingError   the estimated rounding error of the finite difference, allowed on top of the tolerance
 * @param step            the finite-difference step h along the unit-norm direction
 * @param tolerance       the largest relative error accepted
 * @param steps           the Taylor-test steps
 * @param remainders      r(h) for each step
 * @param orders          log₂(r(h) / r(h/2)) for consecutive steps above the rounding floor (NaN below it)
 * @param passed          relative error within tolerance and Taylor order about 2 (or remainders at rounding level)
 */
public record DerivativeCheck(String what, double analytic, double finiteDifference, double relativeError,
        double roundingError, double step, double tolerance, double[] steps, double[] remainders, double[] orders, boolean passed) {

    /** @return the median of the observed Taylor orders, NaN if every remainder was at rounding level */
    public double taylorOrder() {
        double[] valid = Arrays.stream(orders).filter(Double::isFinite).sorted().toArray();
        return valid.length == 0 ? Double.NaN : valid[valid.length / 2];
    }

    /**
     * @return this check
     * @throws IllegalStateException with the full report if the check failed
     */
    public DerivativeCheck requirePassed() {
        if (!passed) {
            throw new IllegalStateException("derivative check failed: " + this);
        }
        return this;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "%s check %s: claimed %.6e, finite difference %.6e, relative error %.2e (tolerance %.1e, h = %.1e), "
                        + "Taylor order %.2f (orders %s)",
                what, passed ? "passed" : "FAILED", analytic, finiteDifference, relativeError, tolerance, step,
                taylorOrder(), Arrays.toString(Arrays.stream(orders).map(o -> Math.round(o * 100) / 100.0).toArray()));
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
