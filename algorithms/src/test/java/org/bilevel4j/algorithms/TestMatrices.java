package org.bilevel4j.algorithms;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.linalg.LinearOperator;
import org.bilevel4j.api.backend.Backends;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Dense test matrices with a known spectrum, built in double precision on the JVM and wrapped as EJML tensors,
 * plus operators around them that count their applications. All randomness comes from a seeded
 * {@link SplittableRandom}.
 */
public final class TestMatrices {

    /** The EJML backend (test-scope dependency; supports dense solves for reference solutions). */
    public static final Backend B = Backends.get("ejml");

    private TestMatrices() {
    }

    // ---------------------------------------------------------------- raw arrays

    /** @return an m x n matrix of independent N(0, 1) entries */
    public static double[][] gaussian(int m, int n, SplittableRandom rng) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        return a;
    }

    /**
     * @return an m x k matrix (k ≤ m) with orthonormal columns: modified Gram–Schmidt, applied twice, on
     *         Gaussian columns
     */
    public static double[][] orthonormalColumns(int m, int k, SplittableRandom rng) {
        if (k > m) {
            throw new IllegalArgumentException("k > m");
        }
        double[][] cols = new double[k][];
        for (int j = 0; j < k; j++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                v[i] = rng.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double d = 0;
                    for (int i = 0; i < m; i++) {
                        d += v[i] * cols[p][i];
                    }
                    for (int i = 0; i < m; i++) {
                        v[i] -= d * cols[p][i];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < m; i++) {
                v[i] /= norm;
            }
            cols[j] = v;
        }
        double[][] q = new double[m][k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                q[i][j] = cols[j][i];
            }
        }
        return q;
    }

    /** @return U diag(s) V^T for U (m x r), V (n x r), r = s.length */
    public static double[][] compose(double[][] u, double[] s, double[][] v) {
        int m = u.length;
        int n = v.length;
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < s.length; k++) {
                    sum += u[i][k] * s[k] * v[j][k];
                }
                a[i][j] = sum;
            }
        }
        return a;
    }

    // ---------------------------------------------------------------- tensors

    /** @return the tensor of a dense matrix */
    public static Tensor matrix(double[][] a) {
        return B.matrix(a);
    }

    /** @return a random n x n orthogonal matrix */
    public static Tensor orthogonal(int n, SplittableRandom rng) {
        return matrix(orthonormalColumns(n, n, rng));
    }

    /**
     * @param eigenvalues the spectrum
     * @return Q diag(eigenvalues) Q^T with a random orthogonal Q, exactly symmetric
     */
    public static Tensor symmetricWithSpectrum(double[] eigenvalues, SplittableRandom rng) {
        int n = eigenvalues.length;
        double[][] q = orthonormalColumns(n, n, rng);
        double[][] a = compose(q, eigenvalues, q);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double mean = 0.5 * (a[i][j] + a[j][i]);
                a[i][j] = mean;
                a[j][i] = mean;
            }
        }
        return matrix(a);
    }

    /**
     * @param m  rows
     * @param n  columns
     * @param s  the singular values, min(m, n) of them
     * @return U diag(s) V^T with random orthonormal U, V
     */
    public static Tensor withSingularValues(int m, int n, double[] s, SplittableRandom rng) {
        int r = Math.min(m, n);
        if (s.length != r) {
            throw new IllegalArgumentException("s.length != min(m, n)");
        }
        return matrix(compose(orthonormalColumns(m, r, rng), s, orthonormalColumns(n, r, rng)));
    }

    /** @return n values from lo to hi (both included), geometrically spaced */
    public static double[] geometric(int n, double lo, double hi) {
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = n == 1 ? lo : lo * Math.pow(hi / lo, (double) i / (n - 1));
        }
        e[0] = lo;
        e[n - 1] = hi;
        return e;
    }

    /** @return an SPD n x n matrix with eigenvalues from 1 to kappa (geometric) */
    public static Tensor spd(int n, double kappa, SplittableRandom rng) {
        return symmetricWithSpectrum(geometric(n, 1, kappa), rng);
    }

    /**
     * @return a symmetric indefinite n x n matrix: eigenvalues ±[1, kappa], alternating signs (about half
     *         negative)
     */
    public static Tensor symmetricIndefinite(int n, double kappa, SplittableRandom rng) {
        double[] e = geometric(n, 1, kappa);
        for (int i = 0; i < n; i += 2) {
            e[i] = -e[i];
        }
        return symmetricWithSpectrum(e, rng);
    }

    /** @return 3I + R with R of N(0, 0.25/n) entries: non-symmetric, positive-definite symmetric part */
    public static Tensor shiftedRandom(int n, SplittableRandom rng) {
        double[][] a = gaussian(n, n, rng);
        double scale = 0.5 / Math.sqrt(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] *= scale;
            }
            a[i][i] += 3;
        }
        return matrix(a);
    }

    /** @return a non-symmetric n x n matrix with singular values from 1 to kappa */
    public static Tensor nonSymmetric(int n, double kappa, SplittableRandom rng) {
        return withSingularValues(n, n, geometric(n, 1, kappa), rng);
    }

    /** @return a vector of N(0, 1) entries */
    public static Tensor randomVector(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return B.fromArray(v, Shape.of(n));
    }

    /** @return an m x n matrix of N(0, scale^2) entries */
    public static Tensor randomMatrix(int m, int n, double scale, SplittableRandom rng) {
        double[][] a = gaussian(m, n, rng);
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] *= scale;
            }
        }
        return matrix(a);
    }

    /** @return ‖x - reference‖ / ‖reference‖ */
    public static double relativeError(Tensor x, Tensor reference) {
        return x.sub(reference).normValue() / reference.normValue();
    }

    /** @return the largest absolute element-wise difference */
    public static double maxAbsDiff(Tensor x, Tensor y) {
        return x.sub(y).abs().max().item();
    }

    // ---------------------------------------------------------------- operators

    /** @return v ↦ Av, declared symmetric or not, without a transpose unless symmetric */
    public static LinearOperator operator(Tensor a, boolean symmetric) {
        return LinearOperator.of(v -> a.matmul(v), symmetric);
    }

    /** @return v ↦ Av with the transpose v ↦ A^T v */
    public static LinearOperator withTranspose(Tensor a) {
        return LinearOperator.of(v -> a.matmul(v), v -> a.matmul(v, true, false));
    }

    /** A wrapper that counts how often A and A^T are applied. */
    public static final class CountingOperator implements LinearOperator {
        private final LinearOperator delegate;
        /** applications of A */
        public int applications;
        /** applications of A^T */
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
