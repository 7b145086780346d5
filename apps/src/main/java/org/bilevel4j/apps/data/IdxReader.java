package org.bilevel4j.apps.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: two zero bytes, a data type byte, a byte with the number of
 * dimensions, one big-endian int32 size per dimension, then the values row-major. Only the type {@code 0x08}
 * (unsigned byte) is supported; files of other types are rejected. Files may be plain or gzip-compressed; gzip is
 * recognised by the magic bytes {@code 0x1f 0x8b}, not by the file name.
 *
 * <p>Strict and all-or-nothing: bad magic bytes, an unsupported type, 0 or more than {@value #MAX_DIMENSIONS}
 * dimensions, negative sizes, sizes whose product exceeds the largest Java array, a truncated header or body and bytes
 * after the body (the header gives the exact payload size) all raise a {@link DataFormatException} naming the file, the
 * byte offset (in the decompressed data for a gzip file) and what was expected; a truncated or corrupt gzip stream
 * raises one naming the file and what {@link java.util.zip.GZIPInputStream} found. Bytes after the end of a gzip stream
 * are ignored (as {@code GZIPInputStream} does). The data is read into a local buffer and a result is built only once
 * the whole file has been checked, so a failure never yields a partially filled dataset.
 *
 * <p>Stateless and thread-safe: a reader may be shared, and stays usable after a failure.
 */
public final class IdxReader {
    /** Most dimensions an IDX file may declare. */
    public static final int MAX_DIMENSIONS = 4;
    /** The type byte of unsigned bytes, the only supported type. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    private static final Logger LOG = LoggerFactory.getLogger(IdxReader.class);
    /** Largest buffer allocated before the data is seen: a lying header cannot exhaust memory with a tiny file. */
    private static final int INITIAL_BUFFER = 1 << 26;

    /** A reader; it holds no state. */
    public IdxReader() {
    }

    /**
     * Reads an IDX file of unsigned bytes (e.g. {@code train-images-idx3-ubyte.gz}).
     *
     * @param file a plain or gzip-compressed IDX file of 1 to 4 dimensions
     * @return the raw values {@code 0 .. 255} as doubles, row-major, with {@code rows = dims[0]}
     * @throws DataFormatException if the file is not a complete, well-formed IDX file of unsigned bytes
     * @throws IOException         if the file cannot be opened or read
     */
    public IdxImages readImages(Path file) throws IOException {
        Raw raw = readRaw(file, "pixel data");
        double[] values = new double[raw.data.length];
        byte[] data = raw.data;
        for (int i = 0; i < data.length; i++) {
            values[i] = data[i] & 0xff;
        }
        return new IdxImages(raw.dims, values);
    }

    /**
     * Reads a one-dimensional IDX file of unsigned bytes (e.g. {@code train-labels-idx1-ubyte.gz}).
     *
     * @param file a plain or gzip-compressed IDX file of one dimension
     * @return the labels {@code 0 .. 255}
     * @throws DataFormatException if the file is not a complete, well-formed one-dimensional IDX file of unsigned
     *                             bytes
     * @throws IOException         if the file cannot be opened or read
     */
    public int[] readLabels(Path file) throws IOException {
        Raw raw = readRaw(file, "label data");
        if (raw.dims.length != 1) {
            throw fail(file, 3, "expected 1 dimension in a label file, got " + raw.dims.length + " ("
                    + product(raw.dims) + ")");
        }
        int[] labels = new int[raw.data.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = raw.data[i] & 0xff;
        }
        return labels;
    }

    /**
     * Reads images and their labels into one dataset whose number of classes is the largest label plus one.
     *
     * @param images an IDX file of 1 to 4 dimensions: rows = first dimension, columns = the product of the others
     * @param labels a one-dimensional IDX file with one label per image
     * @param scale  a finite factor applied to the raw values {@code 0 .. 255}, e.g. {@code 1.0 / 255}
     * @return the dataset
     * @throws DataFormatException if a file is malformed, or the number of labels differs from that of images
     * @throws IOException         if a file cannot be opened or read
     */
    public LabelledData read(Path images, Path labels, double scale) throws IOException {
        return read(images, labels, scale, -1, true);
    }

    /**
     * Reads images and their labels into one dataset of a declared number of classes.
     *
     * @param images  an IDX file of 1 to 4 dimensions: rows = first dimension, columns = the product of the others
     * @param labels  a one-dimensional IDX file with one label per image, each below {@code classes}
     * @param scale   a finite factor applied to the raw values {@code 0 .. 255}, e.g. {@code 1.0 / 255}
     * @param classes the number of classes, at least 1
     * @return the dataset
     * @throws DataFormatException if a file is malformed, the number of labels differs from that of images, or a
     *                             label is not below {@code classes}
     * @throws IOException         if a file cannot be opened or read
     */
    public LabelledData read(Path images, Path labels, double scale, int classes) throws IOException {
        if (classes < 1) {
            throw new IllegalArgumentException("classes: expected >= 1, got " + classes);
        }
        return read(images, labels, scale, classes, false);
    }

    /** @param classes the declared number of classes, or -1 to infer it */
    private LabelledData read(Path images, Path labels, double scale, int classes, boolean infer)
            throws IOException {
        if (!Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale: expected a finite value, got " + scale);
        }
        long start = System.nanoTime();
        Raw pixels = readRaw(images, "pixel data");
        int[] y = readLabels(labels);
        int rows = pixels.dims[0];
        if (y.length != rows) {
            throw fail(labels, 4, "expected " + rows + " labels, one per image of " + images + " ("
                    + product(pixels.dims) + "), got " + y.length);
        }
        int max = -1;
        for (int i = 0; i < y.length; i++) {
            if (!infer && y[i] >= classes) {
                throw fail(labels, 8L + i, "expected label " + i + " below the " + classes
                        + " declared classes, got " + y[i]);
            }
            max = Math.max(max, y[i]);
        }
        int cols = 1;
        for (int i = 1; i < pixels.dims.length; i++) {
            cols *= pixels.dims[i];
        }
        double[] features = new double[pixels.data.length];
        byte[] data = pixels.data;
        for (int i = 0; i < data.length; i++) {
            features[i] = (data[i] & 0xff) * scale;
        }
        LabelledData result = new LabelledData(features, rows, cols, y, infer ? max + 1 : classes);
        LOG.debug("read {} and {}: {} in {} ms", images, labels, result, (System.nanoTime() - start) / 1_000_000);
        return result;
    }

    /** The dimensions and the raw bytes of a complete, checked file. */
    private record Raw(int[] dims, byte[] data) {
    }

    private static Raw readRaw(Path file, String what) throws IOException {
        try (InputStream in = DataFiles.open(file)) {
            byte[] head = new byte[4];
            int n = DataFiles.readFully(in, head, 0, 4);
            if (n < 4) {
                throw fail(file, 0, "expected a 4-byte IDX header (0x00 0x00, data type, number of dimensions), got"
                        + " end of file after " + n + " bytes");
            }
            if (head[0] != 0 || head[1] != 0) {
                throw fail(file, 0, "expected IDX magic bytes 0x00 0x00, got " + hex(head[0]) + " " + hex(head[1]));
            }
            int type = head[2] & 0xff;
            if (type != TYPE_UNSIGNED_BYTE) {
                throw fail(file, 2, "expected data type 0x08 (unsigned byte), got " + hex(head[2]) + " ("
                        + typeName(type) + ", not supported)");
            }
            int nd = head[3] & 0xff;
            if (nd < 1 || nd > MAX_DIMENSIONS) {
                throw fail(file, 3, "expected 1 to " + MAX_DIMENSIONS + " dimensions, got " + nd);
            }
            byte[] sizes = new byte[4 * nd];
            n = DataFiles.readFully(in, sizes, 0, sizes.length);
            if (n < sizes.length) {
                int d = n / 4;
                throw fail(file, 4L + 4L * d, "expected 4 bytes of the size of dimension " + d + " (of " + nd
                        + "), got end of file after " + n % 4);
            }
            int[] dims = new int[nd];
            long total = 1;
            for (int d = 0; d < nd; d++) {
                dims[d] = (sizes[4 * d] & 0xff) << 24 | (sizes[4 * d + 1] & 0xff) << 16
                        | (sizes[4 * d + 2] & 0xff) << 8 | (sizes[4 * d + 3] & 0xff);
                if (dims[d] < 0) {
                    throw fail(file, 4L + 4 * d, "expected a non-negative size of dimension " + d + ", got "
                            + dims[d] + " (" + hex32(dims[d]) + ")");
                }
            }
            for (int d = 0; d < nd; d++) {
                total = Math.min(total * dims[d], 1L << 31); // saturates above any array length
            }
            if (total > LabelledData.MAX_ARRAY) {
                throw fail(file, 4, "expected at most " + LabelledData.MAX_ARRAY + " values in total, got "
                        + product(dims) + " (too large)");
            }
            long dataOffset = 4L + 4L * nd;
            int size = (int) total;
            byte[] data = new byte[Math.min(size, INITIAL_BUFFER)];
            int got = 0;
            while (got < size) {
                if (got == data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(size, 2L * data.length));
                }
                int r = in.read(data, got, data.length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            if (got < size) {
                throw fail(file, dataOffset, "expected " + size + " bytes of " + what + " for " + product(dims)
                        + ", got end of file after " + got);
            }
            long extra = 0;
            byte[] skip = new byte[8192];
            for (int r = in.read(skip); r >= 0; r = in.read(skip)) {
                extra += r;
            }
            if (extra > 0) {
                throw fail(file, dataOffset + size, "expected end of file after " + size + " bytes of " + what
                        + " for " + product(dims) + ", got " + extra + " more bytes");
            }
            return new Raw(dims, data);
        }
    }

    private static DataFormatException fail(Path file, long offset, String expectation) {
        return new DataFormatException(file + ": offset " + offset + ": " + expectation);
    }

    private static String product(int[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : " x ").append(dims[i]);
        }
        return s.toString();
    }

    private static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }

    private static String hex32(int v) {
        return String.format("0x%08x", v);
    }

    private static String typeName(int type) {
        switch (type) {
            case 0x09:
                return "signed byte";
            case 0x0b:
                return "short";
            case 0x0c:
                return "int";
            case 0x0d:
                return "float";
            case 0x0e:
                return "double";
            default:
                return "unknown type";
        }
    }
}
