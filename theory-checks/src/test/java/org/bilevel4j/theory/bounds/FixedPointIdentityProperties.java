package org.bilevel4j.theory.bounds;

import org.bilevel4j.testkit.linalg.DenseMatrices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AID-FP as "ITD with every Jacobian frozen at w_t" (Grazzi et al., 2020, Appendix A):
 * <ul>
 *   <li>Proposition A.1, identity (32): with u_{t,0} = 0, u_{t,k} = ∂₁Φ(w_t) u_{t,k-1} + ∂₂Φ(w_t) (dense
 *       forward recursion) and v_{t,k} the adjoint of AID-FP(t, k) (VJP recursion (19)),
 *       u_{t,k}ᵀ∇₁E(w_t) = ∂₂Φ(w_t)ᵀv_{t,k}, and hence (33) AID-FP = ∇₂E + u_{t,k}ᵀ∇₁E, to 1e-12
 *       relative, k ∈ {0, 1, 2, 5, 20};</li>
 *   <li>Proposition A.2: ‖u_{t,k} - w'‖ ≤ (ν₂ + ν₁L_Φ/(1 - q)) D (1 - q^k)/(1 - q) ρ(t) + L_Φ/(1 - q) q^k,
 *       with ρ(t) = q^t;</li>
 *   <li>ITD(t) = AID-FP(t, k = t) to 1e-12 relative when ∂₁Φ, ∂₂Φ do not depend on w (affine, and biased with
 *       its gradient map iterated by Picard), and the identity fails (&gt; 1e-3 relative) on ridge at t = 3, where
 *       ∂₂Φ = -α diag(w) does.</li>
 * </ul>
 */
class FixedPointIdentityProperties {
    private static final RatioReport REPORT = new RatioReport("FixedPointIdentityProperties");
    private static final int[] ITERATIONS = {0, 1, 2, 5, 20};
    private static final int[] INNER_STEPS = {1, 5, 20};
    private static final double IDENTITY_TOLERANCE = 1e-12;

    @AfterAll
    static void report() {
        REPORT.write();
    }

    static Stream<Instance.Family> families() {
        return Stream.of(Instance.affine(0.8, false), Instance.affine(0.8, true), Instance.ridge(),
                Instance.tanh(0.8), Instance.logistic());
    }

    static Stream<Instance.Family> affineFamilies() {
        return Stream.of(Instance.affine(0.5, false), Instance.affine(0.9, false), Instance.affine(0.9, true),
                Instance.biased());
    }

    private static String tag(Instance.Family f) {
        return f.label().substring(0, f.label().indexOf('('));
    }

    private static double relative(double[] a, double[] b) {
        double scale = Math.max(Math.max(DenseMatrices.norm(a), DenseMatrices.norm(b)), 1e-300);
        return DenseMatrices.norm(DenseMatrices.sub(a, b)) / scale;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void propositionsA1AndA2(Instance.Family family) {
        for (Instance in : family.instances(2, 2, 32)) {
            double mu = 1 - in.q;
            double p = in.k.jacobianOuter() + in.k.jacobianInner() * in.k.jacobianOuterBound() / mu;
            double jacobianAtol = 1e-9 * Math.max(1, DenseMatrices.spectralNorm(in.wPrime));
            for (int t : INNER_STEPS) {
                Tensor wt = AidEstimator.fixedPoint(t, 0).estimate(in.problem, in.lambda).inner();
                Linearization lin = in.linearize(wt);
                double[][] y = DenseMatrices.jacobianInner(lin, in.d);
                double[][] c = DenseMatrices.jacobianOuter(lin, in.d);
                double[] b = in.outerGradientInner(wt);
                double[] e2 = in.outerGradientOuter(wt);
                double[][] u = new double[in.d][in.n];
                int done = 0;
                for (int k : ITERATIONS) {
                    while (done < k) {
                        u = DenseMatrices.add(DenseMatrices.mul(y, u), c);
                        done++;
                    }
                    HypergradientEstimate fp = AidEstimator.fixedPoint(t, k).estimate(in.problem, in.lambda);
                    double[] lhs = DenseMatrices.mulTransposed(u, b);
                    double[] rhs = lin.vjp(fp.diagnostics(AidDiagnostics.class).adjoint()).outer().toDoubleArray();
                    String where = in + ", t = " + t + ", k = " + k;
                    double identity = relative(lhs, rhs);
                    assertTrue(identity <= IDENTITY_TOLERANCE, () -> "(32) u^T grad1E != d2Phi^T v: relative "
                            + identity + " on " + where);
                    REPORT.record("PA.1 (32) relative difference (vs 1e-12)", identity, IDENTITY_TOLERANCE, 0,
                            () -> where);
                    double eq33 = relative(DenseMatrices.add(e2, lhs), fp.hypergradient().toDoubleArray());
                    assertTrue(eq33 <= IDENTITY_TOLERANCE, () -> "(33) AID-FP != grad2E + u^T grad1E: relative "
                            + eq33 + " on " + where);
                    REPORT.record("PA.1 (33) AID-FP = grad2E + u^T grad1E, relative difference (vs 1e-12)", eq33,
                            IDENTITY_TOLERANCE, 0, () -> where);
                    double qk = Math.pow(in.q, k);
                    double error = DenseMatrices.spectralNorm(DenseMatrices.sub(u, in.wPrime));
                    double bound = p * in.radius * (1 - qk) / mu * Math.pow(in.q, t)
                            + in.k.jacobianOuterBound() / mu * qk;
                    REPORT.check("PA.2 |u_tk - w'|, rho = q^t, " + tag(family), error, bound, jacobianAtol,
                            () -> where);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("affineFamilies")
    void itdEqualsAidFixedPointWhenJacobiansAreConstant(Instance.Family family) {
        for (Instance in : family.instances(2, 2, 33)) {
            for (int t : new int[] {1, 2, 5, 10, 20, 50}) {
                double[] itd = ItdEstimator.reverse(t).estimate(in.problem, in.lambda).hypergradient().toDoubleArray();
                double[] fp = AidEstimator.fixedPoint(t, t).estimate(in.problem, in.lambda).hypergradient()
                        .toDoubleArray();
                double difference = relative(itd, fp);
                String where = in + ", t = " + t;
                assertTrue(difference <= IDENTITY_TOLERANCE, () -> "ITD(t) != AID-FP(t, t): relative " + difference
                        + " on " + where);
                REPORT.record("ITD(t) == AID-FP(t,t), affine maps, relative difference (vs 1e-12)", difference,
                        IDENTITY_TOLERANCE, 0, () -> where);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ridge")
    void itdDiffersFromAidFixedPointWhenJacobiansDependOnW(Instance.Family family) {
        for (Instance in : family.instances(2, 2, 34)) {
            double[] itd = ItdEstimator.reverse(3).estimate(in.problem, in.lambda).hypergradient().toDoubleArray();
            double[] fp = AidEstimator.fixedPoint(3, 3).estimate(in.problem, in.lambda).hypergradient()
                    .toDoubleArray();
            double difference = relative(itd, fp);
            assertTrue(difference > 1e-3, () -> "ITD(3) and AID-FP(3, 3) should differ on ridge (d2Phi = -alpha "
                    + "diag(w) depends on w), relative difference " + difference + " on " + in);
            REPORT.record("ridge: ITD(3) != AID-FP(3,3), 1e-3 / relative difference (must be < 1)", 1e-3, difference,
                    0, () -> in.toString());
        }
    }

    static Stream<Instance.Family> ridge() {
        return Stream.of(Instance.ridge());
    }
}
