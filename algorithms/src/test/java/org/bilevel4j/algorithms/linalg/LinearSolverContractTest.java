package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.CountingOperator;
import static org.bilevel4j.testkit.linalg.DenseMatrices.geometric;
import static org.bilevel4j.testkit.linalg.DenseMatrices.maxAbsDiff;
import static org.bilevel4j.algorithms.TestMatrices.nonSymmetric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.shiftedRandom;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.symmetricIndefinite;
import static org.bilevel4j.algorithms.TestMatrices.withSingularValues;
import static org.bilevel4j.algorithms.TestMatrices.withTranspose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link LinearSolver} shares, checked for each solver on the kind of system it is meant for
 * (30 x 30, condition numbers up to 100): convergence to the dense solution, the residual history, the reported
 * operator counts against the calls actually made, warm starts, budgets of 0 and exact budgets, and input
 * validation.
 */
class LinearSolverContractTest {
    private static final int N = 30;

    /** A system A x = b with the dense matrix for reference. */
    record Sys(Tensor a, LinearOperator op, Tensor b) {
        Tensor exact() {
            return a.solve(b);
        }

        double trueResidual(Tensor x) {
            return b.sub(a.matmul(x)).normValue();
        }
    }

    /** A solver with the system it is meant for. */
    record Case(String name, Supplier<LinearSolver> solver, Function<SplittableRandom, Sys> system,
            boolean iterative) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Sys spdSystem(SplittableRandom rng) {
        Tensor a = spd(N, 100, rng);
        return new Sys(a, operator(a, true), randomVector(N, rng));
    }

    static Sys spd10System(SplittableRandom rng) {
        Tensor a = spd(N, 10, rng);
        return new Sys(a, operator(a, true), randomVector(N, rng));
    }

    static Sys indefiniteSystem(SplittableRandom rng) {
        Tensor a = symmetricIndefinite(N, 20, rng);
        return new Sys(a, operator(a, true), randomVector(N, rng));
    }

    static Sys nonSymmetricSystem(SplittableRandom rng) {
        Tensor a = nonSymmetric(N, 20, rng);
        return new Sys(a, withTranspose(a), randomVector(N, rng));
    }

    static Sys shiftedSystem(SplittableRandom rng) {
        Tensor a = shiftedRandom(N, rng);
        return new Sys(a, withTranspose(a), randomVector(N, rng));
    }

    /** A = I - M^T with ||M|| = 0.5: the adjoint system of a 0.5-contraction. */
    static Sys contractionSystem(SplittableRandom rng) {
        Tensor m = withSingularValues(N, N, geometric(N, 0.05, 0.5), rng);
        Tensor a = B.identity(N).sub(m.transpose());
        return new Sys(a, withTranspose(a), randomVector(N, rng));
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("cg/spd", ConjugateGradientSolver::new, LinearSolverContractTest::spdSystem, true),
                new Case("minres/spd", MinresSolver::new, LinearSolverContractTest::spdSystem, true),
                new Case("minres/indefinite", MinresSolver::new, LinearSolverContractTest::indefiniteSystem, true),
                new Case("gmres/non-symmetric", GmresSolver::new, LinearSolverContractTest::nonSymmetricSystem, true),
                new Case("gmres(5)/shifted", () -> new GmresSolver(5), LinearSolverContractTest::shiftedSystem, true),
                new Case("cg-normal/non-symmetric", NormalEquationsSolver::new,
                        LinearSolverContractTest::nonSymmetricSystem, true),
                new Case("fixed-point/contraction", RichardsonSolver::fixedPoint,
                        LinearSolverContractTest::contractionSystem, true),
                new Case("gd/spd", () -> RichardsonSolver.gradientDescent(2.0 / (1 + 10)),
                        LinearSolverContractTest::spd10System, true),
                new Case("neumann/contraction", NeumannSolver::new, LinearSolverContractTest::contractionSystem, true),
                new Case("exact/non-symmetric", DenseDirectSolver::new, LinearSolverContractTest::nonSymmetricSystem,
                        false),
                new Case("auto/spd", AutoLinearSolver::new, LinearSolverContractTest::spdSystem, true),
                new Case("auto/indefinite", AutoLinearSolver::new, LinearSolverContractTest::indefiniteSystem, true),
                new Case("auto/non-symmetric", AutoLinearSolver::new, LinearSolverContractTest::nonSymmetricSystem,
                        true));
    }

    static Stream<Case> iterativeCases() {
        return cases().filter(Case::iterative);
    }

    private static SplittableRandom rng(Case c) {
        return new SplittableRandom(1000 + c.name().hashCode());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convergesToTheDenseSolution(Case c) {
        Sys s = c.system().apply(rng(c));
        double bNorm = s.b().normValue();
        LinearSolveResult r = c.solver().get().solve(s.op(), s.b(), null, IterationBudget.of(3000, 1e-12));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), s.exact()) <= 1e-9,
                () -> "relative error " + relativeError(r.solution(), s.exact()) + ": " + r);
        assertEquals(r.iterations() + 1, r.residualNorms().length, "one residual per iteration plus the initial one");
        assertEquals(bNorm, r.residualNorms()[0], 1e-14 * bNorm, "residualNorms[0] = ||b - A 0||");
        double trueResidual = s.trueResidual(r.solution());
        assertTrue(Math.abs(r.finalResidual() - trueResidual) <= 1e-8 * bNorm,
                () -> "tracked " + r.finalResidual() + " vs true " + trueResidual);
        assertTrue(r.finalResidual() <= 1e-12 * bNorm || !c.iterative(), r::toString);
        assertTrue(trueResidual <= 1e-9 * bNorm, () -> "true residual " + trueResidual);
        assertTrue(r.solution().shape().equals(s.b().shape()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportedCountsAreTheCallsMade(Case c) {
        SplittableRandom rng = rng(c);
        Sys s = c.system().apply(rng);
        for (Tensor x0 : new Tensor[] {null, randomVector(N, rng)}) {
            for (IterationBudget budget : new IterationBudget[] {IterationBudget.of(3000, 1e-12),
                    IterationBudget.exactly(7)}) {
                CountingOperator counted = new CountingOperator(s.op());
                LinearSolveResult r = c.solver().get().solve(counted, s.b(), x0, budget);
                assertEquals(counted.applications, r.operatorApplications(), () -> "A: " + r);
                assertEquals(counted.transposes, r.transposeApplications(), () -> "A^T: " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("iterativeCases")
    void startsFromAGivenPoint(Case c) {
        SplittableRandom rng = rng(c);
        Sys s = c.system().apply(rng);
        Tensor x0 = randomVector(N, rng);
        Tensor x0Copy = x0.add(0.0);
        Tensor bCopy = s.b().add(0.0);
        LinearSolveResult r = c.solver().get().solve(s.op(), s.b(), x0, IterationBudget.of(3000, 1e-12));

        double r0 = s.trueResidual(x0);
        assertEquals(r0, r.residualNorms()[0], 1e-12 * r0, "residualNorms[0] = ||b - A x0||");
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), s.exact()) <= 1e-9, r::toString);
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        assertEquals(0.0, maxAbsDiff(x0, x0Copy), "x0 must not be modified");
        assertEquals(0.0, maxAbsDiff(s.b(), bCopy), "b must not be modified");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("iterativeCases")
    void warmStartFromTheSolutionTakesNoIteration(Case c) {
        Sys s = c.system().apply(rng(c));
        Tensor exact = s.exact();
        LinearSolveResult r = c.solver().get().solve(s.op(), s.b(), exact, IterationBudget.of(3000, 1e-12));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertEquals(0, r.iterations(), r::toString);
        assertEquals(1, r.residualNorms().length);
        assertEquals(1, r.operatorApplications(), "only the initial residual b - A x0");
        assertTrue(relativeError(r.solution(), exact) <= 1e-12, r::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("iterativeCases")
    void zeroBudgetReturnsTheStartingPoint(Case c) {
        SplittableRandom rng = rng(c);
        Sys s = c.system().apply(rng);
        Tensor x0 = randomVector(N, rng);
        boolean neumann = c.name().startsWith("neumann");

        LinearSolveResult cold = c.solver().get().solve(s.op(), s.b(), null, IterationBudget.of(0, 1e-12));
        assertEquals(Status.BUDGET_EXHAUSTED, cold.status(), cold::toString);
        assertEquals(0, cold.iterations());
        assertEquals(0, cold.operatorApplications());
        assertEquals(1, cold.residualNorms().length);
        // the truncated Neumann series with K = 0 applications is its first term b (documented)
        Tensor expectedCold = neumann ? s.b() : B.zeros(N);
        assertEquals(0.0, maxAbsDiff(cold.solution(), expectedCold), cold::toString);

        LinearSolveResult warm = c.solver().get().solve(s.op(), s.b(), x0, IterationBudget.exactly(0));
        assertEquals(Status.BUDGET_EXHAUSTED, warm.status(), warm::toString);
        assertEquals(0, warm.iterations());
        assertEquals(1, warm.residualNorms().length);
        Tensor expectedWarm = neumann ? x0.add(s.b().sub(s.a().matmul(x0))) : x0;
        assertTrue(maxAbsDiff(warm.solution(), expectedWarm) <= 1e-13, warm::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("iterativeCases")
    void zeroToleranceRunsExactlyTheBudget(Case c) {
        Sys s = c.system().apply(rng(c));
        for (int k : new int[] {1, 7, 12}) {
            LinearSolveResult r = c.solver().get().solve(s.op(), s.b(), null, IterationBudget.exactly(k));
            assertEquals(Status.BUDGET_EXHAUSTED, r.status(), r::toString);
            assertEquals(k, r.iterations(), r::toString);
            assertEquals(k + 1, r.residualNorms().length, r::toString);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsAStartingPointOfTheWrongShape(Case c) {
        Sys s = c.system().apply(rng(c));
        LinearSolver solver = c.solver().get();
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> solver.solve(s.op(), s.b(), B.zeros(N + 1), IterationBudget.of(10, 1e-8)));
        assertTrue(e.getMessage().startsWith("x0"), e::getMessage);
        ShapeMismatchException e2 = assertThrows(ShapeMismatchException.class,
                () -> solver.solve(s.op(), s.b(), B.zeros(N, 1), IterationBudget.of(10, 1e-8)));
        assertTrue(e2.getMessage().startsWith("x0"), e2::getMessage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsNonFiniteInputs(Case c) {
        Sys s = c.system().apply(rng(c));
        LinearSolver solver = c.solver().get();
        double[] values = s.b().toDoubleArray();
        Tensor mask = nanAt(N, 3);
        Tensor badB = s.b().add(mask);
        assertTrue(Double.isNaN(badB.get(3)) && badB.get(2) == values[2]);
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                () -> solver.solve(s.op(), badB, null, IterationBudget.of(10, 1e-8)));
        assertTrue(e.getMessage().startsWith("b:"), e::getMessage);

        Tensor badX0 = B.zeros(N).add(mask);
        NonFiniteValueException e2 = assertThrows(NonFiniteValueException.class,
                () -> solver.solve(s.op(), s.b(), badX0, IterationBudget.of(10, 1e-8)));
        assertTrue(e2.getMessage().startsWith("x0:"), e2::getMessage);
    }

    /** @return zeros with a NaN at index i (log(-1); tensors cannot be created from non-finite values) */
    static Tensor nanAt(int n, int i) {
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0);
        v[i] = -1;
        return B.vector(v).log();
    }
}
