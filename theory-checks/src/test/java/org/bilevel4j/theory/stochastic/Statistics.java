package org.bilevel4j.theory.stochastic;

import java.util.SplittableRandom;

/** Plain double linear algebra for the closed forms, independent of the tensors and autodiff. */
final class Mat {
    private Mat() {
    }

    static double[][] gaussian(int rows, int cols, SplittableRandom rng) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[i][j] = normal(rng);
            }
        }
        return a;
    }

    static double normal(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** @return a matrix with orthonormal columns (Gram–Schmidt, twice) spanning those of a Gaussian rows × cols */
    static double[][] orthonormalColumns(int rows, int cols, SplittableRandom rng) {
        double[][] a = gaussian(rows, cols, rng);
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < cols; j++) {
                for (int k = 0; k < j; k++) {
                    double d = 0;
                    for (int i = 0; i < rows; i++) {
                        d += a[i][j] * a[i][k];
                    }
                    for (int i = 0; i < rows; i++) {
                        a[i][j] -= d * a[i][k];
                    }
                }
                double nrm = 0;
                for (int i = 0; i < rows; i++) {
                    nrm += a[i][j] * a[i][j];
                }
                nrm = Math.sqrt(nrm);
                for (int i = 0; i < rows; i++) {
                    a[i][j] /= nrm;
                }
            }
        }
        return a;
    }

    static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        int k = b.length;
        int m = b[0].length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < k; r++) {
                double air = a[i][r];
                if (air == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    c[i][j] += air * b[r][j];
                }
            }
        }
        return c;
    }

    static double[] mul(double[][] a, double[] x) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = dot(a[i], x);
        }
        return y;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] scaleColumns(double[][] a, double[] s) {
        double[][] c = new double[a.length][s.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < s.length; j++) {
                c[i][j] = a[i][j] * s[j];
            }
        }
        return c;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] sub(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    static double[][] identity(int n) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            a[i][i] = 1;
        }
        return a;
    }

    /** @return V diag(eig) Vᵀ */
    static double[][] spectral(double[][] v, double[] eig) {
        return mul(scaleColumns(v, eig), transpose(v));
    }

    /** @return A⁻¹ of an SPD matrix by Cholesky */
    static double[][] inverseSpd(double[][] a) {
        int n = a.length;
        double[][] inv = new double[n][];
        double[][] l = cholesky(a);
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1;
            inv[j] = cholSolve(l, e);
        }
        return inv; // symmetric, so columns = rows
    }

    static double[] solveSpd(double[][] a, double[] b) {
        return cholSolve(cholesky(a), b);
    }

    private static double[][] cholesky(double[][] a) {
        int k = a.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int r = 0; r < j; r++) {
                    s -= l[i][r] * l[j][r];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        return l;
    }

    private static double[] cholSolve(double[][] l, double[] b) {
        int k = b.length;
        double[] y = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int r = 0; r < i; r++) {
                s -= l[i][r] * y[r];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = y[i];
            for (int r = i + 1; r < k; r++) {
                s -= l[r][i] * x[r];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /** @return the slope of the least-squares line through (log x, log y) */
    static double logLogSlope(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(x[i]) / n;
            my += Math.log(y[i]) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (Math.log(x[i]) - mx) * (Math.log(y[i]) - my);
            sxx += (Math.log(x[i]) - mx) * (Math.log(x[i]) - mx);
        }
        return sxy / sxx;
    }

    static double median(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
