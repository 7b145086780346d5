package org.bilevel4j.nn;

import java.util.random.RandomGenerator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Initial values of a weight matrix W ∈ ℝ^{fan_in × fan_out} (the layout of {@link Dense}: y = x W + b).
 *
 * <ul>
 *   <li>{@link #kaiming(double)}: W_ij ~ N(0, gain²/fan_in) (He, Zhang, Ren, Sun, "Delving Deep into
 *       Rectifiers", ICCV 2015; gain √2 for ReLU keeps the activations' second moment constant across layers);</li>
 *   <li>{@link #orthogonal(double)}: gain times a matrix with orthonormal rows or columns, from a Gaussian matrix
 *       by Gram–Schmidt (Saxe, McClelland, Ganguli, "Exact solutions to the nonlinear dynamics of learning in deep
 *       linear neural networks", ICLR 2014);</li>
 *   <li>{@link #zeros()} and {@link #constant(double)}.</li>
 * </ul>
 */
@FunctionalInterface
public interface Initializer {

    /**
     * @param backend where to create the values
     * @param shape   the parameter's shape
     * @param fanIn   the number of inputs of the layer
     * @param rng     the random source
     * @return the initial values
     */
    Tensor initialize(Backend backend, Shape shape, int fanIn, RandomGenerator rng);

    /** @param gain the gain (√2 for ReLU, 1 for linear or tanh layers) @return Kaiming-normal initialisation */
    static Initializer kaiming(double gain) {
        if (!(gain > 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("gain: expected a finite positive value, got " + gain);
        }
        return (backend, shape, fanIn, rng) -> {
            double std = gain / Math.sqrt(Math.max(1, fanIn));
            double[] v = new double[shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = std * rng.nextGaussian();
            }
            return backend.fromArray(v, shape);
        };
    }

    /** @param gain the gain @return orthogonal initialisation (vectors: a random unit vector times gain) */
    static Initializer orthogonal(double gain) {
        if (!(gain > 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("gain: expected a finite positive value, got " + gain);
        }
        return (backend, shape, fanIn, rng) -> {
            int rows = shape.rank() == 1 ? shape.dim(0) : shape.dim(0);
            int cols = shape.rank() == 1 ? 1 : shape.dim(1);
            boolean tall = rows >= cols;
            int m = tall ? rows : cols;
            int k = tall ? cols : rows;
            double[][] q = new double[k][m];
            for (int j = 0; j < k; j++) {
                for (int pass = 0; pass < 100; pass++) {
                    for (int i = 0; i < m; i++) {
                        q[j][i] = rng.nextGaussian();
                    }
                    for (int twice = 0; twice < 2; twice++) {
                        for (int l = 0; l < j; l++) {
                            double d = 0;
                            for (int i = 0; i < m; i++) {
                                d += q[l][i] * q[j][i];
                            }
                            for (int i = 0; i < m; i++) {
                                q[j][i] -= d * q[l][i];
                            }
                        }
                    }
                    double n = 0;
                    for (int i = 0; i < m; i++) {
                        n += q[j][i] * q[j][i];
                    }
                    n = Math.sqrt(n);
                    if (n > 1e-8) {
                        for (int i = 0; i < m; i++) {
                            q[j][i] /= n;
                        }
                        break;
                    }
                }
            }
            double[] v = new double[rows * cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    v[r * cols + c] = gain * (tall ? q[c][r] : q[r][c]);
                }
            }
            return backend.fromArray(v, shape);
        };
    }

    /** @return all zeros */
    static Initializer zeros() {
        return (backend, shape, fanIn, rng) -> backend.zeros(shape);
    }

    /** @param value the value of every element @return a constant initialisation */
    static Initializer constant(double value) {
        return (backend, shape, fanIn, rng) -> backend.full(shape, org.bilevel4j.api.tensor.types.DType.FLOAT64, value);
    }
}
