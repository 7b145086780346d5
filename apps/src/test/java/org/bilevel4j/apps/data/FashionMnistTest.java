package org.bilevel4j.apps.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fashion-MNIST: the real files where Debian's {@code dataset-fashion-mnist} installed them (skipped when absent),
 * checked against an independent decode with {@code java.util.zip}; and the messages for missing or malformed
 * files.
 */
class FashionMnistTest {
    private static final Path DIR = FashionMnist.DEFAULT_DIR;

    @TempDir
    Path tmp;

    @Test
    void trainingSetMatchesAnIndependentDecode() throws IOException {
        assumeTrue(FashionMnist.isAvailable(DIR), DIR + " does not hold Fashion-MNIST");
        LabelledData train = FashionMnist.train();

        assertEquals(60_000, train.rows());
        assertEquals(784, train.cols());
        assertEquals(10, train.classes());
        int[] perClass = new int[10];
        java.util.Arrays.fill(perClass, 6000);
        assertArrayEquals(perClass, train.classCounts());

        int[] labels = independentLabels(DIR.resolve(FashionMnist.TRAIN_LABELS), 60_000);
        assertEquals(9, labels[0], "the first training image is an ankle boot");
        assertEquals(labels[0], train.label(0));
        assertArrayEquals(labels, train.labels());

        byte[] pixels = independentPixels(DIR.resolve(FashionMnist.TRAIN_IMAGES), 60_000);
        java.nio.DoubleBuffer view = train.featureView();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < pixels.length; i++) {
            double v = view.get(i);
            if (Math.abs(v - Byte.toUnsignedInt(pixels[i]) / 255.0) > 1e-15) {
                throw new AssertionError("pixel " + i + ": expected " + Byte.toUnsignedInt(pixels[i]) + " / 255, got "
                        + v);
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0.0, min);
        assertEquals(1.0, max, 1e-15);
    }

    @Test
    void testSetHasTenThousandBalancedImagesInTheUnitInterval() throws IOException {
        assumeTrue(FashionMnist.isAvailable(DIR), DIR + " does not hold Fashion-MNIST");
        LabelledData test = FashionMnist.test(DIR);
        assertEquals(10_000, test.rows());
        assertEquals(784, test.cols());
        int[] perClass = new int[10];
        java.util.Arrays.fill(perClass, 1000);
        assertArrayEquals(perClass, test.classCounts());
        assertArrayEquals(independentLabels(DIR.resolve(FashionMnist.TEST_LABELS), 10_000), test.labels());
        java.nio.DoubleBuffer view = test.featureView();
        for (int i = 0; i < view.capacity(); i++) {
            double v = view.get(i);
            if (!(v >= 0 && v <= 1)) {
                throw new AssertionError("pixel " + i + ": expected a value in [0, 1], got " + v);
            }
        }
    }

    @Test
    void aMissingDirectoryOrFileSaysWhichAndHowToGetIt() throws IOException {
        Path absent = tmp.resolve("nowhere");
        String m = assertThrows(FileNotFoundException.class, () -> FashionMnist.train(absent)).getMessage();
        assertTrue(m.contains(absent.resolve(FashionMnist.TRAIN_IMAGES).toString()), m);
        assertTrue(m.contains("the directory " + absent + " does not exist"), m);
        assertTrue(m.contains("apt-get install dataset-fashion-mnist"), m);
        assertTrue(m.contains("--data-dir"), m);

        Files.write(tmp.resolve(FashionMnist.TEST_IMAGES), IdxFiles.gzip(IdxFiles.idx(new int[] {1, 28, 28},
                new byte[784])));
        String labels = assertThrows(FileNotFoundException.class, () -> FashionMnist.test(tmp)).getMessage();
        assertTrue(labels.startsWith("Fashion-MNIST file " + tmp.resolve(FashionMnist.TEST_LABELS) + " is missing;"),
                labels);
        assertTrue(labels.contains("apt-get install dataset-fashion-mnist"), labels);
    }

    @Test
    void filesOfTheWrongShapeOrClassesAreRejected() throws IOException {
        Files.write(tmp.resolve(FashionMnist.TRAIN_IMAGES), IdxFiles.gzip(IdxFiles.idx(new int[] {2, 27, 27},
                new byte[2 * 27 * 27])));
        Files.write(tmp.resolve(FashionMnist.TRAIN_LABELS), IdxFiles.gzip(IdxFiles.idx(new int[] {2},
                new byte[] {1, 2})));
        String shape = assertThrows(DataFormatException.class, () -> FashionMnist.train(tmp)).getMessage();
        assertEquals(tmp.resolve(FashionMnist.TRAIN_IMAGES) + ": offset 4: expected 28 x 28 = 784 pixels per image, "
                + "got 729", shape);

        Files.write(tmp.resolve(FashionMnist.TRAIN_IMAGES), IdxFiles.gzip(IdxFiles.idx(new int[] {2, 28, 28},
                new byte[2 * 784])));
        Files.write(tmp.resolve(FashionMnist.TRAIN_LABELS), IdxFiles.gzip(IdxFiles.idx(new int[] {2},
                new byte[] {1, 10})));
        String classes = assertThrows(DataFormatException.class, () -> FashionMnist.train(tmp)).getMessage();
        assertEquals(tmp.resolve(FashionMnist.TRAIN_LABELS) + ": offset 9: expected label 1 below the 10 declared "
                + "classes, got 10", classes);

        Files.write(tmp.resolve(FashionMnist.TRAIN_LABELS), IdxFiles.gzip(IdxFiles.idx(new int[] {2},
                new byte[] {1, 9})));
        LabelledData ok = FashionMnist.train(tmp);
        assertEquals(10, ok.classes());
        assertArrayEquals(new int[] {1, 9}, ok.labels());
    }

    /** Decodes an IDX label file with java.util.zip and DataInputStream, not with the reader under test. */
    private static int[] independentLabels(Path file, int count) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(
                Files.newInputStream(file))))) {
            assertEquals(0x00000801, in.readInt(), "magic of " + file);
            assertEquals(count, in.readInt());
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = in.readUnsignedByte();
            }
            assertEquals(-1, in.read());
            return labels;
        }
    }

    private static byte[] independentPixels(Path file, int count) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(
                Files.newInputStream(file)), 1 << 16))) {
            assertEquals(0x00000803, in.readInt(), "magic of " + file);
            assertEquals(count, in.readInt());
            assertEquals(28, in.readInt());
            assertEquals(28, in.readInt());
            byte[] pixels = new byte[count * 784];
            in.readFully(pixels);
            assertEquals(-1, in.read());
            return pixels;
        }
    }
}
