package org.bilevel4j.api.tensor.types;

import java.util.Arrays;
import org.bilevel4j.api.error.ShapeMismatchException;

/**
 * Immutable shape of a tensor of rank 0 (scalar), 1 (vector) or 2 (matrix).
 *
 * <p>Every shape has a <em>matrix view</em> used by kernels and broadcasting: a scalar is 1×1, a vector
 * {@code [n]} is the row 1×n, a matrix {@code [m, n]} is m×n. Broadcasting follows NumPy: shapes are
 * aligned on their last axis and an axis of length 1 stretches, so {@code [n]} and {@code [1, n]} broadcast over
 * the rows of {@code [m, n]} and {@code [m, 1]} over its columns.
 */
public final class Shape {
    /** Largest supported rank. */
    public static final int MAX_RANK = 2;

    private static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        this.dims = dims;
        long s = 1;
        for (int d : dims) {
            s *= d;
        }
        if (s > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dims: " + Arrays.toString(dims) + " has more than 2^31-1 elements");
        }
        this.size = (int) s;
    }

    /** @return the shape {@code []} of a scalar */
    public static Shape scalar() {
        return SCALAR;
    }

    /**
     * @param dims zero, one or two non-negative lengths
     * @return the shape with these dimensions
     * @throws IllegalArgumentException if there are more than two dimensions or one is negative
     */
    public static Shape of(int... dims) {
        if (dims.length > MAX_RANK) {
            throw new IllegalArgumentException(
                    "dims: expected rank <= " + MAX_RANK + ", got rank " + dims.length + " " + Arrays.toString(dims));
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(
                        "dims[" + i + "]: expected a non-negative length, got " + dims[i] + " in " + Arrays.toString(dims));
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** @return 0, 1 or 2 */
    public int rank() {
        return dims.length;
    }

    /**
     * @param axis 0 or 1, smaller than the rank
     * @return the length along {@code axis}
     */
    public int dim(int axis) {
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("axis: expected 0.." + (dims.length - 1) + " for shape " + this + ", got " + axis);
        }
        return dims[axis];
    }

    /** @return a copy of the dimensions */
    public int[] dims() {
        return dims.clone();
    }

    /** @return the number of elements */
    public int size() {
        return size;
    }

    /** @return rows of the matrix view: 1 for scalars and vectors */
    public int rows() {
        return dims.length == 2 ? dims[0] : 1;
    }

    /** @return columns of the matrix view: 1 for scalars, n for a vector [n] */
    public int cols() {
        return dims.length == 0 ? 1 : dims[dims.length - 1];
    }

    /** @return true for the shape {@code []} */
    public boolean isScalar() {
        return dims.length == 0;
    }

    /**
     * Broadcast two shapes (NumPy rules on rank ≤ 2).
     *
     * @param op  the operation, for the error message
     * @param lhs left operand shape
     * @param rhs right operand shape
     * @return the broadcast shape
     * @throws ShapeMismatchException if an axis differs and neither length is 1
     */
    public static Shape broadcast(String op, Shape lhs, Shape rhs) {
        if (lhs.equals(rhs)) {
            return lhs;
        }
        int rank = Math.max(lhs.rank(), rhs.rank());
        int[] out = new int[rank];
        for (int i = 1; i <= rank; i++) {
            int a = i <= lhs.rank() ? lhs.dims[lhs.rank() - i] : 1;
            int b = i <= rhs.rank() ? rhs.dims[rhs.rank() - i] : 1;
            if (a != b && a != 1 && b != 1) {
                throw new ShapeMismatchException(op + ": rhs: expected a shape broadcastable with " + lhs
                        + " (each axis equal or 1), got " + rhs);
            }
            out[rank - i] = a == 1 ? b : a;
        }
        return new Shape(out);
    }

    /**
     * @param target a shape
     * @return true if this shape broadcasts to {@code target} without changing {@code target}
     */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) {
            return false;
        }
        for (int i = 1; i <= rank(); i++) {
            int a = dims[rank() - i];
            if (a != 1 && a != target.dims[target.rank() - i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** @return the dimensions in brackets, e.g. {@code [10, 3]} */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
