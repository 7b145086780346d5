package org.bilevel4j.algorithms.stochastic.common;

/**
 * A step size per iteration, c/(t + 1)^a for t = 0, 1, 2, …: constant (a = 0), t^{-1/2} (a = 1/2, the
 * theory steps of SOBA), t^{-2/5} (a = 2/5).
 *
 * @param initial  c &gt; 0, finite
 * @param exponent a in [0, 1]
 */
public record StepSchedule(double initial, double exponent) {

    /** Checks the arguments. */
    public StepSchedule {
        if (!(initial > 0) || !Double.isFinite(initial)) {
            throw new IllegalArgumentException("step: expected a finite step size > 0, got " + initial);
        }
        if (!(exponent >= 0 && exponent <= 1)) {
            throw new IllegalArgumentException("exponent: expected a decay exponent in [0, 1], got " + exponent);
        }
    }

    /**
     * @param step c &gt; 0
     * @return the constant schedule c
     */
    public static StepSchedule constant(double step) {
        return new StepSchedule(step, 0);
    }

    /**
     * @param step c &gt; 0
     * @return c/√(t + 1)
     */
    public static StepSchedule inverseSqrt(double step) {
        return new StepSchedule(step, 0.5);
    }

    /**
     * @param step c &gt; 0
     * @return c/(t + 1)^{2/5}
     */
    public static StepSchedule twoFifths(double step) {
        return new StepSchedule(step, 0.4);
    }

    /**
     * @param t the 0-based iteration
     * @return the step at iteration t
     */
    public double at(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("t: expected an iteration ≥ 0, got " + t);
        }
        return exponent == 0 ? initial : initial / Math.pow(t + 1.0, exponent);
    }

    @Override
    public String toString() {
        return exponent == 0 ? Double.toString(initial) : initial + "/(t+1)^" + exponent;
    }
}
