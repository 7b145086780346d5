package org.bilevel4j.apps.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads LIBSVM / svmlight sparse text into a dense {@link LibsvmData}. Each line is
 * {@code label index:value index:value ...}: the label a number ({@code +1}, {@code -1}, {@code 3}, {@code 0.5}),
 * the indices 1-based and strictly ascending, the values finite numbers; features not listed are zero. Spaces and
 * tabs separate tokens; a {@code #} starts a comment that runs to the end of the line; blank and comment-only lines
 * are skipped. Ranking files with {@code qid:} tokens are rejected. A gzip-compressed file is read transparently
 * (recognised by its magic bytes).
 *
 * <p>Labels become class ids: without given label values, the distinct labels of the file in ascending order are
 * classes {@code 0 .. c - 1} (so {@code -1, +1} become {@code 0, 1}), and {@link LibsvmData#labelValues()} gives
 * the mapping back. A test file should be read with the label values of its training file, so that both use the
 * same class ids.
 *
 * <p>Strict and all-or-nothing: a malformed token raises a {@link DataFormatException} naming the file, the line,
 * the column (1-based character offset in the line) and what was expected; the dense result is built only after the
 * whole file has been checked. Stateless and thread-safe.
 */
public final class LibsvmReader {
    private static final Logger LOG = LoggerFactory.getLogger(LibsvmReader.class);

    /** A reader; it holds no state. */
    public LibsvmReader() {
    }

    /**
     * Reads a file whose number of features is its largest index.
     *
     * @param file a LIBSVM file, plain or gzip-compressed
     * @return the dense data (rows x largest index) and the label of each class id
     * @throws DataFormatException if a line is malformed
     * @throws IOException         if the file cannot be opened or read
     */
    public LibsvmData read(Path file) throws IOException {
        return parse(file, -1, null);
    }

    /**
     * Reads a file into a given number of features, e.g. that of the training file when reading a test file whose
     * largest index is smaller.
     *
     * @param file     a LIBSVM file, plain or gzip-compressed
     * @param features the number of columns, at least 0; every index must be at most this
     * @return the dense data (rows x {@code features}) and the label of each class id
     * @throws DataFormatException if a line is malformed or an index exceeds {@code features}
     * @throws IOException         if the file cannot be opened or read
     */
    public LibsvmData read(Path file, int features) throws IOException {
        if (features < 0) {
            throw new IllegalArgumentException("features: expected >= 0, got " + features);
        }
        return parse(file, features, null);
    }

    /**
     * Reads a file into a given number of features and given classes, e.g. a test file with the
     * {@link LibsvmData#labelValues()} of its training file.
     *
     * @param file        a LIBSVM file, plain or gzip-compressed
     * @param features    the number of columns, at least 0; every index must be at most this
     * @param labelValues the label of each class id, distinct and finite; every label of the file must be one
     * @return the dense data (rows x {@code features}, {@code labelValues.length} classes)
     * @throws DataFormatException if a line is malformed, an index exceeds {@code features} or a label is not one of
     *                             {@code labelValues}
     * @throws IOException         if the file cannot be opened or read
     */
    public LibsvmData read(Path file, int features, double[] labelValues) throws IOException {
        if (features < 0) {
            throw new IllegalArgumentException("features: expected >= 0, got " + features);
        }
        if (labelValues == null) {
            throw new NullPointerException("labelValues: expected an array, got null");
        }
        double[] given = labelValues.clone();
        LibsvmData.checkLabelValues(given, "labelValues");
        return parse(file, features, given);
    }

    private static LibsvmData parse(Path file, int featureLimit, double[] givenLabels) throws IOException {
        long start = System.nanoTime();
        Map<Double, Integer> given = null;
        if (givenLabels != null) {
            given = new HashMap<>();
            for (int c = 0; c < givenLabels.length; c++) {
                given.put(givenLabels[c] + 0.0, c);
            }
        }
        Parsed p = new Parsed();
        try (InputStream in = DataFiles.open(file)) {
            LineReader lines = new LineReader(in, file);
            for (String line = lines.next(); line != null; line = lines.next()) {
                new LineParser(file, lines.lineNo, line, featureLimit, given, p).parse();
            }
        }
        int cols = featureLimit >= 0 ? featureLimit : p.maxIndex;
        int rows = p.rows;
        if ((long) rows * cols > LabelledData.MAX_ARRAY) {
            throw new DataFormatException(file + ": expected at most " + LabelledData.MAX_ARRAY + " values in the "
                    + "dense matrix, got " + rows + " rows x " + cols + " features");
        }
        double[] labelValues;
        int[] ids = new int[rows];
        if (givenLabels != null) {
            labelValues = givenLabels;
            for (int r = 0; r < rows; r++) {
                ids[r] = (int) p.labels.get(r);
            }
        } else {
            double[] sorted = Arrays.copyOf(p.labels.values, rows);
            Arrays.sort(sorted);
            int distinct = 0;
            for (int i = 0; i < rows; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    sorted[distinct++] = sorted[i];
                }
            }
            labelValues = Arrays.copyOf(sorted, distinct);
            for (int r = 0; r < rows; r++) {
                ids[r] = Arrays.binarySearch(labelValues, p.labels.get(r));
            }
        }
        double[] dense = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            int end = r + 1 < rows ? p.rowStarts.get(r + 1) : p.indices.size;
            for (int k = p.rowStarts.get(r); k < end; k++) {
                dense[r * cols + p.indices.get(k) - 1] = p.values.get(k);
            }
        }
        LibsvmData result = new LibsvmData(new LabelledData(dense, rows, cols, ids, labelValues.length),
                labelValues);
        LOG.debug("read {}: {} in {} ms", file, result, (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    /** What has been read so far: sparse rows, never exposed before the whole file is checked. */
    private static final class Parsed {
        final IntList rowStarts = new IntList();
        final IntList indices = new IntList();
        final DoubleList values = new DoubleList();
        /** Raw labels (-0.0 made 0.0), or class ids when label values are given. */
        final DoubleList labels = new DoubleList();
        int rows;
        int maxIndex;
    }

    /** Parses one line into {@link Parsed}, or throws naming the line and column. */
    private static final class LineParser {
        private final Path file;
        private final int lineNo;
        private final String line;
        private final int featureLimit;
        private final Map<Double, Integer> given;
        private final Parsed out;
        private final int end;
        private int pos;

        LineParser(Path file, int lineNo, String line, int featureLimit, Map<Double, Integer> given, Parsed out) {
            this.file = file;
            this.lineNo = lineNo;
            this.line = line;
            this.featureLimit = featureLimit;
            this.given = given;
            this.out = out;
            int hash = line.indexOf('#');
            this.end = hash < 0 ? line.length() : hash;
        }

        void parse() {
            skipBlanks();
            if (pos == end) {
                return; // blank or comment-only line
            }
            int labelStart = pos;
            String labelToken = token();
            if (labelToken.indexOf(':') >= 0) {
                throw fail(labelStart, "expected a label (a number) before the features, got '" + labelToken + "'");
            }
            double label = number(labelToken, labelStart, "a numeric label") + 0.0;
            double stored = label;
            if (given != null) {
                Integer id = given.get(label);
                if (id == null) {
                    throw fail(labelStart, "expected one of the given labels " + given.keySet().stream().sorted()
                            .toList() + ", got '" + labelToken + "'");
                }
                stored = id;
            }
            if (out.rows == LabelledData.MAX_ARRAY) {
                throw fail(labelStart, "expected at most " + LabelledData.MAX_ARRAY + " rows, got more");
            }
            int entriesBefore = out.indices.size;
            long previous = 0;
            skipBlanks();
            while (pos < end) {
                int tokenStart = pos;
                String t = token();
                if (t.startsWith("qid:")) {
                    throw fail(tokenStart, "expected index:value, got '" + t + "' (qid: tokens of ranking data "
                            + "are not supported)");
                }
                int colon = t.indexOf(':');
                if (colon < 0) {
                    throw fail(tokenStart, "expected index:value, got '" + t + "' (missing ':')");
                }
                long index = index(t.substring(0, colon), tokenStart);
                if (index <= previous) {
                    throw fail(tokenStart, "expected an index greater than " + previous + " (indices must be "
                            + "strictly ascending), got " + index);
                }
                if (featureLimit >= 0 && index > featureLimit) {
                    throw fail(tokenStart, "expected an index at most " + featureLimit + " (the given number "
                            + "of features), got " + index);
                }
                double value = number(t.substring(colon + 1), tokenStart + colon + 1, "a numeric value after ':'");
                previous = index;
                out.indices.add((int) index);
                out.values.add(value);
                out.maxIndex = Math.max(out.maxIndex, (int) index);
                skipBlanks();
            }
            out.rowStarts.add(entriesBefore);
            out.labels.add(stored);
            out.rows++;
        }

        private void skipBlanks() {
            while (pos < end && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private String token() {
            int start = pos;
            while (pos < end && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
                pos++;
            }
            return line.substring(start, pos);
        }

        private long index(String s, int at) {
            if (s.isEmpty()) {
                throw fail(at, "expected a feature index before ':', got nothing");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    throw fail(at, "expected a positive integer feature index, got '" + s + "'");
                }
            }
            long index = 0;
            for (int i = 0; i < s.length(); i++) {
                index = 10 * index + (s.charAt(i) - '0');
                if (index > LabelledData.MAX_ARRAY) {
                    throw fail(at, "expected a feature index at most " + LabelledData.MAX_ARRAY + ", got " + s);
                }
            }
            if (index == 0) {
                throw fail(at, "expected a positive feature index (indices are 1-based), got " + s);
            }
            return index;
        }

        private double number(String s, int at, String what) {
            if (s.isEmpty()) {
                throw fail(at, "expected " + what + ", got nothing");
            }
            if (!isDecimal(s)) {
                if (s.toLowerCase(java.util.Locale.ROOT).matches("[+-]?(nan|inf|infinity)")) {
                    throw fail(at, "expected a finite number, got '" + s + "'");
                }
                throw fail(at, "expected " + what + ", got '" + s + "'");
            }
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v)) {
                throw fail(at, "expected a finite number, got '" + s + "' (overflows a double)");
            }
            return v;
        }

        /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?} */
        private static boolean isDecimal(String s) {
            int i = 0;
            int n = s.length();
            if (s.charAt(i) == '+' || s.charAt(i) == '-') {
                i++;
            }
            int digits = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                digits++;
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                    digits++;
                }
            }
            if (digits == 0) {
                return false;
            }
            if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                int exp = 0;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                    exp++;
                }
                if (exp == 0) {
                    return false;
                }
            }
            return i == n;
        }

        private DataFormatException fail(int at, String expectation) {
            return new DataFormatException(file + ": line " + lineNo + ", column " + (at + 1) + ": " + expectation);
        }
    }

    /** Splits bytes into lines at each line feed (dropping a carriage return before it); decodes strict UTF-8. */
    private static final class LineReader {
        private final InputStream in;
        private final Path file;
        private final byte[] buf = new byte[DataFiles.BUFFER];
        private int pos;
        private int len;
        private byte[] line = new byte[256];
        int lineNo;

        LineReader(InputStream in, Path file) {
            this.in = in;
            this.file = file;
        }

        /** @return the next line without its terminator, or null at the end of the file */
        String next() throws IOException {
            int n = 0;
            boolean ascii = true;
            boolean any = false;
            while (true) {
                if (pos == len) {
                    len = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (len < 0) {
                        len = 0;
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                    continue;
                }
                any = true;
                byte b = buf[pos++];
                if (b == '\n') {
                    break;
                }
                if (n == line.length) {
                    if (n == LabelledData.MAX_ARRAY) {
                        throw new DataFormatException(file + ": line " + (lineNo + 1) + ": expected a line of at most "
                                + LabelledData.MAX_ARRAY + " bytes, got more");
                    }
                    line = Arrays.copyOf(line, (int) Math.min(LabelledData.MAX_ARRAY, 2L * n));
                }
                line[n++] = b;
                ascii &= b >= 0;
            }
            lineNo++;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            if (ascii) {
                return new String(line, 0, n, StandardCharsets.ISO_8859_1);
            }
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer bytes = ByteBuffer.wrap(line, 0, n);
            CharBuffer chars = CharBuffer.allocate(n);
            CoderResult r = decoder.decode(bytes, chars, true);
            if (!r.isError()) {
                r = decoder.flush(chars);
            }
            if (r.isError()) {
                throw new DataFormatException(file + ": line " + lineNo + ", column " + (chars.position() + 1)
                        + ": expected UTF-8 text, got the byte " + String.format("0x%02x", bytes.get(bytes.position()))
                        + " (byte offset " + bytes.position() + " in the line)");
            }
            return chars.flip().toString();
        }
    }

    /** A growable int array. */
    private static final class IntList {
        int[] values = new int[64];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(LabelledData.MAX_ARRAY, 2L * size));
            }
            values[size++] = v;
        }

        int get(int i) {
            return values[i];
        }
    }

    /** A growable double array. */
    private static final class DoubleList {
        double[] values = new double[64];
        int size;

        void add(double v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, (int) Math.min(LabelledData.MAX_ARRAY, 2L * size));
            }
            values[size++] = v;
        }

        double get(int i) {
            return values[i];
        }
    }
}
