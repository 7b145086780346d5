package org.bilevel4j.apps.report;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.outer.IterationListener;
import org.bilevel4j.algorithms.outer.OuterIteration;

/**
 * The log of every outer iteration, written as it goes to {@code iterations.csv} and {@code iterations.jsonl}
 * (one JSON object per line): time, objective, hypergradient norm, step norm, the estimator's diagnostics
 * (residuals, error bound, status, oracle counts), and the experiment's own metrics. Flushed after every line, so
 * an interrupted run keeps its log.
 */
public final class RunLog implements IterationListener, Closeable {
    private static final List<String> COLUMNS = List.of("iteration", "seconds", "objective", "hypergradient_norm",
            "step_norm", "inner_residual", "adjoint_residual", "error_bound", "inner_iterations", "linear_iterations",
            "status", "maps", "vjps", "jvps", "hvps", "gradients");

    private final BufferedWriter csv;
    private final BufferedWriter jsonl;
    private final Map<String, Function<OuterIteration, Double>> metrics;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    /**
     * @param dir     the output directory (created if needed)
     * @param metrics extra columns computed from each iteration (e.g. a validation accuracy), in order
     * @throws UncheckedIOException if the files cannot be created
     */
    public RunLog(Path dir, Map<String, Function<OuterIteration, Double>> metrics) {
        this.metrics = new LinkedHashMap<>(metrics);
        BufferedWriter c = null;
        try {
            Files.createDirectories(dir);
            c = Files.newBufferedWriter(dir.resolve("iterations.csv"), StandardCharsets.UTF_8);
            List<String> header = new ArrayList<>(COLUMNS);
            header.addAll(this.metrics.keySet());
            c.write(String.join(",", header));
            c.newLine();
            c.flush();
            jsonl = Files.newBufferedWriter(dir.resolve("iterations.jsonl"), StandardCharsets.UTF_8);
            csv = c;
        } catch (IOException e) {
            closeQuietly(c, e);
            throw new UncheckedIOException("cannot write the run log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code run.txt}: one {@code key: value} line per setting, then the JVM and the start time, so that a run
     * directory says how it was made.
     *
     * @param dir      the output directory (created if needed)
     * @param settings the run's settings, in order
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void writeSettings(Path dir, Map<String, String> settings) {
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        sb.append("java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append('\n');
        sb.append("started: ").append(Instant.now()).append('\n');
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("run.txt"), sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("run.txt") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onIteration(OuterIteration it) {
        HypergradientEstimate e = it.estimate();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("iteration", it.iteration());
        row.put("seconds", it.elapsedNanos() / 1e9);
        row.put("objective", e.outerValue());
        row.put("hypergradient_norm", it.hypergradientNorm());
        row.put("step_norm", it.next().sub(it.outer()).normValue());
        row.put("inner_residual", e.innerResidual());
        row.put("adjoint_residual", e.diagnostics().figures().getOrDefault("adjoint_residual", Double.NaN));
        row.put("error_bound", e.bound().hypergradientError());
        row.put("inner_iterations", e.innerIterations());
        row.put("linear_iterations", e.diagnostics().figures().getOrDefault("linear_iterations", 0.0).intValue());
        row.put("status", e.status().name());
        row.put("maps", e.counts().mapEvaluations());
        row.put("vjps", e.counts().vjps());
        row.put("jvps", e.counts().jvps());
        row.put("hvps", e.counts().hvps());
        row.put("gradients", e.counts().gradients());
        for (Map.Entry<String, Function<OuterIteration, Double>> m : metrics.entrySet()) {
            row.put(m.getKey(), m.getValue().apply(it));
        }
        rows.add(row);
        try {
            List<String> cells = new ArrayList<>();
            StringBuilder json = new StringBuilder("{");
            for (Map.Entry<String, Object> c : row.entrySet()) {
                cells.add(format(c.getValue()));
                json.append(json.length() > 1 ? "," : "").append('"').append(c.getKey()).append("\":")
                        .append(jsonValue(c.getValue()));
            }
            csv.write(String.join(",", cells));
            csv.newLine();
            csv.flush();
            jsonl.write(json.append('}').toString());
            jsonl.newLine();
            jsonl.flush();
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to the run log: " + ex.getMessage(), ex);
        }
    }

    /** @return the rows written so far (column name to value) */
    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    /**
     * @param column a numeric column
     * @return its values, one per iteration
     */
    public double[] column(String column) {
        return rows.stream().mapToDouble(r -> ((Number) r.get(column)).doubleValue()).toArray();
    }

    static String format(Object v) {
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.10g", d);
        }
        return String.valueOf(v);
    }

    static String jsonValue(Object v) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.10g", d) : "null";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        IOException failure = null;
        for (BufferedWriter w : new BufferedWriter[] {csv, jsonl}) {
            try {
                w.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("cannot close the run log: " + failure.getMessage(), failure);
        }
    }

    private static void closeQuietly(BufferedWriter w, IOException cause) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
