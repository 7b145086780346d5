package org.bilevel4j.functional.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Instrumental-variable regression on dSprites-style images, the recipe of Petrulionytė, Mairal, Arbel, "Functional
 * Bilevel Optimization for Machine Learning", NeurIPS 2024, Appendix G.1 (following Xu, Chen, Srinivasan, de Freitas,
 * Doucet, Gretton, "Learning Deep Features in Instrumental Variable Regression", ICLR 2021, Appendix E.3):
 * <ol>
 *   <li>latents drawn uniformly from the dataset's grid ({@link Sprites}): scale (6 values), rotation (40), posX and
 *       posY (32 each); the shape is fixed (a heart by default, as in the authors' code);</li>
 *   <li>treatment t = image(scale, rotation, posX, posY) + λ, λ ~ N(0, 0.1² I₄₀₉₆);</li>
 *   <li>outcome o = f_struct(t) + 32 (posY - ½) + ε, ε ~ N(0, 0.5²): posY is the hidden confounder (it moves the
 *       image and the outcome), with the structural function
 *       f_struct(t) = ((1/10) ‖A t‖² - 5000) / 1000 and A ∈ ℝ^{10 × 4096} with entries from U(0, 1), drawn once from
 *       its own seed and fixed for the experiment (the mean over the 10 outputs follows the authors' code; the
 *       paper's text writes ‖At‖², a factor 10);</li>
 *   <li>instrument x = (scale, rotation, posX) in value units: it moves t but not o except through t;</li>
 *   <li>test set: the grid of 7 posX × 7 posY (indices 0, 5, …, 30) × 3 scales (indices 0, 3, 5) × 4 rotations
 *       (indices 0, 10, 20, 30) = 588 noise-free images with their structural values; the metric is the
 *       out-of-sample mean squared error (1/588) Σ (f̂(t) - f_struct(t))².</li>
 * </ol>
 * Treatments can be handed to models average-pooled by an integer factor (a fixed linear map; 1 keeps the 64 × 64
 * pixels): f_struct is always computed on the full-resolution image.
 */
public final class SpritesIv {
    /** The number of test points, 7 · 7 · 3 · 4. */
    public static final int TEST_POINTS = 588;
    /** The number of rows of A. */
    public static final int A_ROWS = 10;
    /** The standard deviation of the treatment noise λ. */
    public static final double TREATMENT_NOISE = 0.1;
    /** The standard deviation of the outcome noise ε. */
    public static final double OUTCOME_NOISE = 0.5;
    /** The confounder's coefficient: o contains 32 (posY - ½). */
    public static final double CONFOUNDING = 32;

    private final Sprites.Shape shape;
    private final double[] a;
    private final int pool;

    /**
     * @param shape      the shape of every image
     * @param matrixSeed the seed of A (fixed across the seeds of an experiment)
     * @param pool       the average-pooling factor of the treatments handed out: 1, 2, 4, 8, 16, 32 or 64
     */
    public SpritesIv(Sprites.Shape shape, long matrixSeed, int pool) {
        this.shape = Objects.requireNonNull(shape, "shape");
        if (pool < 1 || Sprites.SIZE % pool != 0) {
            throw new IllegalArgumentException("pool: expected a divisor of " + Sprites.SIZE + ", got " + pool);
        }
        this.pool = pool;
        SplittableRandom rng = new SplittableRandom(matrixSeed);
        this.a = new double[A_ROWS * Sprites.PIXELS];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble();
        }
    }

    /** @return the heart recipe of the paper, with A from seed 0 and full-resolution treatments */
    public static SpritesIv standard() {
        return new SpritesIv(Sprites.Shape.HEART, 0, 1);
    }

    /** @return the pooling factor */
    public int pool() {
        return pool;
    }

    /** @return the shape */
    public Sprites.Shape shape() {
        return shape;
    }

    /** @return the number of treatment features handed out, (64 / pool)² */
    public int treatmentDimension() {
        int s = Sprites.SIZE / pool;
        return s * s;
    }

    /**
     * @param image  a 64 × 64 treatment (row-major)
     * @param offset where it starts in the array
     * @return f_struct(t) = ((1/10) ‖A t‖² - 5000) / 1000
     */
    public double structural(double[] image, int offset) {
        Objects.requireNonNull(image, "image");
        if (offset < 0 || offset + Sprites.PIXELS > image.length) {
            throw new IllegalArgumentException("offset: expected room for " + Sprites.PIXELS + " pixels from "
                    + offset + " in an array of " + image.length);
        }
        double s = 0;
        for (int k = 0; k < A_ROWS; k++) {
            double d = 0;
            int row = k * Sprites.PIXELS;
            for (int j = 0; j < Sprites.PIXELS; j++) {
                d += a[row + j] * image[offset + j];
            }
            s += d * d;
        }
        return (s / A_ROWS - 5000) / 1000;
    }

    /**
     * A sample of the recipe (all arrays row-major).
     *
     * @param size        n
     * @param latents     n × 4: scale, rotation, posX, posY (values)
     * @param instruments n × 3: scale, rotation, posX
     * @param treatments  n × {@link #treatmentDimension()}: the (pooled) treatments
     * @param outcomes    n: o (for the test grid: f_struct(t), no confounder, no noise)
     * @param structural  n: f_struct(t), the noise-free target of the metric
     * @param treatmentDimension the number of treatment columns
     */
    public record Sample(int size, double[] latents, double[] instruments, double[] treatments, double[] outcomes,
            double[] structural, int treatmentDimension) {
    }

    /**
     * @param n    the number of samples, at least 1
     * @param seed the seed of the latents and the noises
     * @return n draws of (x, t, o) with their latents and structural values
     */
    public Sample sample(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n: expected at least one sample, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] idx = new int[n][];
        for (int i = 0; i < n; i++) {
            idx[i] = new int[] {rng.nextInt(Sprites.SCALES), rng.nextInt(Sprites.ROTATIONS),
                rng.nextInt(Sprites.POSITIONS), rng.nextInt(Sprites.POSITIONS)};
        }
        return build(idx, rng, true);
    }

    /** @return the 588 noise-free test points of the grid (outcomes = structural values) */
    public Sample testGrid() {
        int[] pos = {0, 5, 10, 15, 20, 25, 30};
        int[] scales = {0, 3, 5};
        int[] rotations = {0, 10, 20, 30};
        int[][] idx = new int[TEST_POINTS][];
        int k = 0;
        for (int px : pos) {
            for (int py : pos) {
                for (int s : scales) {
                    for (int r : rotations) {
                        idx[k++] = new int[] {s, r, px, py};
                    }
                }
            }
        }
        return build(idx, null, false);
    }

    private Sample build(int[][] idx, SplittableRandom rng, boolean noisy) {
        int n = idx.length;
        int d = treatmentDimension();
        double[] latents = new double[n * 4];
        double[] x = new double[n * 3];
        double[] t = new double[n * d];
        double[] o = new double[n];
        double[] f = new double[n];
        double[] image = new double[Sprites.PIXELS];
        for (int i = 0; i < n; i++) {
            double scale = Sprites.scale(idx[i][0]);
            double rotation = Sprites.rotation(idx[i][1]);
            double posX = Sprites.position(idx[i][2]);
            double posY = Sprites.position(idx[i][3]);
            latents[4 * i] = scale;
            latents[4 * i + 1] = rotation;
            latents[4 * i + 2] = posX;
            latents[4 * i + 3] = posY;
            x[3 * i] = scale;
            x[3 * i + 1] = rotation;
            x[3 * i + 2] = posX;
            Sprites.renderInto(shape, scale, rotation, posX, posY, image, 0);
            if (noisy) {
                for (int j = 0; j < image.length; j++) {
                    image[j] += TREATMENT_NOISE * rng.nextGaussian();
                }
            }
            f[i] = structural(image, 0);
            o[i] = noisy ? f[i] + CONFOUNDING * (posY - 0.5) + OUTCOME_NOISE * rng.nextGaussian() : f[i];
            pool(image, pool, t, i * d);
        }
        return new Sample(n, latents, x, t, o, f, d);
    }

    /**
     * Average pooling of a 64 × 64 image by {@code factor} into {@code out[offset ..]}.
     *
     * @param image  the image (4096 values)
     * @param factor the pooling factor, a divisor of 64
     * @param out    the destination ((64 / factor)² values from offset)
     * @param offset where to write
     */
    public static void pool(double[] image, int factor, double[] out, int offset) {
        int s = Sprites.SIZE / factor;
        double inv = 1.0 / (factor * factor);
        for (int r = 0; r < s; r++) {
            for (int c = 0; c < s; c++) {
                double sum = 0;
                for (int dr = 0; dr < factor; dr++) {
                    int row = (r * factor + dr) * Sprites.SIZE + c * factor;
                    for (int dc = 0; dc < factor; dc++) {
                        sum += image[row + dc];
                    }
                }
                out[offset + r * s + c] = sum * inv;
            }
        }
    }
}
