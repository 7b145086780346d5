package org.bilevel4j.theory.bounds;

import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.theory.testkit.DenseMatrices;

/**
 * Dense double-precision references for the bound checks: Jacobians of Φ assembled from matrix-free products
 * on unit vectors, LU solves, spectral norms and extreme singular values. Small sizes only (d ≤ 30).
 */
final class Dense {
    private Dense() {
    }

    /** @return e_i in R^n as a tensor */
    static Tensor unit(Backend b, int n, int i) {
        double[] e = new double[n];
        e[i] = 1;
        return b.fromArray(e, Shape.of(n));
    }

    /** @return ∂₁Φ(w, λ) [d × d], column i = jvpInner(e_i) */
    static double[][] jacobianInner(Linearization lin, int d) {
        Backend b = lin.value().backend();
        double[][] j = new double[d][d];
        for (int i = 0; i < d; i++) {
            double[] col = lin.jvpInner(unit(b, d, i)).toDoubleArray();
            for (int r = 0; r < d; r++) {
                j[r][i] = col[r];
            }
        }
        return j;
    }

    /** @return ∂₁Φ(w, λ) [d × d], row i = vjpInner(e_i) = ∂₁Φᵀ e_i */
    static double[][] jacobianInnerByVjp(Linearization lin, int d) {
        Backend b = lin.value().backend();
        double[][] j = new double[d][];
        for (int i = 0; i < d; i++) {
            j[i] = lin.vjpInner(unit(b, d, i)).toDoubleArray();
        }
        return j;
    }

    /** @return ∂₂Φ(w, λ) [d × n], row i = (∂₂Φᵀ e_i) from the joint VJP */
    static double[][] jacobianOuter(Linearization lin, int d) {
        Backend b = lin.value().backend();
        double[][] j = new double[d][];
        for (int i = 0; i < d; i++) {
            j[i] = lin.vjp(unit(b, d, i)).outer().toDoubleArray();
        }
        return j;
    }

    /** @return ∂₁Φ at (w, λ) */
    static double[][] jacobianInner(BivariateMap phi, Tensor w, Tensor lambda) {
        return jacobianInner(phi.linearize(w, lambda), w.size());
    }

    static double[][] identity(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
        }
        return a;
    }

    static double[][] transpose(double[][] a) {
        int m = a.length;
        int n = a[0].length;
        double[][] t = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] sub(double[][] a, double[][] b) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] - b[i][j];
            }
        }
        return c;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] + b[i][j];
            }
        }
        return c;
    }

    /** @return I - a */
    static double[][] identityMinus(double[][] a) {
        return sub(identity(a.length), a);
    }

    static double[][] mul(double[][] a, double[][] b) {
        int m = a.length;
        int k = b.length;
        int n = b[0].length;
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < k; l++) {
                double ail = a[i][l];
                if (ail == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    c[i][j] += ail * b[l][j];
                }
            }
        }
        return c;
    }

    static double[] mul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    /** @return aᵀ x */
    static double[] mulTransposed(double[][] a, double[] x) {
        double[] y = new double[a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < y.length; j++) {
                y[j] += a[i][j] * x[i];
            }
        }
        return y;
    }

    static double[] sub(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double x : row) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }

    static double[][] scale(double[][] a, double s) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] * s;
            }
        }
        return c;
    }

    /**
     * The spectral norm, scale-invariantly: the matrix is normalised by its Frobenius norm first, because the
     * Jacobi eigen-solver of the test kit stops on an absolute off-diagonal threshold (1e-30), which would return
     * column norms instead of singular values for matrices of norm below about 1e-8.
     *
     * @param a a matrix
     * @return its largest singular value
     */
    static double spectralNorm(double[][] a) {
        double f = frobenius(a);
        if (f == 0) {
            return 0;
        }
        return f * DenseMatrices.spectralNorm(scale(a, 1 / f));
    }

    /** @return the smallest singular value of a square matrix (scale-invariant, as {@link #spectralNorm}) */
    static double minSingularValue(double[][] a) {
        double f = frobenius(a);
        if (f == 0) {
            return 0;
        }
        double[] e = DenseMatrices.symmetricEigenvalues(DenseMatrices.gram(scale(a, 1 / f)));
        return f * Math.sqrt(Math.max(0, e[0]));
    }

    /** @return the eigenvalues of the symmetric part (a + aᵀ)/2, increasing */
    static double[] symmetricEigenvalues(double[][] a) {
        return DenseMatrices.symmetricEigenvalues(scale(add(a, transpose(a)), 0.5));
    }

    /** @return the largest |a_ij - a_ji| */
    static double asymmetry(double[][] a) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < i; j++) {
                m = Math.max(m, Math.abs(a[i][j] - a[j][i]));
            }
        }
        return m;
    }

    /** @return x with a x = b, by LU with partial pivoting (a square, non-singular) */
    static double[][] solve(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        double[][] lu = new double[n][];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            lu[i] = a[i].clone();
            x[i] = b[i].clone();
        }
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(lu[i][k]) > Math.abs(lu[p][k])) {
                    p = i;
                }
            }
            double[] tmp = lu[k];
            lu[k] = lu[p];
            lu[p] = tmp;
            tmp = x[k];
            x[k] = x[p];
            x[p] = tmp;
            double pivot = lu[k][k];
            if (pivot == 0) {
                throw new ArithmeticException("singular matrix");
            }
            for (int i = k + 1; i < n; i++) {
                double f = lu[i][k] / pivot;
                if (f == 0) {
                    continue;
                }
                for (int j = k; j < n; j++) {
                    lu[i][j] -= f * lu[k][j];
                }
                for (int j = 0; j < m; j++) {
                    x[i][j] -= f * x[k][j];
                }
            }
        }
        for (int k = n - 1; k >= 0; k--) {
            for (int j = 0; j < m; j++) {
                double s = x[k][j];
                for (int i = k + 1; i < n; i++) {
                    s -= lu[k][i] * x[i][j];
                }
                x[k][j] = s / lu[k][k];
            }
        }
        return x;
    }

    static double[] solve(double[][] a, double[] b) {
        double[][] col = new double[b.length][1];
        for (int i = 0; i < b.length; i++) {
            col[i][0] = b[i];
        }
        double[][] x = solve(a, col);
        double[] v = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = x[i][0];
        }
        return v;
    }

    static double[][] inverse(double[][] a) {
        return solve(a, identity(a.length));
    }

    /** @return a tensor [rows, cols] as rows */
    static double[][] array(Tensor t) {
        return DenseMatrices.toArray(t);
    }
}
