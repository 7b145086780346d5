package org.bilevel4j.apps.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** LIBSVM / svmlight text: labels, comments, sparse rows made dense, and every malformed token located. */
class LibsvmReaderTest {
    @TempDir
    Path dir;

    private final LibsvmReader reader = new LibsvmReader();

    @Test
    void binaryFileWithCommentsBlankLinesAndMissingFeatures() throws IOException {
        Path file = write("binary.svm", """
                # a header comment
                +1 1:0.5 3:-2   # a tail comment

                -1 2:1e-3
                \t
                +1
                -1\t1:1 2:2\t3:3#no space before the comment
                """);
        LibsvmData d = reader.read(file);
        assertArrayEquals(new double[] {-1, 1}, d.labelValues());
        LabelledData data = d.data();
        assertEquals(4, data.rows());
        assertEquals(3, data.cols());
        assertEquals(2, data.classes());
        assertArrayEquals(new int[] {1, 0, 1, 0}, data.labels());
        assertArrayEquals(new double[] {0.5, 0, -2, 0, 1e-3, 0, 0, 0, 0, 1, 2, 3}, data.features());
        assertEquals(0, d.classOf(-1));
        assertEquals(1, d.classOf(1));
        assertEquals(-1, d.classOf(2));
        assertEquals(-1.0, d.labelValue(0));
    }

    @Test
    void multiclassAndFloatLabelsAreSortedIntoClassIds() throws IOException {
        LibsvmData multi = reader.read(write("multi.svm", "3 1:1\n1 1:2\n2 1:3\n1 1:4\n10 1:5\n"));
        assertArrayEquals(new double[] {1, 2, 3, 10}, multi.labelValues());
        assertArrayEquals(new int[] {2, 0, 1, 0, 3}, multi.data().labels());
        assertEquals(4, multi.data().classes());

        LibsvmData written = reader.read(write("written.svm", "2.0 2:1\n-3 1:1\n+2\n1.0e0\n1\n-0 1:7\n0\n"));
        assertArrayEquals(new double[] {-3, 0, 1, 2}, written.labelValues());
        assertArrayEquals(new int[] {3, 0, 3, 2, 2, 1, 1}, written.data().labels());
        assertEquals(7, written.data().feature(5, 0));
    }

    @Test
    void nonIntegerLabelsAreRejectedWithLineAndColumn() throws IOException {
        Path file = write("fractional.svm", "1 1:1\n  1.5 1:2\n");
        assertEquals(file + ": line 2, column 3: expected an integer label (a class), got '1.5'",
                message(() -> reader.read(file)));
    }

    @Test
    void featureIndicesAboveTheLimitAreRejectedNotExpanded() throws IOException {
        Path file = write("huge-index.svm", "1 1:1\n0 2:1 500000:1\n");
        assertEquals(file + ": line 2, column 7: expected a feature index at most 100000 (the feature limit, "
                + "--max-features), got 500000", message(() -> reader.read(file)));
        LibsvmData wide = new LibsvmReader(500_000).read(file);
        assertEquals(500_000, wide.data().cols());
        assertEquals(1.0, wide.data().feature(1, 499_999));
        assertThrows(IllegalArgumentException.class, () -> new LibsvmReader(0));
    }

    @Test
    void missingFilesAndDirectoriesAreNamedWithWhatIsWrong() {
        Path absent = dir.resolve("absent.svm");
        IOException missing = assertThrows(IOException.class, () -> reader.read(absent));
        assertEquals(absent + ": no such file", missing.getMessage());
        IOException directory = assertThrows(IOException.class, () -> reader.read(dir));
        assertEquals(dir + ": is a directory, expected a data file", directory.getMessage());
    }

    @Test
    void givenFeatureCountPadsWithZeroColumns() throws IOException {
        Path file = write("small.svm", "1 2:5\n0 1:4\n");
        LabelledData data = reader.read(file, 5).data();
        assertEquals(5, data.cols());
        assertArrayEquals(new double[] {0, 5, 0, 0, 0, 4, 0, 0, 0, 0}, data.features());
        assertEquals(2, reader.read(file).data().cols());
    }

    @Test
    void givenLabelValuesMapATestFileLikeItsTrainingFile() throws IOException {
        LibsvmData train = reader.read(write("train.svm", "-1 1:1\n+1 2:1\n+1 3:1\n"));
        Path test = write("test.svm", "+1 1:2\n+1 2:2\n");
        LibsvmData alone = reader.read(test);
        assertArrayEquals(new int[] {0, 0}, alone.data().labels());
        LibsvmData mapped = reader.read(test, train.data().cols(), train.labelValues());
        assertArrayEquals(new int[] {1, 1}, mapped.data().labels());
        assertEquals(2, mapped.data().classes());
        assertArrayEquals(new double[] {2, 0, 0, 0, 2, 0}, mapped.data().features());

        Path unknown = write("unknown.svm", "+1 1:2\n\n 2 2:2\n");
        assertEquals(unknown + ": line 3, column 2: expected one of the given labels [-1.0, 1.0], got '2'",
                message(() -> reader.read(unknown, 3, train.labelValues())));
        assertThrows(IllegalArgumentException.class, () -> reader.read(test, 3, new double[] {1, 1.0}));
        assertThrows(IllegalArgumentException.class, () -> reader.read(test, 3, new double[] {Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> reader.read(test, -1));
    }

    @Test
    void windowsLineEndingsLeadingZerosAndExplicitZerosAreAccepted() throws IOException {
        LibsvmData d = reader.read(write("crlf.svm", "1 001:1.5 2:0\r\n0 3:.25\r\n"));
        assertEquals(3, d.data().cols());
        assertArrayEquals(new double[] {1.5, 0, 0, 0, 0, 0.25}, d.data().features());
    }

    @Test
    void emptyAndCommentOnlyFilesAreRejectedAtReadTime() throws IOException {
        Path comments = write("empty.svm", "# nothing\n\n");
        assertEquals(comments + ": expected at least one sample (a line 'label index:value ...'), got none in 2 lines",
                message(() -> reader.read(comments)));
        Path empty = write("empty2.svm", "");
        assertTrue(message(() -> reader.read(empty, 4)).startsWith(empty + ": expected at least one sample"));
        LibsvmData one = reader.read(write("one.svm", "1 2:3\n"));
        assertEquals(1, one.data().rows());
        assertEquals(2, one.data().cols());
    }

    @Test
    void gzippedFilesAreRead() throws IOException {
        Path file = dir.resolve("data.svm.gz");
        Files.write(file, IdxFiles.gzip("1 1:2\n-1 2:3\n".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(new double[] {2, 0, 0, 3}, reader.read(file).data().features());
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("1 0:1", 3, "expected a positive feature index (indices are 1-based), got 0"),
                Arguments.of("1 -1:2", 3, "expected a positive integer feature index, got '-1'"),
                Arguments.of("1 a:2", 3, "expected a positive integer feature index, got 'a'"),
                Arguments.of("1 :5", 3, "expected a feature index before ':', got nothing"),
                Arguments.of("1 99999999999:1", 3, "expected a feature index at most 100000 (the feature limit, "
                        + "--max-features), got 99999999999"),
                Arguments.of("1 2:1 1:1", 7, "expected an index greater than 2 (indices must be strictly "
                        + "ascending), got 1"),
                Arguments.of("1 2:1  2:1", 8, "expected an index greater than 2 (indices must be strictly ascending), "
                        + "got 2"),
                Arguments.of("1 3", 3, "expected index:value, got '3' (missing ':')"),
                Arguments.of("1 1:1 x", 7, "expected index:value, got 'x' (missing ':')"),
                Arguments.of("1 3:abc", 5, "expected a numeric value after ':', got 'abc'"),
                Arguments.of("1 3:1,5", 5, "expected a numeric value after ':', got '1,5'"),
                Arguments.of("1 3:0x10", 5, "expected a numeric value after ':', got '0x10'"),
                Arguments.of("1 3:1e", 5, "expected a numeric value after ':', got '1e'"),
                Arguments.of("1 1:", 5, "expected a numeric value after ':', got nothing"),
                Arguments.of("1 3:nan", 5, "expected a finite number, got 'nan'"),
                Arguments.of("1 3:-Infinity", 5, "expected a finite number, got '-Infinity'"),
                Arguments.of("1 3:1e400", 5, "expected a finite number, got '1e400' (overflows a double)"),
                Arguments.of("abc 1:1", 1, "expected an integer label, got 'abc'"),
                Arguments.of("  NaN 1:1", 3, "expected a finite number, got 'NaN'"),
                Arguments.of("1:1 2:2", 1, "expected a label (a number) before the features, got '1:1'"),
                Arguments.of("1 qid:3 1:1", 3, "expected index:value, got 'qid:3' (qid: tokens of ranking data "
                        + "are not supported)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedLines")
    void malformedTokensNameFileLineAndColumn(String badLine, int column, String expectation) throws IOException {
        Path file = write("bad.svm", "# first\n+1 1:1 2:2\n\n" + badLine + "\n-1 1:1\n");
        assertEquals(file + ": line 4, column " + column + ": " + expectation, message(() -> reader.read(file)));
        Path good = write("good.svm", "+1 1:1\n");
        assertEquals(1, reader.read(good).data().rows()); // the reader still works after a failure
    }

    @Test
    void indexBeyondTheGivenFeatureCountIsRejected() throws IOException {
        Path file = write("wide.svm", "1 1:1 2:1\n0 2:1 3:1\n");
        assertEquals(file + ": line 2, column 7: expected a feature index at most 2 (the given number of features), "
                + "got 3",
                message(() -> reader.read(file, 2)));
        assertEquals(3, reader.read(file, 3).data().cols());
    }

    @Test
    void aBrokenLastLineFailsTheWholeFile() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            s.append(i % 2 == 0 ? "+1" : "-1").append(' ').append(i % 7 + 1).append(':').append(i).append('\n');
        }
        String good = s.toString();
        assertEquals(1000, reader.read(write("good.svm", good)).data().rows());
        for (String tail : new String[] {"+1 3:", "+1 3", "+1 3:1 2:1", "+", "+1 3:1e"}) {
            Path file = write("broken.svm", good + tail);
            String m = message(() -> reader.read(file));
            assertTrue(m.startsWith(file + ": line 1001, column "), m);
        }
    }

    @Test
    void invalidUtf8IsRejectedWithLineAndColumn() throws IOException {
        Path file = dir.resolve("latin1.svm");
        Files.write(file, new byte[] {'1', ' ', '1', ':', '1', '\n', '1', ' ', (byte) 0xe9, ':', '1', '\n'});
        assertEquals(file + ": line 2, column 3: expected UTF-8 text, got the byte 0xe9 (byte offset 2 in the line)",
                message(() -> reader.read(file)));
        Path utf8 = write("utf8.svm", "1 1:1 # caf\u00e9 \u00fc\u00df \ud83d\ude00\n0 2:1\n");
        assertEquals(2, reader.read(utf8).data().rows());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String message(org.junit.jupiter.api.function.Executable read) {
        return assertThrows(DataFormatException.class, read).getMessage();
    }
}
