package org.bilevel4j.algorithms;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.linalg.LinearOperator;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * The test matrices of this module as EJML tensors: matrices with a known spectrum from the test kit's
 * {@link DenseMatrices}, plus linear operators around them that count their applications (operators are
 * algorithms types, so they stay here). All randomness comes from a seeded {@link SplittableRandom}.
 */
public final class TestMatrices {

    /** The EJML backend (test-scope dependency; supports dense solves for reference solutions). */
    public static final Backend B = Backends.get("ejml");

    private TestMatrices() {
    }

    // ---------------------------------------------------------------- tensors on B

    /** @return the tensor of a dense matrix */
    public static Tensor matrix(double[][] a) {
        return B.matrix(a);
    }

    /** @return a random n x n orthogonal matrix */
    public static Tensor orthogonal(int n, SplittableRandom rng) {
        return matrix(DenseMatrices.orthogonal(n, rng));
    }

    /** @return Q diag(eigenvalues) Qᵀ with a random orthogonal Q, exactly symmetric */
    public static Tensor symmetricWithSpectrum(double[] eigenvalues, SplittableRandom rng) {
        return matrix(DenseMatrices.symmetricWithSpectrum(eigenvalues, rng));
    }

    /** @return U diag(s) Vᵀ (m x n) with random orthonormal U, V and the min(m, n) singular values s */
    public static Tensor withSingularValues(int m, int n, double[] s, SplittableRandom rng) {
        return matrix(DenseMatrices.withSingularValues(m, n, s, rng));
    }

    /** @return an SPD n x n matrix with eigenvalues from 1 to kappa (geometric) */
    public static Tensor spd(int n, double kappa, SplittableRandom rng) {
        return symmetricWithSpectrum(DenseMatrices.geometric(n, 1, kappa), rng);
    }

    /**
     * @return a symmetric indefinite n x n matrix: eigenvalues ±[1, kappa], alternating signs (about half
     *         negative)
     */
    public static Tensor symmetricIndefinite(int n, double kappa, SplittableRandom rng) {
        double[] e = DenseMatrices.geometric(n, 1, kappa);
        for (int i = 0; i < n; i += 2) {
            e[i] = -e[i];
        }
        return symmetricWithSpectrum(e, rng);
    }

    /** @return 3I + R with R of N(0, 0.25/n) entries: non-symmetric, positive-definite symmetric part */
    public static Tensor shiftedRandom(int n, SplittableRandom rng) {
        double[][] a = DenseMatrices.scale(DenseMatrices.gaussian(n, n, rng), 0.5 / Math.sqrt(n));
        for (int i = 0; i < n; i++) {
            a[i][i] += 3;
        }
        return matrix(a);
    }

    /** @return a non-symmetric n x n matrix with singular values from 1 to kappa */
    public static Tensor nonSymmetric(int n, double kappa, SplittableRandom rng) {
        return withSingularValues(n, n, DenseMatrices.geometric(n, 1, kappa), rng);
    }

    /** @return a vector of N(0, 1) entries */
    public static Tensor randomVector(int n, SplittableRandom rng) {
        return DenseMatrices.gaussian(B, n, rng);
    }

    /** @return an m x n matrix of N(0, scale^2) entries */
    public static Tensor randomMatrix(int m, int n, double scale, SplittableRandom rng) {
        return matrix(DenseMatrices.scale(DenseMatrices.gaussian(m, n, rng), scale));
    }

    // ---------------------------------------------------------------- operators

    /** @return v ↦ Av, declared symmetric or not, without a transpose unless symmetric */
    public static LinearOperator operator(Tensor a, boolean symmetric) {
        return LinearOperator.of(v -> a.matmul(v), symmetric);
    }

    /** @return v ↦ Av with the transpose v ↦ Aᵀv */
    public static LinearOperator withTranspose(Tensor a) {
        return LinearOperator.of(v -> a.matmul(v), v -> a.matmul(v, true, false));
    }

    /** A wrapper that counts how often A and Aᵀ are applied. */
    public static final class CountingOperator implements LinearOperator {
        private final LinearOperator delegate;
        /** applications of A */
        public int applications;
        /** applications of Aᵀ */
        public int transposes;

        public CountingOperator(LinearOperator delegate) {
            this.delegate = delegate;
        }

        @Override
        public Tensor apply(Tensor v) {
            applications++;
            return delegate.apply(v);
        }

        @Override
        public Tensor applyTranspose(Tensor v) {
            transposes++;
            return delegate.applyTranspose(v);
        }

        @Override
        public boolean hasTranspose() {
            return delegate.hasTranspose();
        }

        @Override
        public boolean isSymmetric() {
            return delegate.isSymmetric();
        }
    }
}
