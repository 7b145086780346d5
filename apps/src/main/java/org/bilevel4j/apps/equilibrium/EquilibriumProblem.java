package org.bilevel4j.apps.equilibrium;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.linalg.SymmetricEigenvalues;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;

/**
 * An equilibrium model (Grazzi et al., ICML 2020, problem (3) and eq. (23)): each example x_i has a state w_i that
 * solves w_i = tanh(A w_i + B x_i + c), and a softmax classifier reads the states. All states form the matrix W [n, h]:
 * <pre>
 *   inner  W = Φ(W, λ) = tanh(W Aᵀ + X Bᵀ + 1cᵀ)
 *   outer  E(W, λ) = CE(W U + 1uᵀ, Y)        λ = (A, B, c, U, u), one flat vector
 * </pre>
 * Φ is a contraction with constant ‖A‖₂ (tanh is 1-Lipschitz), so {@link #projection} keeps A in the
 * spectral-norm ball of radius 1 - ε. ∂₁Φ is not symmetric: AID uses CG on the normal equations, FP or GMRES.
 * The input term X Bᵀ + c does not depend on W; {@link #innerMap}'s {@code apply} computes it once per λ.
 */
public final class EquilibriumProblem implements BilevelProblem {
    private final int n;
    private final int h;
    private final int p;
    private final int classes;
    private final int offsetB;
    private final int offsetC;
    private final int offsetU;
    private final int offsetBias;
    private final int size;
    private final Tensor x;
    private final ScalarObjective outer;
    private final FixedPointOperator map;

    /**
     * @param data   training examples (X [n, p]) and labels
     * @param hidden state dimension h
     */
    public EquilibriumProblem(Batch data, int hidden) {
        this.x = data.features();
        this.n = x.dim(0);
        this.p = x.dim(1);
        this.h = hidden;
        this.classes = data.classes();
        this.offsetB = h * h;
        this.offsetC = offsetB + h * p;
        this.offsetU = offsetC + h;
        this.offsetBias = offsetU + h * classes;
        this.size = offsetBias + classes;
        Tensor y = data.oneHot();
        this.outer = ScalarObjective.of((w, l) -> Classification.crossEntropy(
                w.matmul(matrixU(l)).add(l.slice(0, offsetBias, size)), y));
        BivariateMap phi = BivariateMap.of((w, l) -> w.matmul(matrixA(l), false, true).add(input(l)).tanh());
        this.map = new CachingMap(phi);
    }

    Tensor matrixA(Tensor l) {
        return l.slice(0, 0, offsetB).reshape(h, h);
    }

    private Tensor matrixU(Tensor l) {
        return l.slice(0, offsetU, offsetBias).reshape(h, classes);
    }

    /** X Bᵀ + 1cᵀ, the part of the pre-activation that does not depend on the states. */
    private Tensor input(Tensor l) {
        return input(x, l);
    }

    private Tensor input(Tensor features, Tensor l) {
        Tensor b = l.slice(0, offsetB, offsetC).reshape(h, p);
        return features.matmul(b, false, true).add(l.slice(0, offsetC, offsetU));
    }

    /**
     * The map, with X Bᵀ + c computed once per concrete λ for plain evaluations (the inner iterations);
     * linearizations (ITD, AID) record the full map.
     */
    private final class CachingMap implements FixedPointOperator {
        private final BivariateMap phi;
        private volatile Object[] cache = {null, null};

        CachingMap(BivariateMap phi) {
            this.phi = phi;
        }

        @Override
        public Tensor apply(Tensor w, Tensor l) {
            if (l.isTraced() || w.isTraced()) {
                return phi.apply(w, l);
            }
            Object[] c = cache;
            Tensor pre;
            if (c[0] == l) {
                pre = (Tensor) c[1];
            } else {
                pre = input(l);
                cache = new Object[] {l, pre};
            }
            return w.matmul(matrixA(l), false, true).add(pre).tanh();
        }

        @Override
        public Linearization linearize(Tensor w, Tensor l) {
            return phi.linearize(w, l);
        }
    }

    /**
     * @param seed seed of the initialisation (the paper's five seeds vary only this)
     * @param dtype element type
     * @return a random λ₀: A with spectral norm about 0.6, B scaled by 1/√p, small U, zero biases
     */
    public Tensor initial(long seed, DType dtype) {
        Backend b = x.backend();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[size];
        for (int i = 0; i < offsetB; i++) {
            v[i] = rng.nextGaussian() * 0.3 / Math.sqrt(h);
        }
        for (int i = offsetB; i < offsetC; i++) {
            v[i] = rng.nextGaussian() / Math.sqrt(p);
        }
        for (int i = offsetU; i < offsetBias; i++) {
            v[i] = rng.nextGaussian() * 0.1 / Math.sqrt(h);
        }
        return b.fromArray(v, Shape.of(size), dtype);
    }

    /**
     * @param epsilon margin ε &gt; 0
     * @return the projection of the A block onto the ball ‖A‖₂ ≤ 1 - ε (the rest is free)
     */
    public Projection projection(double epsilon) {
        return Projection.onBlock(0, Shape.of(h, h), Projection.spectralNormBall(1 - epsilon));
    }

    /**
     * @param l     λ
     * @param batch examples
     * @param steps fixed-point iterations from W = 0
     * @return the classification accuracy of the model on the batch
     */
    public double accuracy(Tensor l, Batch batch, int steps) {
        Tensor pre = input(batch.features(), l);
        Tensor a = matrixA(l);
        Tensor w = l.backend().zeros(Shape.of(batch.size(), h), l.dtype());
        for (int i = 0; i < steps; i++) {
            w = w.matmul(a, false, true).add(pre).tanh();
        }
        return Classification.accuracy(w.matmul(matrixU(l)).add(l.slice(0, offsetBias, size)), batch.labels());
    }

    /**
     * @param l λ
     * @return ‖A‖₂, the contraction constant of Φ: the square root of the largest eigenvalue of AᵀA (Jacobi)
     */
    public double spectralNormOfA(Tensor l) {
        Tensor a = matrixA(l).to(DType.FLOAT64);
        double[] g = a.matmul(a, true, false).toDoubleArray();
        double[][] gram = new double[h][];
        for (int i = 0; i < h; i++) {
            gram[i] = Arrays.copyOfRange(g, i * h, (i + 1) * h);
        }
        double[] e = SymmetricEigenvalues.of(gram);
        return Math.sqrt(Math.max(e[h - 1], 0));
    }

    @Override
    public ScalarObjective outerObjective() {
        return outer;
    }

    @Override
    public FixedPointOperator innerMap() {
        return map;
    }

    @Override
    public Shape innerShape() {
        return Shape.of(n, h);
    }

    @Override
    public Shape outerShape() {
        return Shape.of(size);
    }

    @Override
    public Tensor initialInner(Tensor outerValue) {
        return outerValue.backend().zeros(innerShape(), outerValue.dtype());
    }
}
