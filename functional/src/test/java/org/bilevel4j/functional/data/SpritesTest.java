package org.bilevel4j.functional.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The dSprites-style renderer against geometry: areas, symmetries, centroids, determinism. */
class SpritesTest {

    static double area(double[] img) {
        double s = 0;
        for (double v : img) {
            s += v;
        }
        return s;
    }

    static double[] centroid(double[] img) {
        double sr = 0;
        double sc = 0;
        double m = 0;
        for (int r = 0; r < Sprites.SIZE; r++) {
            for (int c = 0; c < Sprites.SIZE; c++) {
                double v = img[r * Sprites.SIZE + c];
                sr += v * (r + 0.5);
                sc += v * (c + 0.5);
                m += v;
            }
        }
        return new double[] {sc / m, sr / m};
    }

    @Test
    void latentGridMatchesTheDataset() {
        assertEquals(0.5, Sprites.scale(0), 1e-15);
        assertEquals(1.0, Sprites.scale(5), 1e-15);
        assertEquals(0.0, Sprites.rotation(0), 1e-15);
        assertEquals(2 * Math.PI, Sprites.rotation(39), 1e-12);
        assertEquals(0.0, Sprites.position(0), 1e-15);
        assertEquals(1.0, Sprites.position(31), 1e-15);
        assertEquals(0.1, Sprites.scale(1) - Sprites.scale(0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Sprites.scale(6));
        assertThrows(IllegalArgumentException.class, () -> Sprites.rotation(-1));
    }

    @ParameterizedTest
    @EnumSource(Sprites.Shape.class)
    void imagesAreBinaryAndDeterministic(Sprites.Shape shape) {
        double[] a = Sprites.render(shape, 0.8, 1.234, 0.3, 0.7);
        double[] b = Sprites.render(shape, 0.8, 1.234, 0.3, 0.7);
        assertArrayEquals(a, b);
        assertEquals(Sprites.PIXELS, a.length);
        for (double v : a) {
            assertTrue(v == 0 || v == 1, "pixel " + v);
        }
        assertTrue(area(a) > 50, "area " + area(a));
    }

    @Test
    void squareAreaIsSideSquared() {
        // centred on the pixel corner (32, 32) with sides 20·scale = 10, 12, …, 20 (even integers): exactly side²
        // pixel centres fall inside
        for (double scale : new double[] {0.5, 0.6, 0.7, 0.8, 0.9, 1.0}) {
            double side = Sprites.UNIT * scale;
            double[] img = Sprites.render(Sprites.Shape.SQUARE, scale, 0, 0.5, 0.5);
            assertEquals(side * side, area(img), 1e-9, "scale " + scale);
        }
    }

    @ParameterizedTest
    @EnumSource(Sprites.Shape.class)
    void areaScalesWithTheSquareOfTheScale(Sprites.Shape shape) {
        // pixel counting approximates the continuous area, which is proportional to scale²; over the grid the ratio
        // area / scale² stays within a few percent of its value at scale 1 (the boundary pixels are O(scale))
        double ref = area(Sprites.render(shape, 1.0, 0.3, 0.5, 0.5));
        for (int i = 0; i < Sprites.SCALES - 1; i++) {
            double s = Sprites.scale(i);
            double ratio = area(Sprites.render(shape, s, 0.3, 0.5, 0.5)) / (ref * s * s);
            assertEquals(1.0, ratio, 0.08, shape + " scale " + s);
        }
        // and a finer check on the square, whose area is known: (20 s)² within the boundary pixels
        for (int i = 0; i < Sprites.SCALES; i++) {
            double s = Sprites.scale(i);
            double side = Sprites.UNIT * s;
            double a = area(Sprites.render(Sprites.Shape.SQUARE, s, 0.3, 0.5, 0.5));
            assertEquals(side * side, a, 4 * side + 4, "square scale " + s);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.7, 0.9, 1.0})
    void aQuarterTurnOfASquareIsTheSameSquare(double scale) {
        double[] a = Sprites.render(Sprites.Shape.SQUARE, scale, 0, 0.5, 0.5);
        assertArrayEquals(a, Sprites.render(Sprites.Shape.SQUARE, scale, Math.PI / 2, 0.5, 0.5));
        assertArrayEquals(a, Sprites.render(Sprites.Shape.SQUARE, scale, Math.PI, 0.5, 0.5));
        assertArrayEquals(a, Sprites.render(Sprites.Shape.SQUARE, scale, 2 * Math.PI, 0.5, 0.5));
        // a generic angle changes the image (the rotation is not ignored)
        double[] b = Sprites.render(Sprites.Shape.SQUARE, scale, Math.PI / 5, 0.5, 0.5);
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            diff += Math.abs(a[i] - b[i]);
        }
        assertTrue(diff > 10, "a turn by π/5 changed only " + diff + " pixels");
    }

    @Test
    void aHalfTurnOfAnEllipseIsTheSameEllipseAndAQuarterTurnTransposesIt() {
        double[] a = Sprites.render(Sprites.Shape.ELLIPSE, 1, 0, 0.5, 0.5);
        assertArrayEquals(a, Sprites.render(Sprites.Shape.ELLIPSE, 1, Math.PI, 0.5, 0.5));
        double[] q = Sprites.render(Sprites.Shape.ELLIPSE, 1, Math.PI / 2, 0.5, 0.5);
        int n = Sprites.SIZE;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                // the centre is the pixel corner (32, 32), so (r, c) ↦ (c, r) is the reflection that swaps the axes
                assertEquals(a[r * n + c], q[c * n + r], "pixel " + r + ", " + c);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Sprites.Shape.class)
    void positionMovesTheCentroidLinearly(Sprites.Shape shape) {
        SplittableRandom rng = new SplittableRandom(7);
        double rot = Sprites.rotation(rng.nextInt(40));
        double[] c0 = centroid(Sprites.render(shape, 0.8, rot, 0.0, 0.0));
        for (int k = 0; k < 5; k++) {
            double px = Sprites.position(rng.nextInt(32));
            double py = Sprites.position(rng.nextInt(32));
            double[] c = centroid(Sprites.render(shape, 0.8, rot, px, py));
            // the centre moves by 32 pixels per unit of position; the shape's own offset cancels, up to pixel snapping
            assertEquals(32 * px, c[0] - c0[0], 0.6, "x shift at posX " + px);
            assertEquals(32 * py, c[1] - c0[1], 0.6, "y shift at posY " + py);
        }
        // posX moves right (column), posY moves down (row)
        assertTrue(centroid(Sprites.render(shape, 0.8, rot, 1, 0))[0] > c0[0] + 31);
        assertTrue(centroid(Sprites.render(shape, 0.8, rot, 0, 1))[1] > c0[1] + 31);
    }

    @ParameterizedTest
    @EnumSource(Sprites.Shape.class)
    void noShapeIsClippedAnywhereOnTheGrid(Sprites.Shape shape) {
        // every grid position and rotation keeps the full shape: the area equals the one at the centre (±1%)
        double ref = area(Sprites.render(shape, 1.0, 0.7, 0.5, 0.5));
        for (int px : new int[] {0, 31}) {
            for (int py : new int[] {0, 31}) {
                for (int rot = 0; rot < 40; rot += 3) {
                    double[] img = Sprites.render(shape, 1.0, Sprites.rotation(rot), Sprites.position(px),
                            Sprites.position(py));
                    int n = Sprites.SIZE;
                    for (int i = 0; i < n; i++) {
                        assertEquals(0, img[i] + img[(n - 1) * n + i] + img[i * n] + img[i * n + n - 1],
                                "border pixel " + i + " lit");
                    }
                    assertEquals(ref, area(img), 0.05 * ref, "area at position " + px + ", " + py + ", rotation " + rot);
                }
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sprites.render(Sprites.Shape.HEART, 0, 0, 0.5, 0.5));
        assertTrue(e.getMessage().startsWith("scale"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sprites.render(Sprites.Shape.HEART, 1, 0, 1.5, 0.5));
        assertTrue(e.getMessage().startsWith("posX"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Sprites.render(Sprites.Shape.HEART, 1, 0, 0.5, -1));
        assertTrue(e.getMessage().startsWith("posY"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Sprites.render(Sprites.Shape.HEART, 1, Double.NaN, 0.5, 0.5));
        assertTrue(e.getMessage().startsWith("rotation"), e.getMessage());
    }
}
