package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.stochastic.common.Batch;
import org.bilevel4j.algorithms.stochastic.common.Sampler;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.StepSchedule;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Samplers: reproducibility, independence of the two streams, coverage, uniformity; schedules; bad input. */
class SamplerTest {

    private static int[][] draw(Sampler s, int count) {
        int[][] out = new int[count][];
        for (int k = 0; k < count; k++) {
            out[k] = s.next().indices();
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Scheme.class)
    void sameSeedGivesTheSameStreamsAndTheInnerAndOuterStreamsDiffer(Scheme scheme) {
        Sampling a = new Sampling(scheme, 3, 3, 42);
        Sampling.Samplers s1 = a.samplers(30, 30);
        Sampling.Samplers s2 = a.samplers(30, 30);
        int[][] in1 = draw(s1.inner(), 200);
        int[][] out1 = draw(s1.outer(), 200);
        assertTrue(Arrays.deepEquals(in1, draw(s2.inner(), 200)));
        assertTrue(Arrays.deepEquals(out1, draw(s2.outer(), 200)));
        if (scheme != Scheme.FULL_BATCH) {
            assertFalse(Arrays.deepEquals(in1, out1), "inner and outer streams must be independent");
            int[][] other = draw(new Sampling(scheme, 3, 3, 43).samplers(30, 30).inner(), 200);
            assertFalse(Arrays.deepEquals(in1, other), "another seed, another stream");
        }
    }

    @Test
    void shuffledEpochsVisitEverySampleOncePerEpoch() {
        Sampler s = Sampler.shuffledEpochs(12, 5, new SplittableRandom(1));
        int[] counts = new int[12];
        for (int k = 0; k < 12; k++) { // 60 indices = 5 epochs, batches straddle epochs
            for (int i : s.next().indices()) {
                counts[i]++;
            }
        }
        int[] five = new int[12];
        Arrays.fill(five, 5);
        assertArrayEquals(five, counts);
    }

    @Test
    void uniformBlocksPartitionTheSamplesAndCarryTheirIndex() {
        Sampler s = Sampler.uniformBlocks(10, 3, new SplittableRandom(2));
        assertEquals(4, s.blockCount());
        assertArrayEquals(new int[] {9}, s.block(3));
        for (int k = 0; k < 50; k++) {
            Batch b = s.next();
            assertArrayEquals(s.block(b.block()), b.indices());
            assertEquals(4, b.blockCount());
        }
        assertArrayEquals(new int[] {0, 1, 2, 3}, Sampler.fullBatch(4).next().indices());
    }

    @Test
    void withReplacementIsUniform() {
        int n = 8;
        int draws = 80_000;
        Sampler s = Sampler.withReplacement(n, 4, new SplittableRandom(3));
        long[] counts = new long[n];
        for (int k = 0; k < draws / 4; k++) {
            for (int i : s.next().indices()) {
                counts[i]++;
            }
        }
        double expected = (double) draws / n;
        double chi2 = 0;
        for (long c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
        }
        // 7 degrees of freedom: P(chi2 > 24.3) = 0.001
        assertTrue(chi2 < 24.3, "chi-square " + chi2 + " for counts " + Arrays.toString(counts));
    }

    @Test
    void schedules() {
        assertEquals(0.3, StepSchedule.constant(0.3).at(1000), 0);
        assertEquals(0.3 / 10, StepSchedule.inverseSqrt(0.3).at(99), 1e-15);
        assertEquals(0.3 / Math.pow(32, 0.4), StepSchedule.twoFifths(0.3).at(31), 1e-15);
        StepSizes s = StepSizes.decreasing(0.2, 0.1, 0.5);
        assertEquals(0.1, s.inner().at(3), 1e-15);
        assertEquals(0.05, s.outer().at(3), 1e-15);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
    void badStepsNameTheStep(double step) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StepSchedule.constant(step)).getMessage()
                .startsWith("step"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StepSizes.constant(0.1, step)).getMessage()
                .startsWith("step"));
    }

    @Test
    void badBatchSizesNameTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Sampling(Scheme.WITH_REPLACEMENT, 0, 2, 1)).getMessage().startsWith("innerBatchSize"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Sampling(Scheme.SHUFFLED_EPOCHS, 2, 0, 1)).getMessage().startsWith("outerBatchSize"));
        Sampling big = new Sampling(Scheme.UNIFORM_BLOCKS, 11, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> big.samplers(10, 5));
        assertTrue(e.getMessage().startsWith("innerBatchSize") && e.getMessage().contains("n = 10"), e.getMessage());
        Sampling bigOuter = new Sampling(Scheme.UNIFORM_BLOCKS, 2, 6, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> bigOuter.samplers(10, 5)).getMessage()
                .startsWith("outerBatchSize"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Sampler.withReplacement(5, 6, new SplittableRandom(1))).getMessage().startsWith("batchSize"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Sampler.shuffledEpochs(0, 1, new SplittableRandom(1))).getMessage().startsWith("sampleCount"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new StepSchedule(0.1, 1.5)).getMessage()
                .startsWith("exponent"));
    }
}
