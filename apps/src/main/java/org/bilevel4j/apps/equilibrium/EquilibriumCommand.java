package org.bilevel4j.apps.equilibrium;

import static org.bilevel4j.apps.report.SummaryTable.decimal;
import static org.bilevel4j.apps.report.SummaryTable.percent;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.apps.cli.CliValue;
import org.bilevel4j.apps.cli.ExperimentOptions;
import org.bilevel4j.apps.cli.ExperimentRunner;
import org.bilevel4j.apps.cli.FashionMnistOption;
import org.bilevel4j.apps.cli.Method;
import org.bilevel4j.apps.cli.MethodsOption;
import org.bilevel4j.apps.cli.OuterOptimizerName;
import org.bilevel4j.apps.data.FashionMnist;
import org.bilevel4j.apps.data.LabelledData;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;
import org.bilevel4j.apps.report.Plots;
import org.bilevel4j.apps.report.RunLog;
import org.bilevel4j.apps.report.SummaryTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The equilibrium models of Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient
 * Computation", ICML 2020 (Section 3.2, Figure 2), on a Fashion-MNIST subset: trains {@link EquilibriumProblem} with
 * ITD, AID-FP and AID-CG on the normal equations (t = k = 20, Nesterov momentum), with and without the projection of A
 * onto the spectral-norm ball, and plots the training objective of every run together.
 */
@Command(name = "equilibrium", mixinStandardHelpOptions = true, defaultValueProvider = EquilibriumCommand.Defaults.class,
        description = "Train a tanh equilibrium model on a Fashion-MNIST subset with ITD, AID-FP and AID-CG (normal "
                + "equations), with and without the spectral-norm projection of A (Grazzi et al. 2020, Figure 2).")
public final class EquilibriumCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions options;

    @Mixin
    MethodsOption methods;

    @Option(names = "--projection", defaultValue = "both", paramLabel = "MODE",
            converter = ProjectionMode.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    ProjectionMode projection;

    @Option(names = "--train-size", defaultValue = "5000", paramLabel = "N", description = "training images "
            + "(default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--test-size", defaultValue = "2000", paramLabel = "N", description = "test images for the "
            + "accuracy (default: ${DEFAULT-VALUE})")
    int testSize;

    @Option(names = "--hidden", defaultValue = "200", paramLabel = "H", description = "state dimension h "
            + "(default: ${DEFAULT-VALUE})")
    int hidden;

    @Option(names = "--epsilon", defaultValue = "0.01", paramLabel = "EPS", description = "the projection keeps "
            + "|A| <= 1 - EPS (default: ${DEFAULT-VALUE})")
    double epsilon;

    @Option(names = "--float32", description = "compute in float32")
    boolean float32;

    @Mixin
    FashionMnistOption data;

    /** Which runs project A onto the spectral-norm ball ({@code --projection}). */
    public enum ProjectionMode implements CliValue {
        /** Projected runs only. */
        ON("on", List.of(true)),
        /** Unprojected runs only. */
        OFF("off", List.of(false)),
        /** Both, projected first. */
        BOTH("both", List.of(true, false));

        private final String cliName;
        private final List<Boolean> projected;

        ProjectionMode(String cliName, List<Boolean> projected) {
            this.cliName = cliName;
            this.projected = projected;
        }

        @Override
        public String cliName() {
            return cliName;
        }

        /** @return for each run of a method, in order, whether it projects */
        public List<Boolean> projected() {
            return projected;
        }

        @Override
        public String toString() {
            return cliName;
        }

        /** picocli converter. */
        public static final class Converter extends CliValue.Converter<ProjectionMode> {
            /** The converter. */
            public Converter() {
                super(ProjectionMode.class);
            }
        }
    }

    /** One run's outcome. */
    record Row(Method method, boolean projected, double firstObjective, double lastObjective, double worstRise,
            double testAccuracy, double normA, int iterations, Status status, double seconds) {
        /**
         * Finished, ended lower than it started, and never blew up on the way: no rise above the best objective so
         * far of more than half the first objective (a momentum overshoot stays well below that; the blow-up when
         * ‖A‖ leaves the unit ball does not).
         */
        boolean stable() {
            return !status.isFailure() && Double.isFinite(lastObjective) && lastObjective < firstObjective
                    && worstRise <= 0.5 * firstObjective;
        }
    }

    /** @return max over i of E_i - min_{j ≤ i} E_j; NaN if any E_i is NaN */
    static double worstRise(double[] objective) {
        double best = Double.POSITIVE_INFINITY;
        double rise = 0;
        for (double e : objective) {
            if (Double.isNaN(e)) {
                return Double.NaN;
            }
            best = Math.min(best, e);
            rise = Math.max(rise, e - best);
        }
        return rise;
    }

    /**
     * {@code equilibrium}'s defaults: t = k = 20, 100 Nesterov steps of 0.1, as in Grazzi et al. (ICML 2020), Section
     * 3.2.
     */
    public static final class Defaults extends ExperimentOptions.Defaults {
        /** The defaults. */
        public Defaults() {
            super(Method.ITD, 20, 20, 100, OuterOptimizerName.NESTEROV, 0.1, false, "runs/equilibrium");
            methods(Method.ITD, Method.AID_FP, Method.AID_CG_NORMAL);
        }
    }

    @Override
    public Integer call() throws IOException {
        ExperimentOptions.atLeast(spec, "--train-size", trainSize, 1);
        ExperimentOptions.atLeast(spec, "--test-size", testSize, 1);
        ExperimentOptions.atLeast(spec, "--hidden", hidden, 1);
        if (!(epsilon > 0 && epsilon < 1)) {
            throw new ParameterException(spec.commandLine(), "--epsilon: expected a value in (0, 1), got " + epsilon);
        }
        List<Method> chosen = methods.chosen(options);
        PrintWriter out = options.start();
        Backend backend = options.backend();
        DType dtype = float32 ? DType.FLOAT32 : DType.FLOAT64;
        Path dir = data.dir();
        LabelledData trainAll = FashionMnist.train(dir);
        LabelledData testAll = FashionMnist.test(dir);
        ExperimentOptions.atMost(spec, "--train-size", trainSize, trainAll.rows(), "the training images");
        ExperimentOptions.atMost(spec, "--test-size", testSize, testAll.rows(), "the test images");
        LabelledData train = trainAll.shuffled(options.seed()).subset(0, trainSize);
        LabelledData test = testAll.subset(0, testSize);
        Batch trainBatch = cast(Classification.batch(train, backend, 10), dtype);
        Batch testBatch = cast(Classification.batch(test, backend, 10), dtype);
        EquilibriumProblem problem = new EquilibriumProblem(trainBatch, hidden);
        out.printf(Locale.ROOT, "equilibrium model on Fashion-MNIST: %d training and %d test images, h = %d, "
                + "%d parameters, %s, backend %s; t = %d, k = %d, s = %d, %s%n", trainBatch.size(), testBatch.size(),
                hidden, problem.outerShape().size(), dtype, backend.name(), options.innerSteps(), options.linearSteps(),
                options.outerSteps(), options.optimizer().name());
        out.flush();
        List<Row> rows = new ArrayList<>();
        Map<String, Plots.Series> curves = new LinkedHashMap<>();
        for (boolean projected : projection.projected()) {
            for (Method m : chosen) {
                HypergradientEstimator estimator = options.estimator(m, new PicardIteration());
                String label = m + (projected ? "" : " (no projection)");
                out.println(label);
                out.flush();
                Path runDir = options.out().resolve(m + (projected ? "-projected" : "-free"));
                ExperimentRunner runner = options.runner(out, runDir)
                        .metric("norm_A", it -> problem.spectralNormOfA(it.next()));
                if (projected) {
                    runner.projection(problem.projection(epsilon));
                }
                Tensor start = problem.initial(options.seed(), dtype);
                ExperimentRunner.Outcome o = runner.run(problem, estimator, options.optimizer(), options.outerSteps(),
                        start);
                double[] objective = o.log().column(RunLog.Row::objective);
                curves.put(label, new Plots.Series(o.log().column(RunLog.Row::iteration), objective));
                Tensor last = o.result().outer();
                rows.add(new Row(m, projected, objective.length > 0 ? objective[0] : Double.NaN,
                        objective.length > 0 ? objective[objective.length - 1] : Double.NaN,
                        worstRise(objective),
                        problem.accuracy(last, testBatch, options.innerSteps()), problem.spectralNormOfA(last),
                        o.result().iterations(), o.result().status(), o.result().elapsedNanos() / 1e9));
            }
        }
        Plots.line(options.out().resolve("training-objective.png"), "Equilibrium model: training objective",
                "outer iteration", "cross-entropy", false, curves);
        SummaryTable table = new SummaryTable("method", "projection", "first E", "last E", "worst rise", "test acc.",
                "|A|", "iterations", "status", "stable", "seconds");
        for (Row r : rows) {
            table.row(r.method(), r.projected() ? "yes" : "no", decimal(r.firstObjective()), decimal(r.lastObjective()),
                    decimal(r.worstRise()), percent(r.testAccuracy()), decimal(r.normA()), r.iterations(),
                    r.status(), r.stable() ? "yes" : "NO", String.format(Locale.ROOT, "%.0f", r.seconds()));
        }
        table.print(out);
        options.finish(out, rows.stream().filter(r -> r.projected() && !r.stable())
                .map(r -> r.method() + " (projected, " + r.status() + ", did not train stably)").toList());
        return 0;
    }

    private static Batch cast(Batch b, DType dtype) {
        return new Batch(b.features().to(dtype), b.oneHot().to(dtype), b.labels(), b.classes());
    }
}
