package org.bilevel4j.nn;

import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A {@link Dense} layer with spectral normalisation (Miyato, Kataoka, Koyama, Yoshida, "Spectral Normalization for
 * Generative Adversarial Networks", ICLR 2018): y = x W/σ(W) + b, with σ(W) the largest singular value of W
 * estimated by power iteration.
 *
 * <p>One forward pass runs k power iterations u ← Wᵀ(Wu)/‖Wᵀ(Wu)‖ from a stored unit vector u₀ ∈ ℝ^{d_out} and
 * takes σ = ‖W u_k‖. The iterations are part of the differentiated computation, so the layer is a pure,
 * smooth function of (W, b, x) for a fixed u₀, and its gradient is exact for that function (PyTorch instead treats
 * the power-iteration vectors as constants; the two gradients coincide once u has converged to the top right
 * singular vector). {@link #refresh} advances u₀ to the converged vector of the current W (outside any
 * differentiation), which is what makes one iteration per forward pass accurate during training; it changes the
 * function slightly, so call it between optimizer steps, never inside a loss.
 */
public final class SpectralNormDense implements Layer {
    private final Dense dense;
    private final int iterations;
    private volatile double[] u0;

    /**
     * @param dense      the layer to normalise
     * @param iterations power iterations per forward pass, at least 1
     * @param seed       seed of the initial vector u₀
     */
    public SpectralNormDense(Dense dense, int iterations, long seed) {
        this.dense = Objects.requireNonNull(dense, "dense");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations: expected at least 1, got " + iterations);
        }
        this.iterations = iterations;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = new double[dense.outputDimension()];
        double n = 0;
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextGaussian();
            n += u[i] * u[i];
        }
        n = Math.sqrt(n);
        for (int i = 0; i < u.length; i++) {
            u[i] /= n;
        }
        this.u0 = u;
    }

    /** @return the power iterations per forward pass */
    public int iterations() {
        return iterations;
    }

    @Override
    public int inputDimension() {
        return dense.inputDimension();
    }

    @Override
    public int outputDimension() {
        return dense.outputDimension();
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        return dense.parameterShapes();
    }

    @Override
    public Map<String, Tensor> initialValues(Backend backend, RandomGenerator rng) {
        return dense.initialValues(backend, rng);
    }

    /**
     * @param weight W (possibly traced)
     * @return σ(W) estimated by {@link #iterations()} power iterations from u₀
     */
    public Tensor spectralNorm(Tensor weight) {
        Tensor u = weight.backend().vector(u0.clone());
        for (int k = 0; k < iterations; k++) {
            Tensor z = weight.matmul(weight.matmul(u), true, false);
            u = z.div(z.norm());
        }
        return weight.matmul(u).norm();
    }

    @Override
    public Tensor forward(ParameterAccess params, Tensor x) {
        Tensor w = params.get("weight");
        return dense.affine(w.div(spectralNorm(w)), params, x);
    }

    /**
     * Advances u₀ by {@code steps} power iterations on the current (concrete) W.
     *
     * @param weight W
     * @param steps  iterations, at least 1
     */
    public void refresh(Tensor weight, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps: expected at least 1, got " + steps);
        }
        Tensor w = weight.detach();
        Tensor u = w.backend().vector(u0.clone());
        for (int k = 0; k < steps; k++) {
            Tensor z = w.matmul(w.matmul(u), true, false);
            double n = z.normValue();
            if (!(n > 0) || !Double.isFinite(n)) {
                return;
            }
            u = z.div(n);
        }
        u0 = u.toDoubleArray();
    }

    @Override
    public String toString() {
        return "SpectralNorm(" + dense + ", " + iterations + " power iteration" + (iterations == 1 ? "" : "s") + ")";
    }
}
