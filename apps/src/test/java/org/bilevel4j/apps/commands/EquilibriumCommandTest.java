package org.bilevel4j.apps.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bilevel4j.apps.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The equilibrium experiment on a small Fashion-MNIST subset: with the projection every method is stable and keeps
 * ‖A‖ ≤ 0.99; without it ‖A‖ leaves the unit ball.
 */
class EquilibriumCommandTest {

    @Test
    void withTheProjectionEveryMethodIsStable(@TempDir Path dir) throws Exception {
        assumeTrue(FashionMnist.isAvailable(FashionMnist.DEFAULT_DIR), "Fashion-MNIST not installed");
        CommandRun r = CommandRun.of("equilibrium", "--train-size", "300", "--test-size", "200", "--hidden", "30",
                "-s", "15", "-t", "10", "-k", "10", "--lr", "0.5", "--quiet", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String[] lines = r.out().lines().filter(l -> l.contains("BUDGET_EXHAUSTED") || l.contains("DIVERGED"))
                .toArray(String[]::new);
        assertEquals(6, lines.length, r.out());
        for (String line : lines) {
            String[] cells = line.trim().split("\\s+");
            double normA = Double.parseDouble(cells[6]);
            if (cells[1].equals("yes")) {
                assertTrue(normA <= 0.99 + 1e-6 && cells[9].equals("yes"), "projected run: " + line);
                assertTrue(Double.parseDouble(cells[4]) <= 0.5 * Double.parseDouble(cells[2]), "blew up: " + line);
            } else {
                assertTrue(normA > 1, "without projection |A| should leave the unit ball: " + line);
            }
        }
        assertTrue(Files.size(dir.resolve("training-objective.png")) > 1000);
    }
}
