package org.bilevel4j.theory.stochastic;

import java.util.SplittableRandom;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * The generators shared by the AmIGO checks on quadratic instances with finitely many noise samples: symmetric
 * matrices of a prescribed spectrum and centred noise samples, so that the paper's uniform noise bounds hold exactly
 * (σ² = the mean squared norm of the samples).
 */
final class QuadraticNoise {
    private QuadraticNoise() {
    }

    /** @return a symmetric d × d matrix with eigenvalues evenly spaced in [lo, hi] (lo alone for d = 1) */
    static double[][] spd(int d, double lo, double hi, SplittableRandom rng) {
        double[][] v = DenseMatrices.orthonormalColumnsBoxMuller(d, d, rng);
        double[] eig = new double[d];
        for (int i = 0; i < d; i++) {
            eig[i] = d == 1 ? lo : lo + (hi - lo) * i / (d - 1);
        }
        return DenseMatrices.spectral(v, eig);
    }

    /** @return count Gaussian vectors of size d (rows), their mean subtracted, scaled by s: they sum to zero */
    static double[][] centred(int count, int d, double s, SplittableRandom rng) {
        double[][] a = DenseMatrices.gaussianBoxMuller(count, d, rng);
        double[] mean = new double[d];
        for (double[] row : a) {
            for (int i = 0; i < d; i++) {
                mean[i] += row[i] / count;
            }
        }
        for (double[] row : a) {
            for (int i = 0; i < d; i++) {
                row[i] = s * (row[i] - mean[i]);
            }
        }
        return a;
    }

    /** @return the mean of ‖aᵢ‖² over the rows aᵢ */
    static double meanSquare(double[][] a) {
        double t = 0;
        for (double[] row : a) {
            t += DenseMatrices.dot(row, row) / a.length;
        }
        return t;
    }
}
