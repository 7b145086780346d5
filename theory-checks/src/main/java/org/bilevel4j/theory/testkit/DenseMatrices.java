package org.bilevel4j.theory.testkit;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.linalg.SymmetricEigenvalues;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Small dense linear algebra on the JVM for building test problems with exactly known constants: random
 * orthogonal matrices, matrices with prescribed singular values, and spectral norms.
 */
public final class DenseMatrices {
    private DenseMatrices() {
    }

    /**
     * @param n   order
     * @param rng generator
     * @return a random n×n orthogonal matrix (Gram–Schmidt of a Gaussian matrix, re-orthogonalised), row-major
     */
    public static double[][] orthogonal(int n, SplittableRandom rng) {
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < n; i++) {
                        d += v[i] * q[i][k];
                    }
                    for (int i = 0; i < n; i++) {
                        v[i] -= d * q[i][k];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i][j] = v[i] / norm;
            }
        }
        return q;
    }

    /**
     * @param u left factor (m×r)
     * @param s diagonal (r)
     * @param v right factor (n×r)
     * @return U diag(s) Vᵀ
     */
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

    /**
     * @param a a symmetric matrix (not modified)
     * @return its eigenvalues in increasing order
     */
    public static double[] symmetricEigenvalues(double[][] a) {
        return SymmetricEigenvalues.of(a);
    }

    /**
     * @param a a matrix (not modified)
     * @return aᵀa
     */
    public static double[][] gram(double[][] a) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        double[][] g = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double s = 0;
                for (int k = 0; k < m; k++) {
                    s += a[k][i] * a[k][j];
                }
                g[i][j] = s;
                g[j][i] = s;
            }
        }
        return g;
    }

    /**
     * @param a a matrix
     * @return its largest singular value
     */
    public static double spectralNorm(double[][] a) {
        double[] e = symmetricEigenvalues(gram(a));
        return Math.sqrt(Math.max(0, e[e.length - 1]));
    }

    /**
     * @param t a rank-2 tensor
     * @return its largest singular value
     */
    public static double spectralNorm(Tensor t) {
        return spectralNorm(toArray(t));
    }

    /**
     * @param t a rank-2 tensor
     * @return its rows
     */
    public static double[][] toArray(Tensor t) {
        int m = t.dim(0);
        int n = t.dim(1);
        double[] v = t.toDoubleArray();
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(v, i * n, a[i], 0, n);
        }
        return a;
    }

    /**
     * @param b    backend
     * @param rows rows
     * @param cols columns
     * @param rng  generator
     * @return a matrix of standard normal entries
     */
    public static Tensor gaussian(Backend b, int rows, int cols, SplittableRandom rng) {
        return b.randomNormal(Shape.of(rows, cols), org.bilevel4j.api.tensor.DType.FLOAT64, rng);
    }

    /**
     * @param b   backend
     * @param n   length
     * @param rng generator
     * @return a vector of standard normal entries
     */
    public static Tensor gaussian(Backend b, int n, SplittableRandom rng) {
        return b.randomNormal(Shape.of(n), org.bilevel4j.api.tensor.DType.FLOAT64, rng);
    }
}
