package org.bilevel4j.theory.bounds;

import org.bilevel4j.testkit.linalg.DenseMatrices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.LinearOperator;
import org.bilevel4j.algorithms.linalg.NeumannSolver;
import org.bilevel4j.algorithms.linalg.RichardsonSolver;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rates σ(k) of the linear solvers of AID (Grazzi et al., 2020), on the adjoint system
 * (I - ∂₁Φ(w_t)ᵀ) v = ∇₁E(w_t) at Picard iterates w_t, against the exact v_t (dense solve), from v₀ = 0:
 * <ul>
 *   <li>CG rate (17) on symmetric problems (affine-sym, ridge, biased, logistic), k = 0..40:
 *       ‖v_{t,k} - v_t‖ ≤ 2√κ ((√κ - 1)/(√κ + 1))^k ‖v_t‖ (+1e-12‖v_t‖), κ = cond(I - ∂₁Φ(w_t)ᵀ)
 *       from its eigenvalues; with it the instance versions of (18) (κ(A) ≤ κ(λ) for the gradient map of
 *       ridge/biased/logistic, and CG factor ≤ q) and of CG-sym-q (κ(A) ≤ (1 + q)/(1 - q) on affine-sym);</li>
 *   <li>Theorem 2.3 (FP rate): ‖v_{t,k} - v_t‖ ≤ q^k ‖v_t‖ (+1e-12‖v_t‖), k = 0..100, on affine (both), ridge, tanh;</li>
 *   <li>the Neumann tail: K applications (K + 1 terms) leave an error ≤ q^(K+1)/(1 - q) ‖b‖, and equal the
 *       fixed-point method with K + 1 iterations (1e-12 relative).</li>
 * </ul>
 */
class LinearSolverRateProperties {
    private static final RatioReport REPORT = new RatioReport("LinearSolverRateProperties");
    private static final int[] INNER_STEPS = {3, 20};

    @AfterAll
    static void report() {
        REPORT.write();
    }

    static Stream<Instance.Family> symmetricFamilies() {
        return Stream.of(Instance.affine(0.5, true), Instance.affine(0.9, true), Instance.ridge(), Instance.biased(),
                Instance.logistic());
    }

    static Stream<Instance.Family> contractionFamilies() {
        return Stream.of(Instance.affine(0.5, false), Instance.affine(0.9, false), Instance.affine(0.8, true),
                Instance.ridge(), Instance.tanh(0.5), Instance.tanh(0.9));
    }

    private static String tag(Instance.Family f) {
        return f.label().substring(0, f.label().indexOf('('));
    }

    /** The adjoint system at one w_t. */
    private record System(Instance in, int t, Tensor wt, Linearization lin, double[][] a, Tensor b, double[] vt) {
        static System at(Instance in, int t) {
            Tensor wt = ItdEstimator.reverse(t).estimate(in.problem, in.lambda).inner();
            Linearization lin = in.linearize(wt);
            double[][] j = DenseMatrices.jacobianInner(lin, in.d);
            double[][] a = DenseMatrices.identityMinus(DenseMatrices.transpose(j));
            Tensor b = in.vector(in.outerGradientInner(wt));
            return new System(in, t, wt, lin, a, b, DenseMatrices.solve(a, b.toDoubleArray()));
        }

        LinearOperator operator(boolean symmetric) {
            return LinearOperator.of(v -> v.sub(lin.vjpInner(v)), symmetric);
        }

        double error(Tensor v) {
            return DenseMatrices.norm(DenseMatrices.sub(v.toDoubleArray(), vt));
        }

        @Override
        public String toString() {
            return in + ", t = " + t;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("symmetricFamilies")
    void conjugateGradientRate(Instance.Family family) {
        for (Instance in : family.instances(2, 2, 17)) {
            for (int t : INNER_STEPS) {
                System s = System.at(in, t);
                double asymmetry = DenseMatrices.asymmetry(s.a());
                assertTrue(asymmetry <= 1e-12 * DenseMatrices.frobenius(s.a()), () -> "A is not symmetric (" + asymmetry
                        + ") on " + s);
                double[] e = DenseMatrices.symmetricPartEigenvalues(s.a());
                double kappa = e[e.length - 1] / e[0];
                double sk = Math.sqrt(kappa);
                double factor = (sk - 1) / (sk + 1);
                String where = s + ", kappa(A) = " + kappa;
                REPORT.check("(18)/CG-sym-q instance: CG factor of kappa(A) <= q", factor, in.q, 1e-12, () -> where);
                if (in.problem instanceof OptimizationBilevelProblem p) {
                    double kappaLambda = p.curvature(in.lambda).orElseThrow().conditionNumber();
                    REPORT.check("(18) instance: kappa(A_t) <= kappa(lambda), " + tag(family), kappa, kappaLambda,
                            1e-12, () -> where);
                } else {
                    REPORT.check("CG-sym-q instance: kappa(A_t) <= (1+q)/(1-q), " + tag(family), kappa,
                            (1 + in.q) / (1 - in.q), 1e-12, () -> where);
                }
                LinearOperator op = s.operator(true);
                double vtNorm = DenseMatrices.norm(s.vt());
                for (int k = 0; k <= 40; k++) {
                    Tensor v = new ConjugateGradientSolver().solve(op, s.b(), null, IterationBudget.exactly(k))
                            .solution();
                    int kk = k;
                    REPORT.check("CG (17) |v_tk - v_t| <= 2 sqrt(kappa) r^k |v_t|, " + tag(family), s.error(v),
                            2 * sk * Math.pow(factor, k) * vtNorm, 1e-12 * vtNorm, () -> where + ", k = " + kk);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contractionFamilies")
    void fixedPointRate(Instance.Family family) {
        for (Instance in : family.instances(2, 1, 23)) {
            for (int t : INNER_STEPS) {
                System s = System.at(in, t);
                LinearOperator op = s.operator(false);
                double vtNorm = DenseMatrices.norm(s.vt());
                for (int k = 0; k <= 100; k++) {
                    Tensor v = RichardsonSolver.fixedPoint().solve(op, s.b(), null, IterationBudget.exactly(k))
                            .solution();
                    int kk = k;
                    // k = 0 is tight by definition (v_{t,0} = 0, sigma(0) = 1): reported on a row of its own
                    REPORT.check(k == 0 ? "T2.3 FP k = 0 (ratio 1 by definition)" : "T2.3 FP |v_tk - v_t| <= q^k "
                            + "|v_t|, k >= 1, " + tag(family), s.error(v), Math.pow(in.q, k) * vtNorm,
                            1e-12 * vtNorm, () -> s + ", k = " + kk);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contractionFamilies")
    void neumannTail(Instance.Family family) {
        for (Instance in : family.instances(2, 1, 25)) {
            System s = System.at(in, 10);
            LinearOperator op = s.operator(false);
            double bNorm = s.b().normValue();
            for (int k = 0; k <= 40; k++) {
                Tensor v = new NeumannSolver().solve(op, s.b(), null, IterationBudget.exactly(k)).solution();
                int kk = k;
                REPORT.check("Neumann, K applications: |v - v_t| <= q^(K+1)/(1-q) |b|, " + tag(family), s.error(v),
                        Math.pow(in.q, k + 1) / (1 - in.q) * bNorm, 1e-12 * bNorm, () -> s + ", K = " + kk);
                Tensor fp = RichardsonSolver.fixedPoint().solve(op, s.b(), null, IterationBudget.exactly(k + 1))
                        .solution();
                double difference = v.sub(fp).normValue() / Math.max(fp.normValue(), 1e-300);
                assertTrue(difference <= 1e-12, () -> "Neumann(K) != FP(K + 1): " + difference + " on " + s + ", K = "
                        + kk);
            }
        }
    }
}
