package org.bilevel4j.apps.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
 * hypergradient-norm plots.
 */
public final class ExperimentRunner {
    private final PrintWriter console;
    private final Path out;
    private final boolean showProgress;
    private final Map<String, Function<OuterIteration, Double>> metrics = new LinkedHashMap<>();
    private final List<IterationListener> extra = new ArrayList<>();
    private Projection projection = Projection.none();
    private List<String> commandLine = List.of();

    /**
     * @param console      where the progress bar goes
     * @param out          the output directory
     * @param showProgress draw the progress bar (terminal and not --quiet)
     */
    public ExperimentRunner(PrintWriter console, Path out, boolean showProgress) {
        this.console = console;
        this.out = out;
        this.showProgress = showProgress;
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
        settings.put("command", ("bilevel4j " + String.join(" ", commandLine)).strip());
        settings.put("estimator", estimator.name());
        settings.put("outer optimizer", optimizer.name());
        settings.put("outer steps", Integer.toString(steps));
        settings.put("backend", start.backend().name());
        RunLog.writeSettings(out, settings);
        ProgressBar bar = new ProgressBar(console, steps, showProgress);
        try (RunLog log = new RunLog(out, metrics)) {
            BilevelSolver.Builder b = BilevelSolver.builder(estimator, optimizer).maxIterations(steps)
                    .projection(projection).listener(log).listener(bar);
            extra.forEach(b::listener);
            BilevelResult r = b.build().solve(problem, start);
            if (r.iterations() < steps) {
                bar.finish();
            }
            plot(log);
            return new Outcome(r, log);
        }
    }

    private void plot(RunLog log) {
        if (log.rows().isEmpty()) {
            return;
        }
        double[] it = log.column("iteration");
        Plots.line(out.resolve("objective.png"), "Outer objective", "outer iteration", "E(w_t, lambda)", false,
                Plots.single("objective", it, log.column("objective")));
        Plots.line(out.resolve("hypergradient.png"), "Hypergradient norm", "outer iteration", "|g|", true,
                Plots.single("|g|", it, log.column("hypergradient_norm")));
        for (String m : metrics.keySet()) {
            Plots.line(out.resolve(m + ".png"), m, "outer iteration", m, false, Plots.single(m, it, log.column(m)));
        }
    }
}
