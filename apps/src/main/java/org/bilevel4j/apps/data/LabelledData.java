package org.bilevel4j.apps.data;

import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense labelled dataset held as plain Java arrays: {@code rows} examples of {@code cols} features each, stored
 * row-major in {@code features}, and one class label in {@code 0 .. classes - 1} per row. The caller puts the arrays
 * on a backend (e.g. {@code backend.fromArray(data.features(), Shape.of(data.rows(), data.cols()))}).
 *
 * <p>Immutable: the constructor copies the arrays it is given and {@link #features()} and {@link #labels()} return
 * copies, so that no caller can change a dataset another holds. Each copy of
 * the features costs {@code 8 * rows * cols} bytes; read single values with {@link #feature(int, int)},
 * {@link #label(int)} and {@link #row(int)}, or without copying through the read-only views
 * {@link #featureView()} and {@link #labelView()}.
 *
 * <p>Invariants, checked by the constructor: {@code rows, cols >= 0}; {@code features.length == rows * cols};
 * every feature finite; {@code labels.length == rows}; {@code 0 <= label < classes}.
 *
 * @param features row-major features, {@code rows * cols} finite values
 * @param rows     number of examples
 * @param cols     number of features per example
 * @param labels   one class label per row, each in {@code 0 .. classes - 1}
 * @param classes  number of classes: the largest label plus one (see {@link #of}), or as declared by the format
 */
public record LabelledData(double[] features, int rows, int cols, int[] labels, int classes) {

    /** Largest array length the JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Validates and copies.
     *
     * @param features row-major features, {@code rows * cols} finite values; copied
     * @param rows     number of examples, at least 0
     * @param cols     number of features per example, at least 0
     * @param labels   one class label per row, each in {@code 0 .. classes - 1}; copied
     * @param classes  number of classes, at least 0
     * @throws IllegalArgumentException naming the argument, the expected and the actual value, if an invariant
     *                                  does not hold
     * @throws NullPointerException     if an array is null
     */
    public LabelledData {
        if (features == null) {
            throw new NullPointerException("features: expected an array, got null");
        }
        if (labels == null) {
            throw new NullPointerException("labels: expected an array, got null");
        }
        if (rows < 0) {
            throw new IllegalArgumentException("rows: expected >= 0, got " + rows);
        }
        if (cols < 0) {
            throw new IllegalArgumentException("cols: expected >= 0, got " + cols);
        }
        if (classes < 0) {
            throw new IllegalArgumentException("classes: expected >= 0, got " + classes);
        }
        long size = (long) rows * cols;
        if (features.length != size) {
            throw new IllegalArgumentException("features.length: expected rows * cols = " + rows + " * " + cols
                    + " = " + size + ", got " + features.length);
        }
        if (labels.length != rows) {
            throw new IllegalArgumentException("labels.length: expected rows = " + rows + ", got " + labels.length);
        }
        features = features.clone();
        labels = labels.clone();
        for (int i = 0; i < features.length; i++) {
            if (!Double.isFinite(features[i])) {
                throw new IllegalArgumentException("features[" + i + "] (row " + i / cols + ", column " + i % cols
                        + "): expected a finite value, got " + features[i]);
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "]: expected a class in 0 .. " + (classes - 1)
                        + " (classes = " + classes + "), got " + labels[i]);
            }
        }
    }

    /**
     * A dataset whose number of classes is the largest label plus one (0 for an empty dataset).
     *
     * @param features row-major features, {@code rows * cols} finite values; copied
     * @param rows     number of examples
     * @param cols     number of features per example
     * @param labels   one non-negative label per row; copied
     * @return the dataset
     */
    public static LabelledData of(double[] features, int rows, int cols, int[] labels) {
        int max = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("labels[" + i + "]: expected a non-negative class, got "
                        + labels[i]);
            }
            max = Math.max(max, labels[i]);
        }
        return new LabelledData(features, rows, cols, labels, max + 1);
    }

    /**
     * @return a copy of the row-major features ({@code rows * cols} values)
     */
    @Override
    public double[] features() {
        return features.clone();
    }

    /**
     * @return a copy of the labels
     */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /**
     * @return a read-only view of the row-major features, without copying
     */
    public DoubleBuffer featureView() {
        return DoubleBuffer.wrap(features).asReadOnlyBuffer();
    }

    /**
     * @return a read-only view of the labels, without copying
     */
    public IntBuffer labelView() {
        return IntBuffer.wrap(labels).asReadOnlyBuffer();
    }

    /**
     * @param row a row in {@code 0 .. rows - 1}
     * @param col a column in {@code 0 .. cols - 1}
     * @return the feature at that row and column
     */
    public double feature(int row, int col) {
        checkRow("row", row);
        if (col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("col: expected 0 .. " + (cols - 1) + ", got " + col);
        }
        return features[row * cols + col];
    }

    /**
     * @param row a row in {@code 0 .. rows - 1}
     * @return the label of that row
     */
    public int label(int row) {
        checkRow("row", row);
        return labels[row];
    }

    /**
     * @param i a row in {@code 0 .. rows - 1}
     * @return a copy of the features of row {@code i}
     */
    public double[] row(int i) {
        checkRow("i", i);
        return Arrays.copyOfRange(features, i * cols, (i + 1) * cols);
    }

    /**
     * @return the number of examples of each class: {@code counts[c]} rows have label {@code c}
     */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * @param from first row, inclusive, in {@code 0 .. rows}
     * @param to   last row, exclusive, in {@code from .. rows}
     * @return rows {@code from .. to - 1}, with the same number of classes
     */
    public LabelledData subset(int from, int to) {
        if (from < 0 || from > rows) {
            throw new IndexOutOfBoundsException("from: expected 0 .. " + rows + ", got " + from);
        }
        if (to < from || to > rows) {
            throw new IndexOutOfBoundsException("to: expected " + from + " .. " + rows + ", got " + to);
        }
        return new LabelledData(Arrays.copyOfRange(features, from * cols, to * cols), to - from, cols,
                Arrays.copyOfRange(labels, from, to), classes);
    }

    /**
     * @param rowIndices rows to take, in the order given; may repeat
     * @return the selected rows, with the same number of classes
     */
    public LabelledData select(int[] rowIndices) {
        if (rowIndices == null) {
            throw new NullPointerException("rowIndices: expected an array, got null");
        }
        if ((long) rowIndices.length * cols > MAX_ARRAY) {
            throw new IllegalArgumentException("rowIndices.length: expected at most " + MAX_ARRAY / Math.max(cols, 1)
                    + " rows of " + cols + " features, got " + rowIndices.length);
        }
        double[] f = new double[rowIndices.length * cols];
        int[] l = new int[rowIndices.length];
        for (int k = 0; k < rowIndices.length; k++) {
            int r = rowIndices[k];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException("rowIndices[" + k + "]: expected 0 .. " + (rows - 1) + ", got "
                        + r);
            }
            System.arraycopy(features, r * cols, f, k * cols, cols);
            l[k] = labels[r];
        }
        return new LabelledData(f, rowIndices.length, cols, l, classes);
    }

    /**
     * @param seed seed of the permutation; the same seed gives the same permutation
     * @return a copy with the rows in a uniformly random order (Fisher-Yates with a {@link SplittableRandom})
     */
    public LabelledData shuffled(long seed) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return select(order);
    }

    /**
     * @param firstRows number of rows of the first part, in {@code 0 .. rows}
     * @return rows {@code 0 .. firstRows - 1} and rows {@code firstRows .. rows - 1}, both with the same number of
     *         classes as this dataset
     */
    public Split split(int firstRows) {
        if (firstRows < 0 || firstRows > rows) {
            throw new IllegalArgumentException("firstRows: expected 0 .. " + rows + ", got " + firstRows);
        }
        return new Split(subset(0, firstRows), subset(firstRows, rows));
    }

    /**
     * @param factor a finite multiplier, e.g. {@code 1.0 / 255} for pixels
     * @return a copy with every feature multiplied by {@code factor}
     * @throws IllegalArgumentException if {@code factor} is not finite, or a product overflows to infinity
     */
    public LabelledData scaled(double factor) {
        if (!Double.isFinite(factor)) {
            throw new IllegalArgumentException("factor: expected a finite value, got " + factor);
        }
        double[] f = new double[features.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = features[i] * factor;
        }
        return new LabelledData(f, rows, cols, labels, classes);
    }

    /**
     * Equal when the shapes, the number of classes and all values are equal (arrays compared by content).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof LabelledData d && rows == d.rows && cols == d.cols && classes == d.classes
                && Arrays.equals(labels, d.labels) && Arrays.equals(features, d.features);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Integer.hashCode(rows) + cols) + classes) + 31 * Arrays.hashCode(labels)
                + Arrays.hashCode(features);
    }

    /**
     * @return the shape and the number of classes, not the values
     */
    @Override
    public String toString() {
        return "LabelledData[rows=" + rows + ", cols=" + cols + ", classes=" + classes + "]";
    }

    private void checkRow(String name, int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException(name + ": expected 0 .. " + (rows - 1) + ", got " + row);
        }
    }

    /**
     * The two parts of {@link LabelledData#split(int)}.
     *
     * @param first  the first rows
     * @param second the remaining rows
     */
    public record Split(LabelledData first, LabelledData second) {
        /**
         * @param first  the first rows
         * @param second the remaining rows
         * @throws NullPointerException if a part is null
         */
        public Split {
            if (first == null || second == null) {
                throw new NullPointerException("first and second: expected datasets, got " + first + " and "
                        + second);
            }
        }
    }
}
