package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;

/**
 * One minibatch drawn by a {@link Sampler}.
 *
 * @param indices    the sample indices (repeats allowed for samplers with replacement); owned by the batch, do not
 *                   modify
 * @param block      the index of the fixed block of a partition this batch is, or -1 when the sampler does not draw
 *                   fixed blocks (SABA's memory is keyed by it)
 * @param blockCount the number of blocks of the partition, or 0 when {@code block} is -1
 */
public record Batch(int[] indices, int block, int blockCount) {

    /** Checks the invariants. */
    public Batch {
        Objects.requireNonNull(indices, "indices");
        if (indices.length == 0) {
            throw new IllegalArgumentException("indices: expected at least one sample index, got none");
        }
        if (block < -1 || (block >= 0 && block >= blockCount)) {
            throw new IllegalArgumentException("block: expected -1 or an index below blockCount = " + blockCount
                    + ", got " + block);
        }
    }

    /** @return the number of indices b, the per-sample cost unit of an oracle call on this batch */
    public int size() {
        return indices.length;
    }
}
