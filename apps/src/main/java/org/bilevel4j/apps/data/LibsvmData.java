package org.bilevel4j.apps.data;

import java.util.Arrays;

/**
 * A LIBSVM / svmlight file as read by {@link LibsvmReader}: the dense dataset, whose labels are class ids
 * {@code 0 .. classes - 1}, and the label value of the file that each class id stands for.
 *
 * <p>Immutable: {@link #labelValues()} returns a copy.
 *
 * @param data        the dense dataset; {@code data.classes() == labelValues.length}
 * @param labelValues {@code labelValues[c]} is the label written in the file for class id {@code c}, e.g.
 *                    {@code {-1, 1}} for a binary file with labels {@code -1} and {@code +1}; distinct and finite
 */
public record LibsvmData(LabelledData data, double[] labelValues) {

    /**
     * Validates and copies.
     *
     * @param data        the dense dataset
     * @param labelValues the label of each class id, distinct and finite; copied
     * @throws IllegalArgumentException if there is not one distinct finite label value per class
     */
    public LibsvmData {
        if (data == null || labelValues == null) {
            throw new NullPointerException("data and labelValues: expected non-null, got " + data + " and "
                    + (labelValues == null ? null : Arrays.toString(labelValues)));
        }
        if (labelValues.length != data.classes()) {
            throw new IllegalArgumentException("labelValues.length: expected data.classes() = " + data.classes()
                    + ", got " + labelValues.length);
        }
        labelValues = labelValues.clone();
        checkLabelValues(labelValues, "labelValues");
    }

    /**
     * @return a copy of the label values, indexed by class id
     */
    @Override
    public double[] labelValues() {
        return labelValues.clone();
    }

    /**
     * @param classId a class id in {@code 0 .. data.classes() - 1}
     * @return the label written in the file for that class
     */
    public double labelValue(int classId) {
        if (classId < 0 || classId >= labelValues.length) {
            throw new IndexOutOfBoundsException("classId: expected 0 .. " + (labelValues.length - 1) + ", got "
                    + classId);
        }
        return labelValues[classId];
    }

    /**
     * @param labelValue a label as written in a file, e.g. {@code -1}
     * @return its class id, or -1 if no class has that label
     */
    public int classOf(double labelValue) {
        for (int c = 0; c < labelValues.length; c++) {
            if (labelValues[c] == labelValue) {
                return c;
            }
        }
        return -1;
    }

    /**
     * Equal when the datasets and the label values are equal.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof LibsvmData d && data.equals(d.data) && Arrays.equals(labelValues, d.labelValues);
    }

    @Override
    public int hashCode() {
        return 31 * data.hashCode() + Arrays.hashCode(labelValues);
    }

    @Override
    public String toString() {
        return "LibsvmData[" + data + ", labelValues=" + Arrays.toString(labelValues) + "]";
    }

    /** Checks that the values are finite and distinct ({@code -0.0} and {@code 0.0} are the same label). */
    static void checkLabelValues(double[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: expected a finite label, got " + values[i]);
            }
        }
        double[] sorted = values.clone();
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] += 0.0; // -0.0 becomes 0.0
        }
        Arrays.sort(sorted);
        for (int k = 1; k < sorted.length; k++) {
            if (sorted[k] == sorted[k - 1]) {
                int first = -1;
                for (int i = 0; i < values.length; i++) {
                    if (values[i] == sorted[k]) {
                        if (first >= 0) {
                            throw new IllegalArgumentException(name + "[" + i + "]: expected a label distinct from "
                                    + "the others, got " + values[i] + ", the same as " + name + "[" + first + "]");
                        }
                        first = i;
                    }
                }
            }
        }
    }
}
