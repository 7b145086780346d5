package org.bilevel4j.apps.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opening data files: buffered, and decompressed with {@link GZIPInputStream} when they start with the gzip magic
 * bytes 0x1f 0x8b. A missing file or a directory is an I/O error whose message names the file and says what is wrong;
 * a truncated or corrupt gzip stream is a {@link DataFormatException} naming the file.
 */
final class DataFiles {
    static final int BUFFER = 1 << 16;

    private DataFiles() {
    }

    /**
     * @param file a plain or gzip-compressed file (recognised by its first two bytes, not its name)
     * @return its (decompressed) bytes; the caller closes it
     * @throws NoSuchFileException  "FILE: no such file"
     * @throws FileSystemException  "FILE: is a directory, expected a data file"
     * @throws DataFormatException if the gzip header is truncated or corrupt
     * @throws IOException         if the file cannot be read
     */
    static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, expected a data file");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = b0 < 0 ? -1 : in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new GzipErrors(gunzip(in, file), file);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static GZIPInputStream gunzip(InputStream in, Path file) throws IOException {
        try {
            return new GZIPInputStream(in, BUFFER);
        } catch (ZipException | EOFException e) {
            throw GzipErrors.translate(file, e);
        }
    }

    /**
     * Reads until {@code dst} is full or the stream ends.
     *
     * @return the number of bytes read, less than {@code count} only at the end of the stream
     */
    static int readFully(InputStream in, byte[] dst, int off, int count) throws IOException {
        int done = 0;
        while (done < count) {
            int n = in.read(dst, off + done, count - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Turns the gzip decoder's errors into {@link DataFormatException}s that name the file. */
    private static final class GzipErrors extends FilterInputStream {
        private final Path file;

        GzipErrors(InputStream in, Path file) {
            super(in);
            this.file = file;
        }

        static DataFormatException translate(Path file, IOException e) {
            String what = e instanceof EOFException ? "truncated gzip stream (expected more compressed data, got end "
                    + "of file)" : "corrupt gzip stream (" + e.getMessage() + ")";
            return new DataFormatException(file + ": " + what, e);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException | EOFException e) {
                throw translate(file, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw translate(file, e);
            }
        }
    }
}
