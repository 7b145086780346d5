package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.api.error.DTypeMismatchException;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor} operations on the reference kernels, against values computed by hand: element-wise arithmetic
 * with broadcasting, the unary functions, linear algebra, reductions, shape operations, dtypes, and the messages
 * of the argument checks.
 */
class TensorTest {
    private static final Backend B = Backends.reference();

    private static final double TOL = 1e-15;

    /** [[1, 2, 3], [4, 5, 6]] */
    private static Tensor m23() {
        return B.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
    }

    private static void assertValues(Tensor t, Shape shape, double... expected) {
        assertEquals(shape, t.shape(), "shape");
        assertArrayEquals(expected, t.toDoubleArray(), TOL, () -> "values of " + t);
    }

    @Test
    void creationHoldsTheValuesAndShape() {
        assertValues(B.vector(1, 2, 3), Shape.of(3), 1, 2, 3);
        assertValues(m23(), Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(B.scalar(2.5), Shape.scalar(), 2.5);
        assertValues(B.identity(2), Shape.of(2, 2), 1, 0, 0, 1);
        assertValues(B.zeros(2), Shape.of(2), 0, 0);
        assertEquals(6.0, m23().get(1, 2));
        assertEquals(3, m23().dim(1));
        assertEquals(2, m23().rank());
    }

    @Test
    void elementwiseArithmeticBroadcastsRowsColumnsAndScalars() {
        Tensor row = B.vector(10, 20, 30);
        Tensor column = B.matrix(new double[][] {{100}, {200}});
        assertValues(m23().add(row), Shape.of(2, 3), 11, 22, 33, 14, 25, 36);
        assertValues(m23().add(column), Shape.of(2, 3), 101, 102, 103, 204, 205, 206);
        assertValues(m23().mul(B.scalar(2)), Shape.of(2, 3), 2, 4, 6, 8, 10, 12);
        assertValues(row.sub(m23()), Shape.of(2, 3), 9, 18, 27, 6, 15, 24);
        assertValues(m23().div(row), Shape.of(2, 3), 0.1, 0.1, 0.1, 0.4, 0.25, 0.2);
        assertValues(m23().maximum(B.scalar(3.5)), Shape.of(2, 3), 3.5, 3.5, 3.5, 4, 5, 6);
        assertValues(m23().minimum(B.scalar(3.5)), Shape.of(2, 3), 1, 2, 3, 3.5, 3.5, 3.5);
        assertValues(m23().affine(2, -1), Shape.of(2, 3), 1, 3, 5, 7, 9, 11);
        assertValues(m23().add(1).mul(0.5).sub(1).div(2), Shape.of(2, 3), 0, 0.25, 0.5, 0.75, 1, 1.25);
        assertValues(B.vector(4, 9).pow(0.5), Shape.of(2), 2, 3);
        assertValues(B.vector(-1, 2).neg(), Shape.of(2), 1, -2);
    }

    @Test
    void comparisonsAndWhereSelectElementwise() {
        Tensor a = B.vector(1, 2, 3);
        Tensor b = B.vector(3, 2, 1);
        assertValues(a.gt(b), Shape.of(3), 0, 0, 1);
        assertValues(a.ge(b), Shape.of(3), 0, 1, 1);
        assertValues(a.lt(b), Shape.of(3), 1, 0, 0);
        assertValues(a.le(b), Shape.of(3), 1, 1, 0);
        assertValues(a.eq(b), Shape.of(3), 0, 1, 0);
        assertValues(Tensor.where(a.gt(b), a, b.mul(10)), Shape.of(3), 30, 20, 3);
    }

    @Test
    void unaryFunctionsFollowTheirScalarDefinitions() {
        Tensor x = B.vector(-2, -0.5, 0.25, 3);
        double[] v = {-2, -0.5, 0.25, 3};
        double[] exp = new double[4];
        double[] tanh = new double[4];
        double[] sigmoid = new double[4];
        double[] softplus = new double[4];
        for (int i = 0; i < 4; i++) {
            exp[i] = Math.exp(v[i]);
            tanh[i] = Math.tanh(v[i]);
            sigmoid[i] = 1 / (1 + Math.exp(-v[i]));
            softplus[i] = Math.log(1 + Math.exp(v[i]));
        }
        assertValues(x.exp(), Shape.of(4), exp);
        assertValues(x.tanh(), Shape.of(4), tanh);
        assertValues(x.sigmoid(), Shape.of(4), sigmoid);
        assertValues(x.softplus(), Shape.of(4), softplus);
        assertValues(x.abs(), Shape.of(4), 2, 0.5, 0.25, 3);
        assertValues(x.sign(), Shape.of(4), -1, -1, 1, 1);
        assertValues(x.relu(), Shape.of(4), 0, 0, 0.25, 3);
        assertValues(x.step(), Shape.of(4), 0, 0, 1, 1);
        assertValues(x.square(), Shape.of(4), 4, 0.25, 0.0625, 9);
        assertValues(x.reciprocal(), Shape.of(4), -0.5, -2, 4, 1 / 3.0);
        assertValues(B.vector(1, Math.E).log(), Shape.of(2), 0, 1);
        assertValues(B.vector(4, 0.25).sqrt(), Shape.of(2), 2, 0.5);
    }

    @Test
    void matrixProductsWithEveryTransposeFlag() {
        Tensor a = B.matrix(new double[][] {{1, 2}, {3, 4}});
        Tensor b = B.matrix(new double[][] {{5, 6}, {7, 8}});
        assertValues(a.matmul(b), Shape.of(2, 2), 19, 22, 43, 50);
        assertValues(a.matmul(b, true, false), Shape.of(2, 2), 26, 30, 38, 44);
        assertValues(a.matmul(b, false, true), Shape.of(2, 2), 17, 23, 39, 53);
        assertValues(a.matmul(b, true, true), Shape.of(2, 2), 23, 31, 34, 46);
        assertValues(m23().matmul(B.vector(1, 0, -1)), Shape.of(2), -2, -2);
        assertValues(B.vector(1, -1).matmul(m23()), Shape.of(3), -3, -3, -3);
        assertValues(m23().transpose(), Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
    }

    @Test
    void dotNormAndSolve() {
        assertEquals(32.0, B.vector(1, 2, 3).dotValue(B.vector(4, 5, 6)));
        assertEquals(5.0, B.vector(3, 4).normValue(), TOL);
        // [[2, 1], [1, 3]] x = [3, 5] has x = [0.8, 1.4]
        Tensor x = B.matrix(new double[][] {{2, 1}, {1, 3}}).solve(B.vector(3, 5));
        assertValues(x, Shape.of(2), 0.8, 1.4);
    }

    @Test
    void reductionsOverAllElementsAndAlongEachAxis() {
        assertEquals(21.0, m23().sum().item());
        assertValues(m23().sum(0), Shape.of(3), 5, 7, 9);
        assertValues(m23().sum(1), Shape.of(2), 6, 15);
        assertEquals(3.5, m23().mean().item(), TOL);
        assertValues(m23().mean(1), Shape.of(2), 2, 5);
        assertEquals(6.0, m23().max().item());
        assertValues(m23().max(1), Shape.of(2), 3, 6);
        assertValues(m23().min(0), Shape.of(3), 1, 2, 3);
        assertEquals(Math.log(4), B.vector(0, Math.log(3)).logSumExp().item(), TOL);
        assertValues(B.vector(0, Math.log(3)).softmax(0), Shape.of(2), 0.25, 0.75);
        assertValues(m23().sum(1, true), Shape.of(2, 1), 6, 15);
    }

    @Test
    void shapeOperationsMoveValuesAsSpecified() {
        assertValues(m23().reshape(3, 2), Shape.of(3, 2), 1, 2, 3, 4, 5, 6);
        assertValues(m23().flatten(), Shape.of(6), 1, 2, 3, 4, 5, 6);
        assertValues(B.vector(1, 2).broadcastTo(Shape.of(2, 2)), Shape.of(2, 2), 1, 2, 1, 2);
        assertValues(m23().sliceColumns(1, 3), Shape.of(2, 2), 2, 3, 5, 6);
        assertValues(m23().sliceRows(1, 2), Shape.of(1, 3), 4, 5, 6);
        assertValues(B.vector(1, 2).pad(0, 1, Shape.of(4)), Shape.of(4), 0, 1, 2, 0);
        assertValues(m23().gather(1, 1, 0), Shape.of(3, 3), 4, 5, 6, 4, 5, 6, 1, 2, 3);
        assertValues(B.vector(1, 2, 3).scatterAdd(new int[] {1, 0, 1}, Shape.of(2)), Shape.of(2), 2, 4);
        assertValues(Tensor.concat(0, B.vector(1), B.vector(2, 3)), Shape.of(3), 1, 2, 3);
        assertValues(Tensor.concat(1, m23(), m23().sliceColumns(0, 1)), Shape.of(2, 4), 1, 2, 3, 1, 4, 5, 6, 4);
    }

    @Test
    void float32RoundsAndMixingDtypesIsRefused() {
        Tensor f = B.vector(0.1, 1e-3).to(DType.FLOAT32);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new double[] {(float) 0.1, (float) 1e-3}, f.toDoubleArray());
        assertEquals((double) (float) ((float) 0.1 + (float) 1e-3), f.sum().item());
        DTypeMismatchException e = assertThrows(DTypeMismatchException.class, () -> f.add(B.vector(1, 2)));
        assertTrue(e.getMessage().contains("rhs") && e.getMessage().contains("float32")
                && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void shapeErrorsNameTheArgumentAndBothShapes() {
        ShapeMismatchException add = assertThrows(ShapeMismatchException.class, () -> m23().add(B.vector(1, 2)));
        assertTrue(add.getMessage().contains("rhs") && add.getMessage().contains("[2, 3]")
                && add.getMessage().contains("[2]"), add.getMessage());
        ShapeMismatchException matmul = assertThrows(ShapeMismatchException.class, () -> m23().matmul(m23()));
        assertTrue(matmul.getMessage().contains("matmul") && matmul.getMessage().contains("[2, 3]"),
                matmul.getMessage());
        assertThrows(RuntimeException.class, () -> m23().reshape(4, 2));
    }

    @Test
    void finitenessChecks() {
        assertTrue(m23().isFinite());
        assertFalse(B.vector(1, 0).reciprocal().isFinite());
        NonFiniteValueException nan = assertThrows(NonFiniteValueException.class, () -> B.vector(1, Double.NaN));
        assertTrue(nan.getMessage().contains("values[1]") && nan.getMessage().contains("NaN"), nan.getMessage());
        assertTrue(m23().allClose(m23().add(1e-12), 0, 1e-11));
        assertFalse(m23().allClose(m23().add(1e-6), 0, 1e-11));
    }
}
