package org.bilevel4j.apps.learndata;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes square grayscale images (one per row of a matrix) side by side as a PNG, each scaled to its own range. */
final class ImageGrid {
    private ImageGrid() {
    }

    /**
     * @param file    the PNG
     * @param images  row-major [count, side*side] values
     * @param count   number of images
     * @param side    image side in pixels
     * @param columns images per grid row
     * @param zoom    pixel magnification
     * @throws IOException if the file cannot be written
     */
    static void write(Path file, double[] images, int count, int side, int columns, int zoom) throws IOException {
        int rows = (count + columns - 1) / columns;
        int cell = side * zoom + 4;
        BufferedImage out = new BufferedImage(columns * cell, rows * cell, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < count; i++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int p = 0; p < side * side; p++) {
                lo = Math.min(lo, images[i * side * side + p]);
                hi = Math.max(hi, images[i * side * side + p]);
            }
            double range = hi > lo ? hi - lo : 1;
            int x0 = (i % columns) * cell + 2;
            int y0 = (i / columns) * cell + 2;
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    int g = (int) Math.round(255 * (images[i * side * side + r * side + c] - lo) / range);
                    int rgb = (g << 16) | (g << 8) | g;
                    for (int dy = 0; dy < zoom; dy++) {
                        for (int dx = 0; dx < zoom; dx++) {
                            out.setRGB(x0 + c * zoom + dx, y0 + r * zoom + dy, rgb);
                        }
                    }
                }
            }
        }
        ImageIO.write(out, "png", file.toFile());
    }
}
