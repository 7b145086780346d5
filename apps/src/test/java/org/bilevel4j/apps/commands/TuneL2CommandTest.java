package org.bilevel4j.apps.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default command end to end: logs, plots, the summary, and the exit codes of bad input. */
class TuneL2CommandTest {

    @Test
    void defaultSyntheticRunLowersTheValidationLossAndWritesItsLogAndPlots(@TempDir Path dir) throws IOException {
        CommandRun r = CommandRun.of("tune-l2", "-s", "40", "--quiet", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("validation loss") && r.out().contains("test accuracy"), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("iterations.csv"));
        assertEquals(41, csv.size(), "header + one line per outer iteration");
        assertTrue(csv.get(0).startsWith("iteration,seconds,objective,hypergradient_norm"));
        assertEquals(40, Files.readAllLines(dir.resolve("iterations.jsonl")).size());
        double first = Double.parseDouble(csv.get(1).split(",")[2]);
        double last = Double.parseDouble(csv.get(40).split(",")[2]);
        assertTrue(last < first, "validation loss " + first + " -> " + last);
        for (String png : new String[] {"objective.png", "hypergradient.png", "train_loss.png"}) {
            byte[] bytes = Files.readAllBytes(dir.resolve(png));
            assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
        }
        assertEquals(51, Files.readAllLines(dir.resolve("lambda.csv")).size(), "header + 50 features");
        List<String> settings = Files.readAllLines(dir.resolve("run.txt"));
        assertTrue(settings.get(0).startsWith("command: bilevel4j tune-l2 -s 40 --quiet --out"),
                settings.toString());
        assertTrue(settings.contains("outer steps: 40") && settings.stream().anyMatch(l -> l.startsWith("backend: "))
                && settings.stream().anyMatch(l -> l.startsWith("estimator: aid-cg")), settings.toString());
        // how the run ended: status, iterations, elapsed time, then the tool's exit code
        List<String> end = settings.subList(settings.size() - 5, settings.size());
        assertEquals("status: BUDGET_EXHAUSTED", end.get(0), settings.toString());
        assertEquals("iterations: 40", end.get(1));
        assertTrue(end.get(2).matches("elapsed: \\d+\\.\\d{3} s") && end.get(3).startsWith("message: budget of 40"),
                end.toString());
        assertEquals("exit code: 0", end.get(4));
    }

    @Test
    void everyMethodNameRuns(@TempDir Path dir) {
        for (String m : new String[] {"itd", "itd-checkpoint", "aid-fp", "aid-neumann", "aid-cg", "aid-gmres"}) {
            CommandRun r = CommandRun.of("tune-l2", "--method", m, "-s", "3", "-t", "5", "-k", "3", "--quiet",
                    "--out", dir.resolve(m).toString());
            assertEquals(0, r.exitCode(), m + ": " + r.err());
        }
    }

    @Test
    void badArgumentsExitWithTwoAndUsage(@TempDir Path dir) {
        CommandRun unknown = CommandRun.of("tune-l2", "--method", "magic", "--out", dir.toString());
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("'--method': expected one of [itd, ") && unknown.err().contains("aid-cg")
                && unknown.err().contains("Usage"), unknown.err());
        CommandRun negative = CommandRun.of("tune-l2", "-s", "0", "--out", dir.toString());
        assertEquals(2, negative.exitCode(), negative.err());
        assertTrue(negative.err().contains("outer-steps"), negative.err());
        CommandRun libsvm = CommandRun.of("tune-l2", "--data", "libsvm", "--out", dir.toString());
        assertEquals(2, libsvm.exitCode());
        assertTrue(libsvm.err().contains("--libsvm-file"), libsvm.err());
    }

    @Test
    void helpShowsTheCommandsDefaultsAndAnUnknownBackendIsABadArgument(@TempDir Path dir) {
        CommandRun help = CommandRun.of("tune-l2", "--help");
        assertEquals(0, help.exitCode());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("aid-minres, aid-gmres, aid-auto, aid-exact (default: aid-cg)")
                && text.contains("inner iterations t, 0 .. 100000 (default: 2000)")
                && text.contains("(default: 1.0E-5)")
                && text.contains("(default: runs/tune-l2)") && text.contains("--data=SOURCE synthetic, fashion-mnist, "
                + "libsvm (default: synthetic)"), help.out());
        CommandRun learnData = CommandRun.of("learn-data", "--help");
        assertTrue(learnData.out().contains("outer step size (default: 3.0E-7)"), learnData.out());
        CommandRun backend = CommandRun.of("tune-l2", "--backend", "cuda-magic", "--out", dir.toString());
        assertEquals(2, backend.exitCode(), backend.err());
        assertTrue(backend.err().contains("--backend: expected one of [") && backend.err().contains("ejml"),
                backend.err());
    }

    @Test
    void aRunThatBlowsUpExitsWithOneAndSaysWhyOnOneLine(@TempDir Path dir) {
        // a huge step drives exp(lambda) to 0 or infinity: lambda has left the problem's domain
        CommandRun r = CommandRun.of("tune-l2", "--outer-optimizer", "gd", "--lr", "1e9", "-s", "20", "--quiet",
                "--out", dir.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("bilevel4j: run failed: DIVERGED: lambda left the problem's domain"), line);
    }

    @Test
    void anOuterDivergenceEndsWithStatusDivergedTheSummaryAndItsRecord(@TempDir Path dir) throws IOException {
        CommandRun r = CommandRun.of("tune-l2", "--lr", "1e6", "-s", "20", "--quiet", "--out", dir.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("validation loss") && r.out().contains("test accuracy")
                && r.out().contains("status DIVERGED"), r.out());
        assertTrue(r.err().strip().startsWith("bilevel4j: run failed: DIVERGED: ")
                && !r.err().contains("strongConvexity"), r.err());
        List<String> record = Files.readAllLines(dir.resolve("run.txt"));
        assertTrue(record.contains("status: DIVERGED") && record.contains("exit code: 1"), record.toString());
        int iterations = Integer.parseInt(record.stream().filter(l -> l.startsWith("iterations: ")).findFirst()
                .orElseThrow().substring("iterations: ".length()));
        assertEquals(Files.readAllLines(dir.resolve("iterations.csv")).size() - 1, iterations,
                "the record counts the logged iterations");
    }

    @Test
    void budgetsThatCannotFitInMemoryAreBadArgumentsBeforeAnyAllocation(@TempDir Path dir) {
        CommandRun t = CommandRun.of("tune-l2", "-t", "2147483647", "--quiet", "--out", dir.toString());
        assertEquals(2, t.exitCode(), t.err());
        assertTrue(t.err().startsWith("--inner-steps: expected an integer <= 100000 (the largest inner budget), got "
                + "2147483647"), t.err());
        CommandRun k = CommandRun.of("tune-l2", "-k", "2147483647", "--quiet", "--out", dir.toString());
        assertEquals(2, k.exitCode(), k.err());
        assertTrue(k.err().startsWith("--linear-steps: expected an integer <= 100000"), k.err());
        CommandRun dim = CommandRun.of("hypergradient", "--dim", "40000");
        assertEquals(2, dim.exitCode(), dim.err());
        assertTrue(dim.err().startsWith("--dim: expected an integer <= 2000 (the largest dense d x d problem), got "
                + "40000"), dim.err());
    }

    @Test
    void optionsThatWouldBeIgnoredOrAreOutOfRangeAreRejected(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("data.svm"), "1 1:1\n-1 1:2\n");
        CommandRun stray = CommandRun.of("tune-l2", "--libsvm-file", file.toString(), "--out", dir.toString());
        assertEquals(2, stray.exitCode(), stray.out() + stray.err());
        assertTrue(stray.err().startsWith("--libsvm-file: expected with --data libsvm, got it with --data synthetic"),
                stray.err());
        CommandRun both = CommandRun.of("compare", "--method", "itd", "--methods", "itd,aid-cg", "--out",
                dir.toString());
        assertEquals(2, both.exitCode(), both.out() + both.err());
        assertTrue(both.err().startsWith("--method and --methods: expected one of them, got both"), both.err());
        CommandRun threads = CommandRun.of("figure1", "--threads", "-4", "--out", dir.toString());
        assertEquals(2, threads.exitCode(), threads.out() + threads.err());
        assertTrue(threads.err().startsWith("--threads: expected an integer >= 0, got -4"), threads.err());
    }

    @Test
    void aReusedOutputDirectoryKeepsNoStaleFilesButKeepsTheUsersOwn(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("aid-fp"));
        Files.writeString(dir.resolve("aid-fp").resolve("iterations.csv"), "stale");
        Files.writeString(dir.resolve("compare.csv"), "stale");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        Files.createDirectories(dir.resolve("mine"));
        Files.writeString(dir.resolve("mine").resolve("run.txt"), "mine too");
        CommandRun r = CommandRun.of("tune-l2", "-s", "3", "--quiet", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        List<String> left;
        try (var files = Files.list(dir)) {
            left = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("hypergradient.png", "iterations.csv", "iterations.jsonl", "lambda.csv", "mine",
                "notes.txt", "objective.png", "run.txt", "train_loss.png"), left);
        assertEquals("mine too", Files.readString(dir.resolve("mine").resolve("run.txt")));
    }

    @Test
    void unusableLibsvmFilesAreRejectedAtReadTimeNamingTheFile(@TempDir Path dir) throws IOException {
        String[][] cases = {
            {"empty.svm", "", "expected at least one sample"},
            {"one-line.svm", "1 1:0.5\n", "expected at least 6 samples (2 in each of the training, validation and "
                + "test thirds), got 1"},
            {"one-class.svm", "1 1:1\n1 1:2\n1 1:3\n1 2:1\n1 2:2\n1 2:3\n", "expected at least 2 classes"},
            {"fractional.svm", "1 1:1\n1.5 1:2\n", "line 2, column 1: expected an integer label (a class), got "
                + "'1.5'"},
            {"huge-index.svm", "1 1:1\n-1 250000:1\n", "line 2, column 4: expected a feature index at most 100000 "
                + "(the feature limit, --max-features), got 250000"}};
        for (String[] c : cases) {
            Path file = Files.writeString(dir.resolve(c[0]), c[1]);
            CommandRun r = CommandRun.of("tune-l2", "--data", "libsvm", "--libsvm-file", file.toString(), "--quiet",
                    "--out", dir.resolve("out").toString());
            assertEquals(1, r.exitCode(), c[0] + ": " + r.out() + r.err());
            assertTrue(r.err().strip().startsWith("bilevel4j: " + file + ": ") && r.err().contains(c[2]),
                    c[0] + ": " + r.err());
        }
        Path absent = dir.resolve("absent.svm");
        CommandRun missing = CommandRun.of("tune-l2", "--data", "libsvm", "--libsvm-file", absent.toString(),
                "--quiet", "--out", dir.resolve("out").toString());
        assertEquals("bilevel4j: " + absent + ": no such file", missing.err().strip());
        CommandRun directory = CommandRun.of("tune-l2", "--data", "libsvm", "--libsvm-file", dir.toString(),
                "--quiet", "--out", dir.resolve("out").toString());
        assertEquals("bilevel4j: " + dir + ": is a directory, expected a data file", directory.err().strip());
    }

    @Test
    void aMalformedDataFileFailsWithOneLineNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.svm");
        Files.writeString(file, "1 1:0.5 2:1.0\n-1 1:0.25 2:x\n");
        CommandRun r = CommandRun.of("tune-l2", "--data", "libsvm", "--libsvm-file", file.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("bilevel4j: ") && line.contains("broken.svm") && line.contains("line 2"), line);
    }

    @Test
    void aLibsvmFileIsTunedEndToEnd(@TempDir Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            double a = rng.nextGaussian();
            double b = rng.nextGaussian();
            sb.append(a + 0.5 * b > 0 ? "+1" : "-1").append(" 1:").append(a).append(" 2:").append(b)
                    .append(" 3:").append(rng.nextGaussian()).append('\n');
        }
        Path file = dir.resolve("data.svm");
        Files.writeString(file, sb.toString());
        CommandRun r = CommandRun.of("tune-l2", "--data", "libsvm", "--libsvm-file", file.toString(), "-s", "10",
                "--quiet", "--out", dir.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("100 training, 100 validation, 100 test samples, 4 features, 2 classes"), r.out());
    }
}
