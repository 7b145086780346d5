package org.bilevel4j.functional;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Minibatches;

/**
 * A data set {(xᵢ, yᵢ)}ᵢ₌₁ⁿ of inputs x ∈ ℝ^{d_x} and targets y ∈ ℝ^{d_y} (one sample per row), with optional
 * probability weights pᵢ (default 1/n): the empirical distribution Σᵢ pᵢ δ_{(xᵢ, yᵢ)}. Weights let a finite
 * distribution (e.g. one with a discrete input space) be represented exactly, so that full-batch objectives are
 * population objectives.
 *
 * <p>Minibatches ({@link #sampler}) are drawn by shuffled epochs for uniform weights and i.i.d. with probability
 * pᵢ for weighted data; a sampled batch of size b carries uniform weights 1/b, so its mean loss is unbiased for the
 * full weighted objective. A batch size of at least n gives the full batch with the data set's own weights.
 */
public final class Dataset {
    private final Tensor x;
    private final Tensor y;
    private final double[] weights;
    private final boolean weighted;

    /**
     * @param x inputs, shape [n, d_x], n ≥ 1, finite
     * @param y targets, shape [n, d_y], finite
     */
    public Dataset(Tensor x, Tensor y) {
        this(x, y, null);
    }

    /**
     * @param x       inputs, shape [n, d_x], n ≥ 1, finite
     * @param y       targets, shape [n, d_y], finite
     * @param weights n non-negative finite weights with a positive sum (normalised here), or null for 1/n
     * @return the weighted data set
     */
    public static Dataset weighted(Tensor x, Tensor y, double[] weights) {
        return new Dataset(x, y, Objects.requireNonNull(weights, "weights"));
    }

    private Dataset(Tensor x, Tensor y, double[] weights) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.rank() != 2 || x.dim(0) < 1 || x.dim(1) < 1) {
            throw new ShapeMismatchException("x: expected a matrix [n, d_x] with n ≥ 1 samples and d_x ≥ 1, got shape "
                    + x.shape());
        }
        if (y.rank() != 2 || y.dim(1) < 1 || y.dim(0) != x.dim(0)) {
            throw new ShapeMismatchException("y: expected a matrix [" + x.dim(0) + ", d_y] (one row per row of x), "
                    + "got shape " + y.shape());
        }
        if (x.backend() != y.backend()) {
            throw new IllegalArgumentException("y: expected the backend of x (" + x.backend().name() + "), got "
                    + y.backend().name());
        }
        this.x = x.detach().requireFinite("x");
        this.y = y.detach().requireFinite("y");
        int n = x.dim(0);
        this.weighted = weights != null;
        this.weights = new double[n];
        if (weights == null) {
            Arrays.fill(this.weights, 1.0 / n);
        } else {
            if (weights.length != n) {
                throw new ShapeMismatchException("weights: expected " + n + " weights (one per sample), got "
                        + weights.length);
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                if (!(weights[i] >= 0) || !Double.isFinite(weights[i])) {
                    throw new IllegalArgumentException("weights[" + i + "]: expected a finite non-negative weight, got "
                            + weights[i]);
                }
                s += weights[i];
            }
            if (!(s > 0)) {
                throw new IllegalArgumentException("weights: expected a positive sum, got " + s);
            }
            for (int i = 0; i < n; i++) {
                this.weights[i] = weights[i] / s;
            }
        }
    }

    /** @return n */
    public int size() {
        return x.dim(0);
    }

    /** @return d_x */
    public int inputDimension() {
        return x.dim(1);
    }

    /** @return d_y */
    public int targetDimension() {
        return y.dim(1);
    }

    /** @return the inputs [n, d_x] */
    public Tensor x() {
        return x;
    }

    /** @return the targets [n, d_y] */
    public Tensor y() {
        return y;
    }

    /** @return whether weights were given */
    public boolean isWeighted() {
        return weighted;
    }

    /** @return the normalised weights pᵢ (a copy) */
    public double[] weights() {
        return weights.clone();
    }

    /** @return the full batch, with the data set's weights */
    public Batch full() {
        int[] idx = new int[size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return new Batch(x, y, x.backend().vector(weights.clone()), idx);
    }

    /**
     * @param indices row indices (repeats allowed), at least one
     * @return those rows with uniform weights 1/b
     */
    public Batch batch(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        if (indices.length == 0) {
            throw new IllegalArgumentException("indices: expected a batch of at least one sample, got none");
        }
        double[] w = new double[indices.length];
        Arrays.fill(w, 1.0 / indices.length);
        return new Batch(x.gather(indices), y.gather(indices), x.backend().vector(w), indices.clone());
    }

    /**
     * @param batchSize the batch size b ≥ 1 (b ≥ n: always the full batch)
     * @param seed      the seed of the draws
     * @return a sampler of batches
     */
    public Sampler sampler(int batchSize, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected a positive batch size, got " + batchSize);
        }
        return new Sampler(this, batchSize, seed);
    }

    /**
     * A minibatch: rows of a data set with probability weights summing to 1.
     *
     * @param x       inputs [b, d_x]
     * @param y       targets [b, d_y]
     * @param weights weights [b]
     * @param indices the rows' indices in the data set
     */
    public record Batch(Tensor x, Tensor y, Tensor weights, int[] indices) {
        /** @return b, the number of rows */
        public int size() {
            return x.dim(0);
        }
    }

    /** Draws batches of one data set (see {@link Dataset}); not thread-safe. */
    public static final class Sampler {
        private final Dataset data;
        private final int batchSize;
        private final Minibatches epochs;
        private final SplittableRandom rng;
        private final double[] cumulative;

        private Sampler(Dataset data, int batchSize, long seed) {
            this.data = data;
            this.batchSize = Math.min(batchSize, data.size());
            this.epochs = new Minibatches(data.size(), this.batchSize, seed);
            this.rng = new SplittableRandom(seed);
            this.cumulative = new double[data.size()];
            double c = 0;
            for (int i = 0; i < cumulative.length; i++) {
                c += data.weights[i];
                cumulative[i] = c;
            }
        }

        /** @return whether every batch is the full data set */
        public boolean isFullBatch() {
            return batchSize == data.size();
        }

        /** @return the next batch */
        public Batch next() {
            if (isFullBatch()) {
                return data.full();
            }
            if (!data.weighted) {
                return data.batch(epochs.next());
            }
            int[] idx = new int[batchSize];
            for (int k = 0; k < batchSize; k++) {
                double u = rng.nextDouble() * cumulative[cumulative.length - 1];
                int i = Arrays.binarySearch(cumulative, u);
                idx[k] = Math.min(i >= 0 ? i : -i - 1, cumulative.length - 1);
            }
            return data.batch(idx);
        }
    }
}
