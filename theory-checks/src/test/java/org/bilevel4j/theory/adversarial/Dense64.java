package org.bilevel4j.theory.adversarial;

import java.util.SplittableRandom;

/**
 * Dense float64 linear algebra for the ground truth of the adversarial suite, independent of the library: LU with
 * partial pivoting, iterative refinement on residuals computed with compensated (twice the working precision)
 * dot products (Ogita, Rump, Oishi, "Accurate Sum and Dot Product", SIAM J. Sci. Comput. 2005), and random
 * orthogonal matrices.
 */
final class Dense64 {
    private Dense64() {
    }

    /** Σ a_i b_i, computed as in twice the working precision (Dot2), rounded once. */
    static double dot(double[] a, double[] b) {
        double s = 0;
        double c = 0;
        for (int i = 0; i < a.length; i++) {
            double p = a[i] * b[i];
            double pe = Math.fma(a[i], b[i], -p);
            double t = s + p;
            double z = t - s;
            double se = (s - (t - z)) + (p - z);
            s = t;
            c += se + pe;
        }
        return s + c;
    }

    /** @return the vector A x, each entry a compensated dot product */
    static double[] mul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = dot(a[i], x);
        }
        return y;
    }

    /** @return Aᵀ x, compensated */
    static double[] mulTransposed(double[][] a, double[] x) {
        return mul(transpose(a), x);
    }

    static double[][] mul(double[][] a, double[][] b) {
        double[][] bt = transpose(b);
        double[][] c = new double[a.length][bt.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < bt.length; j++) {
                c[i][j] = dot(a[i], bt[j]);
            }
        }
        return c;
    }

    /** @return A x in plain float64 (for long products where compensation is not needed) */
    static double[] plainMul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double sum = 0;
            for (int j = 0; j < x.length; j++) {
                sum += a[i][j] * x[j];
            }
            y[i] = sum;
        }
        return y;
    }

    /** @return A B in plain float64 */
    static double[][] plainMul(double[][] a, double[][] b) {
        int n = b[0].length;
        double[][] c = new double[a.length][n];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                for (int j = 0; j < n; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }

    static double[][] transpose(double[][] a) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        double[][] t = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] identity(int n) {
        double[][] e = new double[n][n];
        for (int i = 0; i < n; i++) {
            e[i][i] = 1;
        }
        return e;
    }

    static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    static double[] sub(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    static double[] scale(double[] a, double s) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] * s;
        }
        return c;
    }

    static double norm(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        if (m == 0 || !Double.isFinite(m)) {
            return m == 0 ? 0 : Double.NaN;
        }
        double s = 0;
        for (double v : a) {
            s += (v / m) * (v / m);
        }
        return m * Math.sqrt(s);
    }

    /** @return the Frobenius norm, an upper bound on the spectral norm */
    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            double r = norm(row);
            s += r * r;
        }
        return Math.sqrt(s);
    }

    static double[] column(double[][] a, int j) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i][j];
        }
        return c;
    }

    static double[] flatten(double[][] a) {
        int n = a.length == 0 ? 0 : a[0].length;
        double[] f = new double[a.length * n];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, f, i * n, n);
        }
        return f;
    }

    /** An LU factorization with partial pivoting of a square matrix. */
    static final class Lu {
        private final double[][] lu;
        private final int[] pivot;

        Lu(double[][] a) {
            int n = a.length;
            lu = new double[n][];
            for (int i = 0; i < n; i++) {
                lu[i] = a[i].clone();
            }
            pivot = new int[n];
            for (int k = 0; k < n; k++) {
                int p = k;
                for (int i = k + 1; i < n; i++) {
                    if (Math.abs(lu[i][k]) > Math.abs(lu[p][k])) {
                        p = i;
                    }
                }
                pivot[k] = p;
                double[] swap = lu[k];
                lu[k] = lu[p];
                lu[p] = swap;
                if (lu[k][k] == 0) {
                    throw new ArithmeticException("a: singular at column " + k);
                }
                for (int i = k + 1; i < n; i++) {
                    double f = lu[i][k] / lu[k][k];
                    lu[i][k] = f;
                    for (int j = k + 1; j < n; j++) {
                        lu[i][j] -= f * lu[k][j];
                    }
                }
            }
        }

        double[] solve(double[] b) {
            int n = lu.length;
            double[] x = b.clone();
            for (int k = 0; k < n; k++) {
                double t = x[k];
                x[k] = x[pivot[k]];
                x[pivot[k]] = t;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    x[i] -= lu[i][j] * x[j];
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                for (int j = i + 1; j < n; j++) {
                    x[i] -= lu[i][j] * x[j];
                }
                x[i] /= lu[i][i];
            }
            return x;
        }
    }

    /** x ↦ M x, evaluated with compensated dot products. */
    interface Operator {
        double[] apply(double[] x);
    }

    /**
     * Solves M x = b by LU on an approximation of M and iterative refinement with residuals b - M x from the exact
     * operator, computed in about twice the working precision: the result is accurate to a few ulps as long as
     * κ(M) ε ≪ 1, even where the LU alone would lose κ(M) ε.
     */
    static double[] refinedSolve(Lu lu, Operator m, double[] b) {
        double[] x = lu.solve(b);
        for (int sweep = 0; sweep < 6; sweep++) {
            double[] r = sub(b, m.apply(x));
            double[] dx = lu.solve(r);
            x = add(x, dx);
            if (norm(dx) <= 1e-17 * norm(x)) {
                break;
            }
        }
        return x;
    }

    /** @return a random orthogonal n×n matrix (modified Gram–Schmidt, twice, on a Gaussian matrix) */
    static double[][] orthogonal(int n, SplittableRandom rng) {
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = gaussian(rng);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double p = dot(q[k], v);
                    for (int i = 0; i < n; i++) {
                        v[i] -= p * q[k][i];
                    }
                }
            }
            double nv = norm(v);
            for (int i = 0; i < n; i++) {
                q[j][i] = v[i] / nv;
            }
        }
        return q; // rows orthonormal
    }

    static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    static double[] gaussianVector(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = gaussian(rng);
        }
        return v;
    }

    static double[][] gaussianMatrix(int m, int n, double scale, SplittableRandom rng) {
        double[][] a = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = scale * gaussian(rng);
            }
        }
        return a;
    }

    /** @return Uᵀ diag(s) V for U, V with orthonormal rows */
    static double[][] fromFactors(double[][] u, double[] s, double[][] v) {
        int n = s.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    sum += u[k][i] * s[k] * v[k][j];
                }
                a[i][j] = sum;
            }
        }
        return a;
    }

    /** Rounds every entry to float32 in place, so that the array holds exactly what a float32 tensor holds. */
    static void roundToFloat(double[][] a) {
        for (double[] row : a) {
            roundToFloat(row);
        }
    }

    static void roundToFloat(double[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) a[i];
        }
    }
}
