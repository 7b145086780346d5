package org.bilevel4j.algorithms.linalg;

import java.util.Arrays;

/**
 * Eigenvalues of a small dense symmetric matrix on the JVM, by the cyclic Jacobi method (rotations until the
 * off-diagonal mass is below 10⁻³⁰ of the diagonal's), accurate to rounding. For spectral bounds of test and
 * example problems (μ, L, condition numbers); O(n³) per sweep, so meant for n up to a few hundred.
 */
public final class SymmetricEigenvalues {
    private static final int MAX_SWEEPS = 100;

    private SymmetricEigenvalues() {
    }

    /**
     * @param a a symmetric matrix, row-major; not modified
     * @return its eigenvalues in increasing order
     */
    public static double[] of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("a: expected a square matrix, row " + i + " has length "
                        + a[i].length + " instead of " + n);
            }
            m[i] = a[i].clone();
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < n; p++) {
                diag += m[p][p] * m[p][p];
                for (int q = p + 1; q < n; q++) {
                    off += m[p][q] * m[p][q];
                }
            }
            if (off <= 1e-30 * diag || off == 0) {
                break;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (m[p][q] != 0) {
                        rotate(m, p, q);
                    }
                }
            }
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = m[i][i];
        }
        Arrays.sort(e);
        return e;
    }

    /** The Jacobi rotation J with JᵀMJ zero at (p, q). */
    private static void rotate(double[][] m, int p, int q) {
        int n = m.length;
        double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        for (int k = 0; k < n; k++) {
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) {
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
        }
    }
}
