package org.bilevel4j.apps.iv;

import static org.bilevel4j.apps.report.SummaryTable.significant;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
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
import org.bilevel4j.functional.FuncId;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalBilevelProblem;
import org.bilevel4j.functional.FunctionalGradient;
import org.bilevel4j.functional.data.LinearGaussianIv;
import org.bilevel4j.nn.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Instrumental-variable regression as functional bilevel optimization (Petrulionytė, Mairal, Arbel, "Functional
 * Bilevel Optimization for Machine Learning", NeurIPS 2024, §4.1).
 *
 * <p>{@code --task toy} (default, seconds): the linear-Gaussian model of {@link LinearGaussianIv}; prints the true
 * β, the biased ordinary least squares, the closed-form two-stage least squares and FuncID linear's iterate after
 * N outer Adam steps (its inner problem solved exactly by one Newton step), which converges to the 2SLS estimate.
 * Writes {@code run.txt}, {@code iterations.csv}/{@code .jsonl} (w and the outer loss per step) and
 * {@code toy-estimate.png}.
 *
 * <p>{@code --task dsprites}: the experiment of {@link SpritesExperiment} for every method of {@code --methods} and
 * {@code --seeds} seeds (from {@code --seed}), with network sizes scaled by {@code --pool} and
 * {@code --width-divisor}; {@code --max-minutes} stops starting new seeds once a seed would not fit. Writes
 * {@code run.txt}, {@code iterations.csv}/{@code .jsonl} (seed, method index, step, seconds, losses, test MSE),
 * {@code results.csv} (one row per method and seed), {@code test-mse.png} (box plot), {@code outer-loss.png} and
 * {@code inner-loss.png} (means over seeds), and prints the median/IQR table, the time per outer step and the
 * one-sided paired t-test of FuncID against each other method. Exit code 1 if a run diverged (after the summary).
 */
@Command(name = "iv", mixinStandardHelpOptions = true,
        description = "Instrumental-variable regression (2SLS) as functional bilevel optimization: a linear-Gaussian "
                + "toy (default) or the dSprites-style image experiment of Petrulionyte, Mairal and Arbel (2024).")
public final class IvCommand implements Callable<Integer>, RunRecords {

    @Spec
    CommandSpec spec;

    @Mixin
    BackendOption backendOption;

    @Option(names = "--task", defaultValue = "toy", paramLabel = "TASK", converter = Task.Converter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Task task;

    @Option(names = "--methods", split = ",", paramLabel = "NAME", converter = IvMethod.Converter.class,
            description = "dsprites: methods, comma-separated, from ${COMPLETION-CANDIDATES} (default: all)")
    List<IvMethod> methods;

    @Option(names = "--samples", defaultValue = "5000", paramLabel = "N",
            description = "training samples, split in halves into the inner and outer data (default: "
                    + "${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--outer-steps", paramLabel = "N",
            description = "outer steps (default: 100 for dsprites, 300 for the toy)")
    Integer outerSteps;

    @Option(names = "--inner-steps", defaultValue = "20", paramLabel = "M",
            description = "dsprites: inner steps per outer step (default: ${DEFAULT-VALUE})")
    int innerSteps;

    @Option(names = "--adjoint-steps", defaultValue = "20", paramLabel = "K",
            description = "dsprites: FuncID adjoint steps per outer step (default: ${DEFAULT-VALUE})")
    int adjointSteps;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "S",
            description = "dsprites: number of seeds (data and initialisation), from --seed (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N",
            description = "the first seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--pool", defaultValue = "4", paramLabel = "P",
            description = "dsprites: average-pool the 64x64 treatments by P before the treatment network, a divisor "
                    + "of 64 (default: ${DEFAULT-VALUE})")
    int pool;

    @Option(names = "--width-divisor", defaultValue = "8", paramLabel = "K",
            description = "dsprites: divide the widths of the paper's networks by K, at least 8 units "
                    + "(default: ${DEFAULT-VALUE})")
    int widthDivisor;

    @Option(names = "--outer-rate", defaultValue = "1e-3", paramLabel = "LR",
            description = "dsprites: Adam learning rate of the treatment network (default: ${DEFAULT-VALUE})")
    double outerRate;

    @Option(names = "--inner-rate", defaultValue = "1e-3", paramLabel = "LR",
            description = "dsprites: Adam learning rate of the instrument and adjoint networks (FuncID) (default: "
                    + "${DEFAULT-VALUE})")
    double innerRate;

    @Option(names = "--parametric-step", defaultValue = "0.05", paramLabel = "ALPHA",
            description = "dsprites: gradient step on the instrument network's weights of AID and ITD (default: "
                    + "${DEFAULT-VALUE})")
    double parametricStep;

    @Option(names = "--plain", description = "dsprites: drop the spectral and layer normalisations of the paper's "
            + "networks (faster)")
    boolean plain;

    @Option(names = "--max-minutes", defaultValue = "0", paramLabel = "T",
            description = "dsprites: start no new seed once the next one would end after T minutes (0: no limit; "
                    + "default: ${DEFAULT-VALUE})")
    double maxMinutes;

    @Option(names = "--report-from", split = ",", paramLabel = "DIR",
            description = "dsprites: run nothing; summarise the results.csv and iterations.csv of earlier runs with "
                    + "the same --outer-steps (e.g. of method groups run in parallel on the same seeds) into one table "
                    + "and one set of plots")
    List<Path> reportFrom;

    @Option(names = "--out", defaultValue = "runs/iv", paramLabel = "DIR",
            description = "output directory; the files of an earlier run there are replaced (default: "
                    + "${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    /** The header of {@code results.csv}: one row per method and seed. */
    private static final String RESULTS_HEADER = "method,seed,test_mse,seconds_per_step,status\n";

    private final List<Path> runRecords = new ArrayList<>();

    /** The tasks ({@code --task}). */
    public enum Task implements CliValue {
        /** The linear-Gaussian toy. */
        TOY("toy"),
        /** The dSprites-style image experiment. */
        DSPRITES("dsprites");

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

    @Override
    public List<Path> runRecords() {
        return List.copyOf(runRecords);
    }

    @Override
    public Integer call() throws IOException {
        backendOption.validate(spec);
        ExperimentOptions.atLeast(spec, "--samples", samples, task == Task.TOY ? 8 : 4);
        int n = outerSteps == null ? (task == Task.TOY ? 300 : 100) : outerSteps;
        ExperimentOptions.atLeast(spec, "--outer-steps", n, 1);
        ExperimentOptions.atMost(spec, "--outer-steps", n, ExperimentOptions.MAX_STEPS, "the step limit");
        ExperimentOptions.atLeast(spec, "--inner-steps", innerSteps, 1);
        ExperimentOptions.atLeast(spec, "--adjoint-steps", adjointSteps, 1);
        ExperimentOptions.atLeast(spec, "--seeds", seeds, 1);
        ExperimentOptions.atLeast(spec, "--width-divisor", widthDivisor, 1);
        if (pool < 1 || 64 % pool != 0) {
            throw new ParameterException(spec.commandLine(), "--pool: expected a divisor of 64 (1, 2, 4, …, 64), got "
                    + pool);
        }
        ExperimentOptions.positive(spec, "--parametric-step", parametricStep);
        ExperimentOptions.positive(spec, "--inner-rate", innerRate);
        ExperimentOptions.positive(spec, "--outer-rate", outerRate);
        if (!(maxMinutes >= 0) || !Double.isFinite(maxMinutes)) {
            throw new ParameterException(spec.commandLine(), "--max-minutes: expected a finite value ≥ 0, got "
                    + maxMinutes);
        }
        if (methods != null && methods.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--methods: expected at least one method, got none");
        }
        // read before clearing the output directory, which may be one of them
        Earlier earlier = reportFrom == null ? null : readEarlier();
        runRecords.clear();
        OutputDirectory.clear(out);
        PrintWriter console = spec.commandLine().getOut();
        if (earlier != null) {
            return report(console, earlier);
        }
        Backend backend = backendOption.backend();
        return task == Task.TOY ? toy(console, backend, n) : dsprites(console, backend, n);
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("command", RunLog.commandLine(spec.commandLine().getParseResult().originalArgs()));
        s.put("task", task.cliName());
        s.put("samples", Integer.toString(samples));
        return s;
    }

    // ------------------------------------------------------------------------------------------------ toy

    private int toy(PrintWriter console, Backend backend, int n) {
        LinearGaussianIv toy = new LinearGaussianIv(samples, seed);
        FunctionalBilevelProblem problem = toy.problem(backend);
        double[] ols = toy.ordinaryLeastSquares();
        double[] tsls = toy.twoStageLeastSquares();
        Map<String, String> settings = settings();
        settings.put("model", "t = Πx + e·1 + 0.1ξ, o = βᵀt + 2e + 0.1ζ, β = (1, -2); x instrument, e confounder");
        settings.put("method", "FuncID linear (h linear in [x, 1] by one Newton step, adjoint in closed form), "
                + "Adam on w, learning rate 0.05");
        settings.put("outer steps", Integer.toString(n));
        settings.put("seed", Long.toString(seed));
        settings.put("backend", backend.name());
        Path record = RunLog.writeSettings(out, settings);
        runRecords.add(record);
        console.printf(Locale.ROOT, "iv: linear-Gaussian toy, %d samples (halves: stage 1 and stage 2), seed %d; "
                + "FuncID linear for %d outer steps; backend %s%n", samples, seed, n, backend.name());
        console.flush();
        FuncId f = FuncId.builder().problem(problem).innerModel(FunctionModel.linear(2, 1, true)).innerNewton(1)
                .adjoint(FuncId.AdjointMethod.linear(0)).seed(seed).build();
        Adam adam = Adam.of(0.05);
        Tensor w = backend.zeros(2);
        ProgressBar bar = new ProgressBar(console, n, !quiet && ProgressBar.interactive());
        MetricLog log = new MetricLog(out, List.of("step", "w1", "w2", "outer_loss", "distance_to_2sls"));
        long t0 = System.nanoTime();
        try (log) {
            for (int k = 1; k <= n; k++) {
                FunctionalGradient g = f.totalGradient(w);
                if (g.status() == Status.DIVERGED) {
                    throw new ExperimentFailure("run failed: FuncID linear DIVERGED: " + g.message());
                }
                w = adam.step(w, g.gradient());
                double[] wv = w.toDoubleArray();
                double dist = Math.hypot(wv[0] - tsls[0], wv[1] - tsls[1]);
                log.append(k, wv[0], wv[1], g.outerLoss(), dist);
                bar.draw(k, System.nanoTime() - t0, String.format(Locale.ROOT, "|w - 2SLS| = %.3e", dist));
            }
        } finally {
            bar.finish();
        }
        double[] wv = w.toDoubleArray();
        Map<String, Plots.Series> series = new LinkedHashMap<>();
        series.put("w1 (FuncID linear)", new Plots.Series(log.column("step"), log.column("w1")));
        series.put("w2 (FuncID linear)", new Plots.Series(log.column("step"), log.column("w2")));
        Plots.line(out.resolve("toy-estimate.png"), "FuncID linear on the linear-Gaussian IV toy (β = (1, -2))",
                "outer step", "w", false, series);
        new SummaryTable("estimate", "β₁", "β₂", "‖· - β‖")
                .row("true β", "1", "-2", "0")
                .row("ordinary least squares (biased)", significant(ols[0]), significant(ols[1]),
                        significant(dist(ols)))
                .row("2SLS, closed form", significant(tsls[0]), significant(tsls[1]), significant(dist(tsls)))
                .row("FuncID linear, " + n + " steps", significant(wv[0]), significant(wv[1]),
                        significant(dist(wv)))
                .print(console);
        Map<String, String> end = new LinkedHashMap<>();
        end.put("ols", Arrays.toString(ols));
        end.put("2sls", Arrays.toString(tsls));
        end.put("funcid linear", Arrays.toString(wv));
        end.put("elapsed", String.format(Locale.ROOT, "%.3f s", (System.nanoTime() - t0) / 1e9));
        RunLog.appendToRecord(record, end);
        console.println("wrote " + out.toAbsolutePath());
        console.flush();
        return 0;
    }

    private static double dist(double[] b) {
        return Math.hypot(b[0] - LinearGaussianIv.BETA[0], b[1] - LinearGaussianIv.BETA[1]);
    }

    // ------------------------------------------------------------------------------------------------ dsprites

    private int dsprites(PrintWriter console, Backend backend, int n) throws IOException {
        List<IvMethod> chosen = methods == null ? List.of(IvMethod.values()) : List.copyOf(methods);
        IvMethod.Hyper d = IvMethod.Hyper.defaults();
        IvMethod.Hyper hyper = new IvMethod.Hyper(innerSteps, adjointSteps, innerRate, d.innerDecay(),
                innerRate, d.adjointDecay(), d.linearRidge(), parametricStep, outerRate, d.outerDecay());
        SpritesIvTask.Sizes sizes = new SpritesIvTask.Sizes(pool, widthDivisor, !plain);
        int testEvery = Math.max(1, n / 20);
        SpritesExperiment.Config config = new SpritesExperiment.Config(samples, n, sizes, hyper, 0, testEvery);
        Map<String, String> settings = settings();
        settings.put("methods", chosen.toString());
        settings.put("seeds", seeds + " from " + seed + (maxMinutes > 0 ? " (at most " + maxMinutes + " min)" : ""));
        settings.put("outer steps", Integer.toString(n));
        settings.put("networks", sizes.toString());
        settings.put("hyper-parameters", hyper.toString());
        settings.put("backend", backend.name());
        Path record = RunLog.writeSettings(out, settings);
        runRecords.add(record);
        console.printf(Locale.ROOT, "iv: dSprites-style IV, %d samples, %d outer steps, methods %s, %d seed(s) from "
                + "%d; %s; backend %s%n", samples, n, chosen, seeds, seed, sizes, backend.name());
        console.flush();
        Path results = out.resolve("results.csv");
        Files.writeString(results, RESULTS_HEADER, StandardCharsets.UTF_8);
        List<SpritesExperiment.Result> all = new ArrayList<>();
        long t0 = System.nanoTime();
        int total = seeds * chosen.size() * n;
        ProgressBar bar = new ProgressBar(console, total, !quiet && ProgressBar.interactive());
        int[] done = {0};
        MetricLog log = new MetricLog(out, List.of("seed", "method", "step", "seconds", "inner_loss", "outer_loss",
                "test_mse"));
        double seedSeconds = 0;
        int seedsRun = 0;
        try (log) {
            SpritesExperiment.Listener listener = new SpritesExperiment.Listener() {
                @Override
                public void onStep(IvMethod m, long s, int step, IvMethod.Step r, double testMse, double seconds) {
                    log.append(s, m.ordinal(), step, seconds, r.innerLoss(), r.outerLoss(), testMse);
                    done[0]++;
                    bar.draw(done[0], System.nanoTime() - t0, String.format(Locale.ROOT, "seed %d %s step %d", s,
                            m.cliName(), step));
                }

                @Override
                public void onRun(SpritesExperiment.Result r) {
                    try {
                        Files.writeString(results, String.format(Locale.ROOT, "%s,%d,%.6g,%.4f,%s%n",
                                r.method().cliName(), r.seed(), r.finalTestMse(), r.secondsPerStep(),
                                r.failed() ? "DIVERGED" : "OK"), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + results + ": " + e.getMessage(), e);
                    }
                }
            };
            for (int k = 0; k < seeds; k++) {
                double elapsed = (System.nanoTime() - t0) / 1e9;
                if (maxMinutes > 0 && seedsRun > 0 && elapsed + seedSeconds / seedsRun > maxMinutes * 60) {
                    console.printf(Locale.ROOT, "%nstopping after %d seed(s): the next would end after %.1f min%n",
                            seedsRun, maxMinutes);
                    break;
                }
                long s0 = System.nanoTime();
                all.addAll(SpritesExperiment.runSeed(backend, config, chosen, seed + k, listener));
                seedSeconds += (System.nanoTime() - s0) / 1e9;
                seedsRun++;
            }
        } finally {
            bar.finish();
        }
        IvReport report = new IvReport(chosen, all, n);
        report.plots(out);
        report.print(console);
        Map<String, String> end = new LinkedHashMap<>();
        end.put("seeds run", Integer.toString(seedsRun));
        end.put("elapsed", String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - t0) / 1e9));
        end.putAll(report.summary());
        RunLog.appendToRecord(record, end);
        console.println("wrote " + out.toAbsolutePath());
        console.flush();
        List<String> failed = new ArrayList<>();
        for (SpritesExperiment.Result r : all) {
            if (r.failed()) {
                failed.add(r.method().cliName() + " (seed " + r.seed() + ": " + r.message() + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new ExperimentFailure("run failed: " + String.join(", ", failed) + " DIVERGED");
        }
        return 0;
    }

    /** The runs named by --report-from: their results, their results.csv rows and their common length. */
    private record Earlier(List<SpritesExperiment.Result> results, String csv, int steps) {
    }

    private Earlier readEarlier() throws IOException {
        // the logs first: every run is padded to the longest, as a diverged run stops early
        List<Map<String, List<double[]>>> curves = new ArrayList<>();
        int steps = 0;
        for (Path dir : reportFrom) {
            if (!Files.isRegularFile(dir.resolve("results.csv")) || !Files.isRegularFile(dir.resolve(
                    "iterations.csv"))) {
                throw new ParameterException(spec.commandLine(), "--report-from: expected directories with "
                        + "results.csv and iterations.csv of 'iv --task dsprites', got " + dir);
            }
            Map<String, List<double[]>> byRun = new LinkedHashMap<>();
            List<String> rows = Files.readAllLines(dir.resolve("iterations.csv"), StandardCharsets.UTF_8);
            for (String row : rows.subList(1, rows.size())) {
                String[] c = row.split(",", -1);
                double[] v = new double[c.length];
                for (int i = 0; i < c.length; i++) {
                    v[i] = c[i].isEmpty() ? Double.NaN : Double.parseDouble(c[i]);
                }
                byRun.computeIfAbsent((long) v[0] + "/" + (int) v[1], k -> new ArrayList<>()).add(v);
                steps = Math.max(steps, (int) v[2]);
            }
            curves.add(byRun);
        }
        List<SpritesExperiment.Result> all = new ArrayList<>();
        StringBuilder csv = new StringBuilder(RESULTS_HEADER);
        for (int d = 0; d < reportFrom.size(); d++) {
            Path dir = reportFrom.get(d);
            List<String> res = Files.readAllLines(dir.resolve("results.csv"), StandardCharsets.UTF_8);
            for (String row : res.subList(1, res.size())) {
                csv.append(row).append('\n');
                String[] c = row.split(",", -1);
                IvMethod m = new IvMethod.Converter().convert(c[0]);
                long sd = Long.parseLong(c[1]);
                boolean failed = !"OK".equals(c[4]);
                List<double[]> cv = curves.get(d).getOrDefault(sd + "/" + m.ordinal(), List.of());
                if (!failed && cv.size() != steps) {
                    throw new ParameterException(spec.commandLine(), "--report-from: expected runs of " + steps
                            + " outer steps, got " + cv.size() + " for " + m.cliName() + " seed " + sd + " in " + dir);
                }
                all.add(new SpritesExperiment.Result(m, sd, column(cv, 4, steps), column(cv, 5, steps),
                        column(cv, 6, steps), Double.parseDouble(c[3]), failed, c[4]));
            }
        }
        return new Earlier(all, csv.toString(), steps);
    }

    private int report(PrintWriter console, Earlier earlier) throws IOException {
        List<SpritesExperiment.Result> all = earlier.results();
        List<IvMethod> present = new ArrayList<>();
        for (IvMethod m : IvMethod.values()) {
            if (all.stream().anyMatch(r -> r.method() == m)) {
                present.add(m);
            }
        }
        Files.writeString(out.resolve("results.csv"), earlier.csv(), StandardCharsets.UTF_8);
        Map<String, String> settings = settings();
        settings.put("report from", reportFrom.toString());
        Path record = RunLog.writeSettings(out, settings);
        runRecords.add(record);
        IvReport report = new IvReport(present, all, earlier.steps());
        report.plots(out);
        report.print(console);
        RunLog.appendToRecord(record, report.summary());
        console.println("wrote " + out.toAbsolutePath());
        console.flush();
        return 0;
    }

    /** @return column c of the rows by step (1..steps), NaN where absent */
    private static double[] column(List<double[]> rows, int c, int steps) {
        double[] out = new double[steps];
        Arrays.fill(out, Double.NaN);
        for (double[] r : rows) {
            out[(int) r[2] - 1] = r[c];
        }
        return out;
    }
}
