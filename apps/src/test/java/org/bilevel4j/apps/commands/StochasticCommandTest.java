package org.bilevel4j.apps.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code stochastic} command: every method runs on the quadratic bilevel ERM and writes its files; the
 * variance-reduced methods (SABA, SRBA) end with an exact ‖∇Φ‖² a hundred times below their start; on the logistic
 * task the validation loss starts at log 2 and decreases, and so does ‖∇Φ‖ by AID on the full batch; a diverging run
 * exits with 1 after its summary; bad input is a usage error naming the option, the expected and the actual value.
 */
class StochasticCommandTest {

    /** A small run: 40 samples, 3 features, batches of 4, 300 iterations; {@code extra} options replace these. */
    private static CommandRun small(Path dir, String method, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--method", method);
        options.put("--samples", "40");
        options.put("--features", "3");
        options.put("--batch-size", "4");
        options.put("--iterations", "300");
        options.put("--out", dir.toString());
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        List<String> args = new ArrayList<>(List.of("stochastic", "--quiet"));
        options.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return CommandRun.of(args.toArray(String[]::new));
    }

    /** @return the first and last metric of the CSV log (its third column) */
    private static double[] firstAndLast(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        return new double[] {Double.parseDouble(lines.get(1).split(",")[2]),
            Double.parseDouble(lines.get(lines.size() - 1).split(",")[2])};
    }

    @ParameterizedTest
    @ValueSource(strings = {"soba", "saba", "srba", "ma-soba", "amigo-gd", "amigo-cg"})
    void everyMethodRunsOnTheQuadraticTaskAndWritesItsFiles(String method, @TempDir Path dir) throws Exception {
        CommandRun r = small(dir, method, "--amigo-steps", "3", "--amigo-adjoint-steps", "3");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        for (String f : new String[] {"run.txt", "iterations.csv", "iterations.jsonl", "hypergradient.png"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        List<String> csv = Files.readAllLines(dir.resolve("iterations.csv"));
        assertEquals(301, csv.size() - 1, "one row per iteration and the start");
        assertEquals(csv.size() - 1, Files.readAllLines(dir.resolve("iterations.jsonl")).size());
        String record = Files.readString(dir.resolve("run.txt"));
        assertTrue(record.contains("status: BUDGET_EXHAUSTED") && record.contains("exit code: 0"), record);
        assertTrue(r.out().contains("BUDGET_EXHAUSTED"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"saba", "srba"})
    void theVarianceReducedMethodsDecreaseTheExactHypergradientNorm(String method, @TempDir Path dir)
            throws Exception {
        CommandRun r = small(dir, method, "--iterations", "1500");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        double[] g = firstAndLast(dir.resolve("iterations.csv"));
        assertTrue(g[1] < 1e-2 * g[0], method + ": |grad Phi|^2 from " + g[0] + " to " + g[1]);
    }

    @Test
    void theLogisticTaskLowersTheValidationLoss(@TempDir Path dir) throws Exception {
        CommandRun r = small(dir, "saba", "--task", "logistic", "--iterations", "1500", "--outer-step", "0.05");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        double[] loss = firstAndLast(dir.resolve("iterations.csv"));
        assertEquals(Math.log(2), loss[0], 1e-9, "w = 0, λ = 0: the loss is log 2");
        assertTrue(loss[1] < loss[0], "validation loss from " + loss[0] + " to " + loss[1]);
        assertTrue(Files.size(dir.resolve("validation-loss.png")) > 1000);
        List<String> csv = Files.readAllLines(dir.resolve("iterations.csv"));
        assertTrue(csv.get(0).endsWith(",hypergradient_norm_aid"), csv.get(0));
        double before = Double.parseDouble(csv.get(1).substring(csv.get(1).lastIndexOf(',') + 1));
        double after = Double.parseDouble(csv.get(csv.size() - 1).substring(csv.get(csv.size() - 1).lastIndexOf(',')
                + 1));
        assertTrue(after < before, "|grad Phi| by AID from " + before + " to " + after);
    }

    @Test
    void aDivergingRunExitsWithOneAfterItsSummary(@TempDir Path dir) throws Exception {
        CommandRun r = small(dir, "soba", "--inner-step", "1e6", "--outer-step", "1e6");
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("DIVERGED") && r.err().contains("DIVERGED"), r.out() + r.err());
        assertTrue(Files.readString(dir.resolve("run.txt")).contains("exit code: 1"));
    }

    static List<Arguments> badInput() {
        return List.of(
                Arguments.of(new String[] {"--batch-size", "0"}, "--batch-size", "0"),
                Arguments.of(new String[] {"--batch-size", "41"}, "--batch-size", "41"),
                Arguments.of(new String[] {"--inner-step", "0"}, "--inner-step", "0.0"),
                Arguments.of(new String[] {"--outer-step", "-1"}, "--outer-step", "-1.0"),
                Arguments.of(new String[] {"--adjoint-step", "NaN"}, "--adjoint-step", "NaN"),
                Arguments.of(new String[] {"--outer-step", "Infinity"}, "--outer-step", "Infinity"),
                Arguments.of(new String[] {"--method", "sgd"}, "--method", "sgd"));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputIsAUsageErrorNamingTheOption(String[] extra, String option, String actual, @TempDir Path dir) {
        CommandRun r = small(dir, "saba", extra);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains(option) && first.contains("expected") && first.contains(actual), r.err());
        assertTrue(!Files.exists(dir.resolve("iterations.csv")), "no run on bad input");
    }
}
