package org.bilevel4j.apps.tunel2;

import java.util.SplittableRandom;
import org.bilevel4j.apps.data.LabelledData;

/**
 * The embedded default data of {@code tune-l2}: Gaussian features of which only the first few carry signal; the
 * label is the largest of the class scores xᵀW plus Gaussian noise (a linear model with noisy labels). Per-feature penalties can learn to shut the noise features off, which a single
 * penalty cannot.
 */
public final class SyntheticClassification {
    private SyntheticClassification() {
    }

    /**
     * @param rows        samples
     * @param features    features (including one constant column)
     * @param informative features that carry signal
     * @param classes     classes
     * @param seed        seed (the same seed gives the same model, so train and test sets can share it)
     * @param sampleSeed  seed of the samples
     * @return the dataset
     */
    public static LabelledData generate(int rows, int features, int informative, int classes, long seed,
            long sampleSeed) {
        SplittableRandom model = new SplittableRandom(seed);
        double[] w = new double[features * classes];
        for (int j = 0; j < informative; j++) {
            for (int k = 0; k < classes; k++) {
                w[j * classes + k] = 2 * model.nextGaussian();
            }
        }
        SplittableRandom rng = new SplittableRandom(sampleSeed);
        double[] x = new double[rows * features];
        int[] y = new int[rows];
        double[] logits = new double[classes];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < features; j++) {
                x[i * features + j] = j == features - 1 ? 1.0 : rng.nextGaussian();
            }
            for (int k = 0; k < classes; k++) {
                double s = 0;
                for (int j = 0; j < features; j++) {
                    s += x[i * features + j] * w[j * classes + k];
                }
                logits[k] = s + 1.5 * rng.nextGaussian();
            }
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (logits[k] > logits[best]) {
                    best = k;
                }
            }
            y[i] = best;
        }
        return new LabelledData(x, rows, features, y, classes);
    }
}
