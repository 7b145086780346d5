package org.bilevel4j.apps.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Inflater;

/**
 * A strict gzip (RFC 1952) decoder: one or more members, each with a checked header, deflate data, a CRC-32 and a
 * size; anything after the last member is rejected, where {@link java.util.zip.GZIPInputStream} ignores it. Every
 * problem is a {@link DataFormatException} naming the file and the offset in the compressed file.
 */
final class StrictGzipInputStream extends InputStream {
    private static final int FHCRC = 0x02;
    private static final int FEXTRA = 0x04;
    private static final int FNAME = 0x08;
    private static final int FCOMMENT = 0x10;
    private static final int RESERVED = 0xe0;

    private enum State { HEADER, INFLATE, DONE }

    private final InputStream source;
    private final String name;
    private final byte[] buf = new byte[1 << 16];
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final CRC32 headerCrc = new CRC32();
    private final byte[] one = new byte[1];
    private int pos;
    private int len;
    /** Offset in the compressed file of {@code buf[0]}. */
    private long bufStart;
    private boolean sourceEof;
    private long memberSize;
    private int members;
    private State state = State.HEADER;

    /**
     * @param source the compressed bytes, positioned at the first gzip member; closed with this stream
     * @param name   the file, for messages
     */
    StrictGzipInputStream(InputStream source, String name) {
        this.source = source;
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int count) throws IOException {
        Objects.checkFromIndexSize(off, count, b.length);
        if (count == 0) {
            return 0;
        }
        while (true) {
            switch (state) {
                case DONE:
                    return -1;
                case HEADER:
                    if (!readHeader()) {
                        state = State.DONE;
                        return -1;
                    }
                    inflater.reset();
                    crc.reset();
                    memberSize = 0;
                    inflater.setInput(buf, pos, len - pos);
                    pos = len;
                    state = State.INFLATE;
                    break;
                case INFLATE:
                    int n;
                    try {
                        n = inflater.inflate(b, off, count);
                    } catch (java.util.zip.DataFormatException e) {
                        throw fail(bufStart + len - inflater.getRemaining(), "expected valid deflate data, got "
                                + e.getMessage(), e);
                    }
                    if (n > 0) {
                        crc.update(b, off, n);
                        memberSize += n;
                        return n;
                    }
                    if (inflater.finished()) {
                        pos = len - inflater.getRemaining();
                        readTrailer();
                        members++;
                        state = State.HEADER;
                    } else if (inflater.needsDictionary()) {
                        throw fail(bufStart + len, "expected deflate data without a preset dictionary", null);
                    } else if (inflater.needsInput()) {
                        if (!fill()) {
                            throw fail(bufStart + len, "expected more compressed data (member " + (members + 1)
                                    + " has no end), got end of file", null);
                        }
                        inflater.setInput(buf, pos, len - pos);
                        pos = len;
                    }
                    break;
                default:
                    throw new AssertionError(state);
            }
        }
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        source.close();
    }

    /** @return false at the end of the file after at least one member */
    private boolean readHeader() throws IOException {
        long start = offset();
        int id1 = next();
        if (id1 < 0 && members > 0) {
            return false;
        }
        int id2 = id1 < 0 ? -1 : next();
        if (id1 != 0x1f || id2 != 0x8b) {
            if (members > 0) {
                throw fail(start, "expected another gzip member (0x1f 0x8b) or end of file after member "
                        + members + ", got trailing bytes " + hex(id1) + " " + hex(id2), null);
            }
            throw fail(start, "expected gzip magic bytes 0x1f 0x8b, got " + hex(id1) + " " + hex(id2), null);
        }
        headerCrc.reset();
        headerCrc.update(id1);
        headerCrc.update(id2);
        int method = headerByte("the compression method");
        if (method != 8) {
            throw fail(offset() - 1, "expected compression method 8 (deflate), got " + method, null);
        }
        int flags = headerByte("the flags");
        if ((flags & RESERVED) != 0) {
            throw fail(offset() - 1, "expected reserved flag bits 5-7 to be zero, got flags " + hex(flags), null);
        }
        for (int i = 0; i < 6; i++) {
            headerByte("the modification time, extra flags and operating system");
        }
        if ((flags & FEXTRA) != 0) {
            int xlen = headerByte("the extra field length") | headerByte("the extra field length") << 8;
            for (int i = 0; i < xlen; i++) {
                headerByte("the " + xlen + "-byte extra field");
            }
        }
        if ((flags & FNAME) != 0) {
            while (headerByte("the zero-terminated file name") != 0) {
                // skip
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (headerByte("the zero-terminated comment") != 0) {
                // skip
            }
        }
        if ((flags & FHCRC) != 0) {
            int expected = (int) (headerCrc.getValue() & 0xffff);
            long at = offset();
            int actual = headerByte("the header CRC") | headerByte("the header CRC") << 8;
            if (actual != expected) {
                throw fail(at, "expected header CRC " + hex16(expected) + ", got " + hex16(actual), null);
            }
        }
        return true;
    }

    private void readTrailer() throws IOException {
        long at = offset();
        long storedCrc = trailerInt(at);
        long storedSize = trailerInt(at);
        if (storedCrc != crc.getValue()) {
            throw fail(at, "expected CRC-32 " + hex32(crc.getValue()) + " of the decompressed data of member "
                    + (members + 1) + ", got " + hex32(storedCrc) + " (corrupt gzip stream)", null);
        }
        if (storedSize != (memberSize & 0xffffffffL)) {
            throw fail(at + 4, "expected decompressed size " + (memberSize & 0xffffffffL) + " (mod 2^32) of member "
                    + (members + 1) + ", got " + storedSize + " (corrupt gzip stream)", null);
        }
    }

    private long trailerInt(long trailerStart) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int b = next();
            if (b < 0) {
                throw fail(trailerStart, "expected an 8-byte gzip trailer (CRC-32 and size) of member "
                        + (members + 1) + ", got end of file after " + (offset() - trailerStart), null);
            }
            v |= (long) b << (8 * i);
        }
        return v;
    }

    private int headerByte(String what) throws IOException {
        int b = next();
        if (b < 0) {
            throw fail(offset(), "expected " + what + " in the header of gzip member " + (members + 1)
                    + ", got end of file", null);
        }
        headerCrc.update(b);
        return b;
    }

    private int next() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Replaces the (consumed) buffer with the next bytes of the source; false at its end. */
    private boolean fill() throws IOException {
        if (sourceEof) {
            return false;
        }
        bufStart += len;
        pos = 0;
        len = 0;
        int n = source.read(buf, 0, buf.length);
        while (n == 0) {
            n = source.read(buf, 0, buf.length);
        }
        if (n < 0) {
            sourceEof = true;
            return false;
        }
        len = n;
        return true;
    }

    private long offset() {
        return bufStart + pos;
    }

    private DataFormatException fail(long offset, String expectation, Throwable cause) {
        return new DataFormatException(name + ": compressed offset " + offset + ": " + expectation, cause);
    }

    private static String hex(int b) {
        return b < 0 ? "<end of file>" : String.format("0x%02x", b);
    }

    private static String hex16(int v) {
        return String.format("0x%04x", v);
    }

    private static String hex32(long v) {
        return String.format("0x%08x", v);
    }
}
