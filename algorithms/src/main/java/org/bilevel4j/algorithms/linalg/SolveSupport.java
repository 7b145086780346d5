package org.bilevel4j.algorithms.linalg;

import java.util.Arrays;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;

/** Validation and bookkeeping shared by the linear solvers. */
final class SolveSupport {
    /** A residual this many times larger than the initial one means the iteration diverges. */
    static final double DIVERGENCE_FACTOR = 1e12;

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

    static boolean diverged(double residual, double initial) {
        return !Double.isFinite(residual) || residual > DIVERGENCE_FACTOR * Math.max(initial, Double.MIN_NORMAL);
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

        double[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
