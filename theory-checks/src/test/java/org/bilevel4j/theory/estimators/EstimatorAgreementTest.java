package org.bilevel4j.theory.estimators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.HeavyBallIteration;
import org.bilevel4j.algorithms.inner.NesterovIteration;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.problems.AffineContraction;
import org.bilevel4j.testkit.problems.BiasedRegularization;
import org.bilevel4j.testkit.problems.L2LogisticRegression;
import org.bilevel4j.testkit.problems.PerCoordinateRidge;
import org.bilevel4j.testkit.problems.TanhEquilibrium;
import org.bilevel4j.testkit.problems.TestProblem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every estimator, given a large budget, agrees with AID-exact to 1e-8 (relative) on every problem family, and
 * AID-exact agrees with the closed-form hypergradient.
 */
class EstimatorAgreementTest {
    private static final Backend B = Backends.get("ejml");
    private static final double TOLERANCE = 1e-8;

    static List<TestProblem> problems() {
        return List.of(
                new AffineContraction(B, 12, 4, 0.8, false, 1),
                new AffineContraction(B, 12, 4, 0.8, true, 2),
                new PerCoordinateRidge(B, 30, 8, 0.5, 5, 3),
                new TanhEquilibrium(B, 12, 4, 0.8, 4),
                new BiasedRegularization(B, 40, 10, 1.0, 5),
                new L2LogisticRegression(B, 40, 6, 2, 6, 6));
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (TestProblem p : problems()) {
            int t = steps(p);
            for (HypergradientEstimator e : estimators(p, t)) {
                all.add(Arguments.of(p, e));
            }
        }
        return all.stream();
    }

    /** Picard steps that bring q^t below 1e-13. */
    static int steps(TestProblem p) {
        double q = p.contraction(p.sampleOuter(new SplittableRandom(0)));
        return (int) Math.ceil(Math.log(1e-13) / Math.log(q));
    }

    static List<HypergradientEstimator> estimators(TestProblem p, int t) {
        List<HypergradientEstimator> list = new ArrayList<>(List.of(
                ItdEstimator.reverse(t),
                ItdEstimator.builder().innerSteps(t).keepTape(true).build(),
                ItdEstimator.checkpointed(t),
                ItdEstimator.truncated(t, t),
                ItdEstimator.forward(t),
                AidEstimator.fixedPoint(t, t),
                AidEstimator.neumann(t, t),
                AidEstimator.normalEquations(t, 200),
                AidEstimator.gmres(t, 200),
                AidEstimator.auto(t, 200),
                AidEstimator.gradientDescent(t, 4 * t, 0.5)));
        if (p.innerMap().hasSymmetricJacobian()) {
            list.add(AidEstimator.conjugateGradient(t, 200));
            list.add(AidEstimator.minres(t, 200));
        }
        if (p instanceof OptimizationBilevelProblem) {
            list.add(AidEstimator.builder().inner(new InnerPhase(HeavyBallIteration.optimal(),
                    IterationBudget.exactly(t), false)).linearSolver(new org.bilevel4j.algorithms.linalg
                            .ConjugateGradientSolver(), 200).build());
            list.add(AidEstimator.builder().inner(new InnerPhase(NesterovIteration.optimal(),
                    IterationBudget.exactly(t), false)).linearSolver(new org.bilevel4j.algorithms.linalg
                            .ConjugateGradientSolver(), 200).build());
        }
        return list;
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void agreesWithTheExactHypergradient(TestProblem problem, HypergradientEstimator estimator) {
        SplittableRandom rng = new SplittableRandom(42);
        HypergradientEstimator exact = AidEstimator.exact(20 * steps(problem));
        for (int i = 0; i < 2; i++) {
            Tensor lambda = problem.sampleOuter(rng);
            Tensor closedForm = problem.exactHypergradient(lambda);
            HypergradientEstimate reference = exact.estimate(problem, lambda);
            double refError = relative(reference.hypergradient(), closedForm);
            assertTrue(refError <= TOLERANCE, () -> "AID-exact vs closed form: " + refError + " " + reference);
            HypergradientEstimate e = estimator.estimate(problem, lambda);
            double error = relative(e.hypergradient(), reference.hypergradient());
            assertTrue(error <= TOLERANCE, () -> estimator.name() + " vs AID-exact: relative error " + error + "; " + e);
        }
    }

    static double relative(Tensor a, Tensor b) {
        return a.sub(b).normValue() / Math.max(b.normValue(), 1e-300);
    }
}
