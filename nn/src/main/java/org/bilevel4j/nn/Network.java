package org.bilevel4j.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A feed-forward network: layers applied in sequence, x ↦ f_L(… f_1(x)), with all parameters in one flat
 * vector θ described by {@link #layout()} (layer i's parameter {@code name} is packed as {@code "i.name"}).
 *
 * <p>{@link #forward(Tensor, Tensor)} is a pure function of (θ, x), written with tensor operations, so autodiff
 * differentiates it with respect to θ, x, or anything θ depends on; gradients with respect to θ come back
 * packed like θ. Build one with {@link Mlp}.
 */
public final class Network {
    private final List<Layer> layers;
    private final ParameterLayout layout;

    /** @param layers at least one layer; each one's input dimension equals the previous one's output dimension */
    public Network(List<Layer> layers) {
        Objects.requireNonNull(layers, "layers");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("layers: expected at least one layer, got none");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputDimension() != layers.get(i - 1).outputDimension()) {
                throw new ShapeMismatchException("layers[" + i + "]: expected input dimension "
                        + layers.get(i - 1).outputDimension() + " (output of layers[" + (i - 1) + "] "
                        + layers.get(i - 1) + "), got " + layers.get(i).inputDimension() + " (" + layers.get(i) + ")");
            }
        }
        this.layers = List.copyOf(layers);
        ParameterLayout.Builder b = ParameterLayout.builder();
        for (int i = 0; i < this.layers.size(); i++) {
            for (var e : this.layers.get(i).parameterShapes().entrySet()) {
                b.add(i + "." + e.getKey(), e.getValue());
            }
        }
        this.layout = b.build();
    }

    /** @return the layers */
    public List<Layer> layers() {
        return layers;
    }

    /** @return the flat-vector layout of the parameters */
    public ParameterLayout layout() {
        return layout;
    }

    /** @return p, the number of parameters */
    public int parameterCount() {
        return layout.size();
    }

    /** @return d_in */
    public int inputDimension() {
        return layers.get(0).inputDimension();
    }

    /** @return d_out */
    public int outputDimension() {
        return layers.get(layers.size() - 1).outputDimension();
    }

    /**
     * @param backend where to create θ
     * @param seed    seed of every initialiser (layers draw from one stream, in order)
     * @return an initial θ
     */
    public Tensor initialParameters(Backend backend, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (var e : layers.get(i).initialValues(backend, rng).entrySet()) {
                values.put(i + "." + e.getKey(), e.getValue());
            }
        }
        return layout.pack(values);
    }

    /**
     * @param theta the flat parameters (possibly traced)
     * @param x     inputs, shape [n, d_in]
     * @return outputs, shape [n, d_out]
     */
    public Tensor forward(Tensor theta, Tensor x) {
        return forward(theta, x, layers.size());
    }

    /**
     * The output of the first {@code count} layers, e.g. the hidden features φ(x) before a final linear layer.
     *
     * @param theta the flat parameters
     * @param x     inputs, shape [n, d_in]
     * @param count how many layers to apply, 0..{@code layers().size()}
     * @return the intermediate outputs
     */
    public Tensor forward(Tensor theta, Tensor x, int count) {
        layout.requireFlat(theta, "theta");
        Objects.requireNonNull(x, "x");
        if (x.rank() != 2 || x.dim(1) != inputDimension()) {
            throw new ShapeMismatchException("x: expected a batch of shape [n, " + inputDimension() + "], got "
                    + x.shape());
        }
        if (count < 0 || count > layers.size()) {
            throw new IllegalArgumentException("count: expected 0.." + layers.size() + ", got " + count);
        }
        Tensor h = x;
        for (int i = 0; i < count; i++) {
            String prefix = i + ".";
            h = layers.get(i).forward(name -> layout.view(theta, prefix + name), h);
        }
        return h;
    }

    /**
     * Advances the power-iteration vectors of every {@link SpectralNormDense} layer on the current θ (see
     * {@link SpectralNormDense#refresh}); a no-op for networks without spectral normalisation.
     *
     * @param theta the current parameters
     * @param steps power iterations per layer
     */
    public void refreshSpectralNorms(Tensor theta, int steps) {
        layout.requireFlat(theta, "theta");
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof SpectralNormDense sn) {
                sn.refresh(layout.view(theta.detach(), i + ".weight"), steps);
            }
        }
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Layer l : layers) {
            parts.add(l.toString());
        }
        return "Network" + parts + " (" + parameterCount() + " parameters)";
    }
}
