package org.bilevel4j.theory.bounds;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records, per named check of a property class, how many inequalities were asserted and the worst (largest) ratio
 * error/bound, and reports them at the end of the class: one SLF4J line per check and one table row per check in
 * {@code target/theory-checks/ratios.md} (the table is started afresh by the first report of a JVM, then appended
 * to). A bound whose worst ratio is many orders of magnitude below 1 is vacuous on the instances tried; a ratio
 * close to 1 means the bound is tight there.
 *
 * <p>{@link #check} asserts {@code error <= bound * (1 + 1e-9) + atol}. The ratio is
 * {@code error / bound} over the instances where the bound is at least the absolute tolerance (elsewhere the
 * numerical floor, not the theorem, decides, and the ratio would only measure rounding); those floor-limited
 * instances are counted and logged separately.
 */
final class RatioReport {
    /** Relative slack on every bound. */
    static final double RELATIVE_SLACK = 1e-9;

    private static final Logger LOG = LoggerFactory.getLogger(RatioReport.class);
    private static final Path FILE = Paths.get(System.getProperty("basedir", "."), "target", "theory-checks",
            "ratios.md");
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private final String suite;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private static final class Entry {
        long instances;
        long floorLimited;
        double worst = Double.NaN;
        String worstContext = "";
        double worstIncludingFloor = Double.NaN;
        boolean countOnly;
    }

    /** @param suite the property class, for the log */
    RatioReport(String suite) {
        this.suite = suite;
    }

    /**
     * Asserts {@code error <= bound (1 + 1e-9) + atol} and records the ratio.
     *
     * @param check   the check's name (one table row)
     * @param error   the measured error, ≥ 0
     * @param bound   the theorem's bound, ≥ 0
     * @param atol    the absolute tolerance (numerical floor)
     * @param context the instance, for the failure message
     */
    void check(String check, double error, double bound, double atol, Supplier<String> context) {
        check(check, error, bound, atol, RELATIVE_SLACK, context);
    }

    /**
     * Asserts {@code error <= bound (1 + relativeSlack) + atol} and records the ratio.
     *
     * @param check         the check's name (one table row)
     * @param error         the measured error, ≥ 0
     * @param bound         the bound, ≥ 0
     * @param atol          the absolute tolerance
     * @param relativeSlack the relative tolerance on the bound
     * @param context       the instance, for the failure message
     */
    void check(String check, double error, double bound, double atol, double relativeSlack,
            Supplier<String> context) {
        assertTrue(Double.isFinite(error) && error >= 0, () -> check + ": error is " + error + " on " + context.get());
        assertTrue(bound >= 0 && !Double.isNaN(bound), () -> check + ": bound is " + bound + " on " + context.get());
        record(check, error, bound, atol, context);
        assertTrue(error <= bound * (1 + relativeSlack) + atol, () -> String.format(Locale.ROOT,
                "%s violated: error %.6e > bound %.6e (+ atol %.1e), ratio %.6g, on %s", check, error, bound, atol,
                error / bound, context.get()));
    }

    /**
     * Records a ratio without asserting (for measurements that are reported, not gated).
     *
     * @param check   the check's name
     * @param error   the measured quantity
     * @param bound   its reference
     * @param atol    the floor below which the ratio is not informative
     * @param context the instance
     */
    synchronized void record(String check, double error, double bound, double atol, Supplier<String> context) {
        Entry e = entries.computeIfAbsent(check, k -> new Entry());
        e.instances++;
        double withFloor = error / (bound + atol);
        if (Double.isNaN(e.worstIncludingFloor) || withFloor > e.worstIncludingFloor) {
            e.worstIncludingFloor = withFloor;
        }
        if (bound < atol || bound == 0) {
            e.floorLimited++;
            return;
        }
        double ratio = error / bound;
        if (Double.isNaN(e.worst) || ratio > e.worst) {
            e.worst = ratio;
            e.worstContext = context.get();
        }
    }

    /**
     * Records a count that is reported, not a ratio (e.g. instances skipped because an assumption failed).
     *
     * @param check the row's name
     * @param count the count
     */
    synchronized void count(String check, long count) {
        Entry e = entries.computeIfAbsent(check, k -> new Entry());
        e.instances += count;
        e.countOnly = true;
    }

    /** Logs one line per check and appends the rows to {@code target/theory-checks/ratios.md}. */
    synchronized void write() {
        StringBuilder rows = new StringBuilder();
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            if (e.countOnly) {
                LOG.info(String.format(Locale.ROOT, "[%s] %s: %d", suite, me.getKey(), e.instances));
                rows.append("| ").append(me.getKey().replace("|", "\\|")).append(" | ").append(e.instances)
                        .append(" | (count) |\n");
                continue;
            }
            String worst = Double.isNaN(e.worst) ? "n/a (floor only)" : String.format(Locale.ROOT, "%.3e", e.worst);
            LOG.info(String.format(Locale.ROOT, "[%s] %s: %d instances, worst error/bound %s (%d floor-limited; "
                    + "worst error/(bound+atol) %.3e)%s", suite, me.getKey(), e.instances, worst, e.floorLimited,
                    e.worstIncludingFloor, e.worstContext.isEmpty() ? "" : " at " + e.worstContext));
            rows.append("| ").append(me.getKey().replace("|", "\\|")).append(" | ").append(e.instances)
                    .append(" | ").append(worst).append(" |\n");
        }
        try {
            Files.createDirectories(FILE.getParent());
            if (STARTED.compareAndSet(false, true)) {
                Files.writeString(FILE, "| check | instances | worst error/bound |\n|---|---|---|\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
            }
            Files.writeString(FILE, rows.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
