package org.bilevel4j.apps.stochastic;

import static org.bilevel4j.apps.report.SummaryTable.significant;

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
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSchedule;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticBilevelSolver;
import org.bilevel4j.algorithms.stochastic.common.StochasticResult;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.apps.cli.BackendOption;
import org.bilevel4j.apps.cli.CliValue;
import org.bilevel4j.apps.cli.ExperimentFailure;
import org.bilevel4j.apps.cli.ExperimentOptions;
import org.bilevel4j.apps.cli.OutputDirectory;
import org.bilevel4j.apps.cli.RunRecords;
import org.bilevel4j.apps.report.MetricLog;
import org.bilevel4j.apps.report.Plots;
import org.bilevel4j.apps.report.ProgressBar;
import org.bilevel4j.apps.report.RunLog;
import org.bilevel4j.apps.report.SummaryTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs one single-loop stochastic bilevel method ({@link StochasticBilevelSolver}) on a generated task and logs the
 * outer metric along the run: on the quadratic task the exact ‖∇Φ(λ_t)‖² (from λ₀ = (1, …, 1)), on the logistic task
 * the validation loss (from λ₀ = 0, penalties e^λ = 1). Every run starts from w₀ = v₀ = 0.
 * Batches are drawn by uniform sampling of fixed blocks (the scheme SABA needs), from independent inner and outer
 * streams seeded by {@code --seed}. Writes {@code run.txt}, {@code iterations.csv}, {@code iterations.jsonl} and a
 * PNG plot of the metric. Exit code 1 (after the summary) if the run diverged.
 */
@Command(name = "stochastic", mixinStandardHelpOptions = true,
        description = "Run a stochastic bilevel method (SOBA, SABA, SRBA, MA-SOBA, AmIGO) with minibatches on a "
                + "quadratic bilevel ERM (exact |grad Phi|^2 logged) or on per-feature L2 tuning of a logistic "
                + "regression (validation loss logged).")
public final class StochasticCommand implements Callable<Integer>, RunRecords {
    /** Rows of the log at most: the metric is evaluated every ⌈T/LOG_ROWS⌉ iterations and at the last one. */
    static final int LOG_ROWS = 500;
    /** Full-batch checks of a run at most (logistic task: ‖∇Φ‖ by AID-CG), the start not counted. */
    static final int CHECKS = 10;

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOption backendOption;

    @Option(names = "--task", defaultValue = "quadratic", paramLabel = "TASK", converter = Task.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Task task;

    @Option(names = "--method", defaultValue = "saba", paramLabel = "NAME",
            converter = StochasticMethod.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    StochasticMethod method;

    @Option(names = "--batch-size", defaultValue = "16", paramLabel = "B",
            description = "samples per inner and per outer batch, 1 .. --samples (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--iterations", defaultValue = "2000", paramLabel = "T",
            description = "iterations of the method (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--inner-step", defaultValue = "0.05", paramLabel = "RHO",
            description = "step size rho of w (AmIGO: alpha) (default: ${DEFAULT-VALUE})")
    double innerStep;

    @Option(names = "--adjoint-step", paramLabel = "RHO_V",
            description = "step size of v (AmIGO: beta) (default: --inner-step)")
    Double adjointStep;

    @Option(names = "--outer-step", defaultValue = "0.02", paramLabel = "GAMMA",
            description = "step size gamma of lambda (default: ${DEFAULT-VALUE})")
    double outerStep;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "SCHEDULE",
            converter = Schedule.Converter.class,
            description = "decay of the w and v steps: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Schedule schedule;

    @Option(names = "--outer-schedule", paramLabel = "SCHEDULE", converter = Schedule.Converter.class,
            description = "decay of the lambda step: ${COMPLETION-CANDIDATES} (default: --schedule)")
    Schedule outerSchedule;

    @Option(names = "--period-fraction", defaultValue = "0.5", paramLabel = "Q",
            description = "SRBA: full-batch refresh every Q (n + m)/b iterations (default: ${DEFAULT-VALUE})")
    double periodFraction;

    @Option(names = "--averaging", defaultValue = "0.5", paramLabel = "BETA",
            description = "MA-SOBA: moving-average weight of the outer direction, in (0, 1] (default: "
                    + "${DEFAULT-VALUE})")
    double averaging;

    @Option(names = "--amigo-steps", defaultValue = "10", paramLabel = "T",
            description = "AmIGO: inner steps per outer step, each on its own batch (default: ${DEFAULT-VALUE})")
    int amigoInnerSteps;

    @Option(names = "--amigo-adjoint-steps", defaultValue = "10", paramLabel = "N",
            description = "AmIGO: adjoint (GD or CG) steps per outer step (default: ${DEFAULT-VALUE})")
    int amigoAdjointSteps;

    @Option(names = "--samples", defaultValue = "500", paramLabel = "N",
            description = "generated training samples, and as many validation samples (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--features", defaultValue = "10", paramLabel = "D",
            description = "features d = dim w = dim lambda (default: ${DEFAULT-VALUE})")
    int features;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "seed of the data and of the batch streams (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", defaultValue = "runs/stochastic", paramLabel = "DIR",
            description = "output directory; the files of an earlier run there are replaced (default: "
                    + "${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    private final List<Path> runRecords = new ArrayList<>();

    /** The generated tasks ({@code --task}). */
    public enum Task implements CliValue {
        /** {@link StochasticTask.Quadratic}. */
        QUADRATIC("quadratic"),
        /** {@link StochasticTask.Logistic}. */
        LOGISTIC("logistic");

        private final String cliName;

        Task(String cliName) {
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
        public static final class Converter extends CliValue.Converter<Task> {
            /** The converter. */
            public Converter() {
                super(Task.class);
            }
        }
    }

    /** Step-size decays ({@code --schedule}): c/(t + 1)^a. */
    public enum Schedule implements CliValue {
        /** a = 0. */
        CONSTANT("constant", 0),
        /** a = 1/2. */
        INVERSE_SQRT("t^-1/2", 0.5),
        /** a = 2/5. */
        TWO_FIFTHS("t^-2/5", 0.4);

        private final String cliName;
        private final double exponent;

        Schedule(String cliName, double exponent) {
            this.cliName = cliName;
            this.exponent = exponent;
        }

        @Override
        public String cliName() {
            return cliName;
        }

        /** @param step c @return c/(t + 1)^a */
        public StepSchedule of(double step) {
            return new StepSchedule(step, exponent);
        }

        @Override
        public String toString() {
            return cliName;
        }

        /** picocli converter. */
        public static final class Converter extends CliValue.Converter<Schedule> {
            /** The converter. */
            public Converter() {
                super(Schedule.class);
            }
        }
    }

    @Override
    public List<Path> runRecords() {
        return List.copyOf(runRecords);
    }

    @Override
    public Integer call() throws IOException {
        backendOption.validate(spec);
        ExperimentOptions.atLeast(spec, "--samples", samples, 2);
        ExperimentOptions.atLeast(spec, "--features", features, 1);
        ExperimentOptions.atLeast(spec, "--iterations", iterations, 1);
        ExperimentOptions.atLeast(spec, "--batch-size", batchSize, 1);
        ExperimentOptions.atMost(spec, "--batch-size", batchSize, samples, "--samples, the sample count");
        positiveStep("--inner-step", innerStep);
        positiveStep("--outer-step", outerStep);
        double rhoV = adjointStep == null ? innerStep : adjointStep;
        positiveStep("--adjoint-step", rhoV);
        ExperimentOptions.positive(spec, "--period-fraction", periodFraction);
        if (!(averaging > 0 && averaging <= 1)) {
            throw new ParameterException(spec.commandLine(), "--averaging: expected a value in (0, 1], got "
                    + averaging);
        }
        ExperimentOptions.atLeast(spec, "--amigo-steps", amigoInnerSteps, 1);
        ExperimentOptions.atLeast(spec, "--amigo-adjoint-steps", amigoAdjointSteps, 1);
        Schedule lambdaSchedule = outerSchedule == null ? schedule : outerSchedule;
        StepSizes steps = new StepSizes(schedule.of(innerStep), schedule.of(rhoV), lambdaSchedule.of(outerStep));
        SingleLoopMethod m = method.create(steps, this);

        PrintWriter console = spec.commandLine().getOut();
        runRecords.clear();
        OutputDirectory.clear(out);
        Backend backend = backendOption.backend();
        StochasticTask problem = task == Task.QUADRATIC ? new StochasticTask.Quadratic(backend, samples, features, seed)
                : new StochasticTask.Logistic(backend, samples, features, seed);
        console.printf(Locale.ROOT, "stochastic: %s on the %s; backend %s%nbatch size %d, %d iterations, steps w %s, "
                + "v %s, λ %s, seed %d%n", m.name(), problem.description(), backend.name(), batchSize, iterations,
                steps.inner(), steps.adjoint(), steps.outer(), seed);
        console.flush();

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("command", RunLog.commandLine(spec.commandLine().getParseResult().originalArgs()));
        settings.put("method", m.name());
        settings.put("task", problem.description());
        settings.put("batch size", Integer.toString(batchSize));
        settings.put("iterations", Integer.toString(iterations));
        settings.put("steps", "w " + steps.inner() + ", v " + steps.adjoint() + ", λ " + steps.outer());
        settings.put("sampling", "uniform blocks, seed " + seed);
        settings.put("backend", backend.name());
        Path record = RunLog.writeSettings(out, settings);
        runRecords.add(record);

        BilevelState start = BilevelState.start(problem.problem, problem.initialOuter(backend));
        double first = problem.metric(start);
        int every = Math.max(1, (iterations + LOG_ROWS - 1) / LOG_ROWS);
        ProgressBar bar = new ProgressBar(console, iterations, !quiet && ProgressBar.interactive());
        String metricName = problem.metricName();
        String checkName = problem.checkName();
        int checkEvery = Math.max(1, (iterations + CHECKS - 1) / CHECKS);
        List<String> columns = new ArrayList<>(List.of("iteration", "seconds", metricName, "lambda_norm",
                "inner_gradients", "hessian_vector_products", "cross_products", "outer_gradients"));
        if (checkName != null) {
            columns.add(checkName);
        }
        double firstCheck = checkName == null ? Double.NaN : problem.check(start);
        double[] lastCheck = {firstCheck};
        StochasticResult r;
        MetricLog log = new MetricLog(out, columns);
        try (log) {
            log.append(row(checkName != null, 0, 0, first, start.outer().normValue(), 0, 0, 0, 0, firstCheck));
            r = StochasticBilevelSolver.builder(m, Sampling.of(Sampling.Scheme.UNIFORM_BLOCKS, batchSize, seed))
                    .maxIterations(iterations)
                    .listener(it -> {
                        if (it.iteration() % every == 0 || it.iteration() == iterations) {
                            double value = problem.metric(it.state());
                            double check = Double.NaN;
                            if (checkName != null && (it.iteration() % checkEvery == 0
                                    || it.iteration() == iterations)) {
                                check = problem.check(it.state());
                                lastCheck[0] = check;
                            }
                            log.append(row(checkName != null, it.iteration(), it.elapsedNanos() / 1e9, value,
                                    it.state().outer().normValue(), it.counts().innerGradients(),
                                    it.counts().hessianVectorProducts(), it.counts().crossProducts(),
                                    it.counts().outerGradients(), check));
                            bar.draw(it.iteration(), it.elapsedNanos(),
                                    String.format(Locale.ROOT, "%s = %.4e", metricName, value));
                        }
                    })
                    .build().solve(problem.problem, start);
        } finally {
            bar.finish();
        }
        double last = problem.metric(r.state());
        Plots.line(out.resolve(problem.plotFile()), m.name() + " on the " + task + " task", "iteration",
                problem.metricLabel(), problem.logScale(),
                Plots.single(m.name(), log.column("iteration"), log.column(metricName)));

        new SummaryTable("", "start", "end")
                .row(problem.metricLabel(), significant(first), significant(last))
                .row("‖λ‖", significant(start.outer().normValue()), significant(r.state().outer().normValue()))
                .print(console);
        if (checkName != null) {
            console.printf(Locale.ROOT, "‖∇Φ(λ)‖ by AID-CG on the full batch: %s at the start, %s at the last check%n",
                    significant(firstCheck), significant(lastCheck[0]));
        }
        console.printf(Locale.ROOT, "%d iterations in %.1f s, status %s (%s)%noracle calls (per sample): %s%n",
                r.iterations(), r.elapsedNanos() / 1e9, r.status(), r.reason(), r.counts());
        Map<String, String> end = new LinkedHashMap<>();
        end.put("status", r.status().name());
        end.put("iterations", Long.toString(r.iterations()));
        end.put("elapsed", String.format(Locale.ROOT, "%.3f s", r.elapsedNanos() / 1e9));
        end.put("message", r.reason());
        end.put(metricName + " start", Double.toString(first));
        end.put(metricName + " end", Double.toString(last));
        RunLog.appendToRecord(record, end);
        console.println("wrote " + out.toAbsolutePath());
        console.flush();
        if (r.status() == Status.DIVERGED) {
            throw new ExperimentFailure("run failed: " + m.name() + " DIVERGED: " + r.reason());
        }
        return 0;
    }

    /** @return the row's values, with the check column if the task has one */
    private static double[] row(boolean withCheck, double... values) {
        return withCheck ? values : java.util.Arrays.copyOf(values, values.length - 1);
    }

    private void positiveStep(String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new ParameterException(spec.commandLine(), option + ": expected a finite step size > 0, got "
                    + value);
        }
    }
}
