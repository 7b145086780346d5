package org.bilevel4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Layer normalisation (Ba, Kiros, Hinton, "Layer Normalization", 2016), per sample (row):
 * y = γ ⊙ (x - μ)/√(σ² + ε) + β, with μ and σ² the mean and the (biased) variance of the row's d entries.
 * The gain γ ({@code gain}, initialised to 1) and shift β ({@code shift}, initialised to 0) are optional.
 */
public final class LayerNorm implements Layer {
    private final int dimension;
    private final double epsilon;
    private final boolean affine;

    /**
     * @param dimension the number of columns d ≥ 1
     * @param epsilon   ε &gt; 0 added to the variance
     * @param affine    whether to learn γ and β
     */
    public LayerNorm(int dimension, double epsilon, boolean affine) {
        this.dimension = Dense.requirePositive(dimension, "dimension");
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon: expected a finite positive value, got " + epsilon);
        }
        this.epsilon = epsilon;
        this.affine = affine;
    }

    /** @param dimension d @return affine layer normalisation with ε = 1e-5 (PyTorch's default) */
    public static LayerNorm of(int dimension) {
        return new LayerNorm(dimension, 1e-5, true);
    }

    @Override
    public int inputDimension() {
        return dimension;
    }

    @Override
    public int outputDimension() {
        return dimension;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        if (affine) {
            m.put("gain", Shape.of(dimension));
            m.put("shift", Shape.of(dimension));
        }
        return m;
    }

    @Override
    public Map<String, Tensor> initialValues(Backend backend, RandomGenerator rng) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        if (affine) {
            m.put("gain", backend.ones(dimension));
            m.put("shift", backend.zeros(dimension));
        }
        return m;
    }

    @Override
    public Tensor forward(ParameterAccess params, Tensor x) {
        Tensor mean = x.sum(1, true).div(dimension);
        Tensor centred = x.sub(mean);
        Tensor variance = centred.square().sum(1, true).div(dimension);
        Tensor y = centred.div(variance.add(epsilon).sqrt());
        return affine ? y.mul(params.get("gain")).add(params.get("shift")) : y;
    }

    @Override
    public String toString() {
        return "LayerNorm(" + dimension + ")";
    }
}
