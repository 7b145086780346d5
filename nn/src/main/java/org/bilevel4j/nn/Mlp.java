package org.bilevel4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds multi-layer perceptrons layer by layer, tracking the current width.
 *
 * <pre>{@code
 * // 1-32-32-1 with tanh
 * Network h = Mlp.of(1, new int[] {32, 32}, 1, Activation.Kind.TANH);
 * // a block as in the instrument network of Petrulionytė, Mairal, Arbel (NeurIPS 2024), Table 2:
 * Network phi = Mlp.input(3).spectralDense(256).activation(Activation.Kind.RELU)
 *         .spectralDense(128).activation(Activation.Kind.RELU).layerNorm().build();
 * }</pre>
 *
 * Dense layers are initialised with Kaiming normal (gain √2 before a ReLU, 1 otherwise) unless an initialiser is
 * given; spectral-normalised layers use one power iteration per forward pass and seeds 0, 1, 2… in order.
 */
public final class Mlp {
    private final List<Layer> layers = new ArrayList<>();
    private int width;
    private long spectralSeed;

    private Mlp(int inputDimension) {
        this.width = Dense.requirePositive(inputDimension, "inputDimension");
    }

    /** @param inputDimension d_in @return a builder with no layer yet */
    public static Mlp input(int inputDimension) {
        return new Mlp(inputDimension);
    }

    /**
     * @param inputDimension  d_in
     * @param hidden          the hidden widths (possibly none)
     * @param outputDimension d_out
     * @param activation      applied after every hidden layer; the output layer is linear
     * @return the network
     */
    public static Network of(int inputDimension, int[] hidden, int outputDimension, Activation.Kind activation) {
        Objects.requireNonNull(hidden, "hidden");
        Objects.requireNonNull(activation, "activation");
        Mlp b = input(inputDimension);
        for (int w : hidden) {
            b.dense(w, Initializer.kaiming(activation == Activation.Kind.RELU ? Math.sqrt(2) : 1.0))
                    .activation(activation);
        }
        return b.dense(outputDimension).build();
    }

    /** @param out width @return this builder, with a dense layer (bias, Kaiming gain 1) appended */
    public Mlp dense(int out) {
        return dense(out, Initializer.kaiming(1.0));
    }

    /** @param out width @param init weight initialiser @return this builder, with a dense layer appended */
    public Mlp dense(int out, Initializer init) {
        layers.add(new Dense(width, out, true, init));
        width = out;
        return this;
    }

    /** @param out width @return this builder, with a spectral-normalised dense layer appended */
    public Mlp spectralDense(int out) {
        layers.add(new SpectralNormDense(new Dense(width, out, true, Initializer.kaiming(1.0)), 1, spectralSeed++));
        width = out;
        return this;
    }

    /** @param kind the function @return this builder, with an activation appended */
    public Mlp activation(Activation.Kind kind) {
        layers.add(new Activation(kind, width));
        return this;
    }

    /** @return this builder, with affine layer normalisation appended */
    public Mlp layerNorm() {
        layers.add(LayerNorm.of(width));
        return this;
    }

    /** @param layer any layer whose input dimension is the current width @return this builder */
    public Mlp layer(Layer layer) {
        Objects.requireNonNull(layer, "layer");
        if (layer.inputDimension() != width) {
            throw new org.bilevel4j.api.error.ShapeMismatchException("layer: expected input dimension " + width
                    + ", got " + layer.inputDimension() + " (" + layer + ")");
        }
        layers.add(layer);
        width = layer.outputDimension();
        return this;
    }

    /** @return the network */
    public Network build() {
        return new Network(layers);
    }
}
