package org.bilevel4j.algorithms.outer;

import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Clips the singular values of a small dense matrix with a one-sided Jacobi SVD (Hestenes), computed on the JVM
 * in double precision. Rotations orthogonalise the columns of A (of Aᵀ if it is wide); the column norms are then
 * the singular values and A = (AV) Vᵀ, so A' = (AV) diag(min(σ, r)/σ) Vᵀ.
 */
final class SingularValueClipping {
    private static final int MAX_SWEEPS = 60;

    private SingularValueClipping() {
    }

    static Tensor clip(Tensor a, double radius) {
        if (a.rank() != 2) {
            throw new ShapeMismatchException("outer: expected a matrix for the spectral-norm ball, got shape "
                    + a.shape());
        }
        if (spectralNormUpperEstimate(a) <= radius) {
            return a;
        }
        int rows = a.dim(0);
        int cols = a.dim(1);
        boolean wide = rows < cols;
        double[] v = a.toDoubleArray();
        int m = wide ? cols : rows;
        int n = wide ? rows : cols;
        double[][] u = new double[n][m]; // columns of the tall matrix
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (wide) {
                    u[i][j] = v[i * cols + j];
                } else {
                    u[j][i] = v[i * cols + j];
                }
            }
        }
        double[][] rot = new double[n][n];
        for (int j = 0; j < n; j++) {
            rot[j][j] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = dot(u[p], u[p]);
                    double beta = dot(u[q], u[q]);
                    double gamma = dot(u[p], u[q]);
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma == 0) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta == 0 ? 1 : zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    rotate(u[p], u[q], c, s);
                    rotate(rot[p], rot[q], c, s);
                }
            }
            if (!rotated) {
                break;
            }
        }
        // A' = sum_j scale_j u_j rot_j^T with u_j the rotated columns (= sigma_j times the left singular vector)
        double[] out = new double[rows * cols];
        for (int j = 0; j < n; j++) {
            double sigma = Math.sqrt(dot(u[j], u[j]));
            double scale = sigma > radius ? radius / sigma : 1.0;
            for (int i = 0; i < m; i++) {
                double ui = u[j][i] * scale;
                if (ui == 0) {
                    continue;
                }
                for (int k = 0; k < n; k++) {
                    // tall matrix T (m x n) = U' V^T; T[i][k] += ui * rot[j][k]
                    double val = ui * rot[j][k];
                    if (wide) {
                        out[k * cols + i] += val;
                    } else {
                        out[i * cols + k] += val;
                    }
                }
            }
        }
        return a.backend().fromArray(out, Shape.of(rows, cols), a.dtype());
    }

    /** An upper bound on ‖A‖₂: the smaller of the Frobenius norm and √(‖A‖₁‖A‖∞). */
    static double spectralNormUpperEstimate(Tensor a) {
        double frobenius = a.normValue();
        double[] abs = a.abs().toDoubleArray();
        int rows = a.dim(0);
        int cols = a.dim(1);
        double maxRow = 0;
        double[] colSums = new double[cols];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += abs[i * cols + j];
                colSums[j] += abs[i * cols + j];
            }
            maxRow = Math.max(maxRow, s);
        }
        double maxCol = 0;
        for (double c : colSums) {
            maxCol = Math.max(maxCol, c);
        }
        return Math.min(frobenius, Math.sqrt(maxRow * maxCol));
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static void rotate(double[] x, double[] y, double c, double s) {
        for (int i = 0; i < x.length; i++) {
            double a = x[i];
            double b = y[i];
            x[i] = c * a - s * b;
            y[i] = s * a + c * b;
        }
    }
}
