package org.bilevel4j.algorithms.outer;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outer update rules used directly through start()/update() with the exact gradient of
 * f(λ) = ½(λ - c)'Q(λ - c), Q with eigenvalues in [1, 10]; and their first steps by hand.
 */
class OuterOptimizerTest {
    private static final int P = 6;
    private static final SplittableRandom RNG = new SplittableRandom(301);
    private static final Tensor Q = spd(P, 10, RNG);
    private static final Tensor C = randomVector(P, RNG);
    private static final Tensor LAMBDA0 = randomVector(P, RNG).mul(3);

    private static Tensor gradient(Tensor lambda) {
        return Q.matmul(lambda.sub(C));
    }

    private static double value(Tensor lambda) {
        Tensor d = lambda.sub(C);
        return 0.5 * d.dotValue(Q.matmul(d));
    }

    private static Tensor minimise(OuterOptimizer optimizer, int steps) {
        OuterOptimizer.Run run = optimizer.start(LAMBDA0);
        Tensor lambda = LAMBDA0;
        for (int i = 0; i < steps; i++) {
            lambda = run.update(lambda, gradient(lambda));
        }
        return lambda;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gd", "momentum", "nesterov"})
    void momentumFamilyMinimisesAStronglyConvexQuadratic(String kind) {
        OuterOptimizer optimizer = switch (kind) {
            case "gd" -> OuterOptimizer.gradientDescent(0.1);
            case "momentum" -> OuterOptimizer.momentum(0.05, 0.8);
            default -> OuterOptimizer.nesterov(0.05, 0.8);
        };
        Tensor lambda = minimise(optimizer, 500);
        assertTrue(lambda.sub(C).normValue() <= 1e-10 * C.normValue(),
                () -> optimizer.name() + ": " + lambda.sub(C).normValue());
    }

    @Test
    void adamMinimisesAStronglyConvexQuadratic() {
        double f0 = value(LAMBDA0);
        Tensor lambda = minimise(OuterOptimizer.adam(0.05), 3000);
        assertTrue(value(lambda) <= 1e-8 * f0, () -> "f = " + value(lambda) + " from " + f0);
        assertTrue(lambda.sub(C).normValue() <= 1e-3 * C.normValue());
    }

    @Test
    void gradientDescentStepIsLambdaMinusStepTimesG() {
        Tensor g = gradient(LAMBDA0);
        OuterOptimizer.Run run = OuterOptimizer.gradientDescent(0.3).start(LAMBDA0);
        Tensor l1 = run.update(LAMBDA0, g);
        assertClose(LAMBDA0.sub(g.mul(0.3)), l1);
        Tensor g2 = gradient(l1);
        assertClose(l1.sub(g2.mul(0.3)), run.update(l1, g2));
    }

    @Test
    void heavyBallMomentumAccumulatesTheGradients() {
        double step = 0.2;
        double beta = 0.7;
        OuterOptimizer.Run run = OuterOptimizer.momentum(step, beta).start(LAMBDA0);
        Tensor g1 = gradient(LAMBDA0);
        Tensor l1 = run.update(LAMBDA0, g1);
        assertClose(LAMBDA0.sub(g1.mul(step)), l1);
        Tensor g2 = gradient(l1);
        Tensor l2 = run.update(l1, g2);
        assertClose(l1.sub(g1.mul(beta).add(g2).mul(step)), l2);
        Tensor g3 = gradient(l2);
        Tensor l3 = run.update(l2, g3);
        Tensor m3 = g1.mul(beta * beta).add(g2.mul(beta)).add(g3);
        assertClose(l2.sub(m3.mul(step)), l3);
    }

    @Test
    void nesterovMomentumLooksAhead() {
        double step = 0.2;
        double beta = 0.7;
        OuterOptimizer.Run run = OuterOptimizer.nesterov(step, beta).start(LAMBDA0);
        Tensor g1 = gradient(LAMBDA0);
        Tensor l1 = run.update(LAMBDA0, g1);
        // m1 = g1; lambda1 = lambda0 - step (g1 + beta m1)
        assertClose(LAMBDA0.sub(g1.add(g1.mul(beta)).mul(step)), l1);
        Tensor g2 = gradient(l1);
        Tensor l2 = run.update(l1, g2);
        Tensor m2 = g1.mul(beta).add(g2);
        assertClose(l1.sub(g2.add(m2.mul(beta)).mul(step)), l2);
    }

    @Test
    void adamFirstStepIsStepTimesSignOfG() {
        double step = 0.01;
        double eps = 1e-8;
        Tensor g = B.vector(3.0, -0.5, 1e-3, -250, 0.0, 7);
        Tensor lambda = B.vector(1, 2, 3, 4, 5, 6);
        Tensor l1 = OuterOptimizer.adam(step).start(lambda).update(lambda, g);
        // bias correction: mHat = g, vHat = g^2, so the step is step * g / (|g| + eps)
        double[] expected = new double[P];
        for (int i = 0; i < P; i++) {
            double gi = g.get(i);
            expected[i] = lambda.get(i) - step * gi / (Math.abs(gi) + eps);
            if (gi != 0) {
                assertEquals(lambda.get(i) - step * Math.signum(gi), l1.get(i), step * 1e-4, "i = " + i);
            }
        }
        assertClose(B.vector(expected), l1);
        assertEquals(5.0, l1.get(4), 0.0, "a zero gradient does not move the coordinate");
    }

    @Test
    void adamSecondStepUsesBiasCorrectedMoments() {
        double step = 0.05;
        double b1 = 0.8;
        double b2 = 0.95;
        double eps = 1e-6;
        Tensor lambda0 = B.vector(1, -2, 0.5, 4, -1, 2);
        Tensor g1 = B.vector(0.3, -1.2, 2.0, 0.01, -0.4, 5);
        Tensor g2 = B.vector(-0.1, -0.8, 1.0, 0.02, 0.6, -3);
        OuterOptimizer.Run run = OuterOptimizer.adam(step, b1, b2, eps).start(lambda0);
        Tensor l1 = run.update(lambda0, g1);
        Tensor l2 = run.update(l1, g2);
        double[] expected = new double[P];
        for (int i = 0; i < P; i++) {
            double m1 = (1 - b1) * g1.get(i);
            double v1 = (1 - b2) * g1.get(i) * g1.get(i);
            double x1 = lambda0.get(i) - step * (m1 / (1 - b1)) / (Math.sqrt(v1 / (1 - b2)) + eps);
            assertEquals(x1, l1.get(i), 1e-14, "step 1, i = " + i);
            double m2 = b1 * m1 + (1 - b1) * g2.get(i);
            double v2 = b2 * v1 + (1 - b2) * g2.get(i) * g2.get(i);
            expected[i] = x1 - step * (m2 / (1 - b1 * b1)) / (Math.sqrt(v2 / (1 - b2 * b2)) + eps);
        }
        assertClose(B.vector(expected), l2);
    }

    @Test
    void eachRunHasItsOwnState() {
        OuterOptimizer[] optimizers = {OuterOptimizer.momentum(0.1, 0.9), OuterOptimizer.nesterov(0.1, 0.9),
                OuterOptimizer.adam(0.1)};
        for (OuterOptimizer optimizer : optimizers) {
            OuterOptimizer.Run first = optimizer.start(LAMBDA0);
            Tensor l = LAMBDA0;
            for (int i = 0; i < 5; i++) {
                l = first.update(l, gradient(l));
            }
            Tensor g = gradient(LAMBDA0);
            Tensor fresh = optimizer.start(LAMBDA0).update(LAMBDA0, g);
            Tensor again = optimizer.start(LAMBDA0).update(LAMBDA0, g);
            assertClose(fresh, again);
            // the first step from a fresh run ignores the other run's history
            Tensor expectedFirst = switch (optimizer.name().substring(0, 4)) {
                case "mome" -> LAMBDA0.sub(g.mul(0.1));
                case "nest" -> LAMBDA0.sub(g.mul(0.1 * 1.9));
                default -> fresh;
            };
            assertClose(expectedFirst, fresh);
        }
    }

    @Test
    void updatesDoNotModifyTheirArguments() {
        Tensor lambda = LAMBDA0.add(0.0);
        Tensor g = gradient(lambda);
        Tensor gCopy = g.add(0.0);
        for (OuterOptimizer o : new OuterOptimizer[] {OuterOptimizer.gradientDescent(0.1),
                OuterOptimizer.nesterov(0.1, 0.5), OuterOptimizer.adam(0.1)}) {
            OuterOptimizer.Run run = o.start(lambda);
            run.update(lambda, g);
            run.update(lambda, g);
            assertEquals(0.0, lambda.sub(LAMBDA0).normValue(), o.name());
            assertEquals(0.0, g.sub(gCopy).normValue(), o.name());
        }
    }

    @Test
    void rejectsInvalidHyperparameters() {
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.gradientDescent(0));
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.gradientDescent(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.momentum(0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.nesterov(0.1, -0.5));
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.adam(-1));
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.adam(0.1, 1, 0.9, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> OuterOptimizer.adam(0.1, 0.9, 0.9, 0));
    }

    private static void assertClose(Tensor expected, Tensor actual) {
        double diff = expected.sub(actual).abs().max().item();
        assertTrue(diff <= 1e-13 * (1 + expected.abs().max().item()), () -> "max difference " + diff
                + "\nexpected " + expected + "\nactual   " + actual);
    }
}
