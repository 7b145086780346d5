package org.bilevel4j.theory.bounds;

import org.bilevel4j.testkit.linalg.DenseMatrices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.bilevel4j.theory.bounds.Generated.Kind;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lemma 2.2 of Grazzi et al. (2020): if Φ(·, λ) is a q-contraction then ‖∂₁Φ(w, λ)‖ ≤ q and
 * ‖(I - ∂₁Φ(w, λ))⁻¹‖ ≤ 1/(1 - q) at every w (eq. (26) and the Neumann-series proof), with the
 * truncated Neumann series Σ_{i&lt;K} J^i within q^K/(1 - q) of the inverse. Checked at random w with ‖w‖ ≤ 10
 * (not only near the fixed point) on generated affine (both), ridge and tanh instances ({@link Generated}), with
 * the dense Jacobian assembled from JVPs on unit vectors (and cross-checked against the one assembled from VJPs).
 */
class ContractionLemmaProperties {
    private static final RatioReport REPORT = new RatioReport("ContractionLemmaProperties");
    private static final int[] TERMS = {1, 2, 5, 10, 20, 40};
    /** Largest generated inner dimension. */
    private static final int MAX_D = 12;
    /** Generated instances per family. */
    private static final int EXAMPLES = 150;

    @AfterAll
    static void report() {
        REPORT.write();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"AFFINE", "AFFINE_SYM", "RIDGE", "TANH"})
    void lemma22AtRandomPoints(Kind kind) {
        Generated.forAll(REPORT, "L2.2", kind, MAX_D, EXAMPLES, in -> {
            SplittableRandom rng = new SplittableRandom(in.label.hashCode());
            for (int sample = 0; sample < 3; sample++) {
                Tensor w = randomPoint(in, rng, 10);
                String where = in + " at |w| = " + w.normValue();
                Linearization lin = in.linearize(w);
                double[][] j = DenseMatrices.jacobianInner(lin, in.d);
                double[][] jv = DenseMatrices.jacobianInnerByVjp(lin, in.d);
                double mismatch = DenseMatrices.frobenius(DenseMatrices.sub(j, jv));
                assertTrue(mismatch <= 1e-12 * Math.max(1, DenseMatrices.frobenius(j)),
                        () -> "Jacobian from JVPs and from VJPs differ by " + mismatch + " on " + where);
                double q = in.q;
                REPORT.check("L2.2 |d1Phi(w)| <= q", DenseMatrices.spectralNorm(j), q, 1e-12, () -> where);
                double[][] a = DenseMatrices.identityMinus(j);
                double inverseNorm = DenseMatrices.spectralNorm(DenseMatrices.inverse(a));
                REPORT.check("L2.2 |(I - d1Phi(w))^-1| <= 1/(1-q)", inverseNorm, 1 / (1 - q), 1e-12, () -> where);
                double[][] inverse = DenseMatrices.inverse(a);
                double[][] sum = DenseMatrices.identity(in.d);
                double[][] power = DenseMatrices.identity(in.d);
                int k = 1;
                for (int terms : TERMS) {
                    while (k < terms) {
                        power = DenseMatrices.mul(power, j);
                        sum = DenseMatrices.add(sum, power);
                        k++;
                    }
                    double remainder = DenseMatrices.spectralNorm(DenseMatrices.sub(inverse, sum));
                    int kk = terms;
                    REPORT.check("L2.2 Neumann |sum_{i<K} J^i - (I-J)^-1| <= q^K/(1-q)", remainder,
                            Math.pow(q, terms) / (1 - q), 1e-11, () -> where + ", K = " + kk);
                }
            }
        });
    }

    /** @return a point with a uniformly random direction and norm uniform in [0, radius] */
    static Tensor randomPoint(Instance in, SplittableRandom rng, double radius) {
        double[] v = new double[in.d];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        double scale = radius * rng.nextDouble() / DenseMatrices.norm(v);
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
        return in.vector(v);
    }
}
