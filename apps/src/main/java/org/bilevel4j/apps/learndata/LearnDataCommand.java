package org.bilevel4j.apps.learndata;

import static org.bilevel4j.apps.report.SummaryTable.decimal;
import static org.bilevel4j.apps.report.SummaryTable.percent;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.cli.ExperimentOptions;
import org.bilevel4j.apps.cli.ExperimentRunner;
import org.bilevel4j.apps.cli.FashionMnistOption;
import org.bilevel4j.apps.cli.Method;
import org.bilevel4j.apps.cli.OuterOptimizerName;
import org.bilevel4j.apps.data.FashionMnist;
import org.bilevel4j.apps.data.LabelledData;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;
import org.bilevel4j.apps.report.SummaryTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The training-data optimisation of Grazzi et al. (ICML 2020) on Fashion-MNIST ({@link DataLearningProblem}): learns 10
 * training images, one per class, writes them as a PNG, and reports f_t(λ_s) and the test accuracy of w_t(λ_s) (Table
 * 1) and of the exact w(λ_s) from 2,000 gradient steps (Table 2). {@code --table1} runs every row and column of the
 * paper's Fashion-MNIST part of Table 1.
 */
@Command(name = "learn-data", mixinStandardHelpOptions = true, defaultValueProvider = LearnDataCommand.Defaults.class,
        description = "Learn 10 training images of Fashion-MNIST (one per class) by hypergradient descent, as in "
                + "Grazzi et al. (2020), Table 1. Writes the learned images as a PNG.")
public final class LearnDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions options;

    @Mixin
    FashionMnistOption data;

    @Option(names = "--reference-size", paramLabel = "N", defaultValue = "60000",
            description = "training images in the outer objective (default: all ${DEFAULT-VALUE})")
    int referenceSize;

    @Option(names = "--table1", description = "run the Fashion-MNIST columns of Table 1: ITD, FP and CG with k = t, for "
            + "t = 5 and 10, and FP and CG with k = 5 at t = 10")
    boolean table1;

    /** One configuration's outcome. */
    public record Row(Method method, int t, int k, double objective, double testAccuracy, double exactObjective,
            double exactTestAccuracy, double seconds, Status status) {
    }

    /** One row of Table 1: the method and its t and k. */
    private record Config(Method method, int t, int k) {
    }

    /**
     * The Fashion-MNIST rows of Table 1 of Grazzi et al. (ICML 2020): ITD, FP and CG with k = t for t = 5, 10, then k =
     * 5 at t = 10.
     */
    private static final List<Config> TABLE1 = List.of(new Config(Method.ITD, 5, 5), new Config(Method.AID_FP, 5, 5),
            new Config(Method.AID_CG, 5, 5), new Config(Method.ITD, 10, 10), new Config(Method.AID_FP, 10, 10),
            new Config(Method.AID_CG, 10, 10), new Config(Method.AID_FP, 10, 5), new Config(Method.AID_CG, 10, 5));

    /**
     * {@code learn-data}'s defaults: ITD with t = 5, 4,000 gradient steps of 3e-7 (Grazzi et al., ICML 2020, Table 1).
     */
    public static final class Defaults extends ExperimentOptions.Defaults {
        /** The defaults. */
        public Defaults() {
            super(Method.ITD, 5, 5, 4000, OuterOptimizerName.GD, 3e-7, false, "runs/learn-data");
        }
    }

    @Override
    public Integer call() throws IOException {
        ExperimentOptions.atLeast(spec, "--reference-size", referenceSize, 1);
        PrintWriter out = options.start();
        Backend backend = options.backend();
        Path dir = data.dir();
        LabelledData train = FashionMnist.train(dir);
        LabelledData testData = FashionMnist.test(dir);
        Batch reference = Classification.batch(train.subset(0, Math.min(referenceSize, train.rows())), backend, 10);
        Batch test = Classification.batch(testData, backend, 10);
        DataLearningProblem problem = new DataLearningProblem(reference, DataLearningProblem.INNER_STEP);
        out.printf(Locale.ROOT, "learn-data on Fashion-MNIST: %d reference images, %d test images; backend %s%n",
                reference.size(), test.size(), backend.name());
        out.flush();
        List<Row> rows = new ArrayList<>();
        List<Config> configs = table1 ? TABLE1
                : List.of(new Config(options.method(), options.innerSteps(), options.linearSteps()));
        for (Config c : configs) {
            rows.add(run(problem, test, c.method(), c.t(), c.k(), out));
            // rewritten after every row, so that an interrupted --table1 keeps the rows it finished
            writeTable(options.out().resolve("table.csv"), rows);
        }
        SummaryTable table = new SummaryTable("method", "t", "k", "f_t(lambda_s)", "test acc. (w_t)", "f(lambda_s)",
                "test acc. (w)", "seconds", "status");
        for (Row r : rows) {
            table.row(r.method(), r.t(), r.k(), decimal(r.objective()), percent(r.testAccuracy()),
                    decimal(r.exactObjective()), percent(r.exactTestAccuracy()),
                    String.format(Locale.ROOT, "%.0f", r.seconds()), r.status());
        }
        table.print(out);
        options.finish(out, rows.stream().filter(r -> r.status().isFailure())
                .map(r -> r.method() + "-t" + r.t() + "-k" + r.k() + " " + r.status()).toList());
        return 0;
    }

    private Row run(DataLearningProblem problem, Batch test, Method method, int t, int k, PrintWriter out)
            throws IOException {
        HypergradientEstimator estimator = method.create(new PicardIteration(), t, k, options.warmStart());
        String label = method + "-t" + t + "-k" + k;
        Path dir = table1 ? options.out().resolve(label) : options.out();
        out.printf(Locale.ROOT, "%s, s = %d, %s%n", estimator.name(), options.outerSteps(), options.optimizer().name());
        out.flush();
        Backend b = test.features().backend();
        Tensor x0 = b.zeros(problem.outerShape());
        ExperimentRunner runner = options.runner(out, dir);
        ExperimentRunner.Outcome o = runner.run(problem, estimator, options.optimizer(), options.outerSteps(), x0);
        Tensor x = o.result().outer();
        // Table 1: w_t(lambda_s) by t steps from 0; Table 2: w(lambda_s) by 2000 steps from 0
        Tensor wt = new PicardIteration().run(problem, x, problem.initialInner(x), IterationBudget.exactly(t)).inner();
        Tensor w = new PicardIteration().run(problem, x, problem.initialInner(x), IterationBudget.exactly(2000)).inner();
        double ft = problem.outerObjective().value(wt, x).item();
        double f = problem.outerObjective().value(w, x).item();
        ImageGrid.write(dir.resolve("learned-images.png"), x.toDoubleArray(), x.dim(0), FashionMnist.SIDE, 5, 4);
        return new Row(method, t, k, ft, Classification.accuracy(test.features().matmul(wt), test.labels()), f,
                Classification.accuracy(test.features().matmul(w), test.labels()), o.result().elapsedNanos() / 1e9,
                o.result().status());
    }

    private static void writeTable(Path file, List<Row> rows) throws IOException {
        StringBuilder sb = new StringBuilder("method,t,k,objective_t,test_accuracy_t,objective_exact,"
                + "test_accuracy_exact,seconds,status\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%.6f,%.6f,%.1f,%s\n", r.method(), r.t(), r.k(),
                    r.objective(), r.testAccuracy(), r.exactObjective(), r.exactTestAccuracy(), r.seconds(), r.status()));
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
