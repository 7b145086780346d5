package org.bilevel4j.apps.demo;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.cli.BackendOption;
import org.bilevel4j.apps.cli.ExperimentFailure;
import org.bilevel4j.apps.cli.ExperimentOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Computes one hypergradient of the built-in quadratic problem by AID-CG with certified diagnostics, and
 * compares it with the closed form.
 */
@Command(name = "hypergradient", mixinStandardHelpOptions = true,
        description = "Compute the hypergradient of a built-in quadratic bilevel problem by AID-CG, print its "
                + "diagnostics and compare it with the closed form.")
public final class HypergradientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendOption backend;

    @Option(names = "--dim", defaultValue = "50", description = "inner dimension d, 1 .. " + MAX_DIM
            + " (default: ${DEFAULT-VALUE})")
    int dim;

    /** Largest d: the problem holds dense d x d matrices and builds an orthogonal one in O(d³) operations. */
    static final int MAX_DIM = 2000;

    @Option(names = "--outer-dim", defaultValue = "5", description = "outer dimension n (default: ${DEFAULT-VALUE})")
    int outerDim;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        backend.validate(spec);
        ExperimentOptions.atLeast(spec, "--dim", dim, 1);
        ExperimentOptions.atMost(spec, "--dim", dim, MAX_DIM, "the largest dense d x d problem");
        ExperimentOptions.atLeast(spec, "--outer-dim", outerDim, 1);
        ExperimentOptions.atMost(spec, "--outer-dim", outerDim, dim, "the inner dimension --dim");
        PrintWriter out = spec.commandLine().getOut();
        Backend b = backend.backend();
        QuadraticProblem q = new QuadraticProblem(b, dim, outerDim, 1.0, 20.0, seed);
        Tensor lambda = b.randomNormal(q.outerShape(), org.bilevel4j.api.tensor.types.DType.FLOAT64,
                new java.util.SplittableRandom(seed + 1));
        AidEstimator estimator = AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), new IterationBudget(2000, 1e-15, 0), false))
                .linearSolver(new ConjugateGradientSolver(), new IterationBudget(500, 1e-13, 0))
                .build();
        HypergradientEstimate e = estimator.estimate(q, lambda);
        Tensor exact = q.closedFormHypergradient(lambda);
        double error = e.hypergradient().sub(exact).abs().max().item();
        out.printf(Locale.ROOT, "bilevel4j %s on backend '%s': quadratic bilevel problem, d = %d, n = %d, "
                + "kappa(H) = 20%n%n", estimator.name(), b.name(), dim, outerDim);
        out.printf(Locale.ROOT, "hypergradient      %s%n", format(e.hypergradient()));
        out.printf(Locale.ROOT, "closed form        %s%n", format(exact));
        out.printf(Locale.ROOT, "max |difference|   %.3e  (%s 1e-10)%n", error, error <= 1e-10 ? "within" : "ABOVE");
        out.printf(Locale.ROOT, "status             %s%n", e.status());
        out.printf(Locale.ROOT, "outer objective    %.12f%n", e.outerValue());
        out.printf(Locale.ROOT, "inner residual     %.3e after %d steps%n", e.innerResidual(), e.innerIterations());
        AidDiagnostics aid = e.diagnostics(AidDiagnostics.class);
        out.printf(Locale.ROOT, "adjoint residual   %.3e after %d CG iterations%n", aid.adjointResidual(),
                aid.linearIterations());
        out.printf(Locale.ROOT, "error bound        %s (%s)%n", Double.isNaN(e.bound().hypergradientError())
                ? "n/a" : String.format(Locale.ROOT, "%.3e", e.bound().hypergradientError()), e.bound().note());
        out.printf(Locale.ROOT, "inner error bound  %.3e%n", e.bound().innerError());
        out.printf(Locale.ROOT, "oracle calls       %s%n", e.counts());
        out.flush();
        if (!(error <= 1e-10) || !e.status().isConverged()) {
            throw new ExperimentFailure("the hypergradient does not match its closed form to 1e-10 (max |difference| "
                    + error + ", status " + e.status() + ")");
        }
        return 0;
    }

    private static String format(Tensor t) {
        double[] v = t.toDoubleArray();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "% .12f", v[i]));
        }
        return sb.append(']').toString();
    }
}
