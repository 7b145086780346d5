package org.bilevel4j.apps.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare: every method's error against AID-exact, with a large budget much smaller than with a small one. */
class CompareCommandTest {

    @Test
    void errorsAgainstTheExactReferenceShrinkWithTheBudget(@TempDir Path dir) throws IOException {
        CommandRun small = CommandRun.of("compare", "--methods", "itd,aid-cg", "-t", "5", "-k", "3", "-s", "4",
                "--quiet", "--out", dir.resolve("small").toString());
        CommandRun large = CommandRun.of("compare", "--methods", "itd,aid-cg", "-t", "400", "-k", "60", "-s", "4",
                "--quiet", "--out", dir.resolve("large").toString());
        assertEquals(0, small.exitCode(), small.err());
        assertEquals(0, large.exitCode(), large.err());
        for (String m : new String[] {"itd", "aid-cg"}) {
            double coarse = maxError(dir.resolve("small"), m);
            double fine = maxError(dir.resolve("large"), m);
            assertTrue(fine < 1e-6 && fine < coarse / 100, m + ": error " + coarse + " with t = 5, " + fine
                    + " with t = 400");
        }
        for (String png : new String[] {"error-vs-time.png", "error-vs-cost.png", "objective-vs-time.png",
            "objective-vs-cost.png"}) {
            assertTrue(Files.size(dir.resolve("large").resolve(png)) > 1000, png);
        }
    }

    private static double maxError(Path dir, String method) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("compare.csv"));
        return lines.stream().skip(1).filter(l -> l.startsWith(method + ",")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(',') + 1))).max().orElseThrow();
    }
}
