package org.bilevel4j.apps.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The dense dataset: validation messages, immutability, and the row helpers. */
class LabelledDataTest {
    /** Row i is {10 i, 10 i + 1, 10 i + 2}, label i % 3. */
    private static LabelledData data(int rows) {
        double[] f = new double[rows * 3];
        int[] l = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 3; j++) {
                f[3 * i + j] = 10 * i + j;
            }
            l[i] = i % 3;
        }
        return new LabelledData(f, rows, 3, l, 3);
    }

    @Test
    void invalidArgumentsAreNamedWithExpectedAndActualValues() {
        assertEquals("features.length: expected rows * cols = 2 * 3 = 6, got 5", message(
                () -> new LabelledData(new double[5], 2, 3, new int[2], 1)));
        assertEquals("labels.length: expected rows = 2, got 3", message(
                () -> new LabelledData(new double[6], 2, 3, new int[3], 1)));
        assertEquals("labels[1]: expected a class in 0 .. 1 (classes = 2), got -1", message(
                () -> new LabelledData(new double[6], 2, 3, new int[] {0, -1}, 2)));
        assertEquals("labels[0]: expected a class in 0 .. 1 (classes = 2), got 2", message(
                () -> new LabelledData(new double[6], 2, 3, new int[] {2, 0}, 2)));
        assertEquals("features[4] (row 1, column 1): expected a finite value, got NaN", message(
                () -> new LabelledData(new double[] {0, 0, 0, 0, Double.NaN, 0}, 2, 3, new int[2], 1)));
        assertEquals("features[0] (row 0, column 0): expected a finite value, got Infinity", message(
                () -> new LabelledData(new double[] {Double.POSITIVE_INFINITY}, 1, 1, new int[1], 1)));
        assertEquals("rows: expected >= 0, got -1", message(
                () -> new LabelledData(new double[0], -1, 3, new int[0], 1)));
        assertEquals("classes: expected >= 0, got -2", message(
                () -> new LabelledData(new double[0], 0, 3, new int[0], -2)));
        assertEquals("labels[1]: expected a non-negative class, got -4", message(
                () -> LabelledData.of(new double[2], 2, 1, new int[] {0, -4})));
        assertThrows(NullPointerException.class, () -> new LabelledData(null, 0, 0, new int[0], 0));
    }

    @Test
    void isImmutable() {
        double[] f = {1, 2, 3, 4};
        int[] l = {0, 1};
        LabelledData d = new LabelledData(f, 2, 2, l, 2);
        f[0] = 99;
        l[0] = 1;
        d.features()[1] = 99;
        d.labels()[1] = 0;
        d.row(0)[0] = 99;
        assertArrayEquals(new double[] {1, 2, 3, 4}, d.features());
        assertArrayEquals(new int[] {0, 1}, d.labels());
        assertThrows(ReadOnlyBufferException.class, () -> d.featureView().put(0, 5));
        assertThrows(ReadOnlyBufferException.class, () -> d.labelView().put(0, 5));
        assertEquals(4.0, d.featureView().get(3));
        assertEquals(1, d.labelView().get(1));
    }

    @Test
    void ofInfersTheClassesAndEqualityIsByContent() {
        LabelledData d = LabelledData.of(new double[] {1, 2, 3}, 3, 1, new int[] {4, 0, 2});
        assertEquals(5, d.classes());
        assertArrayEquals(new int[] {1, 0, 1, 0, 1}, d.classCounts());
        assertEquals(0, LabelledData.of(new double[0], 0, 7, new int[0]).classes());
        assertEquals(d, LabelledData.of(new double[] {1, 2, 3}, 3, 1, new int[] {4, 0, 2}));
        assertEquals(d.hashCode(), LabelledData.of(new double[] {1, 2, 3}, 3, 1, new int[] {4, 0, 2}).hashCode());
        assertNotEquals(d, LabelledData.of(new double[] {1, 2, 4}, 3, 1, new int[] {4, 0, 2}));
        assertNotEquals(d, new LabelledData(new double[] {1, 2, 3}, 3, 1, new int[] {4, 0, 2}, 6));
        assertEquals("LabelledData[rows=3, cols=1, classes=5]", d.toString());
    }

    @Test
    void rowsSubsetsSelectionsAndSplits() {
        LabelledData d = data(5);
        assertArrayEquals(new double[] {20, 21, 22}, d.row(2));
        assertEquals(41.0, d.feature(4, 1));
        assertEquals(1, d.label(4));
        assertThrows(IndexOutOfBoundsException.class, () -> d.row(5));
        assertThrows(IndexOutOfBoundsException.class, () -> d.feature(0, 3));

        LabelledData sub = d.subset(1, 3);
        assertEquals(2, sub.rows());
        assertEquals(3, sub.classes());
        assertArrayEquals(new double[] {10, 11, 12, 20, 21, 22}, sub.features());
        assertArrayEquals(new int[] {1, 2}, sub.labels());
        assertEquals(0, d.subset(5, 5).rows());
        assertEquals("to: expected 2 .. 5, got 1", assertThrows(IndexOutOfBoundsException.class,
                () -> d.subset(2, 1)).getMessage());

        LabelledData sel = d.select(new int[] {4, 0, 4});
        assertArrayEquals(new double[] {40, 41, 42, 0, 1, 2, 40, 41, 42}, sel.features());
        assertArrayEquals(new int[] {1, 0, 1}, sel.labels());
        assertEquals("rowIndices[1]: expected 0 .. 4, got 5", assertThrows(IndexOutOfBoundsException.class,
                () -> d.select(new int[] {0, 5})).getMessage());

        LabelledData.Split split = d.split(2);
        assertEquals(d.subset(0, 2), split.first());
        assertEquals(d.subset(2, 5), split.second());
        assertEquals(3, split.second().classes());
        assertEquals(0, d.split(0).first().rows());
        assertEquals("firstRows: expected 0 .. 5, got 6", assertThrows(IllegalArgumentException.class,
                () -> d.split(6)).getMessage());
    }

    @Test
    void shuffledIsADeterministicPermutationKeepingRowsWithTheirLabels() {
        LabelledData d = data(50);
        LabelledData s = d.shuffled(42);
        assertEquals(s, d.shuffled(42));
        assertNotEquals(d, s);
        assertNotEquals(s, d.shuffled(43));
        boolean[] seen = new boolean[50];
        for (int r = 0; r < 50; r++) {
            double[] row = s.row(r);
            int original = (int) row[0] / 10;
            assertArrayEquals(d.row(original), row);
            assertEquals(d.label(original), s.label(r));
            assertFalse(seen[original], "row " + original + " twice");
            seen[original] = true;
        }
        assertEquals(d.classes(), s.classes());
        assertEquals(0, data(0).shuffled(1).rows());
    }

    @Test
    void scaledMultipliesEveryFeature() {
        LabelledData d = data(2).scaled(0.5);
        assertArrayEquals(new double[] {0, 0.5, 1, 5, 5.5, 6}, d.features());
        assertArrayEquals(data(2).labels(), d.labels());
        assertThrows(IllegalArgumentException.class, () -> data(2).scaled(Double.NaN));
        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                () -> data(2).scaled(Double.MAX_VALUE));
        assertTrue(overflow.getMessage().contains("expected a finite value, got Infinity"), overflow.getMessage());
        assertTrue(Arrays.equals(data(2).features(), data(2).scaled(1).features()));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(RuntimeException.class, e).getMessage();
    }
}
