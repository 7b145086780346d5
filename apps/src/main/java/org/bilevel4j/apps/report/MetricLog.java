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

/**
 * A run log of named numeric columns, for runs that are not outer-loop hypergradient descent (e.g. the stochastic
 * methods, whose iterations have no hypergradient estimate): written as it goes to {@code iterations.csv} and
 * {@code iterations.jsonl} in the same formats as {@link RunLog} (integral values without a fraction, an empty CSV cell and a JSON {@code null} for a
 * value that is not available at that row), flushed after every line.
 */
public final class MetricLog implements Closeable {
    private final List<String> header;
    private final BufferedWriter csv;
    private final BufferedWriter jsonl;
    private final List<double[]> rows = new ArrayList<>();

    /**
     * @param dir     the output directory (created if needed)
     * @param columns the column names, in order
     * @throws UncheckedIOException if the files cannot be created
     */
    public MetricLog(Path dir, List<String> columns) {
        this.header = List.copyOf(columns);
        BufferedWriter c = null;
        try {
            Files.createDirectories(dir);
            c = Files.newBufferedWriter(dir.resolve("iterations.csv"), StandardCharsets.UTF_8);
            c.write(String.join(",", header));
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
     * @param values one value per column (NaN: not available)
     * @throws IllegalArgumentException if the count differs from the columns'
     */
    public void append(double... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException("values: expected " + header.size() + " (one per column " + header
                    + "), got " + values.length);
        }
        rows.add(values.clone());
        List<String> cells = new ArrayList<>();
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < values.length; i++) {
            Object v = values[i] == Math.rint(values[i]) && Math.abs(values[i]) < 1e15
                    ? (Object) (long) values[i] : (Object) values[i];
            cells.add(RunLog.csvValue(v));
            json.append(i == 0 ? "" : ",").append('"').append(header.get(i)).append("\":").append(RunLog.jsonValue(v));
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

    /**
     * @param name a column's name
     * @return its values, one per row
     */
    public double[] column(String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("name: expected one of " + header + ", got '" + name + "'");
        }
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    @Override
    public void close() {
        RunLog.closeAll(csv, jsonl);
    }
}
