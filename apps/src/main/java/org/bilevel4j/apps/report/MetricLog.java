package org.bilevel4j.apps.report;

import java.io.Closeable;
import java.io.UncheckedIOException;
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
    private final IterationFiles files;
    private final List<double[]> rows = new ArrayList<>();

    /**
     * @param dir     the output directory (created if needed)
     * @param columns the column names, in order
     * @throws UncheckedIOException if the files cannot be created
     */
    public MetricLog(Path dir, List<String> columns) {
        this.header = List.copyOf(columns);
        files = new IterationFiles(dir, header);
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
        List<Object> cells = new ArrayList<>(values.length);
        for (double v : values) {
            cells.add(v == Math.rint(v) && Math.abs(v) < 1e15 ? (Object) (long) v : (Object) v);
        }
        files.write(cells);
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
        files.close();
    }
}
