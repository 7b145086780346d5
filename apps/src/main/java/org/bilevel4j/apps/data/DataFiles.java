package org.bilevel4j.apps.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening data files: buffered, and decompressed when they start with the gzip magic bytes 0x1f 0x8b. */
final class DataFiles {
    static final int BUFFER = 1 << 16;

    private DataFiles() {
    }

    /**
     * @param file a plain or gzip-compressed file (recognised by its first two bytes, not its name)
     * @return its (decompressed) bytes; the caller closes it
     * @throws IOException if the file cannot be opened or read
     */
    static InputStream open(Path file) throws IOException {
        BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = b0 < 0 ? -1 : in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new StrictGzipInputStream(in, file.toString());
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
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
}
