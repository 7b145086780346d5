package org.bilevel4j.nn;

import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * An element-wise activation, without parameters: ReLU max(0, z), tanh, softplus log(1 + eᶻ), or the identity.
 * ReLU is differentiated with derivative 0 at z = 0 (the tensor API's convention).
 */
public final class Activation implements Layer {

    /** The activation functions. */
    public enum Kind {
        /** max(0, z) */
        RELU,
        /** tanh z */
        TANH,
        /** log(1 + eᶻ) */
        SOFTPLUS,
        /** z */
        IDENTITY;

        Tensor apply(Tensor z) {
            return switch (this) {
                case RELU -> z.relu();
                case TANH -> z.tanh();
                case SOFTPLUS -> z.softplus();
                case IDENTITY -> z;
            };
        }
    }

    private final Kind kind;
    private final int dimension;

    /** @param kind the function @param dimension the number of columns (input = output) */
    public Activation(Kind kind, int dimension) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.dimension = Dense.requirePositive(dimension, "dimension");
    }

    /** @return the function */
    public Kind kind() {
        return kind;
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
        return Map.of();
    }

    @Override
    public Map<String, Tensor> initialValues(Backend backend, RandomGenerator rng) {
        return Map.of();
    }

    @Override
    public Tensor forward(ParameterAccess params, Tensor x) {
        return kind.apply(x);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
