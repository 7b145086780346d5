package org.bilevel4j.apps.tunel2;

import static org.bilevel4j.apps.report.SummaryTable.decimal;
import static org.bilevel4j.apps.report.SummaryTable.percent;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.inner.InnerRun;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.outer.BilevelResult;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.cli.CliValue;
import org.bilevel4j.apps.cli.ExperimentOptions;
import org.bilevel4j.apps.cli.ExperimentRunner;
import org.bilevel4j.apps.cli.FashionMnistOption;
import org.bilevel4j.apps.cli.Method;
import org.bilevel4j.apps.cli.OuterOptimizerName;
import org.bilevel4j.apps.data.DataFormatException;
import org.bilevel4j.apps.data.FashionMnist;
import org.bilevel4j.apps.data.LabelledData;
import org.bilevel4j.apps.data.LibsvmData;
import org.bilevel4j.apps.data.LibsvmReader;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;
import org.bilevel4j.apps.report.SummaryTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Learns one L2 penalty per feature of a multinomial logistic regression by hypergradient descent on the
 * validation loss ({@link L2TuningProblem}). The default command of the tool.
 */
@Command(name = "tune-l2", mixinStandardHelpOptions = true, defaultValueProvider = TuneL2Command.Defaults.class,
        description = "Learn per-feature L2 penalties exp(lambda_j) of multinomial logistic regression by hypergradient "
                + "descent on the validation loss. Data: synthetic (default, generated in process), a LIBSVM file, or "
                + "Fashion-MNIST.")
public final class TuneL2Command implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExperimentOptions options;

    @Option(names = "--data", defaultValue = "synthetic", paramLabel = "SOURCE", converter = DataSource.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    DataSource data;

    @Mixin
    FashionMnistOption fashionMnist;

    @Option(names = "--libsvm-file", paramLabel = "FILE", description = "LIBSVM file, split into training, validation "
            + "and test thirds (needs --data libsvm)")
    Path libsvmFile;

    @Option(names = "--max-features", paramLabel = "D", defaultValue = "" + LibsvmReader.DEFAULT_MAX_FEATURES,
            description = "largest feature index accepted in the LIBSVM file (default: ${DEFAULT-VALUE})")
    int maxFeatures;

    @Option(names = "--train-size", defaultValue = "1000", paramLabel = "N",
            description = "training samples (default: ${DEFAULT-VALUE}); synthetic data: validation and test use the "
                    + "same size; Fashion-MNIST: as many validation images, and the 10,000 test images; LIBSVM: "
                    + "ignored (the file is split in thirds)")
    int trainSize;

    /** Where the samples come from ({@code --data}). */
    public enum DataSource implements CliValue {
        /** Generated in process ({@link SyntheticClassification}). */
        SYNTHETIC("synthetic"),
        /** Fashion-MNIST's IDX files. */
        FASHION_MNIST("fashion-mnist"),
        /** A LIBSVM file ({@code --libsvm-file}). */
        LIBSVM("libsvm");

        private final String cliName;

        DataSource(String cliName) {
            this.cliName = cliName;
        }

        @Override
        public String cliName() {
            return cliName;
        }

        @Override
        public String toString() {
            return cliName;
        }

        /** picocli converter. */
        public static final class Converter extends CliValue.Converter<DataSource> {
            /** The converter. */
            public Converter() {
                super(DataSource.class);
            }
        }
    }

    /** Fewest samples of a LIBSVM file: two in each of the training, validation and test thirds. */
    static final int MIN_LIBSVM_SAMPLES = 6;

    /**
     * {@code tune-l2}'s defaults: AID-CG with warm starts, each solve run to the relative tolerance 1e-5 (at most
     * t = 2000 inner and k = 200 CG iterations), so that every estimate of a healthy run is CONVERGED and a flagged
     * one stands out; 200 Adam steps of 0.05.
     */
    public static final class Defaults extends ExperimentOptions.Defaults {
        /** The defaults. */
        public Defaults() {
            super(Method.AID_CG, 2000, 200, 200, OuterOptimizerName.ADAM, 0.05, true, "runs/tune-l2");
            tolerance(1e-5);
        }
    }

    @Override
    public Integer call() throws IOException {
        ExperimentOptions.atLeast(spec, "--train-size", trainSize, 10);
        ExperimentOptions.atLeast(spec, "--max-features", maxFeatures, 1);
        if (data == DataSource.LIBSVM && libsvmFile == null) {
            throw new ParameterException(spec.commandLine(), "--data libsvm needs --libsvm-file FILE");
        }
        if (data != DataSource.LIBSVM && libsvmFile != null) {
            throw new ParameterException(spec.commandLine(), "--libsvm-file: expected with --data libsvm, got it with "
                    + "--data " + data + " (add --data libsvm to tune on the file)");
        }
        PrintWriter out = options.start();
        Backend backend = options.backend();
        LabelledData[] sets = load();
        int classes = Math.max(Math.max(sets[0].classes(), sets[1].classes()), sets[2].classes());
        Batch train = Classification.batch(sets[0], backend, classes);
        Batch validation = Classification.batch(sets[1], backend, classes);
        Batch test = Classification.batch(sets[2], backend, classes);
        L2TuningProblem problem = new L2TuningProblem(train, validation);
        HypergradientEstimator estimator = options.estimator(new PicardIteration());
        out.printf(Locale.ROOT, "tune-l2 on %s data: %d training, %d validation, %d test samples, %d features, %d "
                + "classes; backend %s%n%s, %s%n", data, train.size(), validation.size(), test.size(),
                train.features().dim(1), classes, backend.name(), estimator.name(), options.describe());
        out.flush();

        Tensor lambda0 = backend.zeros(problem.outerShape());
        Tensor w0 = solveInner(problem, lambda0, problem.initialInner(lambda0));
        Path dir = options.out();
        ExperimentRunner runner = options.runner(out, dir)
                .metric("train_loss", it -> L2TuningProblem.loss(it.estimate().inner(), train));
        ExperimentRunner.Outcome o = runner.run(problem, estimator, options.optimizer(), options.outerSteps(), lambda0);
        BilevelResult r = o.result();
        Tensor lambda = r.outer();
        Tensor w = solveInner(problem, lambda, r.lastEstimate() != null ? r.lastEstimate().inner()
                : problem.initialInner(lambda));

        new SummaryTable("", "start (lambda = 0)", "end")
                .row("validation loss", decimal(L2TuningProblem.loss(w0, validation)),
                        decimal(L2TuningProblem.loss(w, validation)))
                .row("test accuracy", percent(L2TuningProblem.accuracy(w0, test)),
                        percent(L2TuningProblem.accuracy(w, test)))
                .row("training accuracy", percent(L2TuningProblem.accuracy(w0, train)),
                        percent(L2TuningProblem.accuracy(w, train)))
                .row("penalty exp(lambda) min / max", "1 / 1", String.format(Locale.ROOT, "%.3g / %.3g",
                        lambda.exp().min().item(), lambda.exp().max().item()))
                .print(out);
        out.printf(Locale.ROOT, "%d outer iterations in %.1f s, status %s (%s)%noracle calls: %s%n",
                r.iterations(), r.elapsedNanos() / 1e9, r.status(), r.message(), r.totalCounts());
        Files.writeString(dir.resolve("lambda.csv"), csv(lambda));
        options.finish(out, r.status().isFailure() ? List.of(r.status() + ": " + r.message()) : List.of());
        return 0;
    }

    /** w(λ) to a tight tolerance (for reporting, not for the hypergradient). */
    private static Tensor solveInner(L2TuningProblem problem, Tensor lambda, Tensor start) {
        InnerRun run = new PicardIteration().run(problem, lambda, start, new IterationBudget(3000, 1e-10, 0));
        return run.inner();
    }

    private LabelledData[] load() throws IOException {
        return switch (data) {
            case SYNTHETIC -> new LabelledData[] {
                SyntheticClassification.generate(trainSize, 50, 8, 4, options.seed(), options.seed() + 1),
                SyntheticClassification.generate(trainSize, 50, 8, 4, options.seed(), options.seed() + 2),
                SyntheticClassification.generate(trainSize, 50, 8, 4, options.seed(), options.seed() + 3)};
            case FASHION_MNIST -> {
                Path d = fashionMnist.dir();
                LabelledData all = FashionMnist.train(d).shuffled(options.seed());
                LabelledData.Split s = all.split(trainSize);
                yield new LabelledData[] {withBias(s.first()), withBias(s.second().subset(0, trainSize)),
                    withBias(FashionMnist.test(d))};
            }
            case LIBSVM -> {
                LabelledData all = readLibsvm(libsvmFile, maxFeatures).shuffled(options.seed());
                int third = all.rows() / 3;
                yield new LabelledData[] {withBias(all.subset(0, third)), withBias(all.subset(third, 2 * third)),
                    withBias(all.subset(2 * third, all.rows()))};
            }
        };
    }

    /**
     * Reads a LIBSVM file for tuning: at least {@value #MIN_LIBSVM_SAMPLES} samples (two per third) of at least two
     * classes.
     *
     * @throws DataFormatException naming the file and what it lacks
     */
    static LabelledData readLibsvm(Path file, int maxFeatures) throws IOException {
        LibsvmData d = new LibsvmReader(maxFeatures).read(file);
        if (d.data().rows() < MIN_LIBSVM_SAMPLES) {
            throw new DataFormatException(file + ": expected at least " + MIN_LIBSVM_SAMPLES + " samples (2 in each "
                    + "of the training, validation and test thirds), got " + d.data().rows());
        }
        if (d.data().classes() < 2) {
            throw new DataFormatException(file + ": expected at least 2 classes (distinct labels), got 1 (every "
                    + "label is " + d.labelValue(0) + ")");
        }
        return d.data();
    }

    /** Appends a constant feature (the intercept). */
    static LabelledData withBias(LabelledData d) {
        int c = d.cols() + 1;
        double[] x = new double[d.rows() * c];
        double[] f = d.features();
        for (int i = 0; i < d.rows(); i++) {
            System.arraycopy(f, i * d.cols(), x, i * c, d.cols());
            x[i * c + d.cols()] = 1.0;
        }
        return new LabelledData(x, d.rows(), c, d.labels(), d.classes());
    }

    private static String csv(Tensor lambda) {
        StringBuilder sb = new StringBuilder("feature,lambda,penalty\n");
        double[] l = lambda.toDoubleArray();
        for (int j = 0; j < l.length; j++) {
            sb.append(j).append(',').append(String.format(Locale.ROOT, "%.8g,%.8g", l[j], Math.exp(l[j]))).append('\n');
        }
        return sb.toString();
    }
}
