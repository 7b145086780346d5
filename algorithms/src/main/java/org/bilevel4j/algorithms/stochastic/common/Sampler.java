package org.bilevel4j.algorithms.stochastic.common;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded stream of minibatches over the samples 0, …, n − 1 of one finite sum. Indices are drawn with
 * {@link SplittableRandom} only (no backend random numbers), so a stream depends on its seed alone and is the same
 * on every backend and every run. Stateful and not thread-safe: each run creates its own.
 */
public abstract class Sampler {
    private final int sampleCount;
    private final int batchSize;

    Sampler(int sampleCount, int batchSize) {
        this.sampleCount = sampleCount;
        this.batchSize = batchSize;
    }

    /** @return the next batch */
    public abstract Batch next();

    /** @return n */
    public final int sampleCount() {
        return sampleCount;
    }

    /** @return b, the number of indices per batch (the last block of a partition may hold fewer) */
    public final int batchSize() {
        return batchSize;
    }

    /** @return the number of fixed blocks this sampler draws, or 0 if it does not draw fixed blocks */
    public int blockCount() {
        return 0;
    }

    /**
     * @param k a block index in [0, {@link #blockCount()})
     * @return the sample indices of block k
     * @throws UnsupportedOperationException if the sampler does not draw fixed blocks
     */
    public int[] block(int k) {
        throw new UnsupportedOperationException("block: this sampler (" + this + ") does not draw fixed blocks");
    }

    /**
     * Uniform sampling with replacement: every index of every batch is drawn independently and uniformly.
     *
     * @param sampleCount n ≥ 1
     * @param batchSize   b in [1, n]
     * @param random      the stream's generator (owned by the sampler from now on)
     * @return the sampler
     */
    public static Sampler withReplacement(int sampleCount, int batchSize, SplittableRandom random) {
        check(sampleCount, batchSize);
        return new Sampler(sampleCount, batchSize) {
            @Override
            public Batch next() {
                int[] idx = new int[batchSize];
                for (int k = 0; k < batchSize; k++) {
                    idx[k] = random.nextInt(sampleCount);
                }
                return new Batch(idx, -1, 0);
            }

            @Override
            public String toString() {
                return "withReplacement(n=" + sampleCount + ", b=" + batchSize + ")";
            }
        };
    }

    /**
     * Shuffled epochs without replacement: the indices of a random permutation are read b at a time; when the
     * permutation runs out, the batch is completed from a fresh permutation, so every epoch visits every sample
     * exactly once (a batch that straddles two epochs may repeat an index when b does not divide n).
     *
     * @param sampleCount n ≥ 1
     * @param batchSize   b in [1, n]
     * @param random      the stream's generator (owned by the sampler from now on)
     * @return the sampler
     */
    public static Sampler shuffledEpochs(int sampleCount, int batchSize, SplittableRandom random) {
        check(sampleCount, batchSize);
        return new Sampler(sampleCount, batchSize) {
            private final int[] permutation = identity(sampleCount);
            private int position = sampleCount;

            @Override
            public Batch next() {
                int[] idx = new int[batchSize];
                for (int k = 0; k < batchSize; k++) {
                    if (position == sampleCount) {
                        shuffle(permutation, random);
                        position = 0;
                    }
                    idx[k] = permutation[position++];
                }
                return new Batch(idx, -1, 0);
            }

            @Override
            public String toString() {
                return "shuffledEpochs(n=" + sampleCount + ", b=" + batchSize + ")";
            }
        };
    }

    /**
     * Uniform sampling of fixed blocks: the samples are cut into K = ⌈n/b⌉ contiguous blocks
     * [kb, min((k + 1)b, n)) and each batch is one block drawn uniformly with replacement. The batch carries its
     * block index, which variance-reduced methods with a memory per block (SABA) need.
     *
     * @param sampleCount n ≥ 1
     * @param batchSize   b in [1, n]
     * @param random      the stream's generator (owned by the sampler from now on)
     * @return the sampler
     */
    public static Sampler uniformBlocks(int sampleCount, int batchSize, SplittableRandom random) {
        check(sampleCount, batchSize);
        int blocks = (sampleCount + batchSize - 1) / batchSize;
        return new Sampler(sampleCount, batchSize) {
            @Override
            public Batch next() {
                int k = random.nextInt(blocks);
                return new Batch(block(k), k, blocks);
            }

            @Override
            public int blockCount() {
                return blocks;
            }

            @Override
            public int[] block(int k) {
                if (k < 0 || k >= blocks) {
                    throw new IndexOutOfBoundsException("k: expected a block index in [0, " + blocks + "), got " + k);
                }
                int start = k * batchSize;
                int end = Math.min(start + batchSize, sampleCount);
                int[] idx = new int[end - start];
                Arrays.setAll(idx, i -> start + i);
                return idx;
            }

            @Override
            public String toString() {
                return "uniformBlocks(n=" + sampleCount + ", b=" + batchSize + ", K=" + blocks + ")";
            }
        };
    }

    /**
     * The full batch every time (deterministic): one block, all n samples.
     *
     * @param sampleCount n ≥ 1
     * @return the sampler
     */
    public static Sampler fullBatch(int sampleCount) {
        check(sampleCount, sampleCount);
        int[] all = identity(sampleCount);
        return new Sampler(sampleCount, sampleCount) {
            @Override
            public Batch next() {
                return new Batch(all.clone(), 0, 1);
            }

            @Override
            public int blockCount() {
                return 1;
            }

            @Override
            public int[] block(int k) {
                if (k != 0) {
                    throw new IndexOutOfBoundsException("k: expected block 0 (the full batch), got " + k);
                }
                return all.clone();
            }

            @Override
            public String toString() {
                return "fullBatch(n=" + sampleCount + ")";
            }
        };
    }

    static void check(int sampleCount, int batchSize) {
        if (sampleCount < 1) {
            throw new IllegalArgumentException("sampleCount: expected at least 1 sample, got " + sampleCount);
        }
        if (batchSize < 1 || batchSize > sampleCount) {
            throw new IllegalArgumentException("batchSize: expected a batch size in [1, " + sampleCount
                    + "] (the sample count), got " + batchSize);
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
