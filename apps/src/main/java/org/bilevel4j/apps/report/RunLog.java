package org.bilevel4j.apps.report;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.outer.IterationListener;
import org.bilevel4j.algorithms.outer.OuterIteration;

/**
 * The log of every outer iteration, written as it goes to {@code iterations.csv} and {@code iterations.jsonl}
 * (one JSON object per line), one {@link Row} per iteration: time, objective, hypergradient norm, step norm, the
 * estimator's diagnostics (residuals, error bound, status, oracle counts), and the experiment's own metrics. Flushed
 * after every line, so an interrupted run keeps its log.
 */
public final class RunLog implements IterationListener, Closeable {
    /** The fixed columns, in the order of {@link Row#values()}. */
    static final List<String> COLUMNS = List.of("iteration", "seconds", "objective", "hypergradient_norm",
            "step_norm", "inner_residual", "adjoint_residual", "error_bound", "inner_iterations", "linear_iterations",
            "status", "maps", "vjps", "jvps", "hvps", "gradients");

    /**
     * One outer iteration of the log.
     *
     * @param iteration        the outer iteration, from 1
     * @param seconds          wall time since the run started
     * @param objective        the outer objective E(w_t, λ) at this iteration's λ
     * @param hypergradientNorm ‖g‖ of the estimate
     * @param stepNorm         ‖λ_next − λ‖
     * @param innerResidual    the inner solver's last residual
     * @param adjointResidual  the linear solver's last residual (NaN for ITD)
     * @param errorBound       the estimator's bound on the hypergradient error (NaN if none)
     * @param innerIterations  inner steps taken
     * @param linearIterations linear-solver iterations taken
     * @param status           the estimate's status
     * @param maps             inner-map evaluations
     * @param vjps             vector-Jacobian products
     * @param jvps             Jacobian-vector products
     * @param hvps             Hessian-vector products
     * @param gradients        gradient evaluations
     * @param metrics          the experiment's metrics, in the log's order
     */
    public record Row(int iteration, double seconds, double objective, double hypergradientNorm, double stepNorm,
            double innerResidual, double adjointResidual, double errorBound, int innerIterations, int linearIterations,
            String status, long maps, long vjps, long jvps, long hvps, long gradients, List<Double> metrics) {

        /** @return the oracle calls of this iteration: maps + VJPs + JVPs + gradients */
        public long oracleCalls() {
            return maps + vjps + jvps + gradients;
        }

        /** @return the values of the fixed columns, then the metrics */
        List<Object> values() {
            List<Object> v = new ArrayList<>(List.of(iteration, seconds, objective, hypergradientNorm, stepNorm,
                    innerResidual, adjointResidual, errorBound, innerIterations, linearIterations, status, maps, vjps,
                    jvps, hvps, gradients));
            v.addAll(metrics);
            return v;
        }
    }

    private final IterationFiles files;
    private final Map<String, Function<OuterIteration, Double>> metrics;
    private final List<String> header = new ArrayList<>(COLUMNS);
    private final List<Row> rows = new ArrayList<>();

    /**
     * @param dir     the output directory (created if needed)
     * @param metrics extra columns computed from each iteration (e.g. a validation accuracy), in order
     * @throws UncheckedIOException if the files cannot be created
     */
    public RunLog(Path dir, Map<String, Function<OuterIteration, Double>> metrics) {
        this.metrics = new LinkedHashMap<>(metrics);
        header.addAll(this.metrics.keySet());
        files = new IterationFiles(dir, header);
    }

    /**
     * @param args the tool's arguments, as the user gave them
     * @return the command line for the {@code command} setting of {@code run.txt}, e.g. {@code bilevel4j iv --quiet}
     */
    public static String commandLine(List<String> args) {
        return ("bilevel4j " + String.join(" ", args)).strip();
    }

    /**
     * Writes {@code run.txt}: one {@code key: value} line per setting, then the JVM and the start time, so that a run
     * directory says how it was made. {@link #appendToRecord} adds how it ended.
     *
     * @param dir      the output directory (created if needed)
     * @param settings the run's settings, in order
     * @return the file
     * @throws UncheckedIOException if the file cannot be written
     */
    public static Path writeSettings(Path dir, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        all.put("started", Instant.now().toString());
        Path file = dir.resolve("run.txt");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, lines(all), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * Appends {@code key: value} lines to a {@code run.txt}, e.g. how the run ended.
     *
     * @param file   the file
     * @param values the lines, in order
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void appendToRecord(Path file, Map<String, String> values) {
        try {
            Files.writeString(file, lines(values), StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String lines(Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(k).append(": ").append(v.lines().findFirst().orElse("")).append('\n'));
        return sb.toString();
    }

    /** @return a scalar of the estimator family's diagnostics, or the default for families without it */
    private static double figure(HypergradientEstimate e, String name, double absent) {
        return e.diagnostics().figures().getOrDefault(name, absent);
    }

    @Override
    public void onIteration(OuterIteration it) {
        HypergradientEstimate e = it.estimate();
        List<Double> extra = metrics.values().stream().map(m -> m.apply(it)).toList();
        Row row = new Row(it.iteration(), it.elapsedNanos() / 1e9, e.outerValue(), it.hypergradientNorm(),
                it.next().sub(it.outer()).normValue(), e.innerResidual(), figure(e, "adjoint_residual", Double.NaN),
                e.bound().hypergradientError(), e.innerIterations(), (int) figure(e, "linear_iterations", 0), e.status().name(),
                e.counts().mapEvaluations(), e.counts().vjps(), e.counts().jvps(), e.counts().hvps(),
                e.counts().gradients(), extra);
        rows.add(row);
        files.write(row.values());
    }

    /** @return the rows written so far */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /**
     * @param column a numeric field of the rows, e.g. {@code Row::objective}
     * @return its values, one per iteration
     */
    public double[] column(ToDoubleFunction<Row> column) {
        return rows.stream().mapToDouble(column).toArray();
    }

    /**
     * @param metric the name of one of the experiment's metrics
     * @return its values, one per iteration
     */
    public double[] metric(String metric) {
        int i = new ArrayList<>(metrics.keySet()).indexOf(metric);
        if (i < 0) {
            throw new IllegalArgumentException("metric: expected one of " + metrics.keySet() + ", got '" + metric
                    + "'");
        }
        return column(r -> r.metrics().get(i));
    }

    /** @return the names of the experiment's metrics, in order */
    public List<String> metricNames() {
        return List.copyOf(metrics.keySet());
    }

    @Override
    public void close() {
        files.close();
    }
}
