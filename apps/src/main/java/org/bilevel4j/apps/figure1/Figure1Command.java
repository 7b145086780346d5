package org.bilevel4j.apps.figure1;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.apps.cli.BackendOption;
import org.bilevel4j.apps.cli.ExperimentOptions;
import org.bilevel4j.apps.cli.OutputDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Reproduces Figure 1 of Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient
 * Computation", ICML 2020: the hypergradient error of ITD, AID-FP and AID-CG versus the inner iterations t, and
 * writes the curves to CSV.
 */
@Command(name = "figure1", mixinStandardHelpOptions = true,
        description = "Reproduce Figure 1 of Grazzi et al. (2020): hypergradient error versus inner iterations t for "
                + "ITD, AID-FP and AID-CG on the LR, KRR, BR and HR problems; writes figure1.csv.")
public final class Figure1Command implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendOption backend;

    @Option(names = "--problems", split = ",", defaultValue = "LR,KRR,BR,HR",
            description = "problems to run (default: ${DEFAULT-VALUE})")
    List<String> problems;

    @Option(names = "--t", split = ",", defaultValue = "1,2,5,10,20,50,100,200,500,1000",
            description = "values of t (default: ${DEFAULT-VALUE})")
    int[] tGrid;

    @Option(names = "--k", defaultValue = "10", description = "k of the fixed-k curves (default: ${DEFAULT-VALUE})")
    int kFixed;

    @Option(names = "--samples", defaultValue = "20", description = "lambda samples (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "seed of data and samples (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "worker threads, 0 .. " + MAX_THREADS
            + "; 0: as many as available processors (default: ${DEFAULT-VALUE})")
    int threads;

    /** Most worker threads. */
    static final int MAX_THREADS = 1024;

    @Option(names = "--out", defaultValue = "runs/figure1", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws IOException {
        backend.validate(spec);
        for (String name : problems) {
            if (!Figure1Problems.NAMES.contains(name.toUpperCase(Locale.ROOT))) {
                throw new ParameterException(spec.commandLine(), "--problems: expected names among "
                        + Figure1Problems.NAMES + ", got '" + name + "'");
            }
        }
        ExperimentOptions.atLeast(spec, "--samples", samples, 1);
        ExperimentOptions.atLeast(spec, "--k", kFixed, 0);
        for (int t : tGrid) {
            ExperimentOptions.atLeast(spec, "--t", t, 0);
            ExperimentOptions.atMost(spec, "--t", t, ExperimentOptions.MAX_STEPS, "the largest inner budget");
        }
        ExperimentOptions.atMost(spec, "--k", kFixed, ExperimentOptions.MAX_STEPS, "the largest linear-solver budget");
        ExperimentOptions.atLeast(spec, "--threads", threads, 0);
        ExperimentOptions.atMost(spec, "--threads", threads, MAX_THREADS, "the most worker threads");
        OutputDirectory.clear(out);
        PrintWriter console = spec.commandLine().getOut();
        Backend b = backend.backend();
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        List<Figure1Experiment.Point> all = new ArrayList<>();
        for (String name : problems) {
            long start = System.nanoTime();
            SyntheticProblem p = Figure1Problems.create(name, b, seed);
            List<Figure1Experiment.Point> points = Figure1Experiment.run(p, tGrid, kFixed, samples, seed + 1, workers);
            all.addAll(points);
            console.printf(Locale.ROOT, "%s (%d samples, %.1f s)%n", p.name(), samples, (System.nanoTime() - start) / 1e9);
            console.printf(Locale.ROOT, "%8s", "t");
            for (String m : Figure1Experiment.METHODS) {
                console.printf(Locale.ROOT, " %14s", m.replace("fixed", String.valueOf(kFixed)));
            }
            console.println();
            for (int t : tGrid) {
                console.printf(Locale.ROOT, "%8d", t);
                for (String m : Figure1Experiment.METHODS) {
                    points.stream().filter(q -> q.t() == t && q.method().equals(m)).findFirst()
                            .ifPresent(q -> console.printf(Locale.ROOT, " %14.3e", q.mean()));
                }
                console.println();
            }
            console.flush();
        }
        Path csv = out.resolve("figure1.csv");
        write(csv, all);
        console.println("wrote " + csv.toAbsolutePath());
        console.flush();
        return 0;
    }

    static void write(Path csv, List<Figure1Experiment.Point> points) throws IOException {
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            w.write("problem,method,t,k,mean_relative_error,std,min,max\n");
            for (Figure1Experiment.Point p : points) {
                w.write(String.format(Locale.ROOT, "%s,%s,%d,%d,%.6e,%.6e,%.6e,%.6e\n", p.problem(), p.method(), p.t(),
                        p.k(), p.mean(), p.std(), p.min(), p.max()));
            }
        }
    }
}
