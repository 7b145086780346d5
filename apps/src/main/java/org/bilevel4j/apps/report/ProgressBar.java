package org.bilevel4j.apps.report;

import java.io.PrintWriter;
import java.util.Locale;
import org.bilevel4j.algorithms.outer.IterationListener;
import org.bilevel4j.algorithms.outer.OuterIteration;

/**
 * A one-line progress bar for long runs: outer step, objective, hypergradient norm and ETA, redrawn in place at
 * most ten times a second. It draws only when the output is an interactive terminal (or when forced), so logs and
 * CI output stay clean.
 */
public final class ProgressBar implements IterationListener {
    private static final int WIDTH = 24;

    private final PrintWriter out;
    private final int total;
    private final boolean enabled;
    private long lastDraw;

    /**
     * @param out     where to draw
     * @param total   the number of outer iterations
     * @param enabled whether to draw (usually: stdout is a terminal and --quiet is off)
     */
    public ProgressBar(PrintWriter out, int total, boolean enabled) {
        this.out = out;
        this.total = Math.max(1, total);
        this.enabled = enabled;
    }

    /** @return true when stdout is an interactive terminal */
    public static boolean interactive() {
        return System.console() != null;
    }

    @Override
    public void onIteration(OuterIteration it) {
        if (!enabled) {
            return;
        }
        draw(it.iteration(), it.elapsedNanos(), String.format(Locale.ROOT, "f = %.5g  |g| = %.3e  %s",
                it.objective(), it.hypergradientNorm(), it.estimate().status().name().toLowerCase(Locale.ROOT)));
    }

    /**
     * Draws the bar for any iterative run (e.g. a stochastic one), at most ten times a second.
     *
     * @param iteration    the iteration just performed, from 1
     * @param elapsedNanos wall time since the run started
     * @param figures      what to show after the step count, e.g. {@code "|grad Phi|^2 = 1.2e-3"}
     */
    public void draw(long iteration, long elapsedNanos, String figures) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && iteration != total) {
            return;
        }
        lastDraw = now;
        double fraction = Math.min(1.0, iteration / (double) total);
        int filled = (int) Math.round(fraction * WIDTH);
        double elapsed = elapsedNanos / 1e9;
        double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
        out.printf(Locale.ROOT, "\r[%s%s] %3d%%  step %d/%d  %s  ETA %s ",
                "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(fraction * 100), iteration, total,
                figures, clock(eta));
        if (iteration >= total) {
            out.println();
        }
        out.flush();
    }

    /** Ends the line if the run stopped before the last iteration. */
    public void finish() {
        if (enabled) {
            out.println();
            out.flush();
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
