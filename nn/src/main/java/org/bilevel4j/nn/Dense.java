package org.bilevel4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A fully connected layer y = x W + b, with W ∈ ℝ^{d_in × d_out} (parameter {@code weight}) and b ∈ ℝ^{d_out}
 * (parameter {@code bias}, optional, initialised to zero).
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final boolean bias;
    private final Initializer weightInit;

    /**
     * @param in         d_in ≥ 1
     * @param out        d_out ≥ 1
     * @param bias       whether to add a bias
     * @param weightInit the weight initialiser
     */
    public Dense(int in, int out, boolean bias, Initializer weightInit) {
        this.in = requirePositive(in, "in");
        this.out = requirePositive(out, "out");
        this.bias = bias;
        this.weightInit = Objects.requireNonNull(weightInit, "weightInit");
    }

    /** @param in d_in @param out d_out @return a layer with bias and Kaiming (gain 1) initialisation */
    public static Dense of(int in, int out) {
        return new Dense(in, out, true, Initializer.kaiming(1.0));
    }

    static int requirePositive(int n, String name) {
        if (n < 1) {
            throw new IllegalArgumentException(name + ": expected a positive dimension, got " + n);
        }
        return n;
    }

    /** @return whether the layer has a bias */
    public boolean hasBias() {
        return bias;
    }

    @Override
    public int inputDimension() {
        return in;
    }

    @Override
    public int outputDimension() {
        return out;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("weight", Shape.of(in, out));
        if (bias) {
            m.put("bias", Shape.of(out));
        }
        return m;
    }

    @Override
    public Map<String, Tensor> initialValues(Backend backend, RandomGenerator rng) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("weight", weightInit.initialize(backend, Shape.of(in, out), in, rng));
        if (bias) {
            m.put("bias", backend.zeros(out));
        }
        return m;
    }

    @Override
    public Tensor forward(ParameterAccess params, Tensor x) {
        return affine(params.get("weight"), params, x);
    }

    Tensor affine(Tensor weight, ParameterAccess params, Tensor x) {
        Tensor y = x.matmul(weight);
        return bias ? y.add(params.get("bias")) : y;
    }

    @Override
    public String toString() {
        return "Dense(" + in + " → " + out + (bias ? "" : ", no bias") + ")";
    }
}
