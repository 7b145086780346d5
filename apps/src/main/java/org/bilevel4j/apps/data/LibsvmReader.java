package org.bilevel4j.apps.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.DoubleStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads LIBSVM / svmlight sparse text into a dense {@link LibsvmData}. Each line is
 * {@code label index:value index:value ...}: the label an integer ({@code +1}, {@code -1}, {@code 3}; {@code 1.0}
 * is accepted, {@code 1.5} is not), the indices 1-based, strictly ascending and at most the reader's
 * {@link #maxFeatures()}, the values finite decimal numbers; features not listed are zero. Spaces and tabs separate
 * tokens; a {@code #} starts a comment that runs to the end of the line; blank and comment-only lines are skipped.
 * Ranking files with {@code qid:} tokens are rejected. A gzip-compressed file is read transparently (recognised by
 * its magic bytes).
 *
 * <p>Labels become class ids: without given label values, the distinct labels of the file in ascending order are
 * classes {@code 0 .. c - 1} (so {@code -1, +1} become {@code 0, 1}), and {@link LibsvmData#labelValues()} gives
 * the mapping back. A test file should be read with the label values of its training file, so that both use the
 * same class ids.
 *
 * <p>Strict and all-or-nothing: a file without samples, a malformed token, a non-integer label, an index above the
 * limit or text that is not UTF-8 raises a {@link DataFormatException} naming the file, the line, the column (1-based
 * character offset in the line, where known) and what was expected; nothing is returned before the whole file has
 * been checked. Stateless and thread-safe.
 */
public final class LibsvmReader {
    /** The default limit on feature indices: the dense matrix has one column per index up to the largest. */
    public static final int DEFAULT_MAX_FEATURES = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(LibsvmReader.class);
    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?} */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);
    /** Largest label magnitude: class labels are small integers, and this keeps them exact in a double. */
    private static final double MAX_LABEL = 1e9;

    private final int maxFeatures;

    /** A reader that accepts feature indices up to {@value #DEFAULT_MAX_FEATURES}. */
    public LibsvmReader() {
        this(DEFAULT_MAX_FEATURES);
    }

    /**
     * @param maxFeatures the largest feature index accepted, at least 1: a file with a larger index is rejected
     *                    rather than expanded into that many dense columns
     */
    public LibsvmReader(int maxFeatures) {
        if (maxFeatures < 1 || maxFeatures > LabelledData.MAX_ARRAY) {
            throw new IllegalArgumentException("maxFeatures: expected 1 .. " + LabelledData.MAX_ARRAY + ", got "
                    + maxFeatures);
        }
        this.maxFeatures = maxFeatures;
    }

    /** @return the largest feature index accepted */
    public int maxFeatures() {
        return maxFeatures;
    }

    /**
     * Reads a file whose number of features is its largest index.
     *
     * @param file a LIBSVM file, plain or gzip-compressed
     * @return the dense data (rows x largest index) and the label of each class id
     * @throws DataFormatException if the file has no sample or a line is malformed
     * @throws IOException         if the file is missing, a directory, or cannot be read
     */
    public LibsvmData read(Path file) throws IOException {
        return parse(file, -1, null);
    }

    /**
     * Reads a file into a given number of features, e.g. that of the training file when reading a test file whose
     * largest index is smaller.
     *
     * @param file     a LIBSVM file, plain or gzip-compressed
     * @param features the number of columns, 0 .. {@link #maxFeatures()}; every index must be at most this
     * @return the dense data (rows x {@code features}) and the label of each class id
     * @throws DataFormatException if the file has no sample, a line is malformed or an index exceeds {@code features}
     * @throws IOException         if the file is missing, a directory, or cannot be read
     */
    public LibsvmData read(Path file, int features) throws IOException {
        checkFeatures(features);
        return parse(file, features, null);
    }

    /**
     * Reads a file into a given number of features and given classes, e.g. a test file with the
     * {@link LibsvmData#labelValues()} of its training file.
     *
     * @param file        a LIBSVM file, plain or gzip-compressed
     * @param features    the number of columns, 0 .. {@link #maxFeatures()}; every index must be at most this
     * @param labelValues the label of each class id, distinct and finite; every label of the file must be one
     * @return the dense data (rows x {@code features}, {@code labelValues.length} classes)
     * @throws DataFormatException if the file has no sample, a line is malformed, an index exceeds {@code features}
     *                             or a label is not one of {@code labelValues}
     * @throws IOException         if the file is missing, a directory, or cannot be read
     */
    public LibsvmData read(Path file, int features, double[] labelValues) throws IOException {
        checkFeatures(features);
        if (labelValues == null) {
            throw new NullPointerException("labelValues: expected an array, got null");
        }
        double[] given = labelValues.clone();
        LibsvmData.checkLabelValues(given, "labelValues");
        return parse(file, features, given);
    }

    private void checkFeatures(int features) {
        if (features < 0 || features > maxFeatures) {
            throw new IllegalArgumentException("features: expected 0 .. " + maxFeatures + ", got " + features);
        }
    }

    /** One parsed line: its label and its sparse entries. */
    private record Sample(double label, int[] indices, double[] values) {
    }

    private LibsvmData parse(Path file, int features, double[] givenLabels) throws IOException {
        long start = System.nanoTime();
        int limit = features >= 0 ? features : maxFeatures;
        String limitName = features >= 0 ? "the given number of features" : "the feature limit, --max-features";
        List<Sample> samples = new ArrayList<>();
        int width = 0;
        int lineNo = 0;
        try (Lines in = new Lines(file)) {
            for (String line = in.next(); line != null; line = in.next()) {
                lineNo = in.number;
                int hash = line.indexOf('#');
                List<Token> tokens = Token.split(hash < 0 ? line : line.substring(0, hash));
                if (tokens.isEmpty()) {
                    continue; // blank or comment-only
                }
                Location at = new Location(file, lineNo);
                Token first = tokens.get(0);
                if (first.text().indexOf(':') >= 0) {
                    throw at.fail(first.column(), "expected a label (a number) before the features, got '"
                            + first.text() + "'");
                }
                double label = number(first.text(), at, first.column(), "an integer label");
                if (label != Math.rint(label) || Math.abs(label) > MAX_LABEL) {
                    throw at.fail(first.column(), "expected an integer label (a class), got '" + first.text() + "'");
                }
                if (givenLabels != null && classOf(givenLabels, label + 0.0) < 0) {
                    throw at.fail(first.column(), "expected one of the given labels "
                            + Arrays.toString(DoubleStream.of(givenLabels).sorted().toArray()) + ", got '"
                            + first.text() + "'");
                }
                int n = tokens.size() - 1;
                int[] indices = new int[n];
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    Token t = tokens.get(i + 1);
                    int colon = t.text().indexOf(':');
                    if (t.text().startsWith("qid:")) {
                        throw at.fail(t.column(), "expected index:value, got '" + t.text() + "' (qid: tokens of "
                                + "ranking data are not supported)");
                    }
                    if (colon < 0) {
                        throw at.fail(t.column(), "expected index:value, got '" + t.text() + "' (missing ':')");
                    }
                    String index = t.text().substring(0, colon);
                    if (index.isEmpty()) {
                        throw at.fail(t.column(), "expected a feature index before ':', got nothing");
                    }
                    if (!index.chars().allMatch(c -> c >= '0' && c <= '9')) {
                        throw at.fail(t.column(), "expected a positive integer feature index, got '" + index + "'");
                    }
                    String digits = index.replaceFirst("^0+(?=.)", "");
                    if (digits.length() > 10 || Long.parseLong(digits) > limit) {
                        throw at.fail(t.column(), "expected a feature index at most " + limit + " (" + limitName
                                + "), got " + index);
                    }
                    indices[i] = Integer.parseInt(digits);
                    if (indices[i] == 0) {
                        throw at.fail(t.column(), "expected a positive feature index (indices are 1-based), got "
                                + index);
                    }
                    int previous = i == 0 ? 0 : indices[i - 1];
                    if (indices[i] <= previous) {
                        throw at.fail(t.column(), "expected an index greater than " + previous + " (indices must be "
                                + "strictly ascending), got " + indices[i]);
                    }
                    values[i] = number(t.text().substring(colon + 1), at, t.column() + colon + 1,
                            "a numeric value after ':'");
                }
                width = Math.max(width, n == 0 ? 0 : indices[n - 1]);
                samples.add(new Sample(label + 0.0, indices, values)); // + 0.0: -0 is the label 0
            }
        }
        if (samples.isEmpty()) {
            throw new DataFormatException(file + ": expected at least one sample (a line 'label index:value ...'), "
                    + "got none in " + lineNo + " lines");
        }
        double[] labelValues = givenLabels != null ? givenLabels
                : samples.stream().mapToDouble(Sample::label).distinct().sorted().toArray();
        int cols = features >= 0 ? features : width;
        int rows = samples.size();
        if ((long) rows * cols > LabelledData.MAX_ARRAY) {
            throw new DataFormatException(file + ": expected at most " + LabelledData.MAX_ARRAY + " values in the "
                    + "dense matrix, got " + rows + " rows x " + cols + " features");
        }
        double[] dense = new double[rows * cols];
        int[] ids = new int[rows];
        for (int r = 0; r < rows; r++) {
            Sample s = samples.get(r);
            ids[r] = classOf(labelValues, s.label());
            for (int k = 0; k < s.indices().length; k++) {
                dense[r * cols + s.indices()[k] - 1] = s.values()[k];
            }
        }
        LibsvmData result = new LibsvmData(new LabelledData(dense, rows, cols, ids, labelValues.length),
                labelValues);
        LOG.debug("read {}: {} in {} ms", file, result, (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    private static int classOf(double[] labelValues, double label) {
        for (int c = 0; c < labelValues.length; c++) {
            if (labelValues[c] == label) {
                return c;
            }
        }
        return -1;
    }

    private static double number(String s, Location at, int column, String what) {
        if (s.isEmpty()) {
            throw at.fail(column, "expected " + what + ", got nothing");
        }
        if (NON_FINITE.matcher(s).matches()) {
            throw at.fail(column, "expected a finite number, got '" + s + "'");
        }
        if (!DECIMAL.matcher(s).matches()) {
            throw at.fail(column, "expected " + what + ", got '" + s + "'");
        }
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw at.fail(column, "expected a finite number, got '" + s + "' (overflows a double)");
        }
        return v;
    }

    /** The lines of a file, split at line feeds (a carriage return before one is dropped), each decoded as UTF-8. */
    private static final class Lines implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int number;

        Lines(Path file) throws IOException {
            this.file = file;
            this.in = new BufferedInputStream(DataFiles.open(file), DataFiles.BUFFER);
        }

        /** @return the next line, or null at the end of the file */
        String next() throws IOException {
            bytes.reset();
            int b = in.read();
            if (b < 0) {
                return null;
            }
            for (; b >= 0 && b != '\n'; b = in.read()) {
                bytes.write(b);
            }
            number++;
            ByteBuffer line = ByteBuffer.wrap(bytes.toByteArray());
            if (line.limit() > 0 && line.get(line.limit() - 1) == '\r') {
                line.limit(line.limit() - 1);
            }
            CharBuffer text = CharBuffer.allocate(line.limit());
            utf8.reset();
            if (utf8.decode(line, text, true).isError()) {
                throw new Location(file, number).fail(text.position() + 1, String.format(Locale.ROOT, "expected "
                        + "UTF-8 text, got the byte 0x%02x (byte offset %d in the line)", line.get(line.position()),
                        line.position()));
            }
            return text.flip().toString();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** A token of a line and its 1-based column. */
    private record Token(String text, int column) {
        static List<Token> split(String line) {
            List<Token> tokens = new ArrayList<>();
            int i = 0;
            while (i < line.length()) {
                if (line.charAt(i) == ' ' || line.charAt(i) == '\t') {
                    i++;
                    continue;
                }
                int begin = i;
                while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    i++;
                }
                tokens.add(new Token(line.substring(begin, i), begin + 1));
            }
            return tokens;
        }
    }

    /** A line of a file, for messages. */
    private record Location(Path file, int line) {
        DataFormatException fail(int column, String expectation) {
            return new DataFormatException(String.format(Locale.ROOT, "%s: line %d, column %d: %s", file, line,
                    column, expectation));
        }
    }
}
