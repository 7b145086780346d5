package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShapeTest {

    @Nested
    class Construction {

        @Test
        void scalarHasRankZeroAndOneElement() {
            Shape s = Shape.scalar();
            assertEquals(0, s.rank());
            assertEquals(1, s.size());
            assertTrue(s.isScalar());
            assertArrayEquals(new int[0], s.dims());
        }

        @Test
        void ofWithNoDimsIsTheScalarShape() {
            assertSame(Shape.scalar(), Shape.of());
            assertEquals(Shape.scalar(), Shape.of(new int[0]));
        }

        @Test
        void vectorShape() {
            Shape s = Shape.of(5);
            assertEquals(1, s.rank());
            assertEquals(5, s.dim(0));
            assertEquals(5, s.size());
            assertFalse(s.isScalar());
            assertArrayEquals(new int[] {5}, s.dims());
        }

        @Test
        void matrixShape() {
            Shape s = Shape.of(10, 3);
            assertEquals(2, s.rank());
            assertEquals(10, s.dim(0));
            assertEquals(3, s.dim(1));
            assertEquals(30, s.size());
            assertFalse(s.isScalar());
            assertArrayEquals(new int[] {10, 3}, s.dims());
        }

        @Test
        void zeroLengthAxesGiveEmptyShapes() {
            assertEquals(0, Shape.of(0).size());
            Shape s = Shape.of(0, 4);
            assertEquals(0, s.size());
            assertEquals(0, s.rows());
            assertEquals(4, s.cols());
        }

        @Test
        void ofCopiesItsArgument() {
            int[] dims = {2, 3};
            Shape s = Shape.of(dims);
            dims[0] = 99;
            assertEquals(2, s.dim(0));
            assertEquals(Shape.of(2, 3), s);
        }

        @Test
        void dimsReturnsADefensiveCopy() {
            Shape s = Shape.of(2, 3);
            s.dims()[1] = 99;
            assertEquals(3, s.dim(1));
            assertArrayEquals(new int[] {2, 3}, s.dims());
        }

        @Test
        void rankThreeIsRejectedNamingDims() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3, 4));
            assertTrue(e.getMessage().startsWith("dims"), e.getMessage());
            assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        }

        @Test
        void negativeDimIsRejectedNamingDimsAndTheAxis() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(3, -1));
            assertTrue(e.getMessage().startsWith("dims"), e.getMessage());
            assertTrue(e.getMessage().contains("dims[1]"), e.getMessage());
            assertTrue(e.getMessage().contains("-1"), e.getMessage());

            IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> Shape.of(-2));
            assertTrue(v.getMessage().contains("dims[0]"), v.getMessage());
            assertTrue(v.getMessage().contains("-2"), v.getMessage());
        }

        @Test
        void shapeWithMoreThanIntMaxElementsIsRejectedNamingDims() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(70_000, 70_000));
            assertTrue(e.getMessage().startsWith("dims"), e.getMessage());
        }

        @Test
        void largestRepresentableSizeIsAccepted() {
            assertEquals(Integer.MAX_VALUE, Shape.of(Integer.MAX_VALUE).size());
            assertEquals(Integer.MAX_VALUE, Shape.of(1, Integer.MAX_VALUE).size());
        }

        @Test
        void dimRejectsAxesOutsideTheRank() {
            Shape v = Shape.of(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.dim(1));
            assertTrue(e.getMessage().startsWith("axis"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> v.dim(-1));
            assertThrows(IllegalArgumentException.class, () -> Shape.scalar().dim(0));
            assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).dim(2));
        }
    }

    @Nested
    class MatrixView {

        @Test
        void scalarIsOneByOne() {
            assertEquals(1, Shape.scalar().rows());
            assertEquals(1, Shape.scalar().cols());
        }

        @Test
        void vectorIsARow() {
            Shape s = Shape.of(7);
            assertEquals(1, s.rows());
            assertEquals(7, s.cols());
        }

        @Test
        void matrixIsRowsByCols() {
            Shape s = Shape.of(4, 6);
            assertEquals(4, s.rows());
            assertEquals(6, s.cols());
            assertEquals(s.size(), s.rows() * s.cols());
        }
    }

    @Nested
    class EqualityAndText {

        @Test
        void equalDimsAreEqualWithEqualHashCodes() {
            Shape a = Shape.of(10, 3);
            Shape b = Shape.of(10, 3);
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertEquals(Shape.of(5), Shape.of(5));
            assertEquals(Shape.of(5).hashCode(), Shape.of(5).hashCode());
        }

        @Test
        void differentDimsOrRanksAreNotEqual() {
            assertNotEquals(Shape.of(10, 3), Shape.of(3, 10));
            assertNotEquals(Shape.of(3), Shape.of(1, 3));
            assertNotEquals(Shape.of(1), Shape.scalar());
            assertNotEquals(Shape.of(2), Shape.of(3));
            assertNotEquals(Shape.of(2), "[2]");
            assertNotEquals(Shape.of(2), null);
        }

        @Test
        void toStringListsTheDims() {
            assertEquals("[10, 3]", Shape.of(10, 3).toString());
            assertEquals("[4]", Shape.of(4).toString());
            assertEquals("[]", Shape.scalar().toString());
        }
    }

    @Nested
    class Broadcasting {

        private Shape parse(String s) {
            String t = s.trim();
            if (t.isEmpty()) {
                return Shape.scalar();
            }
            String[] parts = t.split("x");
            int[] dims = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Integer.parseInt(parts[i].trim());
            }
            return Shape.of(dims);
        }

        @ParameterizedTest(name = "{0} with {1} -> {2}")
        @CsvSource(value = {
            // same shapes
            "3x4 | 3x4 | 3x4",
            "5   | 5   | 5",
            "''  | ''  | ''",
            // scalar with anything
            "''  | 3x4 | 3x4",
            "3x4 | ''  | 3x4",
            "''  | 5   | 5",
            "5   | ''  | 5",
            // [n] over the rows of [m, n]
            "3   | 2x3 | 2x3",
            "2x3 | 3   | 2x3",
            // [1, n] over the rows, [m, 1] over the columns
            "1x3 | 2x3 | 2x3",
            "2x1 | 2x3 | 2x3",
            "2x3 | 2x1 | 2x3",
            // outer broadcasts
            "4x1 | 1x5 | 4x5",
            "1x5 | 4x1 | 4x5",
            "4x1 | 5   | 4x5",
            "5   | 4x1 | 4x5",
            // length-one axes
            "1   | 6   | 6",
            "6   | 1   | 6",
            "1   | ''  | 1",
            "1x1 | 3   | 1x3",
            // an axis of length 1 stretches to 0, not the other way
            "1   | 0   | 0",
            "0   | 1   | 0",
            "2x1 | 0   | 2x0",
        }, delimiter = '|')
        void broadcastFollowsNumPy(String lhs, String rhs, String expected) {
            Shape l = parse(lhs);
            Shape r = parse(rhs);
            Shape out = Shape.broadcast("add", l, r);
            assertEquals(parse(expected), out);
            // both operands broadcast to the result
            assertTrue(l.broadcastsTo(out), l + " -> " + out);
            assertTrue(r.broadcastsTo(out), r + " -> " + out);
        }

        @ParameterizedTest(name = "{0} with {1} is incompatible")
        @CsvSource(value = {
            "3   | 4",
            "2x3 | 2",
            "2x3 | 3x3",
            "2x3 | 3x2",
            "2x3 | 3x1",
            "3x1 | 2x1",
            "0   | 3",
        }, delimiter = '|')
        void incompatibleShapesThrowNamingOpRhsAndBothShapes(String lhs, String rhs) {
            Shape l = parse(lhs);
            Shape r = parse(rhs);
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                    () -> Shape.broadcast("someOp", l, r));
            String m = e.getMessage();
            assertTrue(m.contains("someOp"), m);
            assertTrue(m.contains("rhs"), m);
            assertTrue(m.contains(l.toString()), m);
            assertTrue(m.contains(r.toString()), m);
        }

        @Test
        void shapeMismatchIsAnIllegalArgumentException() {
            assertThrows(IllegalArgumentException.class, () -> Shape.broadcast("mul", Shape.of(2), Shape.of(3)));
        }

        @Test
        void broadcastIsSymmetricInTheResult() {
            Shape[] shapes = {Shape.scalar(), Shape.of(1), Shape.of(3), Shape.of(1, 3), Shape.of(2, 1),
                Shape.of(2, 3)};
            for (Shape a : shapes) {
                for (Shape b : shapes) {
                    assertEquals(Shape.broadcast("op", a, b), Shape.broadcast("op", b, a), a + " vs " + b);
                }
            }
        }

        @Test
        void broadcastsToAcceptsStretchableShapes() {
            Shape target = Shape.of(4, 5);
            assertTrue(Shape.scalar().broadcastsTo(target));
            assertTrue(Shape.of(1).broadcastsTo(target));
            assertTrue(Shape.of(5).broadcastsTo(target));
            assertTrue(Shape.of(1, 5).broadcastsTo(target));
            assertTrue(Shape.of(4, 1).broadcastsTo(target));
            assertTrue(Shape.of(1, 1).broadcastsTo(target));
            assertTrue(target.broadcastsTo(target));
            assertTrue(Shape.scalar().broadcastsTo(Shape.scalar()));
            assertTrue(Shape.of(1).broadcastsTo(Shape.of(7)));
        }

        @Test
        void broadcastsToRejectsShapesThatWouldChangeTheTarget() {
            Shape target = Shape.of(4, 5);
            assertFalse(Shape.of(4).broadcastsTo(target));
            assertFalse(Shape.of(5, 4).broadcastsTo(target));
            assertFalse(Shape.of(4, 2).broadcastsTo(target));
            assertFalse(Shape.of(3, 5).broadcastsTo(target));
            // a higher rank never broadcasts to a lower one
            assertFalse(Shape.of(1, 5).broadcastsTo(Shape.of(5)));
            assertFalse(Shape.of(1).broadcastsTo(Shape.scalar()));
            // the target is not stretched
            assertFalse(Shape.of(3).broadcastsTo(Shape.of(1)));
            assertFalse(Shape.of(4, 5).broadcastsTo(Shape.of(4, 1)));
        }
    }
}
