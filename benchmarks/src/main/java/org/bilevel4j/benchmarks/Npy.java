package org.bilevel4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader for NumPy's {@code .npy} files restricted to what the side-by-side benchmark needs: little-endian
 * float64 ({@code '<f8'}) arrays in C order, format versions 1.0, 2.0 and 3.0. Anything else (another element
 * type, Fortran order, a truncated or padded data section, a malformed header) is rejected with an
 * {@link IllegalArgumentException} naming the file, the byte offset where it went wrong, what was expected and
 * what was found.
 *
 * <p>Format: the magic string {@code \x93NUMPY}, one byte each for the major and minor version, the header length
 * (2 bytes little-endian for version 1, 4 bytes for versions 2 and 3), the header (a Python dict literal with the
 * keys {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and ended by a newline), then
 * the data.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /**
     * An array read from a file.
     *
     * @param shape the dimensions (empty for a scalar)
     * @param data  the values in C (row-major) order
     */
    public record Array(int[] shape, double[] data) {
    }

    private Npy() {
    }

    /**
     * @param file a {@code .npy} file holding a float64 C-order array
     * @return its shape and values
     * @throws IllegalArgumentException if the file is not such an array (message: file, offset, expected, found)
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static Array read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("file: cannot read " + file, e);
        }
        return parse(file.toString(), bytes);
    }

    /**
     * @param name  the file name, for messages
     * @param bytes the file's contents
     * @return its shape and values
     * @throws IllegalArgumentException if the bytes are not a float64 C-order {@code .npy} array
     */
    public static Array parse(String name, byte[] bytes) {
        if (bytes.length < MAGIC.length + 2) {
            throw bad(name, 0, "at least " + (MAGIC.length + 2) + " bytes (magic, version)", bytes.length + " bytes");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw bad(name, i, "the magic string \\x93NUMPY", String.format("byte 0x%02x", bytes[i] & 0xff));
            }
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw bad(name, 6, "format version 1.0, 2.0 or 3.0", "version " + major + "." + minor);
        }
        int lengthBytes = major == 1 ? 2 : 4;
        int headerStart = 8 + lengthBytes;
        if (bytes.length < headerStart) {
            throw bad(name, 8, lengthBytes + " bytes of header length", (bytes.length - 8) + " bytes");
        }
        ByteBuffer lengthBuffer = ByteBuffer.wrap(bytes, 8, lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lengthBuffer.getShort() & 0xffff : lengthBuffer.getInt() & 0xffffffffL;
        if (headerStart + headerLength > bytes.length) {
            throw bad(name, 8, "a header length of at most " + (bytes.length - headerStart) + " bytes (file size)",
                    headerLength);
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String trimmed = header.strip();
        if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
            throw bad(name, headerStart, "a header dict {...}", "'" + abbreviate(trimmed) + "'");
        }
        Matcher descr = DESCR.matcher(header);
        if (!descr.find()) {
            throw bad(name, headerStart, "a 'descr' entry in the header", "'" + abbreviate(trimmed) + "'");
        }
        if (!descr.group(1).equals("<f8")) {
            throw bad(name, headerStart + descr.start(1), "descr '<f8' (little-endian float64)",
                    "'" + descr.group(1) + "'");
        }
        Matcher fortran = FORTRAN.matcher(header);
        if (!fortran.find()) {
            throw bad(name, headerStart, "a 'fortran_order' entry in the header", "'" + abbreviate(trimmed) + "'");
        }
        if (fortran.group(1).equals("True")) {
            throw bad(name, headerStart + fortran.start(1), "fortran_order False (C order)", "True");
        }
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!shapeMatch.find()) {
            throw bad(name, headerStart, "a 'shape' entry (a tuple of integers) in the header",
                    "'" + abbreviate(trimmed) + "'");
        }
        int[] shape = parseShape(name, headerStart + shapeMatch.start(1), shapeMatch.group(1));
        long count = 1;
        for (int s : shape) {
            count = Math.multiplyExact(count, s);
        }
        long dataStart = headerStart + headerLength;
        long dataBytes = bytes.length - dataStart;
        if (dataBytes != count * Double.BYTES) {
            throw bad(name, dataStart, count * Double.BYTES + " data bytes for shape " + java.util.Arrays.toString(shape),
                    dataBytes + " bytes");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw bad(name, headerStart + shapeMatch.start(1), "at most " + (Integer.MAX_VALUE - 8) + " elements",
                    count);
        }
        double[] data = new double[(int) count];
        ByteBuffer.wrap(bytes, (int) dataStart, (int) dataBytes).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
                .get(data);
        return new Array(shape, data);
    }

    private static int[] parseShape(String name, int offset, String tuple) {
        String body = tuple.strip();
        if (body.isEmpty()) {
            return new int[0];
        }
        String[] parts = body.split(",", -1);
        int n = parts.length;
        if (parts[n - 1].isBlank()) {
            n--; // the trailing comma of (5000,)
        }
        int[] shape = new int[n];
        for (int i = 0; i < n; i++) {
            String p = parts[i].strip();
            try {
                shape[i] = Integer.parseInt(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
            } catch (NumberFormatException e) {
                throw bad(name, offset, "a shape of non-negative integers", "(" + tuple + ")");
            }
            if (shape[i] < 0) {
                throw bad(name, offset, "a shape of non-negative integers", "(" + tuple + ")");
            }
        }
        return shape;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static IllegalArgumentException bad(String file, long offset, String expected, Object found) {
        return new IllegalArgumentException("file " + file + ": at byte offset " + offset + ": expected " + expected
                + ", got " + found);
    }
}
