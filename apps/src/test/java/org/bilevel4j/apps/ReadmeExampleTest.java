package org.bilevel4j.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.outer.BilevelResult;
import org.bilevel4j.algorithms.outer.BilevelSolver;
import org.bilevel4j.algorithms.outer.OuterOptimizer;
import org.bilevel4j.api.autodiff.GradientCheck;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.cli.CliValue;
import org.bilevel4j.apps.cli.Method;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's code example (keep in sync with README.md) and the quick-start command. */
class ReadmeExampleTest {

    @Test
    void writingAProblemExampleRunsAndReducesTheValidationLoss() {
        Backend b = Backends.get();
        Tensor x = b.randomNormal(Shape.of(200, 20), 1).div(Math.sqrt(200)), y = b.randomNormal(Shape.of(200), 2);
        Tensor xVal = b.randomNormal(Shape.of(200, 20), 3).div(Math.sqrt(200)), yVal = b.randomNormal(Shape.of(200), 4);

        ScalarObjective inner = ScalarObjective.of((w, l) ->
                x.matmul(w).sub(y).square().sum().mul(0.5).add(l.exp().mul(w.square()).sum().mul(0.5)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> xVal.matmul(w).sub(yVal).square().sum().mul(0.5));
        double frobenius = x.square().sum().item();
        BilevelProblem problem = BilevelProblem.optimization(outer, inner, Shape.of(20), Shape.of(20),
                l -> new CurvatureBounds(l.exp().min().item(), frobenius + l.exp().max().item()));

        HypergradientEstimate e = AidEstimator.conjugateGradient(200, 50).estimate(problem, b.zeros(20));
        assertTrue(e.hypergradient().isFinite() && !e.status().isFailure(), e::toString);

        BilevelResult r = BilevelSolver.builder(AidEstimator.builder().innerSteps(100)
                        .linearSolver(new ConjugateGradientSolver(), 20).warmStart(true, true).build(),
                        OuterOptimizer.adam(0.05))
                .maxIterations(200).build()
                .solve(problem, b.zeros(20));
        assertEquals(200, r.history().size());
        double first = r.history().get(0).objective();
        double last = r.history().get(r.history().size() - 1).objective();
        assertTrue(last < first, "validation loss " + first + " -> " + last);

        // and the hypergradient is the gradient of lambda -> E(w(lambda), lambda): finite differences and Taylor test
        HypergradientEstimator exact = AidEstimator.exact(5000);
        GradientCheck.defaults().withTolerance(1e-5).gradient(l -> b.scalar(exact.estimate(problem, l).outerValue()),
                l -> exact.estimate(problem, l).hypergradient(), b.zeros(20)).requirePassed();
    }

    @Test
    void quickStartCommandRunsTheDefaultExperimentAndWritesItsLogAndPlots() throws IOException {
        Path dir = Path.of("runs", Main.DEFAULT_COMMAND);   // the default --out, relative to the working directory
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute(), out::toString);
        assertTrue(out.toString().contains("validation loss") && out.toString().contains("test accuracy"), out::toString);
        assertEquals(201, Files.readAllLines(dir.resolve("iterations.csv")).size(), "header + 200 outer steps");
        assertTrue(Files.size(dir.resolve("objective.png")) > 1000);
    }

    @Test
    void hypergradientCommandPrintsAHypergradientThatMatchesItsClosedForm() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("hypergradient");
        String text = out.toString();
        assertEquals(0, code, text);
        assertTrue(text.contains("(within 1e-10)") && text.contains("status             CONVERGED"), text);
    }

    @Test
    void theReadmeListsTheMethodsOfTheCommandLine() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " ");
        String list = "`--method` (" + String.join(", ", CliValue.names(Method.class)) + ")";
        assertTrue(readme.contains(list), "README.md should list " + list);
    }

    @Test
    void badArgumentsExitWithCodeTwo() {
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cli.execute("--no-such-option"));
    }
}
