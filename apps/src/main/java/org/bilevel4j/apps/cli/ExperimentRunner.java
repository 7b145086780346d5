package org.bilevel4j.apps.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.outer.BilevelResult;
import org.bilevel4j.algorithms.outer.BilevelSolver;
import org.bilevel4j.algorithms.outer.IterationListener;
import org.bilevel4j.algorithms.outer.OuterIteration;
import org.bilevel4j.algorithms.outer.OuterOptimizer;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.report.Plots;
import org.bilevel4j.apps.report.ProgressBar;
import org.bilevel4j.apps.report.RunLog;

/**
 * Runs one outer loop the way every experiment command does: progress bar on a terminal, the run log
 * ({@code run.txt} with the settings, {@code iterations.csv}, {@code iterations.jsonl}), then the objective and
 * hypergradient-norm plots. When the run ends — also by an exception — {@code run.txt} gets its status,
 * iterations, elapsed time and message; the tool appends its exit code when it ends.
 *
 * <p>An outer iterate that leaves the problem's domain ({@link OuterDomainException}, e.g. a penalty exp(λ) that
 * underflows to 0 after a step far too large) ends the run with status {@code DIVERGED}, like a non-finite λ, and
 * keeps the last λ at which an estimate was computed.
 */
public final class ExperimentRunner {
    private final PrintWriter console;
    private final Path out;
    private final boolean showProgress;
    private final Consumer<Path> records;
    private final Map<String, Function<OuterIteration, Double>> metrics = new LinkedHashMap<>();
    private final List<IterationListener> extra = new ArrayList<>();
    private Projection projection = Projection.none();
    private List<String> commandLine = List.of();

    /**
     * @param console      where the progress bar goes
     * @param out          the output directory
     * @param showProgress draw the progress bar (terminal and not --quiet)
     * @param records      told of each {@code run.txt} written
     */
    public ExperimentRunner(PrintWriter console, Path out, boolean showProgress, Consumer<Path> records) {
        this.console = console;
        this.out = out;
        this.showProgress = showProgress;
        this.records = records;
    }

    /**
     * @param name   column name in the run log
     * @param metric computed after each iteration
     * @return this runner
     */
    public ExperimentRunner metric(String name, Function<OuterIteration, Double> metric) {
        metrics.put(name, metric);
        return this;
    }

    /** @param listener another listener @return this runner */
    public ExperimentRunner listener(IterationListener listener) {
        extra.add(listener);
        return this;
    }

    /** @param p projection after each outer step @return this runner */
    public ExperimentRunner projection(Projection p) {
        this.projection = p;
        return this;
    }

    /** @param args the command's arguments, recorded in {@code run.txt} @return this runner */
    public ExperimentRunner commandLine(List<String> args) {
        this.commandLine = List.copyOf(args);
        return this;
    }

    /** A finished run with its log. */
    public record Outcome(BilevelResult result, RunLog log) {
    }

    /**
     * @param problem   the problem
     * @param estimator the hypergradient estimator
     * @param optimizer the outer optimizer
     * @param steps     outer iterations
     * @param start     λ₀
     * @return the result and its log
     */
    public Outcome run(BilevelProblem problem, HypergradientEstimator estimator, OuterOptimizer optimizer, int steps,
            Tensor start) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("command", RunLog.commandLine(commandLine));
        settings.put("estimator", estimator.name());
        settings.put("outer optimizer", optimizer.name());
        settings.put("outer steps", Integer.toString(steps));
        settings.put("backend", start.backend().name());
        Path record = RunLog.writeSettings(out, settings);
        records.accept(record);
        ProgressBar bar = new ProgressBar(console, steps, showProgress);
        Last last = new Last();
        long t0 = System.nanoTime();
        BilevelResult r = null;
        try (RunLog log = new RunLog(out, metrics)) {
            BilevelSolver.Builder b = BilevelSolver.builder(estimator, optimizer).maxIterations(steps)
                    .projection(projection).listener(log).listener(bar).listener(last);
            extra.forEach(b::listener);
            try {
                r = b.build().solve(problem, start);
            } catch (OuterDomainException e) {
                r = last.diverged(start, System.nanoTime() - t0, e);
            }
            if (r.iterations() < steps) {
                bar.finish();
            }
            plot(log);
            return new Outcome(r, log);
        } finally {
            Map<String, String> end = new LinkedHashMap<>();
            end.put("status", r == null ? "ERROR (the run stopped with an exception)" : r.status().name());
            end.put("iterations", Integer.toString(r == null ? last.iterations() : r.iterations()));
            long nanos = r == null ? System.nanoTime() - t0 : r.elapsedNanos();
            end.put("elapsed", String.format(Locale.ROOT, "%.3f s", nanos / 1e9));
            if (r != null) {
                end.put("message", r.message());
            }
            RunLog.appendToRecord(record, end);
        }
    }

    /** Remembers the last iteration and the oracle calls so far, to end a run that left the domain. */
    private static final class Last implements IterationListener {
        private OuterIteration last;
        private OracleCounts counts = OracleCounts.ZERO;

        @Override
        public void onIteration(OuterIteration it) {
            last = it;
            counts = counts.plus(it.estimate().counts());
        }

        int iterations() {
            return last == null ? 0 : last.iteration();
        }

        BilevelResult diverged(Tensor start, long nanos, OuterDomainException e) {
            String message = "lambda left the problem's domain after iteration " + iterations() + " (step size too "
                    + "large?): " + e.getMessage() + "; lambda kept from the last valid estimate";
            return new BilevelResult(last == null ? start : last.outer(), last == null ? null : last.estimate(),
                    List.of(), Status.DIVERGED, iterations(), counts, nanos, message);
        }
    }

    private void plot(RunLog log) {
        if (log.rows().isEmpty()) {
            return;
        }
        double[] it = log.column(RunLog.Row::iteration);
        Plots.line(out.resolve("objective.png"), "Outer objective", "outer iteration", "E(w_t, lambda)", false,
                Plots.single("objective", it, log.column(RunLog.Row::objective)));
        Plots.line(out.resolve("hypergradient.png"), "Hypergradient norm", "outer iteration", "|g|", true,
                Plots.single("|g|", it, log.column(RunLog.Row::hypergradientNorm)));
        for (String m : log.metricNames()) {
            Plots.line(out.resolve(m + ".png"), m, "outer iteration", m, false, Plots.single(m, it, log.metric(m)));
        }
    }
}
