package org.bilevel4j.algorithms.outer;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.matrix;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.compose;
import static org.bilevel4j.testkit.linalg.DenseMatrices.orthonormalColumns;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Box, orthant, block and spectral-norm-ball projections. */
class ProjectionTest {

    @Test
    void boxClampsEveryCoordinate() {
        Tensor x = B.vector(-3, -1, -0.5, 0, 0.25, 1, 2.5, 100);
        Tensor p = Projection.box(-1, 1).project(x);
        double[] expected = {-1, -1, -0.5, 0, 0.25, 1, 1, 1};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], p.get(i), 0.0, "i = " + i);
        }
        assertEquals(-3.0, x.get(0), 0.0, "the argument is not modified");
    }

    @Test
    void boxWorksOnMatricesAndDegenerateIntervals() {
        SplittableRandom rng = new SplittableRandom(311);
        Tensor x = org.bilevel4j.algorithms.TestMatrices.randomMatrix(4, 3, 2, rng);
        Tensor p = Projection.box(0.5, 0.5).project(x);
        assertEquals(Shape.of(4, 3), p.shape());
        assertEquals(0.0, p.sub(B.full(Shape.of(4, 3), p.dtype(), 0.5)).normValue());
        Tensor unbounded = Projection.box(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY).project(x);
        assertEquals(0.0, unbounded.sub(x).normValue());
        assertThrows(IllegalArgumentException.class, () -> Projection.box(1, 0));
    }

    @Test
    void nonNegativeZeroesTheNegativeCoordinates() {
        Tensor x = B.vector(-2, 0, 3, -1e-300, 1e300);
        Tensor p = Projection.nonNegative().project(x);
        double[] expected = {0, 0, 3, 0, 1e300};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], p.get(i), 0.0, "i = " + i);
        }
    }

    @Test
    void noneIsTheIdentity() {
        Tensor x = B.vector(-2, 0, 3);
        assertEquals(0.0, Projection.none().project(x).sub(x).normValue());
    }

    @Test
    void onBlockOnlyChangesTheBlock() {
        SplittableRandom rng = new SplittableRandom(312);
        Tensor x = randomVector(10, rng).mul(3);
        Projection block = Projection.onBlock(3, Shape.of(2, 2), Projection.box(-0.5, 0.5));
        Tensor p = block.project(x);
        assertEquals(Shape.of(10), p.shape());
        for (int i = 0; i < 10; i++) {
            double expected = i >= 3 && i < 7 ? Math.max(-0.5, Math.min(0.5, x.get(i))) : x.get(i);
            assertEquals(expected, p.get(i), 0.0, "i = " + i);
        }
    }

    @Test
    void onBlockAppliesAMatrixProjectionToTheRowMajorBlock() {
        SplittableRandom rng = new SplittableRandom(313);
        double[][] u = orthonormalColumns(2, 2, rng);
        double[][] v = orthonormalColumns(3, 2, rng);
        double[][] a = compose(u, new double[] {4, 0.5}, v);
        double[][] clipped = compose(u, new double[] {1, 0.5}, v);
        double[] flat = new double[12];
        for (int i = 0; i < 12; i++) {
            flat[i] = 100 + i;
        }
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                flat[5 + 3 * i + j] = a[i][j];
            }
        }
        Tensor x = B.vector(flat);
        Tensor p = Projection.onBlock(5, Shape.of(2, 3), Projection.spectralNormBall(1)).project(x);
        for (int k = 0; k < 12; k++) {
            boolean inBlock = k >= 5 && k < 11;
            double expected = inBlock ? clipped[(k - 5) / 3][(k - 5) % 3] : flat[k];
            assertEquals(expected, p.get(k), inBlock ? 1e-10 : 0.0, "k = " + k);
        }
    }

    @Test
    void onBlockRejectsBlocksOutsideTheVector() {
        Tensor x = B.zeros(6);
        assertThrows(IllegalArgumentException.class,
                () -> Projection.onBlock(3, Shape.of(2, 2), Projection.nonNegative()).project(x));
        assertThrows(IllegalArgumentException.class,
                () -> Projection.onBlock(-1, Shape.of(2), Projection.nonNegative()).project(x));
        assertThrows(IllegalArgumentException.class,
                () -> Projection.onBlock(0, Shape.of(2), Projection.nonNegative()).project(B.zeros(2, 3)));
    }

    @Test
    void andThenComposesDisjointBlocks() {
        Tensor x = B.vector(-1, -2, 5, 6, -7);
        Projection p = Projection.onBlock(0, Shape.of(2), Projection.nonNegative())
                .andThen(Projection.onBlock(2, Shape.of(2), Projection.box(0, 1)));
        Tensor y = p.project(x);
        double[] expected = {0, 0, 1, 1, -7};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], y.get(i), 0.0);
        }
    }

    static Stream<Arguments> matrices() {
        return Stream.of(
                Arguments.of(4, 4, new double[] {3, 1.5, 0.7, 0.2}, 1.0),
                Arguments.of(5, 3, new double[] {2.5, 1.2, 0.3}, 1.0),
                Arguments.of(3, 5, new double[] {4, 0.9, 0.5}, 1.0),
                Arguments.of(6, 6, new double[] {10, 9, 8, 0.5, 0.1, 0.01}, 2.0),
                Arguments.of(4, 3, new double[] {3, 0.5, 0}, 1.0), // rank deficient
                Arguments.of(3, 4, new double[] {2, 2, 0.3}, 1.5), // repeated singular values
                Arguments.of(1, 4, new double[] {5}, 0.5), // a row
                Arguments.of(4, 1, new double[] {5}, 0.5)); // a column
    }

    @ParameterizedTest(name = "{0}x{1}, sigma = {2}, radius = {3}")
    @MethodSource("matrices")
    void spectralNormBallClipsTheSingularValues(int m, int n, double[] s, double radius) {
        SplittableRandom rng = new SplittableRandom(314 + 10L * m + n);
        int r = Math.min(m, n);
        double[][] u = orthonormalColumns(m, r, rng);
        double[][] v = orthonormalColumns(n, r, rng);
        double[] clipped = new double[r];
        for (int i = 0; i < r; i++) {
            clipped[i] = Math.min(s[i], radius);
        }
        Tensor a = matrix(compose(u, s, v));
        Tensor expected = matrix(compose(u, clipped, v));
        Tensor p = Projection.spectralNormBall(radius).project(a);
        assertEquals(Shape.of(m, n), p.shape());
        double diff = p.sub(expected).abs().max().item();
        assertTrue(diff <= 1e-10, () -> "max difference " + diff);
        // projecting again changes nothing (idempotent)
        Tensor again = Projection.spectralNormBall(radius).project(p);
        assertTrue(again.sub(p).abs().max().item() <= 1e-10);
    }

    @Test
    void matrixInsideTheBallIsUnchanged() {
        SplittableRandom rng = new SplittableRandom(315);
        // Frobenius norm above the radius (so the SVD runs), spectral norm below it
        double[][] u = orthonormalColumns(5, 4, rng);
        double[][] v = orthonormalColumns(4, 4, rng);
        Tensor a = matrix(compose(u, new double[] {0.95, 0.9, 0.8, 0.7}, v));
        assertTrue(a.normValue() > 1);
        Tensor p = Projection.spectralNormBall(1).project(a);
        assertTrue(p.sub(a).abs().max().item() <= 1e-12, "inside the ball");
        // well inside: Frobenius norm below the radius
        Tensor small = matrix(compose(u, new double[] {0.3, 0.2, 0.1, 0.1}, v));
        assertEquals(0.0, Projection.spectralNormBall(1).project(small).sub(small).normValue());
    }

    @Test
    void spectralNormBallValidatesItsInput() {
        assertThrows(ShapeMismatchException.class, () -> Projection.spectralNormBall(1).project(B.vector(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Projection.spectralNormBall(0));
        assertThrows(IllegalArgumentException.class, () -> Projection.spectralNormBall(Double.NaN));
    }
}
