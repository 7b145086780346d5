package org.bilevel4j.apps.data;

import static org.bilevel4j.apps.data.IdxFiles.concat;
import static org.bilevel4j.apps.data.IdxFiles.gzip;
import static org.bilevel4j.apps.data.IdxFiles.idx;
import static org.bilevel4j.apps.data.IdxFiles.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IDX files: exact round trips, every malformed case, truncation at every byte, truncated and corrupt gzip. */
class IdxReaderTest {
    @TempDir
    Path dir;

    private final IdxReader reader = new IdxReader();

    static Stream<Arguments> shapes() {
        return Stream.of(new int[] {7}, new int[] {5, 3}, new int[] {4, 3, 2}, new int[] {2, 28, 28},
                new int[] {0, 3, 3}, new int[] {3, 0}, new int[] {2, 1, 2, 3})
                .flatMap(d -> Stream.of(Arguments.of(d, false), Arguments.of(d, true)));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void imagesRoundTripExactly(int[] dims, boolean gzipped) throws IOException {
        int size = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        byte[] data = randomBytes(size, size);
        Path file = write("images", idx(dims, data), gzipped);

        IdxImages images = reader.readImages(file);

        assertArrayEquals(dims, images.dims());
        assertEquals(dims[0], images.rows());
        int cols = 1;
        for (int i = 1; i < dims.length; i++) {
            cols *= dims[i];
        }
        assertEquals(cols, images.cols());
        double[] values = images.values();
        assertEquals(size, values.length);
        for (int i = 0; i < size; i++) {
            assertEquals(Byte.toUnsignedInt(data[i]), values[i], "value " + i);
        }
        if (size > 0) {
            assertEquals(Byte.toUnsignedInt(data[size - 1]), images.value(images.rows() - 1, images.cols() - 1));
        }
    }

    @Test
    void valuesCoverTheWholeUnsignedRange() throws IOException {
        byte[] data = new byte[256];
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i;
        }
        IdxImages images = reader.readImages(write("all", idx(new int[] {16, 16}, data), true));
        for (int i = 0; i < 256; i++) {
            assertEquals(i, images.value(i / 16, i % 16));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsImagesAndLabelsIntoADataset(boolean gzipped) throws IOException {
        byte[] pixels = randomBytes(4 * 3 * 2, 7);
        Path images = write("img", idx(new int[] {4, 3, 2}, pixels), gzipped);
        Path labels = write("lab", idx(new int[] {4}, new byte[] {3, 0, 5, 3}), gzipped);

        LabelledData d = reader.read(images, labels, 0.5);

        assertEquals(4, d.rows());
        assertEquals(6, d.cols());
        assertEquals(6, d.classes());
        assertArrayEquals(new int[] {3, 0, 5, 3}, d.labels());
        double[] f = d.features();
        for (int i = 0; i < pixels.length; i++) {
            assertEquals(Byte.toUnsignedInt(pixels[i]) / 2.0, f[i], "feature " + i);
        }
        assertEquals(12, reader.read(images, labels, 1, 12).classes());
        assertArrayEquals(new int[] {3, 0, 5, 3}, reader.readLabels(labels));
    }

    @Test
    void labelAboveTheDeclaredClassesIsRejectedWithItsOffset() throws IOException {
        Path images = write("img", idx(new int[] {3, 2}, new byte[6]), false);
        Path labels = write("lab", idx(new int[] {3}, new byte[] {1, 9, 10}), false);
        String m = assertThrows(DataFormatException.class, () -> reader.read(images, labels, 1, 10)).getMessage();
        assertEquals(labels + ": offset 10: expected label 2 below the 10 declared classes, got 10", m);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedPixelDataNamesFileOffsetAndExpectation(boolean gzipped) throws IOException {
        byte[] full = idx(new int[] {3, 2, 2}, randomBytes(12, 1));
        Path file = write("train-images-idx3-ubyte", Arrays.copyOf(full, 16 + 5), gzipped);
        String m = assertThrows(DataFormatException.class, () -> reader.readImages(file)).getMessage();
        assertEquals(file + ": offset 16: expected 12 bytes of pixel data for 3 x 2 x 2, got end of file after 5", m);
    }

    static Stream<Arguments> malformedHeaders() {
        return Stream.of(
                Arguments.of("bad magic", new byte[] {1, 0, 8, 1, 0, 0, 0, 1, 5},
                        "offset 0: expected IDX magic bytes 0x00 0x00, got 0x01 0x00"),
                Arguments.of("bad second magic byte", new byte[] {0, 7, 8, 1, 0, 0, 0, 1, 5},
                        "offset 0: expected IDX magic bytes 0x00 0x00, got 0x00 0x07"),
                Arguments.of("float type", idx(0x0d, new int[] {1}, new byte[4]),
                        "offset 2: expected data type 0x08 (unsigned byte), got 0x0d (float, not supported)"),
                Arguments.of("int type", idx(0x0c, new int[] {1}, new byte[4]),
                        "offset 2: expected data type 0x08 (unsigned byte), got 0x0c (int"),
                Arguments.of("zero dimensions", new byte[] {0, 0, 8, 0, 5},
                        "offset 3: expected 1 to 4 dimensions, got 0"),
                Arguments.of("five dimensions", idx(new int[] {1, 1, 1, 1, 1}, new byte[1]),
                        "offset 3: expected 1 to 4 dimensions, got 5"),
                Arguments.of("negative first size", idx(new int[] {-1, 2}, new byte[0]),
                        "offset 4: expected a non-negative size of dimension 0, got -1 (0xffffffff)"),
                Arguments.of("negative second size", idx(new int[] {2, Integer.MIN_VALUE}, new byte[0]),
                        "offset 8: expected a non-negative size of dimension 1, got -2147483648"),
                Arguments.of("overflowing size", idx(new int[] {65536, 65536}, new byte[0]),
                        "offset 4: expected at most 2147483639 values in total, got 65536 x 65536 (too large)"),
                Arguments.of("int-overflowing size", idx(new int[] {100000, 100000, 100000}, new byte[0]),
                        "offset 4: expected at most 2147483639 values in total, got 100000 x 100000 x 100000"),
                Arguments.of("just too large", idx(new int[] {Integer.MAX_VALUE}, new byte[0]),
                        "offset 4: expected at most 2147483639 values in total, got 2147483647"),
                Arguments.of("empty file", new byte[0],
                        "offset 0: expected a 4-byte IDX header (0x00 0x00, data type, number of dimensions), got "
                                + "end of file after 0 bytes"),
                Arguments.of("header cut in the magic", new byte[] {0, 0, 8},
                        "offset 0: expected a 4-byte IDX header (0x00 0x00, data type, number of dimensions), got "
                                + "end of file after 3 bytes"),
                Arguments.of("header cut in a size", new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0},
                        "offset 8: expected 4 bytes of the size of dimension 1 (of 3), got end of file after 2"),
                Arguments.of("no data", idx(new int[] {2, 2}, new byte[0]),
                        "offset 12: expected 4 bytes of pixel data for 2 x 2, got end of file after 0"),
                Arguments.of("trailing garbage", concat(idx(new int[] {2, 2}, new byte[4]), new byte[] {9, 9, 9}),
                        "offset 16: expected end of file after 4 bytes of pixel data for 2 x 2, got 3 more bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeaders")
    void malformedFilesAreRejectedWithFileOffsetAndExpectation(String name, byte[] content, String expected)
            throws IOException {
        for (boolean gzipped : new boolean[] {false, true}) {
            Path file = write(name.replace(' ', '-'), content, gzipped);
            DataFormatException e = assertThrows(DataFormatException.class, () -> reader.readImages(file));
            assertTrue(e.getMessage().startsWith(file + ": " + expected), "gzipped " + gzipped + ": "
                    + e.getMessage());
        }
        assertGoodFileStillReads();
    }

    @Test
    void labelFilesMustHaveOneDimension() throws IOException {
        Path file = write("labels", idx(new int[] {2, 2}, new byte[4]), false);
        String m = assertThrows(DataFormatException.class, () -> reader.readLabels(file)).getMessage();
        assertEquals(file + ": offset 3: expected 1 dimension in a label file, got 2 (2 x 2)", m);
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        Path images = write("images", idx(new int[] {3, 2}, new byte[6]), true);
        Path labels = write("labels", idx(new int[] {2}, new byte[2]), true);
        String m = assertThrows(DataFormatException.class, () -> reader.read(images, labels, 1)).getMessage();
        assertEquals(labels + ": offset 4: expected 3 labels, one per image of " + images + " (3 x 2), got 2", m);
    }

    @Test
    void truncationAtEveryBytePositionAlwaysThrows() throws IOException {
        byte[] plain = idx(new int[] {3, 28, 28}, randomBytes(3 * 28 * 28, 3));
        byte[] labels = idx(new int[] {3}, new byte[] {1, 2, 3});
        byte[] gz = gzip(plain);
        Path goodImages = write("good-images", plain, false);
        Path goodLabels = write("good-labels", labels, true);
        LabelledData expected = reader.read(goodImages, goodLabels, 1.0 / 255);
        Path cut = dir.resolve("cut");
        int attempts = 0;
        for (byte[] full : new byte[][] {plain, gz}) {
            for (int n = 0; n < full.length; n++) {
                Files.write(cut, Arrays.copyOf(full, n));
                assertThrows(DataFormatException.class, () -> reader.readImages(cut), "images cut at " + n);
                assertThrows(DataFormatException.class, () -> reader.read(cut, goodLabels, 1.0 / 255),
                        "images cut at " + n);
                attempts++;
                if (n % 97 == 0) {
                    assertEquals(expected, reader.read(goodImages, goodLabels, 1.0 / 255), "after cut at " + n);
                }
            }
        }
        for (byte[] full : new byte[][] {labels, gzip(labels)}) {
            for (int n = 0; n < full.length; n++) {
                Files.write(cut, Arrays.copyOf(full, n));
                assertThrows(DataFormatException.class, () -> reader.readLabels(cut), "labels cut at " + n);
                assertThrows(DataFormatException.class, () -> reader.read(goodImages, cut, 1.0 / 255),
                        "labels cut at " + n);
                attempts++;
            }
        }
        assertEquals(plain.length + gz.length + labels.length + gzip(labels).length, attempts);
        assertEquals(expected, reader.read(goodImages, goodLabels, 1.0 / 255));
    }

    @Test
    void gzipOfATruncatedFileThrowsAtEveryPosition() throws IOException {
        byte[] plain = idx(new int[] {2, 3, 4}, randomBytes(24, 4));
        for (int n = 0; n < plain.length; n++) {
            Path file = write("cut-" + n, Arrays.copyOf(plain, n), true);
            DataFormatException e = assertThrows(DataFormatException.class, () -> reader.readImages(file));
            assertTrue(e.getMessage().startsWith(file + ": offset "), e.getMessage());
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
        }
    }

    @Test
    void truncatedGzipStreamsAreRejectedNamingTheFile() throws IOException {
        byte[] gz = gzip(idx(new int[] {3, 28, 28}, randomBytes(3 * 28 * 28, 5)));
        for (int cut : new int[] {5, gz.length / 2, gz.length - 3}) {
            Path file = write("cut-at-" + cut, Arrays.copyOf(gz, cut), false);
            assertEquals(file + ": truncated gzip stream (expected more compressed data, got end of file)",
                    message(file), "cut at " + cut);
        }
    }

    @Test
    void corruptGzipStreamsAreRejected() throws IOException {
        byte[] gz = gzip(idx(new int[] {3, 28, 28}, randomBytes(3 * 28 * 28, 6)));
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 0x01;
        byte[] badSize = gz.clone();
        badSize[gz.length - 4] ^= 0x01;
        byte[] badBlock = gz.clone();
        badBlock[10] |= 0x06; // BTYPE = 11, reserved
        byte[] badMethod = gz.clone();
        badMethod[2] = 7;
        for (byte[] corrupt : new byte[][] {badCrc, badSize, badBlock, badMethod}) {
            Path file = write("corrupt", corrupt, false);
            assertTrue(message(file).startsWith(file + ": corrupt gzip stream ("), message(file));
        }
        assertGoodFileStillReads();
    }

    @Test
    void concatenatedGzipMembersAreOneStream() throws IOException {
        byte[] plain = idx(new int[] {4, 5}, randomBytes(20, 8));
        Path file = write("members", concat(gzip(Arrays.copyOf(plain, 11)),
                gzip(Arrays.copyOfRange(plain, 11, 30)), gzip(Arrays.copyOfRange(plain, 30, plain.length))), false);
        assertEquals(reader.readImages(write("plain", plain, false)), reader.readImages(file));
    }

    @Test
    void optionalGzipHeaderFieldsAreSkippedAndTheHeaderCrcChecked() throws IOException {
        byte[] plain = idx(new int[] {3, 2}, new byte[] {1, 2, 3, 4, 5, 6});
        byte[] gz = gzip(plain);
        byte[] header = concat(new byte[] {0x1f, (byte) 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 1, 2, 3, 4, 0, 3},
                new byte[] {3, 0, 'a', 'b', 'c'}, "name.idx\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "a comment\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        CRC32 crc = new CRC32();
        crc.update(header);
        int crc16 = (int) (crc.getValue() & 0xffff);
        byte[] rest = Arrays.copyOfRange(gz, 10, gz.length);
        Path good = write("fields", concat(header, new byte[] {(byte) crc16, (byte) (crc16 >> 8)}, rest), false);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, reader.readImages(good).values());

        Path bad = write("bad-hcrc", concat(header, new byte[] {(byte) (crc16 + 1), (byte) (crc16 >> 8)}, rest),
                false);
        assertEquals(bad + ": corrupt gzip stream (Corrupt GZIP header)", message(bad));
    }

    @Test
    void gzipIsRecognisedByContentNotByName() throws IOException {
        byte[] plain = idx(new int[] {2, 2}, new byte[] {1, 2, 3, 4});
        Path gzNamedPlain = dir.resolve("images.idx");
        Files.write(gzNamedPlain, gzip(plain));
        Path plainNamedGz = dir.resolve("images.gz");
        Files.write(plainNamedGz, plain);
        assertEquals(reader.readImages(gzNamedPlain), reader.readImages(plainNamedGz));
        assertArrayEquals(new double[] {1, 2, 3, 4}, reader.readImages(plainNamedGz).values());
    }

    @Test
    void missingFilesAreIoExceptionsNotFormatErrors() {
        assertThrows(NoSuchFileException.class, () -> reader.readImages(dir.resolve("absent")));
    }

    @Test
    void rejectsNonFiniteScaleAndNonPositiveClasses() throws IOException {
        Path images = write("img", idx(new int[] {1, 1}, new byte[1]), false);
        Path labels = write("lab", idx(new int[] {1}, new byte[1]), false);
        assertThrows(IllegalArgumentException.class, () -> reader.read(images, labels, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> reader.read(images, labels, 1, 0));
    }

    @Test
    void readsSixtyThousandImagesQuickly() throws IOException {
        int rows = 60_000;
        byte[] data = randomBytes(rows * 784, 9);
        byte[] labels = new byte[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = (byte) (i % 10);
        }
        Path images = write("big", idx(new int[] {rows, 28, 28}, data), false);
        Path labelFile = write("big-labels", idx(new int[] {rows}, labels), false);
        reader.read(images, labelFile, 1.0 / 255); // warm up
        long start = System.nanoTime();
        LabelledData d = reader.read(images, labelFile, 1.0 / 255);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(rows, d.rows());
        assertEquals(Byte.toUnsignedInt(data[data.length - 1]) / 255.0, d.feature(rows - 1, 783), 1e-15);
        assertTrue(seconds < 3, "reading 60000 x 784 plain bytes took " + seconds + " s");
    }

    private String message(Path file) {
        return assertThrows(DataFormatException.class, () -> reader.readImages(file)).getMessage();
    }

    private void assertGoodFileStillReads() throws IOException {
        Path good = write("good", idx(new int[] {2, 2}, new byte[] {1, 2, 3, (byte) 255}), true);
        assertArrayEquals(new double[] {1, 2, 3, 255}, reader.readImages(good).values());
    }

    private Path write(String name, byte[] content, boolean gzipped) throws IOException {
        Path file = dir.resolve(name + (gzipped ? "-idx.gz" : "-idx"));
        Files.write(file, gzipped ? gzip(content) : content);
        return file;
    }
}
