package org.bilevel4j.theory.stochastic;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one row per stochastic theory check to {@code target/theory-checks/stochastic.md} (started afresh by the
 * first row of a JVM) and logs it: the check, the instances, the measured figure (worst ratio or fitted exponent)
 * and what it is compared with.
 */
final class StochasticReport {
    private static final Logger LOG = LoggerFactory.getLogger(StochasticReport.class);
    private static final Path FILE = Paths.get(System.getProperty("basedir", "."), "target", "theory-checks",
            "stochastic.md");
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private StochasticReport() {
    }

    static synchronized void row(String check, String instances, String figure, String reference) {
        LOG.info("{} | {} | {} | {}", check, instances, figure, reference);
        try {
            Files.createDirectories(FILE.getParent());
            if (STARTED.compareAndSet(false, true)) {
                Files.writeString(FILE, "| check | instances | measured | asserted against |\n|---|---|---|---|\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
            }
            Files.writeString(FILE, "| " + esc(check) + " | " + esc(instances) + " | " + esc(figure) + " | "
                    + esc(reference) + " |\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String esc(String s) {
        return s.replace("|", "\\|");
    }
}
