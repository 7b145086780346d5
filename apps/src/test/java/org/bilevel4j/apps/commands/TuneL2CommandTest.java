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
        assertTrue(unknown.err().contains("method: expected one of") && unknown.err().contains("aid-cg")
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
        assertTrue(help.out().contains("(default: aid-cg)") && help.out().contains("inner iterations t (default: 50)")
                && help.out().contains("(default: runs/tune-l2)"), help.out());
        CommandRun learnData = CommandRun.of("learn-data", "--help");
        assertTrue(learnData.out().contains("outer step size (default: 3.0E-7)"), learnData.out());
        CommandRun backend = CommandRun.of("tune-l2", "--backend", "cuda-magic", "--out", dir.toString());
        assertEquals(2, backend.exitCode(), backend.err());
        assertTrue(backend.err().contains("--backend: expected one of [") && backend.err().contains("ejml"),
                backend.err());
    }

    @Test
    void aRunThatBlowsUpExitsWithOneAndSaysWhyOnOneLine(@TempDir Path dir) {
        // a huge step drives exp(lambda) to 0 or infinity: the penalty's curvature bound is rejected
        CommandRun r = CommandRun.of("tune-l2", "--outer-optimizer", "gd", "--lr", "1e9", "-s", "20", "--quiet",
                "--out", dir.toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("bilevel4j: ") && line.contains("expected"), line);
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
