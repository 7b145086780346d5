package org.bilevel4j.functional;

import java.util.Objects;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Dense;
import org.bilevel4j.nn.Network;

/**
 * A parametric family of functions x ↦ τ(θ)(x) ∈ ℝ^{d_out}, θ ∈ ℝᵖ a flat vector: the search space of the
 * prediction function h (InnerOpt) or of the adjoint function a (AdjointOpt). FuncID only evaluates the model and
 * differentiates it once in θ; it never forms a Hessian in θ.
 *
 * <p>A model may expose hidden features φ(θ, x) ∈ ℝ^q (its output before the last linear layer), which
 * FuncID's linear adjoint a(x) = W φ(x) uses.
 */
public interface FunctionModel {

    /** @return d_x, the number of input columns */
    int inputDimension();

    /** @return d_out, the number of output columns */
    int outputDimension();

    /** @return p, the length of θ */
    int parameterCount();

    /**
     * @param params θ, shape [p] (possibly traced)
     * @param x      inputs [n, d_x]
     * @return outputs [n, d_out]
     */
    Tensor apply(Tensor params, Tensor x);

    /**
     * @param backend where to create θ
     * @param seed    the initialiser's seed
     * @return an initial θ
     */
    Tensor initialParameters(Backend backend, long seed);

    /** @return q, the number of hidden features, or -1 if the model exposes none */
    default int featureDimension() {
        return -1;
    }

    /**
     * @param params θ
     * @param x      inputs [n, d_x]
     * @return the hidden features φ(θ, x), shape [n, q]
     * @throws UnsupportedOperationException if the model exposes none
     */
    default Tensor features(Tensor params, Tensor x) {
        throw new UnsupportedOperationException("features: this model (" + this + ") exposes no hidden features");
    }

    /**
     * @param network a network; its last layer must be {@link Dense} for {@link #features} to be available
     * @return the network as a model (features: the output of every layer but the last)
     */
    static FunctionModel of(Network network) {
        return new NetworkModel(Objects.requireNonNull(network, "network"));
    }

    /**
     * @param in   d_x
     * @param out  d_out
     * @param bias whether to add a bias b
     * @return the linear model τ(Θ, b)(x) = xΘ + b, Θ ∈ ℝ^{d_x × d_out}, initialised to zero; features x (and a
     *         constant 1 when {@code bias})
     */
    static FunctionModel linear(int in, int out, boolean bias) {
        return new LinearModel(in, out, bias);
    }

    /**
     * A tabular function on a finite input space {e₁, …, e_k} encoded one-hot: τ(Θ)(eᵢ) = row i of Θ ∈ ℝ^{k × d_out}.
     * Every function of the finite space is representable, so the parametric search space equals the function
     * space.
     *
     * @param k   the number of points
     * @param out d_out
     * @return the model (a linear model without bias on one-hot inputs)
     */
    static FunctionModel tabular(int k, int out) {
        return new LinearModel(k, out, false);
    }

    /** A {@link Network} as a model. */
    final class NetworkModel implements FunctionModel {
        private final Network network;

        NetworkModel(Network network) {
            this.network = network;
        }

        /** @return the network */
        public Network network() {
            return network;
        }

        @Override
        public int inputDimension() {
            return network.inputDimension();
        }

        @Override
        public int outputDimension() {
            return network.outputDimension();
        }

        @Override
        public int parameterCount() {
            return network.parameterCount();
        }

        @Override
        public Tensor apply(Tensor params, Tensor x) {
            return network.forward(params, x);
        }

        @Override
        public Tensor initialParameters(Backend backend, long seed) {
            return network.initialParameters(backend, seed);
        }

        @Override
        public int featureDimension() {
            var layers = network.layers();
            return layers.get(layers.size() - 1) instanceof Dense d && layers.size() > 1 ? d.inputDimension() : -1;
        }

        @Override
        public Tensor features(Tensor params, Tensor x) {
            if (featureDimension() < 0) {
                throw new UnsupportedOperationException("features: expected a network of at least two layers ending "
                        + "with a Dense layer, got " + network);
            }
            return network.forward(params, x, network.layers().size() - 1);
        }

        @Override
        public String toString() {
            return network.toString();
        }
    }

    /** τ(Θ, b)(x) = xΘ + b. */
    final class LinearModel implements FunctionModel {
        private final int in;
        private final int out;
        private final boolean bias;

        LinearModel(int in, int out, boolean bias) {
            if (in < 1 || out < 1) {
                throw new IllegalArgumentException("in, out: expected positive dimensions, got " + in + ", " + out);
            }
            this.in = in;
            this.out = out;
            this.bias = bias;
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
        public int parameterCount() {
            return in * out + (bias ? out : 0);
        }

        @Override
        public Tensor apply(Tensor params, Tensor x) {
            check(params, x);
            Tensor y = x.matmul(params.slice(0, 0, in * out).reshape(in, out));
            return bias ? y.add(params.slice(0, in * out, in * out + out)) : y;
        }

        private void check(Tensor params, Tensor x) {
            if (params.rank() != 1 || params.dim(0) != parameterCount()) {
                throw new ShapeMismatchException("params: expected shape [" + parameterCount() + "], got "
                        + params.shape());
            }
            if (x.rank() != 2 || x.dim(1) != in) {
                throw new ShapeMismatchException("x: expected a batch of shape [n, " + in + "], got " + x.shape());
            }
        }

        @Override
        public Tensor initialParameters(Backend backend, long seed) {
            return backend.zeros(parameterCount());
        }

        @Override
        public int featureDimension() {
            return in;
        }

        @Override
        public Tensor features(Tensor params, Tensor x) {
            check(params, x);
            return x;
        }

        @Override
        public String toString() {
            return "Linear(" + in + " → " + out + (bias ? "" : ", no bias") + ")";
        }
    }
}
