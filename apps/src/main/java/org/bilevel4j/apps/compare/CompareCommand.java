package org.bilevel4j.apps.compare;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.linalg.DenseDirectSolver;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.cli.ExperimentOptions;
import org.bilevel4j.apps.cli.ExperimentRunner;
import org.bilevel4j.apps.cli.Method;
import org.bilevel4j.apps.cli.MethodsOption;
import org.bilevel4j.apps.cli.OuterOptimizerName;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;
import org.bilevel4j.apps.report.Plots;
import org.bilevel4j.apps.report.RunLog;
import org.bilevel4j.apps.report.SummaryTable;
import org.bilevel4j.apps.tunel2.L2TuningProblem;
import org.bilevel4j.apps.tunel2.SyntheticClassification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs several hypergradient methods on the same problem (per-feature L2 tuning on synthetic data, small enough
 * for an exact reference) with the same budgets and outer optimizer, and plots, for each, the relative error of
 * its hypergradient against AID-exact at the same λ and the outer objective, versus wall time and versus oracle
 * calls. The reference is computed after each run, so it does not count in the timings.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, defaultValueProvider = CompareCommand.Defaults.class,
        description = "Compare hypergradient methods on one problem: error against AID-exact and outer objective, "
                + "versus wall time and versus oracle calls.")
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions options;

    @Mixin
    MethodsOption methods;

    @Option(names = "--train-size", defaultValue = "500", paramLabel = "N", description = "samples per split "
            + "(default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--features", defaultValue = "20", paramLabel = "D", description = "features (default: "
            + "${DEFAULT-VALUE})")
    int features;

    /** One method's run: per iteration, time, cumulative oracle calls, objective and error. */
    record Curve(Method method, double[] seconds, double[] calls, double[] objective, double[] error, Status status) {
    }

    /** {@code compare}'s defaults: t = 20, k = 10, 50 Adam steps of 0.05. */
    public static final class Defaults extends ExperimentOptions.Defaults {
        /** The defaults. */
        public Defaults() {
            super(Method.AID_CG, 20, 10, 50, OuterOptimizerName.ADAM, 0.05, false, "runs/compare");
            methods(Method.ITD, Method.AID_FP, Method.AID_NEUMANN, Method.AID_CG);
        }
    }

    @Override
    public Integer call() throws IOException {
        ExperimentOptions.atLeast(spec, "--train-size", trainSize, 10);
        ExperimentOptions.atLeast(spec, "--features", features, 1);
        List<Method> chosen = methods.chosen(options);
        PrintWriter out = options.start();
        Backend backend = options.backend();
        int informative = Math.max(1, features / 4);
        Batch train = Classification.batch(SyntheticClassification.generate(trainSize, features, informative, 3,
                options.seed(), options.seed() + 1), backend, 3);
        Batch validation = Classification.batch(SyntheticClassification.generate(trainSize, features, informative, 3,
                options.seed(), options.seed() + 2), backend, 3);
        L2TuningProblem problem = new L2TuningProblem(train, validation);
        HypergradientEstimator exact = AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), new IterationBudget(50_000, 1e-13, 0), false))
                .linearSolver(new DenseDirectSolver(), 1).build();
        out.printf(Locale.ROOT, "compare on synthetic per-feature L2 tuning (%d samples, %d features, 3 classes), "
                + "backend %s; t = %d, k = %d, s = %d, %s%n", trainSize, features, backend.name(), options.innerSteps(),
                options.linearSteps(), options.outerSteps(), options.optimizer().name());
        out.flush();
        List<Curve> curves = new ArrayList<>();
        for (Method m : chosen) {
            HypergradientEstimator estimator = options.estimator(m, new PicardIteration());
            out.println(estimator.name());
            out.flush();
            List<Tensor> lambdas = new ArrayList<>();
            List<Tensor> estimates = new ArrayList<>();
            ExperimentRunner runner = options.runner(out, options.out().resolve(m.cliName())).listener(it -> {
                lambdas.add(it.outer());
                estimates.add(it.estimate().hypergradient());
            });
            ExperimentRunner.Outcome o = runner.run(problem, estimator, options.optimizer(), options.outerSteps(),
                    backend.zeros(problem.outerShape()));
            List<RunLog.Row> rows = o.log().rows();
            double[] calls = new double[rows.size()];
            double[] error = new double[rows.size()];
            long total = 0;
            for (int i = 0; i < rows.size(); i++) {
                total += rows.get(i).oracleCalls();
                calls[i] = total;
                Tensor reference = exact.estimate(problem, lambdas.get(i)).hypergradient();
                error[i] = estimates.get(i).sub(reference).normValue() / Math.max(reference.normValue(), 1e-300);
            }
            curves.add(new Curve(m, o.log().column(RunLog.Row::seconds), calls, o.log().column(RunLog.Row::objective),
                    error,
                    o.result().status()));
        }
        write(curves);
        SummaryTable table = new SummaryTable("method", "final objective", "median rel. error", "max rel. error",
                "seconds", "oracle calls");
        for (Curve c : curves) {
            double[] sorted = c.error().clone();
            java.util.Arrays.sort(sorted);
            int n = sorted.length;
            if (n == 0) {
                table.row(c.method(), "n/a", "n/a", "n/a", "n/a", "n/a");
                continue;
            }
            table.row(c.method(), String.format(Locale.ROOT, "%.5f", c.objective()[n - 1]),
                    String.format(Locale.ROOT, "%.2e", sorted[n / 2]), String.format(Locale.ROOT, "%.2e", sorted[n - 1]),
                    String.format(Locale.ROOT, "%.2f", c.seconds()[n - 1]),
                    String.format(Locale.ROOT, "%.0f", c.calls()[n - 1]));
        }
        table.print(out);
        options.finish(out, curves.stream().filter(c -> c.status().isFailure())
                .map(c -> c.method() + " (" + c.status() + ")").toList());
        return 0;
    }

    private void write(List<Curve> curves) throws IOException {
        Path dir = options.out();
        Files.createDirectories(dir);
        Map<String, Plots.Series> errTime = new LinkedHashMap<>();
        Map<String, Plots.Series> errCost = new LinkedHashMap<>();
        Map<String, Plots.Series> objTime = new LinkedHashMap<>();
        Map<String, Plots.Series> objCost = new LinkedHashMap<>();
        try (Writer w = Files.newBufferedWriter(dir.resolve("compare.csv"), StandardCharsets.UTF_8)) {
            w.write("method,iteration,seconds,oracle_calls,objective,relative_error\n");
            for (Curve c : curves) {
                String m = c.method().cliName();
                errTime.put(m, new Plots.Series(c.seconds(), c.error()));
                errCost.put(m, new Plots.Series(c.calls(), c.error()));
                objTime.put(m, new Plots.Series(c.seconds(), c.objective()));
                objCost.put(m, new Plots.Series(c.calls(), c.objective()));
                for (int i = 0; i < c.error().length; i++) {
                    w.write(String.format(Locale.ROOT, "%s,%d,%.6f,%.0f,%.10g,%.6e\n", c.method(), i + 1,
                            c.seconds()[i], c.calls()[i], c.objective()[i], c.error()[i]));
                }
            }
        }
        Plots.line(dir.resolve("error-vs-time.png"), "Hypergradient error against AID-exact", "seconds",
                "relative error", true, errTime);
        Plots.line(dir.resolve("error-vs-cost.png"), "Hypergradient error against AID-exact",
                "oracle calls (maps + VJPs + JVPs + gradients)", "relative error", true, errCost);
        Plots.line(dir.resolve("objective-vs-time.png"), "Outer objective", "seconds", "validation loss", false,
                objTime);
        Plots.line(dir.resolve("objective-vs-cost.png"), "Outer objective", "oracle calls", "validation loss", false,
                objCost);
    }
}
