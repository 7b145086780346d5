package org.bilevel4j.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * One layer of a {@link Network}: a map from a batch of inputs x ∈ ℝ^{n×d_in} (one sample per row) to outputs
 * in ℝ^{n×d_out}, with named parameters. Layers hold no parameter values: the network passes views of its
 * flat parameter vector, so the forward pass is a pure, differentiable function of (θ, x).
 */
public interface Layer {

    /** @return d_in, the number of input columns */
    int inputDimension();

    /** @return d_out, the number of output columns */
    int outputDimension();

    /** @return the parameters' local names and shapes, in packing order (empty for a parameter-free layer) */
    Map<String, Shape> parameterShapes();

    /**
     * @param backend where to create the values
     * @param rng     the random source of the initialiser
     * @return one initial value per name of {@link #parameterShapes()}
     */
    Map<String, Tensor> initialValues(Backend backend, RandomGenerator rng);

    /**
     * @param params the layer's parameters by local name (views of the flat vector, possibly traced)
     * @param x      inputs, shape [n, d_in]
     * @return outputs, shape [n, d_out]
     */
    Tensor forward(ParameterAccess params, Tensor x);

    /** Read access to a layer's parameters by local name. */
    @FunctionalInterface
    interface ParameterAccess {
        /** @param localName a name of {@link Layer#parameterShapes()} @return the parameter tensor */
        Tensor get(String localName);
    }
}
