package org.bilevel4j.apps.iv;

import static org.bilevel4j.apps.report.SummaryTable.significant;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bilevel4j.apps.report.Plots;
import org.bilevel4j.apps.report.SummaryTable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;

/**
 * The summary of a dSprites experiment: per method the median, interquartile range and mean of the final test MSE
 * over seeds, the mean wall time per outer step and the mean final inner and outer losses; the one-sided paired
 * t-test "FuncID's test MSE is lower" against every other method (over the seeds where both finished); a box plot
 * of the test MSE and the mean loss curves.
 */
final class IvReport {
    private final List<IvMethod> methods;
    private final List<SpritesExperiment.Result> results;
    private final int steps;

    IvReport(List<IvMethod> methods, List<SpritesExperiment.Result> results, int steps) {
        this.methods = List.copyOf(methods);
        this.results = List.copyOf(results);
        this.steps = steps;
    }

    /** @return the finished (not failed) results of m, in seed order */
    List<SpritesExperiment.Result> of(IvMethod m) {
        List<SpritesExperiment.Result> r = new ArrayList<>();
        for (SpritesExperiment.Result x : results) {
            if (x.method() == m && !x.failed()) {
                r.add(x);
            }
        }
        return r;
    }

    static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    double[] testMse(IvMethod m) {
        return of(m).stream().mapToDouble(SpritesExperiment.Result::finalTestMse).toArray();
    }

    /** @return the paired test of FuncID against m over the seeds where both finished, or null */
    PairedTTest funcIdAgainst(IvMethod m) {
        if (m == IvMethod.FUNCID || !methods.contains(IvMethod.FUNCID)) {
            return null;
        }
        Map<Long, Double> f = new LinkedHashMap<>();
        for (SpritesExperiment.Result r : of(IvMethod.FUNCID)) {
            f.put(r.seed(), r.finalTestMse());
        }
        List<double[]> pairs = new ArrayList<>();
        for (SpritesExperiment.Result r : of(m)) {
            if (f.containsKey(r.seed())) {
                pairs.add(new double[] {f.get(r.seed()), r.finalTestMse()});
            }
        }
        double[] a = pairs.stream().mapToDouble(p -> p[0]).toArray();
        double[] b = pairs.stream().mapToDouble(p -> p[1]).toArray();
        return PairedTTest.lessThan(a, b);
    }

    private double meanLast(IvMethod m, boolean inner) {
        return of(m).stream().mapToDouble(r -> inner ? r.innerLoss()[steps - 1] : r.outerLoss()[steps - 1])
                .average().orElse(Double.NaN);
    }

    private double meanSeconds(IvMethod m) {
        return results.stream().filter(r -> r.method() == m).mapToDouble(SpritesExperiment.Result::secondsPerStep)
                .average().orElse(Double.NaN);
    }

    void print(PrintWriter console) {
        SummaryTable t = new SummaryTable("method", "runs", "test MSE median", "IQR", "mean", "inner loss",
                "outer loss", "s / outer step", "FuncID lower: t", "p (one-sided)");
        for (IvMethod m : methods) {
            double[] v = testMse(m);
            Arrays.sort(v);
            PairedTTest tt = funcIdAgainst(m);
            long failed = results.stream().filter(r -> r.method() == m && r.failed()).count();
            t.row(m.label(), v.length + (failed > 0 ? " (+" + failed + " diverged)" : ""),
                    significant(quantile(v, 0.5)), significant(quantile(v, 0.75) - quantile(v, 0.25)),
                    significant(Arrays.stream(v).average().orElse(Double.NaN)),
                    significant(meanLast(m, true)), significant(meanLast(m, false)),
                    String.format(Locale.ROOT, "%.2f", meanSeconds(m)),
                    tt == null ? "" : significant(tt.t()), tt == null ? "" : significant(tt.pValue()));
        }
        t.print(console);
        console.println("inner/outer loss: mean over seeds at the last outer step; t-test: H1 = FuncID's test MSE is "
                + "lower, paired by seed");
    }

    Map<String, String> summary() {
        Map<String, String> s = new LinkedHashMap<>();
        for (IvMethod m : methods) {
            double[] v = testMse(m);
            Arrays.sort(v);
            s.put("test mse " + m.cliName(), String.format(Locale.ROOT, "median %s, IQR %s, n %d",
                    significant(quantile(v, 0.5)), significant(quantile(v, 0.75) - quantile(v, 0.25)),
                    v.length));
            s.put("seconds per outer step " + m.cliName(), String.format(Locale.ROOT, "%.3f", meanSeconds(m)));
            PairedTTest tt = funcIdAgainst(m);
            if (tt != null) {
                s.put("t-test funcid < " + m.cliName(), String.format(Locale.ROOT, "t %s, p %s, pairs %d",
                        significant(tt.t()), significant(tt.pValue()), tt.n()));
            }
        }
        return s;
    }

    void plots(Path dir) {
        BoxChart box = new BoxChartBuilder().width(900).height(560).title("Test MSE against the structural function "
                + "(588-point grid)").xAxisTitle("method").yAxisTitle("test MSE").build();
        box.getStyler().setChartBackgroundColor(Color.WHITE);
        box.getStyler().setLegendVisible(false);
        for (IvMethod m : methods) {
            double[] v = testMse(m);
            if (v.length > 0) {
                box.addSeries(m.label(), v);
            }
        }
        if (!box.getSeriesMap().isEmpty()) {
            try {
                BitmapEncoder.saveBitmap(box, dir.resolve("test-mse").toString(), BitmapEncoder.BitmapFormat.PNG);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the plot test-mse.png: " + e.getMessage(), e);
            }
        }
        curve(dir.resolve("outer-loss.png"), "Outer loss mean (o - h(x))² on the stage-2 data", false);
        curve(dir.resolve("inner-loss.png"), "Inner loss mean (f_w(t) - h(x))² on the stage-1 data", true);
    }

    private void curve(Path file, String title, boolean inner) {
        Map<String, Plots.Series> series = new LinkedHashMap<>();
        double[] x = new double[steps];
        for (int k = 0; k < steps; k++) {
            x[k] = k + 1;
        }
        for (IvMethod m : methods) {
            List<SpritesExperiment.Result> rs = of(m);
            if (rs.isEmpty()) {
                continue;
            }
            double[] y = new double[steps];
            for (SpritesExperiment.Result r : rs) {
                double[] c = inner ? r.innerLoss() : r.outerLoss();
                for (int k = 0; k < steps; k++) {
                    y[k] += c[k] / rs.size();
                }
            }
            series.put(m.label(), new Plots.Series(x, y));
        }
        Plots.line(file, title + ", mean over seeds", "outer step", inner ? "inner loss" : "outer loss", true, series);
    }
}
