package org.bilevel4j.apps.data;

import java.util.Arrays;

/**
 * The contents of an IDX file of unsigned bytes as read by {@link IdxReader#readImages}: the raw values
 * {@code 0 .. 255} as doubles, row-major, with {@code rows = dims[0]} and {@code cols} the product of the other
 * dimensions (1 for a one-dimensional file).
 *
 * <p>Immutable: the constructor copies the arrays, and the accessors return copies; read single values with
 * {@link #value(int, int)}.
 *
 * @param dims   the sizes of the 1 to 4 dimensions, e.g. {@code {60000, 28, 28}}
 * @param values row-major values, as many as the product of {@code dims}
 */
public record IdxImages(int[] dims, double[] values) {

    /**
     * Validates and copies.
     *
     * @param dims   the sizes of the 1 to 4 dimensions; copied
     * @param values row-major values, as many as the product of {@code dims}; copied
     * @throws IllegalArgumentException if {@code dims} has not 1 to 4 non-negative sizes whose product is
     *                                  {@code values.length}
     */
    public IdxImages {
        if (dims == null || values == null) {
            throw new NullPointerException("dims and values: expected arrays, got " + dims + " and " + values);
        }
        if (dims.length < 1 || dims.length > IdxReader.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("dims.length: expected 1 .. " + IdxReader.MAX_DIMENSIONS + ", got "
                    + dims.length);
        }
        long size = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("dims[" + i + "]: expected >= 0, got " + dims[i]);
            }
        }
        for (int dim : dims) {
            size = Math.min(size * dim, 1L << 31); // saturates above any array length
        }
        if (size != values.length) {
            throw new IllegalArgumentException("values.length: expected the product of dims " + Arrays.toString(dims)
                    + ", got " + values.length);
        }
        dims = dims.clone();
        values = values.clone();
    }

    /**
     * @return a copy of the dimension sizes
     */
    @Override
    public int[] dims() {
        return dims.clone();
    }

    /**
     * @return a copy of the row-major values
     */
    @Override
    public double[] values() {
        return values.clone();
    }

    /**
     * @return the size of the first dimension (e.g. the number of images)
     */
    public int rows() {
        return dims[0];
    }

    /**
     * @return the product of the sizes of the other dimensions (e.g. pixels per image); 1 for one dimension
     */
    public int cols() {
        int c = 1;
        for (int i = 1; i < dims.length; i++) {
            c *= dims[i];
        }
        return c;
    }

    /**
     * @param row a row in {@code 0 .. rows() - 1}
     * @param col a column in {@code 0 .. cols() - 1}
     * @return the value at that row and column
     */
    public double value(int row, int col) {
        int cols = cols();
        if (row < 0 || row >= rows()) {
            throw new IndexOutOfBoundsException("row: expected 0 .. " + (rows() - 1) + ", got " + row);
        }
        if (col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("col: expected 0 .. " + (cols - 1) + ", got " + col);
        }
        return values[row * cols + col];
    }

    /**
     * Equal when the dimensions and the values are equal.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof IdxImages i && Arrays.equals(dims, i.dims) && Arrays.equals(values, i.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(values);
    }

    /**
     * @return the dimensions, not the values
     */
    @Override
    public String toString() {
        return "IdxImages" + Arrays.toString(dims);
    }
}
