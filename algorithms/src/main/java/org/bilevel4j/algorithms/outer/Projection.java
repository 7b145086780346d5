package org.bilevel4j.algorithms.outer;

import java.util.Objects;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A projection of the outer variable onto its feasible set Λ, applied after every outer step (projected
 * hypergradient descent). Implementations do not modify their argument.
 */
@FunctionalInterface
public interface Projection {

    /**
     * @param outer λ; not modified
     * @return the nearest feasible point
     */
    Tensor project(Tensor outer);

    /** @return the identity (no constraint) */
    static Projection none() {
        return outer -> outer;
    }

    /**
     * @param low  lower bound of every coordinate
     * @param high upper bound of every coordinate, ≥ low
     * @return the box [low, high]^n
     */
    static Projection box(double low, double high) {
        if (!(low <= high)) {
            throw new IllegalArgumentException("high: expected >= low = " + low + ", got " + high);
        }
        return outer -> {
            Tensor lo = outer.backend().scalar(Math.max(low, -Double.MAX_VALUE), outer.dtype());
            Tensor hi = outer.backend().scalar(Math.min(high, Double.MAX_VALUE), outer.dtype());
            return outer.maximum(lo).minimum(hi);
        };
    }

    /** @return the non-negative orthant */
    static Projection nonNegative() {
        return box(0, Double.MAX_VALUE);
    }

    /**
     * The spectral-norm ball {A : ‖A‖₂ ≤ radius} for a matrix, the constraint that keeps an equilibrium
     * model's transition a contraction (Section 3.2 of
     * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020):
     * singular values above the radius are clipped to it
     * (the Frobenius-nearest point of the ball), computed by a one-sided Jacobi SVD only when the spectral norm,
     * estimated first, exceeds the radius.
     *
     * @param radius the largest allowed singular value, &gt; 0
     * @return the projection of a rank-2 tensor
     */
    static Projection spectralNormBall(double radius) {
        if (!(radius > 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("radius: expected a finite value > 0, got " + radius);
        }
        return outer -> SingularValueClipping.clip(outer, radius);
    }

    /**
     * Applies a projection to one block of a flat outer vector (e.g. the matrix A inside the parameters
     * (A, B, c) of an equilibrium model), leaving the other coordinates unchanged.
     *
     * @param offset index of the block's first coordinate
     * @param shape  the block's shape (its elements are contiguous, row-major)
     * @param inner  the projection of the block
     * @return the projection of the whole vector
     */
    static Projection onBlock(int offset, Shape shape, Projection inner) {
        Objects.requireNonNull(inner, "inner");
        return outer -> {
            if (outer.rank() != 1 || offset < 0 || offset + shape.size() > outer.size()) {
                throw new IllegalArgumentException("outer: expected a vector containing the block [" + offset + ", "
                        + (offset + shape.size()) + "), got shape " + outer.shape());
            }
            Tensor block = inner.project(outer.slice(0, offset, offset + shape.size()).reshape(shape)).flatten();
            return Tensor.concat(0, outer.slice(0, 0, offset), block,
                    outer.slice(0, offset + shape.size(), outer.size()));
        };
    }

    /**
     * @param next applied after this one
     * @return the composition (not a projection onto the intersection in general; exact for blocks that do not
     *         overlap)
     */
    default Projection andThen(Projection next) {
        Objects.requireNonNull(next, "next");
        return outer -> next.project(project(outer));
    }
}
