package org.bilevel4j.testkit.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.junit.jupiter.api.Test;

/** The closed forms of {@link QuadraticBilevelErm} against their definitions and the tensors' autodiff. */
class QuadraticBilevelErmTest {
    private static final Backend B = Backends.reference();

    /** H = XᵀX/n + μ₀I, assembled from the data. */
    private static double[][] hessian(QuadraticBilevelErm erm) {
        double[][] h = DenseMatrices.scale(DenseMatrices.gram(erm.x()), 1.0 / erm.n());
        for (int k = 0; k < erm.p(); k++) {
            h[k][k] += erm.mu0();
        }
        return h;
    }

    @Test
    void prescribedSpectrumIsExact() {
        QuadraticBilevelErm erm = QuadraticBilevelErm.withSpectrum(B, 40, 30, 5, 3, 0.5, 2.0, 1.0, 7);
        double[] eig = DenseMatrices.symmetricEigenvalues(hessian(erm));
        double[] expected = {0.5, 0.875, 1.25, 1.625, 2.0};
        assertArrayEquals(expected, eig, 1e-12);
        assertEquals(0.25, erm.mu0());
    }

    @Test
    void gaussianConstantsAreTheExtremeEigenvaluesOfH() {
        QuadraticBilevelErm erm = QuadraticBilevelErm.gaussian(B, 23, 17, 5, 3, 0.3, 0.5, 11);
        double[][] h = hessian(erm);
        double[] x = DenseMatrices.gaussianBoxMuller(5, new SplittableRandom(3));
        double rayleigh = DenseMatrices.dot(x, DenseMatrices.mul(h, x)) / DenseMatrices.dot(x, x);
        assertTrue(erm.mu() >= 0.3 && erm.mu() <= rayleigh && rayleigh <= erm.smoothness(),
                () -> "μ = " + erm.mu() + ", Rayleigh quotient " + rayleigh + ", L = " + erm.smoothness());
        double[] eig = DenseMatrices.symmetricEigenvalues(h);
        assertEquals(eig[0], erm.mu(), 1e-14);
        assertEquals(eig[4], erm.smoothness(), 1e-14);
    }

    @Test
    void closedFormsSatisfyTheirDefiningEquations() {
        QuadraticBilevelErm erm = QuadraticBilevelErm.gaussian(B, 23, 17, 5, 3, 0.3, 0.5, 11);
        double[] lambda = DenseMatrices.gaussianBoxMuller(3, new SplittableRandom(5));
        // w*: the full-batch inner gradient vanishes (autodiff on the tensors)
        double[] w = erm.innerSolution(lambda);
        int[] all = new int[erm.n()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        double[] grad = erm.problem().innerGradient(B.vector(w), B.vector(lambda), all).toDoubleArray();
        assertEquals(0, DenseMatrices.norm(grad), 1e-12);
        // v*: H v* = ∇_w f(w*)
        double[] v = erm.adjointSolution(lambda);
        assertArrayEquals(erm.outerInnerGradient(w), DenseMatrices.mul(hessian(erm), v), 1e-12);
        // ∇Φ = θλ + Mᵀv*, with Mᵀv* = Zᵀ X v*/n
        double[] xv = DenseMatrices.mul(erm.x(), v);
        double[] mtv = DenseMatrices.mulTransposed(erm.z(), xv);
        double[] expected = new double[3];
        for (int k = 0; k < 3; k++) {
            expected[k] = erm.theta() * lambda[k] + mtv[k] / erm.n();
        }
        assertArrayEquals(expected, erm.hypergradient(lambda), 1e-12);
        // λ*: ∇Φ(λ*) = 0
        assertEquals(0, DenseMatrices.norm(erm.hypergradient(erm.outerSolution())), 1e-12);
    }

    @Test
    void orthonormalizedColumnsAreOrthonormal() {
        double[][] q = DenseMatrices.orthonormalColumnsBoxMuller(9, 4, new SplittableRandom(1));
        double[][] gram = DenseMatrices.gram(q);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(i == j ? 1 : 0, gram[i][j], 1e-14);
            }
        }
    }

    @Test
    void choleskySolveMatchesTheLuSolve() {
        double[][] a = DenseMatrices.symmetricWithSpectrum(new double[] {0.1, 1, 3, 10}, new SplittableRandom(2));
        double[] b = DenseMatrices.gaussianBoxMuller(4, new SplittableRandom(4));
        assertArrayEquals(DenseMatrices.solve(a, b), DenseMatrices.solveSpd(a, b), 1e-12);
        double[][] inv = DenseMatrices.inverseSpd(a);
        assertEquals(0, DenseMatrices.frobenius(DenseMatrices.identityMinus(DenseMatrices.mul(a, inv))), 1e-12);
    }
}
