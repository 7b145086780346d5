package org.bilevel4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Npy} on files laid out by the format's specification (magic, version, little-endian header length, a
 * header padded to a multiple of 64 bytes, the data): seeded random arrays come back bit for bit, and every
 * malformed part is rejected with the file name and the offset of the bad part.
 */
class NpyTest {

    /** A .npy file of format version major.0 laid out as NumPy writes it. */
    private static byte[] npy(String header, double[] data, int major) {
        String h = header;
        int prefix = major == 1 ? 10 : 12;
        int padded = ((prefix + h.length() + 1 + 63) / 64) * 64;
        h = h + " ".repeat(padded - prefix - h.length() - 1) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) h.length());
        } else {
            len.putInt(h.length());
        }
        out.writeBytes(len.array());
        out.writeBytes(h.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer d = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            d.putDouble(v);
        }
        out.writeBytes(d.array());
        return out.toByteArray();
    }

    private static double[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble(-1e3, 1e3) * Math.pow(10, rng.nextInt(-300, 300));
        }
        return v;
    }

    @Test
    void matricesVectorsAndScalarsRoundTripBitForBit() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rng = new SplittableRandom(seed);
            int rows = rng.nextInt(1, 40);
            int cols = rng.nextInt(1, 40);
            double[] m = random(rows * cols, seed);
            Npy.Array a = Npy.parse("m.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows + ", "
                    + cols + "), }", m, seed % 2 == 0 ? 1 : 2));
            assertArrayEquals(new int[] {rows, cols}, a.shape());
            assertArrayEquals(m, a.data());
            double[] v = random(rows, seed + 100);
            Npy.Array b = Npy.parse("v.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (" + rows
                    + ",), }", v, 1));
            assertArrayEquals(new int[] {rows}, b.shape());
            assertArrayEquals(v, b.data());
        }
        Npy.Array s = Npy.parse("s.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                new double[] {Math.PI}, 1));
        assertArrayEquals(new int[0], s.shape());
        assertArrayEquals(new double[] {Math.PI}, s.data());
    }

    private static void rejected(byte[] bytes, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.parse("bad.npy", bytes));
        assertTrue(e.getMessage().startsWith("file bad.npy: at byte offset "), e::getMessage);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "expected '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void malformedFilesAreRejectedWithTheFileAndTheOffset() {
        double[] v = {1, 2, 3};
        byte[] good = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", v, 1);
        byte[] magic = good.clone();
        magic[3] = 'X';
        rejected(magic, "offset 3:", "magic");
        byte[] version = good.clone();
        version[6] = 4;
        rejected(version, "offset 6:", "version 4.0");
        rejected(java.util.Arrays.copyOf(good, 5), "offset 0:", "5 bytes");
        String data = "offset " + (good.length - 24) + ":"; // the header is padded to 128 bytes
        assertTrue(good.length - 24 == 128);
        rejected(java.util.Arrays.copyOf(good, good.length - 8), data, "24 data bytes", "got 16 bytes");
        rejected(java.util.Arrays.copyOf(good, good.length + 1), data, "got 25 bytes");
        byte[] f4 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", v, 1);
        rejected(f4, "offset 21:", "'<f4'");
        byte[] big = npy("{'descr': '>f8', 'fortran_order': False, 'shape': (3,), }", v, 1);
        rejected(big, "'>f8'");
        byte[] fortran = npy("{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }", v, 1);
        rejected(fortran, "offset " + (10 + "{'descr': '<f8', 'fortran_order': ".length()) + ":", "C order");
        rejected(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (x,), }", v, 1), "shape of non-negative");
        rejected(npy("{'descr': '<f8', 'fortran_order': False}", v, 1), "'shape' entry");
        rejected(npy("'descr': '<f8'", v, 1), "offset 10:", "header dict");
        byte[] length = good.clone();
        length[8] = (byte) 0xff;
        length[9] = (byte) 0x7f;
        rejected(length, "offset 8:", "header length");
    }
}
