package org.bilevel4j.apps.models;

import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.data.LabelledData;

/** Softmax classification helpers shared by the experiments: tensors from datasets, loss and accuracy. */
public final class Classification {
    private Classification() {
    }

    /** A dataset on a backend: features [n, d], one-hot labels [n, c], and the labels themselves. */
    public record Batch(Tensor features, Tensor oneHot, int[] labels, int classes) {
        /** @return the number of rows */
        public int size() {
            return labels.length;
        }
    }

    /**
     * @param data    the dataset
     * @param backend where to put it
     * @param classes number of classes (at least data.classes())
     * @return features and one-hot labels as tensors
     */
    public static Batch batch(LabelledData data, Backend backend, int classes) {
        Tensor x = backend.fromArray(data.features(), Shape.of(data.rows(), data.cols()));
        return new Batch(x, oneHot(backend, data.labels(), classes), data.labels(), classes);
    }

    /**
     * @param backend backend
     * @param labels  class indices in [0, classes)
     * @param classes number of classes
     * @return the [n, classes] one-hot matrix
     */
    public static Tensor oneHot(Backend backend, int[] labels, int classes) {
        double[] v = new double[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "]: expected a class in [0, " + classes + "), got "
                        + labels[i]);
            }
            v[i * classes + labels[i]] = 1;
        }
        return backend.fromArray(v, Shape.of(labels.length, classes));
    }

    /**
     * @param logits [n, c]
     * @param oneHot [n, c]
     * @return the mean softmax cross-entropy, differentiable
     */
    public static Tensor crossEntropy(Tensor logits, Tensor oneHot) {
        return logits.softmaxCrossEntropy(oneHot).mean();
    }

    /**
     * @param logits [n, c]
     * @param labels n class indices
     * @return the fraction of rows whose largest logit is the label's; NaN if a logit is not finite (a diverged
     *         model has no accuracy)
     */
    public static double accuracy(Tensor logits, int[] labels) {
        if (!logits.isFinite()) {
            return Double.NaN;
        }
        int c = logits.dim(1);
        double[] z = logits.toDoubleArray();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (z[i * c + j] > z[i * c + best]) {
                    best = j;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return labels.length == 0 ? Double.NaN : correct / (double) labels.length;
    }

    /**
     * @param x [n, d]
     * @return λ_max(xᵀx) / n, the curvature of a least-squares or softmax term, without forming xᵀx
     */
    public static double gramNorm(Tensor x) {
        return Spectra.largestEigenvalue(v -> x.matmul(x.matmul(v), true, false), x.backend().ones(x.dim(1)))
                / x.dim(0);
    }
}
