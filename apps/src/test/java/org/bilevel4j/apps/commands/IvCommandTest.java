package org.bilevel4j.apps.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bilevel4j.functional.data.LinearGaussianIv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code iv} command: help; the default linear-Gaussian toy, where FuncID linear reaches the closed-form 2SLS
 * estimate near β while ordinary least squares is visibly biased; a tiny dSprites run with every method and its
 * files; bad input as usage errors (exit 2) naming the option.
 */
class IvCommandTest {

    @Test
    void helpListsTheOptions() {
        CommandRun r = CommandRun.of("iv", "--help");
        assertEquals(0, r.exitCode());
        for (String o : new String[] {"--task", "--methods", "--seeds", "--samples", "--pool", "--width-divisor",
            "--max-minutes", "funcid-linear"}) {
            assertTrue(r.out().contains(o), o + " in\n" + r.out());
        }
        assertTrue(CommandRun.of("--help").out().contains("iv"), "registered in the main command");
    }

    private static double[] vector(String record, String key) {
        Matcher m = Pattern.compile(Pattern.quote(key) + ": \\[([^,]+), ([^\\]]+)\\]").matcher(record);
        assertTrue(m.find(), key + " in\n" + record);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static double distance(double[] a, double[] b) {
        return Math.hypot(a[0] - b[0], a[1] - b[1]);
    }

    @Test
    void theToyRecoversBetaWhereOrdinaryLeastSquaresIsBiased(@TempDir Path dir) throws Exception {
        CommandRun r = CommandRun.of("iv", "--quiet", "--samples", "2000", "--outer-steps", "300", "--out",
                dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("ordinary least squares") && r.out().contains("2SLS"), r.out());
        String record = Files.readString(dir.resolve("run.txt"));
        double[] ols = vector(record, "ols");
        double[] tsls = vector(record, "2sls");
        double[] funcId = vector(record, "funcid linear");
        // independent closed forms of the same sample
        LinearGaussianIv toy = new LinearGaussianIv(2000, 0);
        assertEquals(0, distance(ols, toy.ordinaryLeastSquares()), 1e-12);
        assertEquals(0, distance(tsls, toy.twoStageLeastSquares()), 1e-12);
        assertTrue(distance(funcId, tsls) < 1e-3, "FuncID linear " + funcId[0] + ", " + funcId[1]);
        assertTrue(distance(tsls, LinearGaussianIv.BETA) < 0.15, "2SLS near β");
        assertTrue(distance(ols, LinearGaussianIv.BETA) > 0.4, "OLS biased");
        List<String> csv = Files.readAllLines(dir.resolve("iterations.csv"));
        assertEquals(301, csv.size());
        assertTrue(Files.size(dir.resolve("toy-estimate.png")) > 0);
        assertTrue(record.contains("exit code: 0"), record);
    }

    @Test
    void aTinyDspritesRunWritesItsTablesAndPlots(@TempDir Path dir) throws Exception {
        CommandRun r = CommandRun.of("iv", "--quiet", "--task", "dsprites", "--samples", "40", "--outer-steps", "2",
                "--inner-steps", "2", "--adjoint-steps", "2", "--pool", "16", "--width-divisor", "64", "--seeds", "2",
                "--plain",
                "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        List<String> results = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals(1 + 2 * 7, results.size(), String.join("\n", results));
        for (String f : new String[] {"run.txt", "iterations.csv", "iterations.jsonl", "test-mse.png",
            "outer-loss.png", "inner-loss.png"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertEquals(1 + 2 * 7 * 2, Files.readAllLines(dir.resolve("iterations.csv")).size());
        for (String m : new String[] {"FuncID", "FuncID linear", "AID", "ITD", "DFIV", "GD penal.", "Val penal.",
            "p (one-sided)"}) {
            assertTrue(r.out().contains(m), m + " in\n" + r.out());
        }
    }

    @Test
    void runsOfMethodGroupsAreSummarisedTogether(@TempDir Path dir) throws Exception {
        String[] common = {"iv", "--quiet", "--task", "dsprites", "--samples", "40", "--outer-steps", "2",
            "--inner-steps", "2", "--adjoint-steps", "2", "--pool", "16", "--width-divisor", "64", "--seeds", "2",
            "--plain"};
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        List<String> argsA = new java.util.ArrayList<>(List.of(common));
        argsA.addAll(List.of("--methods", "funcid", "--out", a.toString()));
        List<String> argsB = new java.util.ArrayList<>(List.of(common));
        argsB.addAll(List.of("--methods", "dfiv,itd", "--out", b.toString()));
        assertEquals(0, CommandRun.of(argsA.toArray(String[]::new)).exitCode());
        CommandRun single = CommandRun.of(argsB.toArray(String[]::new));
        assertEquals(0, single.exitCode(), single.err());
        Path merged = dir.resolve("merged");
        CommandRun r = CommandRun.of("iv", "--task", "dsprites", "--report-from", a + "," + b, "--out",
                merged.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertEquals(1 + 2 * 3, Files.readAllLines(merged.resolve("results.csv")).size());
        assertTrue(Files.size(merged.resolve("test-mse.png")) > 0);
        // the merged table pairs FuncID with DFIV by seed: a t statistic is printed on DFIV's row
        String dfivRow = r.out().lines().filter(l -> l.startsWith("DFIV")).findFirst().orElseThrow();
        String itdRow = single.out().lines().filter(l -> l.startsWith("ITD")).findFirst().orElseThrow();
        assertTrue(dfivRow.trim().split("\\s{2,}").length == 10, dfivRow);
        assertTrue(r.out().contains(itdRow.substring(0, 40)), "ITD's figures are carried over:\n" + r.out());
    }

    @Test
    void runsOfDifferentLengthsAreRefusedAndAReportMayReplaceItsInput(@TempDir Path dir) throws Exception {
        String[] common = {"iv", "--quiet", "--task", "dsprites", "--samples", "40", "--inner-steps", "2",
            "--adjoint-steps", "2", "--pool", "16", "--width-divisor", "64", "--plain", "--methods", "funcid-linear"};
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        List<String> argsA = new java.util.ArrayList<>(List.of(common));
        argsA.addAll(List.of("--outer-steps", "2", "--out", a.toString()));
        List<String> argsB = new java.util.ArrayList<>(List.of(common));
        argsB.addAll(List.of("--outer-steps", "3", "--out", b.toString()));
        assertEquals(0, CommandRun.of(argsA.toArray(String[]::new)).exitCode());
        assertEquals(0, CommandRun.of(argsB.toArray(String[]::new)).exitCode());
        CommandRun mixed = CommandRun.of("iv", "--task", "dsprites", "--report-from", a + "," + b, "--out",
                dir.resolve("merged").toString());
        assertEquals(2, mixed.exitCode(), mixed.out() + mixed.err());
        assertTrue(mixed.err().contains("--report-from") && mixed.err().contains("outer steps"), mixed.err());
        // the inputs are read before the output directory is cleared
        List<String> before = Files.readAllLines(a.resolve("results.csv"));
        CommandRun inPlace = CommandRun.of("iv", "--task", "dsprites", "--report-from", a.toString(), "--out",
                a.toString());
        assertEquals(0, inPlace.exitCode(), inPlace.out() + inPlace.err());
        assertEquals(before, Files.readAllLines(a.resolve("results.csv")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "--report-from;/nonexistent/dir;--report-from",
        "--pool;3;--pool",
        "--methods;bogus;--methods",
        "--samples;2;--samples",
        "--outer-steps;0;--outer-steps",
        "--seeds;0;--seeds",
        "--outer-rate;-1;--outer-rate",
        "--task;images;--task"})
    void badInputIsAUsageError(String option, String value, String named, @TempDir Path dir) {
        CommandRun r = CommandRun.of("iv", "--task", "dsprites", option, value, "--out", dir.toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(named), r.err());
    }
}
