package org.bilevel4j.apps.iv;

import java.util.Objects;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.functional.Dataset;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalBilevelProblem;
import org.bilevel4j.functional.PointwiseLoss;
import org.bilevel4j.functional.data.SpritesIv;
import java.util.List;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Layer;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Network;

/**
 * Instrumental-variable regression on dSprites-style images as a functional bilevel problem (Petrulionytė, Mairal,
 * Arbel, "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024, §4.1, problems (10)–(11)):
 * <pre>
 *   min_w  mean_{D_out} (o - ĥ_w(x))²,    ĥ_w = argmin_h mean_{D_in} (f_w(t) - h(x))²
 * </pre>
 * with y = (t, o), the treatment network f_w (outer parameter w: all its weights) and the instrument network h
 * (inner variable), l_in = (f_w(t) - v)², l_out = (o - v)², d_v = 1 (the paper's Table 2 with its extra FC(32, 1)
 * heads). The n samples are split in halves: D_in (stage 1) and D_out (stage 2). The networks are those of Table 2
 * with every width divided by {@link Sizes#widthDivisor} (at least 8), on treatments average-pooled by
 * {@link Sizes#pool}:
 * <pre>
 *   h:   FC(3, 256), SN, ReLU; FC(256, 128), SN, ReLU, LN; FC(128, 128), SN, ReLU, LN; FC(128, 32), SN, LN, ReLU; FC(32, 1)
 *   f_w: FC(4096, 1024), SN, ReLU; FC(1024, 512), SN, ReLU, LN; FC(512, 128), SN, ReLU; FC(128, 32), SN, LN, Tanh; FC(32, 1)
 * </pre>
 * (SN: spectral normalisation, LN: layer normalisation). The outcomes are standardised by the mean m and standard
 * deviation s of the stage-2 outcomes (the networks fit (o - m)/s, the prediction of the structural function is
 * m + s f_w(t)), and the (pooled) pixels by their means and standard deviations over the training images (a
 * fixed affine map in front of f_w, the same for the test images); this stands in for the exactly fitted linear heads of the paper's implementation: without it, a
 * 100-step Adam run at the paper's learning rate cannot even reach the outcome's offset. The test metric is the mean squared error of f_w against
 * the structural function on the 588 noise-free grid images.
 *
 * <p>The inner loss caches f_w(t) for the last untraced (w, t) pair, so that InnerOpt's M steps at a fixed w
 * evaluate the treatment network once.
 */
public final class SpritesIvTask {
    /**
     * The network sizes.
     *
     * @param pool         the treatment pooling factor
     * @param widthDivisor Table 2's widths divided by this (at least 8 units)
     * @param normalised   with Table 2's spectral and layer normalisations (false: plain dense layers with the same
     *                     widths and activations)
     */
    public record Sizes(int pool, int widthDivisor, boolean normalised) {
        /** Validates. */
        public Sizes {
            if (pool < 1 || 64 % pool != 0) {
                throw new IllegalArgumentException("pool: expected a divisor of 64, got " + pool);
            }
            if (widthDivisor < 1) {
                throw new IllegalArgumentException("widthDivisor: expected at least 1, got " + widthDivisor);
            }
        }

        int width(int tableWidth) {
            return Math.max(8, tableWidth / widthDivisor);
        }

        private Mlp fc(Mlp b, int tableWidth) {
            return normalised ? b.spectralDense(width(tableWidth)) : b.dense(width(tableWidth));
        }

        private Mlp ln(Mlp b) {
            return normalised ? b.layerNorm() : b;
        }

        /** @return the instrument network h (3 → 1) */
        public Network instrumentNetwork() {
            Mlp b = fc(Mlp.input(3), 256).activation(Activation.Kind.RELU);
            b = ln(fc(b, 128).activation(Activation.Kind.RELU));
            b = ln(fc(b, 128).activation(Activation.Kind.RELU));
            b = ln(fc(b, 32)).activation(Activation.Kind.RELU);
            return b.dense(1).build();
        }

        /** @param inputs the treatment features @return the treatment network f_w (inputs → 1) */
        public Network treatmentNetwork(int inputs) {
            Mlp b = fc(Mlp.input(inputs), 1024).activation(Activation.Kind.RELU);
            b = ln(fc(b, 512).activation(Activation.Kind.RELU));
            b = fc(b, 128).activation(Activation.Kind.RELU);
            b = ln(fc(b, 32)).activation(Activation.Kind.TANH);
            return b.dense(1).build();
        }

        @Override
        public String toString() {
            return "treatments pooled " + pool + "×" + pool + " (" + (64 / pool) + "×" + (64 / pool)
                    + "), Table 2 widths / " + widthDivisor + (normalised ? ", with" : ", without")
                    + " spectral and layer normalisation";
        }
    }

    private final SpritesIv recipe;
    private final Sizes sizes;
    private final Backend backend;
    private final Network treatment;
    private final FunctionalBilevelProblem problem;
    private final Tensor testTreatments;
    private final double[] testStructural;
    private final int d;
    private final double outcomeMean;
    private final double outcomeScale;
    private final double[] pixelMean;
    private final double[] pixelScale;
    private Tensor cachedW;
    private Tensor cachedY;
    private Tensor cachedF;

    /**
     * @param backend the backend
     * @param samples n, the training samples (split in halves), at least 4
     * @param seed    the seed of the data
     * @param sizes   the network sizes
     * @param matrixSeed the seed of the structural function's matrix A
     */
    public SpritesIvTask(Backend backend, int samples, long seed, Sizes sizes, long matrixSeed) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.sizes = Objects.requireNonNull(sizes, "sizes");
        if (samples < 4) {
            throw new IllegalArgumentException("samples: expected at least 4, got " + samples);
        }
        this.recipe = new SpritesIv(org.bilevel4j.functional.data.Sprites.Shape.HEART, matrixSeed, sizes.pool());
        this.d = recipe.treatmentDimension();
        this.treatment = sizes.treatmentNetwork(d);
        SpritesIv.Sample s = recipe.sample(samples, seed);
        int half = samples / 2;
        double m = 0;
        for (int i = half; i < samples; i++) {
            m += s.outcomes()[i];
        }
        m /= samples - half;
        double ss = 0;
        for (int i = half; i < samples; i++) {
            ss += (s.outcomes()[i] - m) * (s.outcomes()[i] - m);
        }
        this.outcomeMean = m;
        this.outcomeScale = Math.sqrt(ss / (samples - half));
        this.pixelMean = new double[d];
        this.pixelScale = new double[d];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < d; j++) {
                pixelMean[j] += s.treatments()[i * d + j] / samples;
            }
        }
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < d; j++) {
                double e = s.treatments()[i * d + j] - pixelMean[j];
                pixelScale[j] += e * e / samples;
            }
        }
        for (int j = 0; j < d; j++) {
            pixelScale[j] = Math.sqrt(pixelScale[j]) + 1e-3;
        }
        Dataset in = dataset(s, 0, half);
        Dataset out = dataset(s, half, samples);
        PointwiseLoss lIn = PointwiseLoss.of(1, (w, v, x, y) -> treatmentOutputs(w, y)
                .sub(v).square().reshape(v.dim(0)));
        PointwiseLoss lOut = PointwiseLoss.of(1, (w, v, x, y) -> y.sliceColumns(d, d + 1).sub(v).square()
                .reshape(v.dim(0)));
        this.problem = FunctionalBilevelProblem.builder().innerData(in).outerData(out).innerLoss(lIn).outerLoss(lOut)
                .outerDimension(treatment.parameterCount()).build();
        SpritesIv.Sample test = recipe.testGrid();
        double[] tt = test.treatments().clone();
        for (int i = 0; i < test.size(); i++) {
            for (int j = 0; j < d; j++) {
                tt[i * d + j] = (tt[i * d + j] - pixelMean[j]) / pixelScale[j];
            }
        }
        this.testTreatments = backend.fromArray(tt, Shape.of(test.size(), d));
        this.testStructural = test.structural();
    }

    private Dataset dataset(SpritesIv.Sample s, int from, int to) {
        int k = to - from;
        double[] x = new double[k * 3];
        double[] y = new double[k * (d + 1)];
        System.arraycopy(s.instruments(), from * 3, x, 0, k * 3);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < d; j++) {
                y[i * (d + 1) + j] = (s.treatments()[(from + i) * d + j] - pixelMean[j]) / pixelScale[j];
            }
            y[i * (d + 1) + d] = (s.outcomes()[from + i] - outcomeMean) / outcomeScale;
        }
        return new Dataset(backend.fromArray(x, Shape.of(k, 3)), backend.fromArray(y, Shape.of(k, d + 1)));
    }

    /** f_w(t) as [n, 1] for the treatments in y's first d columns, cached for the last untraced (w, y). */
    private Tensor treatmentOutputs(Tensor w, Tensor y) {
        if (w.isTraced() || y.isTraced()) {
            return treatment.forward(w, y.sliceColumns(0, d));
        }
        if (w != cachedW || y != cachedY) {
            cachedF = treatment.forward(w, y.sliceColumns(0, d));
            cachedW = w;
            cachedY = y;
        }
        return cachedF;
    }

    /** @return the functional bilevel problem */
    public FunctionalBilevelProblem problem() {
        return problem;
    }

    /** @return the treatment network f_w */
    public Network treatmentNetwork() {
        return treatment;
    }

    /** @return d_t, the number of (pooled) treatment columns */
    public int treatmentDimension() {
        return d;
    }

    /**
     * @return f_w as a body ψ_χ (the treatment network without its last layer, sharing its layers) with a linear
     *         head (u, b): the same function and the same flat parameters as {@link #treatmentNetwork()}
     */
    public FunctionModel.LinearHeadModel structuralModel() {
        List<Layer> layers = treatment.layers();
        return FunctionModel.linearHead(FunctionModel.of(new Network(layers.subList(0, layers.size() - 1))), 1,
                true);
    }

    /** @return fresh instrument features φ_θ: the instrument network without its last layer */
    public FunctionModel newInstrumentFeatures() {
        List<Layer> layers = sizes.instrumentNetwork().layers();
        return FunctionModel.of(new Network(layers.subList(0, layers.size() - 1)));
    }

    /** @return a fresh instrument network (each method needs its own: spectral norms keep state) */
    public FunctionModel newInstrumentModel() {
        return FunctionModel.of(sizes.instrumentNetwork());
    }

    /** @param seed the initialiser's seed @return an initial w */
    public Tensor initialOuter(long seed) {
        return treatment.initialParameters(backend, seed);
    }

    /** @return the sizes */
    public Sizes sizes() {
        return sizes;
    }

    /** @return the backend */
    public Backend backend() {
        return backend;
    }

    /**
     * @param w the treatment network's weights
     * @return (1/588) Σ (m + s f_w(t) - f_struct(t))² on the test grid, in the outcome's units (m, s: the
     *         standardisation of the outcomes)
     */
    public double testMse(Tensor w) {
        double[] f = treatment.forward(w.detach(), testTreatments).toDoubleArray();
        double s = 0;
        for (int i = 0; i < f.length; i++) {
            double e = outcomeMean + outcomeScale * f[i] - testStructural[i];
            s += e * e;
        }
        return s / f.length;
    }

    /**
     * @param w the treatment network's weights
     * @param h the inner model
     * @param theta its parameters
     * @return the full-batch inner loss mean_{D_in} (f_w(t) - h(x))²
     */
    public double innerLoss(Tensor w, FunctionModel h, Tensor theta) {
        Dataset.Batch b = problem.innerData().full();
        return problem.innerValue(w.detach(), h.apply(theta.detach(), b.x()), b).item();
    }

    /** @param w w @param h the inner model @param theta its parameters @return mean_{D_out} (o - h(x))² */
    public double outerLoss(Tensor w, FunctionModel h, Tensor theta) {
        Dataset.Batch b = problem.outerData().full();
        return problem.outerValue(w.detach(), h.apply(theta.detach(), b.x()), b).item();
    }
}
