package org.bilevel4j.apps.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table for the end of a run: left-aligned first column, right-aligned others. */
public final class SummaryTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param columns the column titles */
    public SummaryTable(String... columns) {
        this.header = List.of(columns);
    }

    /** @param cells one cell per column @return this table */
    public SummaryTable row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("cells: expected " + header.size() + ", got " + cells.length);
        }
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(String.valueOf(c));
        }
        rows.add(r);
        return this;
    }

    /** @param out where to print */
    public void print(PrintWriter out) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        printRow(out, header, width);
        StringBuilder rule = new StringBuilder();
        for (int w : width) {
            rule.append(rule.length() == 0 ? "" : "  ").append("-".repeat(w));
        }
        out.println(rule);
        for (List<String> r : rows) {
            printRow(out, r, width);
        }
        out.flush();
    }

    private static void printRow(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            sb.append(i == 0 ? "" : "  ").append(i == 0 ? c + pad : pad + c);
        }
        out.println(sb.toString().stripTrailing());
    }

    /** @param v a value @return it with 4 significant digits, e.g. {@code 0.08406} or {@code 1.689} */
    public static String significant(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** @param v a value @return it with 4 decimals, e.g. {@code 0.4069} */
    public static String decimal(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** @param fraction a fraction @return it as a percentage with one decimal, e.g. {@code 84.9%} */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
