package org.bilevel4j.apps.figure1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Figure 1 of Grazzi et al. (ICML 2020) on a reduced budget: the paper's finding that past the transient, CG has the
 * smallest hypergradient error on LR, then FP, then ITD; and the exact references agree with the methods run to
 * convergence.
 */
class Figure1ExperimentTest {
    private static final Backend B = Backends.get("ejml");

    @Test
    void onLogisticRegressionCgBeatsFixedPointWhichBeatsItdPastTheTransient() throws IOException {
        int[] grid = {20, 50, 100, 200};
        List<Figure1Experiment.Point> points = Figure1Experiment.run(Figure1Problems.create("LR", B, 0), grid, 10, 6,
                1, 2);
        Path dir = Files.createDirectories(Path.of("target", "figure1-test"));
        Figure1Command.write(dir.resolve("figure1-LR.csv"), points);
        List<String> csv = Files.readAllLines(dir.resolve("figure1-LR.csv"));
        assertEquals(points.size() + 1, csv.size(), "header + one line per (method, t)");
        assertTrue(csv.get(1).startsWith("LR,") && csv.get(1).split(",").length == 8, csv.get(1));
        for (int t : grid) {
            double itd = mean(points, "ITD", t);
            double fp = mean(points, "FP k=t", t);
            double cg = mean(points, "CG k=t", t);
            assertTrue(cg <= fp && fp <= itd, "t = " + t + ": expected CG <= FP <= ITD, got CG " + cg + ", FP " + fp
                    + ", ITD " + itd);
        }
        // every method improves with t (linear convergence past the transient)
        for (String m : List.of("ITD", "FP k=t", "CG k=t")) {
            assertTrue(mean(points, m, 200) < 0.5 * mean(points, m, 20), m + " does not improve from t = 20 to 200");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"LR", "KRR", "BR", "HR"})
    void exactReferenceAgreesWithAidCgRunToConvergence(String name) {
        SyntheticProblem p = Figure1Problems.create(name, B, 0);
        Tensor lambda = p.sampler().apply(new java.util.SplittableRandom(3));
        Tensor exact = p.exactHypergradient().apply(lambda);
        var estimator = org.bilevel4j.algorithms.aid.AidEstimator.builder()
                .inner(new org.bilevel4j.algorithms.hypergradient.InnerPhase(p.innerSolver(),
                        new org.bilevel4j.algorithms.diagnostics.IterationBudget(200_000, 1e-15, 0), false))
                .linearSolver(new org.bilevel4j.algorithms.linalg.ConjugateGradientSolver(),
                        new org.bilevel4j.algorithms.diagnostics.IterationBudget(5_000, 1e-14, 0))
                .build();
        var e = estimator.estimate(p.problem(), lambda);
        double error = e.hypergradient().sub(exact).normValue() / exact.normValue();
        assertTrue(error < 1e-7, name + ": relative error " + error + " of " + e);
        assertEquals(lambda.shape(), exact.shape());
    }

    private static double mean(List<Figure1Experiment.Point> points, String method, int t) {
        return points.stream().filter(p -> p.method().equals(method) && p.t() == t).findFirst().orElseThrow().mean();
    }
}
