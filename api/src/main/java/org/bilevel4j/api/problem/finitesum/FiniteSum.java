package org.bilevel4j.api.problem.finitesum;

import java.util.Arrays;
import java.util.Objects;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A finite sum h(w, λ) = (1/n) Σᵢ hᵢ(w, λ) over n samples, given by its batched per-sample losses
 * ({@link SampleLosses}). The minibatch objective of a batch B = (i₁, …, i_b) is the batch mean
 * h_B(w, λ) = (1/b) Σₖ h_{iₖ}(w, λ), an unbiased estimate of h when the indices are drawn uniformly; the
 * full-batch objective is h_{(0, …, n−1)} = h. Immutable.
 */
public final class FiniteSum {
    private final int sampleCount;
    private final SampleLosses losses;

    private FiniteSum(int sampleCount, SampleLosses losses) {
        this.sampleCount = sampleCount;
        this.losses = losses;
    }

    /**
     * @param sampleCount n ≥ 1
     * @param losses      the batched per-sample losses
     * @return the finite sum
     * @throws IllegalArgumentException if sampleCount &lt; 1
     */
    public static FiniteSum of(int sampleCount, SampleLosses losses) {
        Objects.requireNonNull(losses, "losses");
        if (sampleCount < 1) {
            throw new IllegalArgumentException("sampleCount: expected at least 1 sample, got " + sampleCount);
        }
        return new FiniteSum(sampleCount, losses);
    }

    /**
     * A finite sum over the rows of data tensors (e.g. a feature matrix X of shape [n, d] and a target vector y of
     * shape [n]); sample i is row i of every tensor. Each oracle call gathers the batch's rows once per tensor.
     *
     * @param losses the per-sample losses on gathered rows
     * @param data   one or more data tensors of rank ≥ 1 with the same number n ≥ 1 of rows; not copied, must not
     *               be modified afterwards
     * @return the finite sum with n samples
     * @throws IllegalArgumentException naming the data tensor that is missing, a scalar, empty or whose row count
     *                                  disagrees with {@code data[0]}
     */
    public static FiniteSum overRows(RowLosses losses, Tensor... data) {
        Objects.requireNonNull(losses, "losses");
        Objects.requireNonNull(data, "data");
        if (data.length == 0) {
            throw new IllegalArgumentException("data: expected at least one data tensor, got none");
        }
        for (int d = 0; d < data.length; d++) {
            Objects.requireNonNull(data[d], "data[" + d + "]");
            if (data[d].rank() == 0) {
                throw new ShapeMismatchException("data[" + d + "]: expected a vector or a matrix of samples (one per "
                        + "row), got a scalar");
            }
            if (data[d].dim(0) == 0) {
                throw new IllegalArgumentException("data[" + d + "]: expected at least one sample (row), got shape "
                        + data[d].shape());
            }
            if (data[d].dim(0) != data[0].dim(0)) {
                throw new IllegalArgumentException("data[" + d + "]: expected " + data[0].dim(0)
                        + " rows like data[0], got shape " + data[d].shape());
            }
        }
        Tensor[] frozen = data.clone();
        return new FiniteSum(frozen[0].dim(0), (w, l, batch) -> {
            Tensor[] rows = new Tensor[frozen.length];
            for (int d = 0; d < frozen.length; d++) {
                rows[d] = frozen[d].gather(batch);
            }
            return losses.apply(w, l, rows);
        });
    }

    /** @return n, the number of samples */
    public int sampleCount() {
        return sampleCount;
    }

    /** @return the batched per-sample losses */
    public SampleLosses losses() {
        return losses;
    }

    /**
     * @param inner w; not modified
     * @param outer λ; not modified
     * @param batch sample indices, at least one, each in [0, n); repeats allowed; not modified
     * @return h_B(w, λ), the mean of the per-sample losses over the batch (a scalar, traced if w or λ is)
     * @throws IllegalArgumentException  if the batch is empty
     * @throws IndexOutOfBoundsException naming the first index outside [0, n)
     * @throws ShapeMismatchException    if the losses do not have shape [batch.length]
     */
    public Tensor mean(Tensor inner, Tensor outer, int[] batch) {
        checkBatch(batch);
        Tensor values = losses.apply(inner, outer, batch);
        if (values.rank() != 1 || values.dim(0) != batch.length) {
            throw new ShapeMismatchException("losses: expected one loss per batch index, shape " + Shape.of(batch.length)
                    + ", got " + values.shape());
        }
        return values.mean();
    }

    /**
     * @param batch sample indices (checked as in {@link #mean}); copied
     * @return the minibatch objective (w, λ) ↦ h_B(w, λ), differentiated by autodiff
     */
    public ScalarObjective objective(int[] batch) {
        checkBatch(batch);
        int[] copy = batch.clone();
        return ScalarObjective.of((w, l) -> mean(w, l, copy));
    }

    /** @return (0, 1, …, n − 1), the full batch */
    public int[] allIndices() {
        int[] all = new int[sampleCount];
        Arrays.setAll(all, i -> i);
        return all;
    }

    /**
     * @param batch sample indices
     * @throws IllegalArgumentException  if the batch is empty
     * @throws IndexOutOfBoundsException naming the first index outside [0, n)
     */
    public void checkBatch(int[] batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.length == 0) {
            throw new IllegalArgumentException("batch: expected at least one sample index, got an empty batch");
        }
        for (int k = 0; k < batch.length; k++) {
            if (batch[k] < 0 || batch[k] >= sampleCount) {
                throw new IndexOutOfBoundsException("batch[" + k + "]: expected a sample index in [0, "
                        + sampleCount + "), got " + batch[k]);
            }
        }
    }
}
