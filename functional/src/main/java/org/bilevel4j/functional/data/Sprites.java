package org.bilevel4j.functional.data;

import java.util.Objects;

/**
 * A renderer of dSprites-style images (after Matthey, Higgins, Hassabis, Lerchner, "dSprites: Disentanglement
 * testing Sprites dataset", 2017): 64 × 64 binary images of one white shape (square, ellipse or heart) on black, at a
 * given scale, rotation and position. The original archive is not needed: the images are procedural.
 *
 * <p>Geometry. Pixel (r, c) (row r from the top, column c from the left, both 0..63) is on when its centre
 * p = (c + ½, r + ½) lies in the shape, i.e. when the sprite coordinates
 * <pre>
 *   (u, v) = R(-θ) (p - centre) / (S · scale),   centre = 64 · (¼ + ½ posX, ¼ + ½ posY),   S = 20 pixels
 * </pre>
 * fall in the unit shape: the square max(|u|, |v|) ≤ ½ (area S²·scale²), the ellipse (u/0.5)² + (v/0.3)² ≤ 1, or
 * the heart (x² + y² - 1)³ - x²y³ ≤ 0 with (x, y) = (u / 0.44, 0.125 - v / 0.44) (point at the bottom). R(-θ) is
 * the rotation by -θ, so the shape turns by θ counter-clockwise on screen for the square and ellipse symmetry
 * checks. The centres keep every shape at every rotation inside the image (no clipping).
 *
 * <p>The dataset's latent grid: shape ∈ {square, ellipse, heart}, scale ∈ 6 values evenly spaced in [0.5, 1],
 * rotation ∈ 40 values evenly spaced in [0, 2π] (both ends included, as in the dataset), posX and posY ∈ 32 values
 * evenly spaced in [0, 1]. Rendering is deterministic and depends only on its arguments.
 */
public final class Sprites {
    /** The image side: 64 pixels. */
    public static final int SIZE = 64;
    /** The number of pixels, 64 × 64 = 4096. */
    public static final int PIXELS = SIZE * SIZE;
    /** The side of the unit square at scale 1, in pixels. */
    public static final double UNIT = 20;
    /** The number of scale values of the latent grid. */
    public static final int SCALES = 6;
    /** The number of rotation values of the latent grid. */
    public static final int ROTATIONS = 40;
    /** The number of positions per axis of the latent grid. */
    public static final int POSITIONS = 32;

    /** The three shapes of dSprites (in the dataset's order). */
    public enum Shape {
        /** a square of side S·scale */
        SQUARE,
        /** an ellipse with semi-axes 0.5 S·scale and 0.3 S·scale */
        ELLIPSE,
        /** a heart */
        HEART;

        boolean contains(double u, double v) {
            switch (this) {
                case SQUARE:
                    return Math.abs(u) <= 0.5 && Math.abs(v) <= 0.5;
                case ELLIPSE:
                    double a = u / 0.5;
                    double b = v / 0.3;
                    return a * a + b * b <= 1;
                default:
                    double x = u / 0.44;
                    double y = 0.125 - v / 0.44;
                    double s = x * x + y * y - 1;
                    return s * s * s - x * x * y * y * y <= 0;
            }
        }
    }

    private Sprites() {
    }

    /** @param i index 0..5 @return the i-th scale value, 0.5 + 0.1 i */
    public static double scale(int i) {
        return 0.5 + 0.5 * check(i, SCALES, "i") / (SCALES - 1);
    }

    /** @param i index 0..39 @return the i-th rotation value, 2π i / 39 */
    public static double rotation(int i) {
        return 2 * Math.PI * check(i, ROTATIONS, "i") / (ROTATIONS - 1);
    }

    /** @param i index 0..31 @return the i-th position value, i / 31 */
    public static double position(int i) {
        return (double) check(i, POSITIONS, "i") / (POSITIONS - 1);
    }

    private static int check(int i, int n, String name) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException(name + ": expected a latent index in 0.." + (n - 1) + ", got " + i);
        }
        return i;
    }

    /**
     * @param shape    the shape
     * @param scale    the scale, in (0, 1.2]
     * @param rotation θ in radians (any finite value)
     * @param posX     the horizontal position in [0, 1] (0: left)
     * @param posY     the vertical position in [0, 1] (0: top)
     * @return the 4096 pixels in row-major order, each 0 or 1
     */
    public static double[] render(Shape shape, double scale, double rotation, double posX, double posY) {
        double[] out = new double[PIXELS];
        renderInto(shape, scale, rotation, posX, posY, out, 0);
        return out;
    }

    /**
     * {@link #render} into {@code out[offset .. offset + 4095]}.
     *
     * @param shape    the shape
     * @param scale    the scale
     * @param rotation θ
     * @param posX     posX
     * @param posY     posY
     * @param out      the destination
     * @param offset   where the image starts
     */
    public static void renderInto(Shape shape, double scale, double rotation, double posX, double posY, double[] out,
            int offset) {
        Objects.requireNonNull(shape, "shape");
        if (!(scale > 0 && scale <= 1.2)) {
            throw new IllegalArgumentException("scale: expected a value in (0, 1.2], got " + scale);
        }
        if (!Double.isFinite(rotation)) {
            throw new IllegalArgumentException("rotation: expected a finite angle, got " + rotation);
        }
        if (!(posX >= 0 && posX <= 1)) {
            throw new IllegalArgumentException("posX: expected a value in [0, 1], got " + posX);
        }
        if (!(posY >= 0 && posY <= 1)) {
            throw new IllegalArgumentException("posY: expected a value in [0, 1], got " + posY);
        }
        Objects.requireNonNull(out, "out");
        if (offset < 0 || offset + PIXELS > out.length) {
            throw new IllegalArgumentException("offset: expected room for " + PIXELS + " pixels from " + offset
                    + " in an array of " + out.length);
        }
        double cx = SIZE * (0.25 + 0.5 * posX);
        double cy = SIZE * (0.25 + 0.5 * posY);
        double cos = snap(Math.cos(rotation));
        double sin = snap(Math.sin(rotation));
        double size = UNIT * scale;
        for (int r = 0; r < SIZE; r++) {
            double dy = r + 0.5 - cy;
            for (int c = 0; c < SIZE; c++) {
                double dx = c + 0.5 - cx;
                // R(-θ) (dx, dy) with the screen's y axis pointing down: a counter-clockwise turn on screen
                double u = (cos * dx - sin * dy) / size;
                double v = (sin * dx + cos * dy) / size;
                out[offset + r * SIZE + c] = shape.contains(u, v) ? 1 : 0;
            }
        }
    }

    /** cos and sin of multiples of π/2 are exact 0 and ±1, so quarter turns map the pixel lattice onto itself. */
    private static double snap(double x) {
        if (Math.abs(x) < 1e-12) {
            return 0;
        }
        if (Math.abs(Math.abs(x) - 1) < 1e-12) {
            return Math.signum(x);
        }
        return x;
    }
}
