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

    /**
     * Checks a parameter vector given by a caller (an initial θ, a parameter handed to a method).
     *
     * @param params θ
     * @param name   the argument's name for the message
     * @return params, checked
     * @throws ShapeMismatchException if θ is not a vector of shape [p]
     * @throws org.bilevel4j.api.error.NonFiniteValueException if θ has a NaN or an infinity
     */
    default Tensor requireParameters(Tensor params, String name) {
        Objects.requireNonNull(params, name);
        if (params.rank() != 1 || params.dim(0) != parameterCount()) {
            throw new ShapeMismatchException(name + ": expected parameters of shape [" + parameterCount() + "] for "
                    + this + ", got " + params.shape());
        }
        return params.requireFinite(name);
    }

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

    /**
     * A linear head on a feature model: τ(χ, U, b)(x) = ψ_χ(x) U + b with ψ = {@code body} (its outputs are the
     * features, q = body.outputDimension()), U ∈ ℝ^{q × d_out}, b ∈ ℝ^{d_out}. The flat parameter vector is
     * [χ; vec(U) (row-major); b]. This is the structure of the DFIV-style methods (Xu, Chen, Srinivasan, de Freitas,
     * Doucet, Gretton, "Learning Deep Features in Instrumental Variable Regression", ICLR 2021), which fit U and b
     * in closed form, while gradient methods train all of θ; its hidden features are ψ_χ(x).
     *
     * @param body the feature map ψ_χ
     * @param out  d_out ≥ 1
     * @param bias whether to add b
     * @return the model; initialised with body's initialiser and U uniform in ±1/√q, b = 0
     */
    static LinearHeadModel linearHead(FunctionModel body, int out, boolean bias) {
        return new LinearHeadModel(Objects.requireNonNull(body, "body"), out, bias);
    }

    /** τ(χ, U, b)(x) = ψ_χ(x) U + b, see {@link #linearHead}. */
    final class LinearHeadModel implements FunctionModel {
        private final FunctionModel body;
        private final int out;
        private final boolean bias;

        LinearHeadModel(FunctionModel body, int out, boolean bias) {
            if (out < 1) {
                throw new IllegalArgumentException("out: expected d_out ≥ 1, got " + out);
            }
            this.body = body;
            this.out = out;
            this.bias = bias;
        }

        /** @return the feature map ψ_χ */
        public FunctionModel body() {
            return body;
        }

        /** @return whether the head has a bias b */
        public boolean hasBias() {
            return bias;
        }

        /** @return the offset of vec(U) in the flat parameters (= the body's parameter count) */
        public int headOffset() {
            return body.parameterCount();
        }

        /** @return q·d_out (+ d_out with a bias), the head's parameter count */
        public int headParameterCount() {
            return body.outputDimension() * out + (bias ? out : 0);
        }

        /** @param params θ [p] @return χ, the body's parameters */
        public Tensor bodyParameters(Tensor params) {
            check(params);
            return params.slice(0, 0, headOffset());
        }

        /**
         * @param body χ [body.parameterCount()]
         * @param head U [q, d_out]
         * @param b    b [d_out], or null without a bias
         * @return the flat parameters [χ; vec(U); b]
         */
        public Tensor parameters(Tensor body, Tensor head, Tensor b) {
            int q = this.body.outputDimension();
            if (body.rank() != 1 || body.dim(0) != headOffset()) {
                throw new ShapeMismatchException("body: expected shape [" + headOffset() + "], got " + body.shape());
            }
            if (head.rank() != 2 || head.dim(0) != q || head.dim(1) != out) {
                throw new ShapeMismatchException("head: expected shape [" + q + ", " + out + "], got "
                        + head.shape());
            }
            if (bias != (b != null)) {
                throw new IllegalArgumentException("b: expected " + (bias ? "a bias of shape [" + out + "]" : "none")
                        + ", got " + (b == null ? "none" : b.shape()));
            }
            if (b != null && (b.rank() != 1 || b.dim(0) != out)) {
                throw new ShapeMismatchException("b: expected shape [" + out + "], got " + b.shape());
            }
            return b == null ? Tensor.concat(0, body, head.flatten()) : Tensor.concat(0, body, head.flatten(), b);
        }

        @Override
        public int inputDimension() {
            return body.inputDimension();
        }

        @Override
        public int outputDimension() {
            return out;
        }

        @Override
        public int parameterCount() {
            return headOffset() + headParameterCount();
        }

        private void check(Tensor params) {
            if (params.rank() != 1 || params.dim(0) != parameterCount()) {
                throw new ShapeMismatchException("params: expected shape [" + parameterCount() + "], got "
                        + params.shape());
            }
        }

        @Override
        public Tensor apply(Tensor params, Tensor x) {
            check(params);
            int p0 = headOffset();
            int q = body.outputDimension();
            Tensor f = body.apply(params.slice(0, 0, p0), x);
            Tensor y = f.matmul(params.slice(0, p0, p0 + q * out).reshape(q, out));
            return bias ? y.add(params.slice(0, p0 + q * out, p0 + q * out + out)) : y;
        }

        @Override
        public Tensor initialParameters(Backend backend, long seed) {
            Tensor chi = body.initialParameters(backend, seed);
            int q = body.outputDimension();
            java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
            double[] u = new double[q * out];
            double r = 1 / Math.sqrt(q);
            for (int i = 0; i < u.length; i++) {
                u[i] = r * (2 * rng.nextDouble() - 1);
            }
            return parameters(chi, backend.fromArray(u, org.bilevel4j.api.tensor.types.Shape.of(q, out)),
                    bias ? backend.zeros(out) : null);
        }

        @Override
        public int featureDimension() {
            return body.outputDimension();
        }

        @Override
        public Tensor features(Tensor params, Tensor x) {
            return body.apply(bodyParameters(params), x);
        }

        @Override
        public String toString() {
            return body + " → Linear(" + body.outputDimension() + " → " + out + (bias ? "" : ", no bias") + ")";
        }
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
