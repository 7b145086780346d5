package org.bilevel4j.theory.adversarial;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts, per estimator family and per kind of instance, the runs, their statuses, the certified bounds, and the
 * worst ratios of the true error to the reported bound and to the tolerance-based allowance, and writes them as
 * Markdown tables to {@code target/theory-checks/adversarial.md} (one SLF4J line per row as well).
 */
final class StatusReport {
    private static final Logger LOG = LoggerFactory.getLogger(StatusReport.class);
    private static final Path FILE = Paths.get(System.getProperty("basedir", "."), "target", "theory-checks",
            "adversarial.md");

    /** One row. */
    static final class Row {
        long runs;
        final Map<Status, Long> statuses = new EnumMap<>(Status.class);
        long certified;
        long boundChecks;
        double worstBoundRatio = Double.NaN;
        String worstBoundWhere = "";
        long roundingLimited;
        double worstPaddedRatio = Double.NaN;
        long allowanceChecks;
        double worstAllowanceRatio = Double.NaN;
        String worstAllowanceWhere = "";
        long certifiedAnyStatus;
        double worstCertifiedRatio = Double.NaN;
        long requiredDivergences;
        long indistinguishable;
        long residualChecks;
        double worstMomentumResidualRatio = Double.NaN;
        long nanos;
    }

    synchronized void time(String family, long nanos) {
        family(family).nanos += nanos;
    }

    private final Map<String, Row> families = new TreeMap<>();
    private final Map<String, Row> kinds = new TreeMap<>();
    private long instances;

    synchronized void instance() {
        instances++;
    }

    synchronized Row family(String name) {
        return families.computeIfAbsent(name, k -> new Row());
    }

    synchronized Row kind(String name) {
        return kinds.computeIfAbsent(name, k -> new Row());
    }

    synchronized void run(String family, String kind, Status status, boolean certified) {
        for (Row r : new Row[] {family(family), kind(kind)}) {
            r.runs++;
            r.statuses.merge(status, 1L, Long::sum);
            if (certified) {
                r.certified++;
            }
        }
    }

    /** A CONVERGED estimate with an available (asserted) bound: error/bound. */
    synchronized void bound(String family, String kind, double error, double bound, double withRounding,
            boolean roundingLimited, String where) {
        for (Row r : new Row[] {family(family), kind(kind)}) {
            r.boundChecks++;
            double padded = withRounding > 0 ? error / withRounding : 0;
            if (Double.isNaN(r.worstPaddedRatio) || padded > r.worstPaddedRatio) {
                r.worstPaddedRatio = padded;
            }
            double ratio = bound > 0 ? error / bound : (error == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (Double.isNaN(r.worstBoundRatio) || ratio > r.worstBoundRatio) {
                r.worstBoundRatio = ratio;
                r.worstBoundWhere = where;
            }
            if (roundingLimited) {
                r.roundingLimited++;
            }
        }
    }

    /** A certified bound, whatever the status. */
    synchronized void certified(String family, String kind, double error, double bound) {
        for (Row r : new Row[] {family(family), kind(kind)}) {
            r.certifiedAnyStatus++;
            double ratio = bound > 0 ? error / bound : (error == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (Double.isNaN(r.worstCertifiedRatio) || ratio > r.worstCertifiedRatio) {
                r.worstCertifiedRatio = ratio;
            }
        }
    }

    /** A CONVERGED estimate: error / tolerance-based allowance. */
    synchronized void allowance(String family, String kind, double error, double allowance, String where) {
        for (Row r : new Row[] {family(family), kind(kind)}) {
            r.allowanceChecks++;
            double ratio = allowance > 0 ? error / allowance : (error == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (Double.isNaN(r.worstAllowanceRatio) || ratio > r.worstAllowanceRatio) {
                r.worstAllowanceRatio = ratio;
                r.worstAllowanceWhere = where;
            }
        }
    }

    synchronized void requiredDivergence(String family, String kind) {
        family(family).requiredDivergences++;
        kind(kind).requiredDivergences++;
    }

    synchronized void indistinguishable(String family, String kind) {
        family(family).indistinguishable++;
        kind(kind).indistinguishable++;
    }

    synchronized void residualCheck(String family, String kind) {
        family(family).residualChecks++;
        kind(kind).residualChecks++;
    }

    /** For momentum inner solvers: true inner residual over ‖∂₁Φ‖ times the step tolerance (reported only). */
    synchronized void momentumResidual(String family, double ratio) {
        Row r = family(family);
        if (Double.isNaN(r.worstMomentumResidualRatio) || ratio > r.worstMomentumResidualRatio) {
            r.worstMomentumResidualRatio = ratio;
        }
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.3g", r);
    }

    private static String table(String first, Map<String, Row> rows) {
        StringBuilder s = new StringBuilder();
        s.append("| ").append(first).append(" | runs | CONVERGED | BUDGET_EXHAUSTED | BREAKDOWN | DIVERGED | certified"
                + " | bound checks | worst error/bound | rounding-limited | worst error/(bound with rounding) | worst error/bound, certified, any status"
                + " | allowance checks | worst error/allowance | required divergences | not told apart | residual checks | estimator ms |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            s.append("| ").append(e.getKey()).append(" | ").append(r.runs);
            for (Status st : new Status[] {Status.CONVERGED, Status.BUDGET_EXHAUSTED, Status.BREAKDOWN,
                Status.DIVERGED}) {
                s.append(" | ").append(r.statuses.getOrDefault(st, 0L));
            }
            s.append(" | ").append(r.certified).append(" | ").append(r.boundChecks).append(" | ")
                    .append(ratio(r.worstBoundRatio)).append(" | ").append(r.roundingLimited).append(" | ")
                    .append(ratio(r.worstPaddedRatio)).append(" | ")
                    .append(ratio(r.worstCertifiedRatio)).append(" (").append(r.certifiedAnyStatus).append(") | ")
                    .append(r.allowanceChecks).append(" | ").append(ratio(r.worstAllowanceRatio)).append(" | ")
                    .append(r.requiredDivergences).append(" | ").append(r.indistinguishable).append(" | ").append(r.residualChecks).append(" | ")
                    .append(r.nanos / 1_000_000).append(" |\n");
        }
        return s.toString();
    }

    synchronized void write(String preamble) {
        StringBuilder s = new StringBuilder("# Adversarial status suite\n\n").append(preamble).append("\n\n")
                .append(instances).append(" instances.\n\n## Per estimator family\n\n").append(table("family", families))
                .append("\n## Per kind of instance\n\n").append(table("instance kind", kinds))
                .append("\n## Worst cases\n\n");
        for (Map.Entry<String, Row> e : families.entrySet()) {
            Row r = e.getValue();
            if (!r.worstBoundWhere.isEmpty()) {
                s.append("- ").append(e.getKey()).append(", worst error/bound ").append(ratio(r.worstBoundRatio))
                        .append(": ").append(r.worstBoundWhere).append('\n');
            }
            if (!r.worstAllowanceWhere.isEmpty()) {
                s.append("- ").append(e.getKey()).append(", worst error/allowance ")
                        .append(ratio(r.worstAllowanceRatio)).append(": ").append(r.worstAllowanceWhere).append('\n');
            }
            if (!Double.isNaN(r.worstMomentumResidualRatio)) {
                s.append("- ").append(e.getKey()).append(", CONVERGED with a momentum inner solver: worst true inner"
                        + " residual / (‖∂₁Φ‖ × step tolerance) ").append(ratio(r.worstMomentumResidualRatio))
                        .append(" (reported, not asserted)\n");
            }
        }
        String text = s.toString();
        LOG.info("\n{}", text);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, text, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
