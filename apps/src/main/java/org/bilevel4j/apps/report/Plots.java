package org.bilevel4j.apps.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG line plots of run curves (XChart, rendered off screen; the tool runs with {@code java.awt.headless}). */
public final class Plots {
    private Plots() {
    }

    /** One curve. */
    public record Series(double[] x, double[] y) {
    }

    /**
     * @param file   the PNG to write (extension added if missing)
     * @param title  chart title
     * @param xLabel x-axis label
     * @param yLabel y-axis label
     * @param logY   logarithmic y axis (non-positive values are dropped)
     * @param series named curves, in legend order
     * @return the file written
     */
    public static Path line(Path file, String title, String xLabel, String yLabel, boolean logY,
            Map<String, Series> series) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Map.Entry<String, Series> s : series.entrySet()) {
            double[][] xy = logY ? positive(s.getValue()) : new double[][] {s.getValue().x(), s.getValue().y()};
            if (xy[0].length == 0) {
                continue;
            }
            XYSeries line = chart.addSeries(s.getKey(), xy[0], xy[1]);
            line.setMarker(xy[0].length > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        String name = file.toString().endsWith(".png") ? file.toString().substring(0, file.toString().length() - 4)
                : file.toString();
        try {
            BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + name + ".png: " + e.getMessage(), e);
        }
        return Path.of(name + ".png");
    }

    /** @return a single-series map */
    public static Map<String, Series> single(String name, double[] x, double[] y) {
        Map<String, Series> m = new LinkedHashMap<>();
        m.put(name, new Series(x, y));
        return m;
    }

    private static double[][] positive(Series s) {
        int n = 0;
        for (int i = 0; i < s.y().length; i++) {
            if (s.y()[i] > 0 && Double.isFinite(s.y()[i])) {
                n++;
            }
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0, j = 0; i < s.y().length; i++) {
            if (s.y()[i] > 0 && Double.isFinite(s.y()[i])) {
                x[j] = s.x()[i];
                y[j++] = s.y()[i];
            }
        }
        return new double[][] {x, y};
    }
}
