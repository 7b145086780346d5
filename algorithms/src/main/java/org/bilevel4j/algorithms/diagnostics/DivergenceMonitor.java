package org.bilevel4j.algorithms.diagnostics;

/**
 * The one divergence rule of every iteration in the library (inner solvers, iterative differentiation, the linear
 * solvers of the adjoint system). It watches a sequence of residuals r₀, r₁, ..., r_n (for a fixed-point
 * iteration the step norms ‖w_i - w_{i-1}‖, for a linear solve ‖b - Ax_k‖) and declares divergence
 * <ul>
 *   <li>at once, when a residual is NaN or infinite or has grown {@value #GROWTH_FACTOR} times over r₀ (or over
 *       the noise floor, when r₀ is smaller);</li>
 *   <li>at the end, for an iteration that should contract (a stationary iteration: Picard, gradient descent,
 *       Richardson, Neumann), when after at least {@value #MIN_STEPS} step beyond the first residual the
 *       last residual is still at least the first one and above the noise floor: the estimated contraction
 *       q̂ = (r_n / r₀)^{1/n} is then ≥ 1, the map is not a contraction (or has no fixed point), and the iterate is not an approximation of
 *       anything.</li>
 * </ul>
 * Krylov methods (CG, MINRES, GMRES) have non-monotone residuals and use the first rule only. A monitor is a small
 * mutable object used by one solve on one thread.
 */
public final class DivergenceMonitor {
    /** A residual this many times its first value means divergence. */
    public static final double GROWTH_FACTOR = 1e6;
    /**
     * Residuals after the first needed before the end-of-run contraction test applies: one, since two residuals
     * r₁ ≥ r₀ (two inner steps whose second is no shorter than the first) already rule out a contraction, for which
     * r₁ ≤ q r₀ &lt; r₀.
     */
    public static final int MIN_STEPS = 1;

    private final boolean contracting;
    private double first = Double.NaN;
    private double last = Double.NaN;
    private int steps = -1;

    /**
     * @param contracting whether the residuals of a healthy run decrease (stationary iterations), so that a run
     *                    whose residual did not decrease is itself a sign of divergence
     */
    public DivergenceMonitor(boolean contracting) {
        this.contracting = contracting;
    }

    /**
     * Records the next residual (the first call gives r₀).
     *
     * @param residual   the residual
     * @param noiseFloor growth from below this level is rounding noise (a run started at the solution has r₀ ≈ 0)
     * @return why the iteration diverged, or null if it did not
     */
    public String observe(double residual, double noiseFloor) {
        steps++;
        last = residual;
        if (steps == 0) {
            first = residual;
        }
        if (!Double.isFinite(residual)) {
            return "residual became " + residual + " at step " + steps;
        }
        if (residual > GROWTH_FACTOR * Math.max(first, Math.max(noiseFloor, Double.MIN_NORMAL))) {
            return "residual grew from " + first + " to " + residual + " in " + steps + " steps";
        }
        return null;
    }

    /**
     * The end-of-run test of a contracting iteration.
     *
     * @param noiseFloor residuals at or below this level are rounding noise, not growth (e.g. the tolerance, or
     *                   a few machine epsilons of the iterate's scale)
     * @return why the run is judged divergent, or null
     */
    public String atEnd(double noiseFloor) {
        if (!contracting || steps < MIN_STEPS || !(last >= first) || last <= noiseFloor) {
            return null;
        }
        return "residual did not decrease in " + steps + " steps (from " + first + " to " + last
                + ", estimated contraction " + contractionEstimate() + " >= 1): the iteration is not a contraction";
    }

    /** @return q̂ = (r_n / r₀)^{1/n}, the geometric mean rate of the residuals, or NaN before two residuals */
    public double contractionEstimate() {
        if (steps < 1 || !(first > 0)) {
            return Double.NaN;
        }
        return Math.pow(last / first, 1.0 / steps);
    }
}
