package org.bilevel4j.apps.report;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The two files of a run log, {@code iterations.csv} and {@code iterations.jsonl}, with one header and one row per
 * iteration, flushed after every line: non-finite doubles are an empty CSV cell and a JSON {@code null}, numbers
 * are written with 10 significant digits, anything else as a (quoted, in JSON) string. Shared by {@link RunLog} and
 * {@link MetricLog}.
 */
final class IterationFiles implements Closeable {
    private final List<String> header;
    private final BufferedWriter csv;
    private final BufferedWriter jsonl;

    /**
     * @param dir    the output directory (created if needed)
     * @param header the column names, in order
     * @throws UncheckedIOException if the files cannot be created
     */
    IterationFiles(Path dir, List<String> header) {
        this.header = List.copyOf(header);
        BufferedWriter c = null;
        try {
            Files.createDirectories(dir);
            c = Files.newBufferedWriter(dir.resolve("iterations.csv"), StandardCharsets.UTF_8);
            c.write(String.join(",", this.header));
            c.newLine();
            c.flush();
            jsonl = Files.newBufferedWriter(dir.resolve("iterations.jsonl"), StandardCharsets.UTF_8);
            csv = c;
        } catch (IOException e) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot write the run log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param values one value per column
     * @throws UncheckedIOException if the files cannot be written
     */
    void write(List<?> values) {
        List<String> cells = new ArrayList<>();
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            cells.add(csvValue(values.get(i)));
            json.append(i == 0 ? "" : ",").append('"').append(header.get(i)).append("\":")
                    .append(jsonValue(values.get(i)));
        }
        try {
            csv.write(String.join(",", cells));
            csv.newLine();
            csv.flush();
            jsonl.write(json.append('}').toString());
            jsonl.newLine();
            jsonl.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the run log: " + e.getMessage(), e);
        }
    }

    private static String csvValue(Object v) {
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.10g", d);
        }
        return String.valueOf(v);
    }

    private static String jsonValue(Object v) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.10g", d) : "null";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Closes both files, even when one fails; the first failure is thrown, the other suppressed. */
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
}
