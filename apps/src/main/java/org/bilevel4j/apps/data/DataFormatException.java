package org.bilevel4j.apps.data;

/**
 * A data file that does not follow its format: bad magic bytes, an unsupported type, a truncated header or body,
 * trailing bytes, a corrupt gzip stream, a malformed line. The message names the file, the position (byte offset,
 * or line and column for text formats) and what was expected, e.g.
 * {@code "/x/train-images-idx3-ubyte.gz: offset 16: expected 47040000 bytes of pixel data for 60000 x 28 x 28, got
 * end of file after 1024"}.
 *
 * <p>Unchecked, as a kind of {@link IllegalArgumentException}: the file is an invalid argument. Failures of the file
 * system itself (a missing file, a read error) stay {@link java.io.IOException}s.
 */
public class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the file, the position and what was expected
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * @param message the file, the position and what was expected
     * @param cause   the lower-level failure, e.g. an inflater error
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
