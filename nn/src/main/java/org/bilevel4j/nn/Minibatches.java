package org.bilevel4j.nn;

import java.util.SplittableRandom;

/**
 * Seeded minibatch indices over n samples, by shuffled epochs: each epoch visits a fresh random permutation
 * in consecutive blocks of {@code batchSize}; a block that would straddle two epochs is completed from the next
 * permutation (so an index may repeat within such a block). A batch size of at least n gives the full batch
 * 0..n-1 every time. Use the indices with {@link org.bilevel4j.api.tensor.Tensor#gather}.
 */
public final class Minibatches {
    private final int n;
    private final int batchSize;
    private final SplittableRandom rng;
    private int[] permutation;
    private int position;

    /**
     * @param n         the number of samples, at least 1
     * @param batchSize the batch size, at least 1
     * @param seed      the seed of the permutations
     */
    public Minibatches(int n, int batchSize, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n: expected at least one sample, got " + n);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize: expected a positive batch size, got " + batchSize);
        }
        this.n = n;
        this.batchSize = Math.min(batchSize, n);
        this.rng = new SplittableRandom(seed);
    }

    /** @return the effective batch size, min(batchSize, n) */
    public int batchSize() {
        return batchSize;
    }

    /** @return whether every batch is the full data set */
    public boolean isFullBatch() {
        return batchSize == n;
    }

    /** @return the next batch's indices */
    public int[] next() {
        int[] out = new int[batchSize];
        if (batchSize == n) {
            for (int i = 0; i < n; i++) {
                out[i] = i;
            }
            return out;
        }
        for (int k = 0; k < batchSize; k++) {
            if (permutation == null || position == n) {
                permutation = permutation(n, rng);
                position = 0;
            }
            out[k] = permutation[position++];
        }
        return out;
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
