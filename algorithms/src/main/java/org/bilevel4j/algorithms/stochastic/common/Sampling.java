package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * How a run draws its minibatches: a scheme, one batch size per sum and one seed. {@link #samplers} derives two
 * independent streams from the seed (the inner stream from the first {@link SplittableRandom#split()} of the root
 * generator, the outer stream from the second), so a run is bitwise reproducible from the seed alone.
 *
 * @param scheme         the sampling scheme
 * @param innerBatchSize b_g, the inner (training) batch size; ignored by {@link Scheme#FULL_BATCH}
 * @param outerBatchSize b_f, the outer (validation) batch size; ignored by {@link Scheme#FULL_BATCH}
 * @param seed           the seed of both streams
 */
public record Sampling(Scheme scheme, int innerBatchSize, int outerBatchSize, long seed) {

    /** The sampling schemes of {@link Sampler}. */
    public enum Scheme {
        /** {@link Sampler#withReplacement}. */
        WITH_REPLACEMENT,
        /** {@link Sampler#shuffledEpochs}. */
        SHUFFLED_EPOCHS,
        /** {@link Sampler#uniformBlocks}; required by SABA. */
        UNIFORM_BLOCKS,
        /** {@link Sampler#fullBatch}: deterministic full-batch directions. */
        FULL_BATCH
    }

    /** Checks the arguments that do not depend on the sample counts. */
    public Sampling {
        Objects.requireNonNull(scheme, "scheme");
        if (scheme != Scheme.FULL_BATCH) {
            if (innerBatchSize < 1) {
                throw new IllegalArgumentException("innerBatchSize: expected at least 1, got " + innerBatchSize);
            }
            if (outerBatchSize < 1) {
                throw new IllegalArgumentException("outerBatchSize: expected at least 1, got " + outerBatchSize);
            }
        }
    }

    /**
     * @param scheme    the scheme
     * @param batchSize the batch size of both sums
     * @param seed      the seed
     * @return the sampling
     */
    public static Sampling of(Scheme scheme, int batchSize, long seed) {
        return new Sampling(scheme, batchSize, batchSize, seed);
    }

    /**
     * @param innerSampleCount n
     * @param outerSampleCount m
     * @return fresh, independent inner and outer samplers
     * @throws IllegalArgumentException naming the batch size that exceeds its sample count
     */
    public Samplers samplers(int innerSampleCount, int outerSampleCount) {
        if (scheme != Scheme.FULL_BATCH) {
            if (innerBatchSize > innerSampleCount) {
                throw new IllegalArgumentException("innerBatchSize: expected at most the inner sample count n = "
                        + innerSampleCount + ", got " + innerBatchSize);
            }
            if (outerBatchSize > outerSampleCount) {
                throw new IllegalArgumentException("outerBatchSize: expected at most the outer sample count m = "
                        + outerSampleCount + ", got " + outerBatchSize);
            }
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom innerRandom = root.split();
        SplittableRandom outerRandom = root.split();
        return new Samplers(make(innerSampleCount, innerBatchSize, innerRandom),
                make(outerSampleCount, outerBatchSize, outerRandom));
    }

    private Sampler make(int count, int batch, SplittableRandom random) {
        return switch (scheme) {
            case WITH_REPLACEMENT -> Sampler.withReplacement(count, batch, random);
            case SHUFFLED_EPOCHS -> Sampler.shuffledEpochs(count, batch, random);
            case UNIFORM_BLOCKS -> Sampler.uniformBlocks(count, batch, random);
            case FULL_BATCH -> Sampler.fullBatch(count);
        };
    }

    /**
     * The two streams of one run.
     *
     * @param inner the inner (training) sampler
     * @param outer the outer (validation) sampler
     */
    public record Samplers(Sampler inner, Sampler outer) {
    }
}
