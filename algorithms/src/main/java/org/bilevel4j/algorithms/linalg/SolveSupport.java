package org.bilevel4j.algorithms.linalg;

import java.util.Arrays;
import org.bilevel4j.algorithms.diagnostics.DivergenceMonitor;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;

/** Validation and bookkeeping shared by the linear solvers. */
final class SolveSupport {
    /** A confirmed true residual that a restart does not bring below this fraction of the previous one stagnates. */
    static final double STAGNATION = 0.5;

    private SolveSupport() {
    }

    /** @return x0, or zeros shaped like b; rejects an x0 of another shape or with non-finite values */
    static Tensor start(Tensor b, Tensor x0) {
        b.requireFinite("b");
        if (x0 == null) {
            return b.backend().zeros(b.shape(), b.dtype());
        }
        if (!x0.shape().equals(b.shape())) {
            throw new ShapeMismatchException("x0: expected the shape of b " + b.shape() + ", got " + x0.shape());
        }
        return x0.requireFinite("x0");
    }

    /**
     * The residual below which a Krylov recurrence cannot improve the iterate any more: machine epsilon of b's
     * element type times ‖b‖. Iterating further only drives the recurrence towards underflow (where CG would
     * report a spurious zero curvature), so solvers stop there with CONVERGED even when the tolerance is 0.
     */
    static double roundingFloor(Tensor b, double bNorm) {
        return b.dtype().epsilon() * bNorm;
    }

    /** The first rule of {@link DivergenceMonitor}, for the Krylov methods whose residuals are not monotone. */
    static boolean diverged(double residual, double initial) {
        return !Double.isFinite(residual)
                || residual > DivergenceMonitor.GROWTH_FACTOR * Math.max(initial, Double.MIN_NORMAL);
    }

    /** The message of a solve whose true residual stagnates above the threshold after a residual replacement. */
    static String unattainable(Tensor b, double threshold, double recurrence, double trueResidual) {
        return "tolerance " + threshold + " not attainable in " + b.dtype() + ": the recurrence residual reached "
                + recurrence + " but the true residual is " + trueResidual
                + (threshold > roundingFloor(b, b.normValue()) ? " and stagnates after a restart"
                        : " (the rounding floor eps |b| was asked for)");
    }

    /** A growable list of residual norms. */
    static final class History {
        private double[] values = new double[16];
        private int size;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, 2 * size);
            }
            values[size++] = v;
        }

        double last() {
            return values[size - 1];
        }

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
