package org.bilevel4j.functional.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The instrumental-variable recipe on dSprites-style images: its invariants, checked on samples. */
class SpritesIvTest {
    static final SpritesIv RECIPE = SpritesIv.standard();
    static final int N = 4000;
    static final SpritesIv.Sample SAMPLE = RECIPE.sample(N, 11);

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    static double corr(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    static double[] column(double[] rows, int width, int c) {
        double[] out = new double[rows.length / width];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows[i * width + c];
        }
        return out;
    }

    @Test
    void structuralFunctionIsTheCenteredScaledQuadratic() {
        // f(0) = -5 and f(c t) + 5 = c² (f(t) + 5): the quadratic form ‖At‖²/10 without knowing A
        double[] zero = new double[Sprites.PIXELS];
        assertEquals(-5.0, RECIPE.structural(zero, 0), 1e-15);
        double[] t = Sprites.render(Sprites.Shape.HEART, 0.7, 1.0, 0.2, 0.9);
        double[] t2 = t.clone();
        for (int i = 0; i < t2.length; i++) {
            t2[i] *= 3;
        }
        double f = RECIPE.structural(t, 0);
        assertEquals(9 * (f + 5), RECIPE.structural(t2, 0) + 5, 1e-9 * (1 + Math.abs(f)));
        // A ~ U(0, 1): E‖At‖²/10 ≈ (k/2)² + k/12 for an image of k lit pixels; the rendered value is within 10%
        double k = SpritesTest.area(t);
        double expected = (k * k / 4 + k / 12 - 5000) / 1000;
        assertEquals(expected, f, 0.1 * Math.abs(k * k / 4) / 1000);
        // the matrix is fixed by its seed: the same seed gives the same function, another seed another
        assertEquals(f, new SpritesIv(Sprites.Shape.HEART, 0, 1).structural(t, 0), 0.0);
        assertNotEquals(f, new SpritesIv(Sprites.Shape.HEART, 1, 1).structural(t, 0));
    }

    @Test
    void treatmentIsTheImagePlusNoiseOfStandardDeviationOneTenth() {
        double[] residuals = new double[200 * Sprites.PIXELS];
        for (int i = 0; i < 200; i++) {
            double[] l = java.util.Arrays.copyOfRange(SAMPLE.latents(), 4 * i, 4 * i + 4);
            double[] clean = Sprites.render(Sprites.Shape.HEART, l[0], l[1], l[2], l[3]);
            for (int j = 0; j < Sprites.PIXELS; j++) {
                residuals[i * Sprites.PIXELS + j] = SAMPLE.treatments()[i * Sprites.PIXELS + j] - clean[j];
            }
        }
        assertEquals(0, mean(residuals), 4 * 0.1 / Math.sqrt(residuals.length));
        assertEquals(SpritesIv.TREATMENT_NOISE, sd(residuals), 0.002);
    }

    @Test
    void outcomeIsStructuralPlusConfounderPlusNoise() {
        double[] posY = column(SAMPLE.latents(), 4, 3);
        double[] eps = new double[N];
        double[] confounded = new double[N];
        for (int i = 0; i < N; i++) {
            confounded[i] = SAMPLE.outcomes()[i] - SAMPLE.structural()[i];
            eps[i] = confounded[i] - SpritesIv.CONFOUNDING * (posY[i] - 0.5);
            double[] img = java.util.Arrays.copyOfRange(SAMPLE.treatments(), i * Sprites.PIXELS,
                    (i + 1) * Sprites.PIXELS);
            if (i < 50) {
                assertEquals(RECIPE.structural(img, 0), SAMPLE.structural()[i], 1e-12);
            }
        }
        assertEquals(0, mean(eps), 4 * SpritesIv.OUTCOME_NOISE / Math.sqrt(N));
        assertEquals(SpritesIv.OUTCOME_NOISE, sd(eps), 0.05 * SpritesIv.OUTCOME_NOISE);
        // posY confounds: it drives the outcome's residual and the image's vertical position
        assertTrue(corr(confounded, posY) > 0.99, "corr(o - f, posY) = " + corr(confounded, posY));
    }

    @Test
    void instrumentIsScaleRotationPosXAndIndependentOfTheConfounder() {
        double[] posY = column(SAMPLE.latents(), 4, 3);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(column(SAMPLE.latents(), 4, c), column(SAMPLE.instruments(), 3, c), 0.0);
            double r = corr(column(SAMPLE.instruments(), 3, c), posY);
            assertTrue(Math.abs(r) < 4 / Math.sqrt(N), "corr(x_" + c + ", posY) = " + r);
        }
        // the instrument is relevant: the scale moves the structural function (areas grow with scale²)
        double r = corr(column(SAMPLE.instruments(), 3, 0), SAMPLE.structural());
        assertTrue(r > 0.8, "corr(scale, f_struct) = " + r);
        // latents lie on the dataset's grid
        Set<Double> scales = new HashSet<>();
        for (double s : column(SAMPLE.latents(), 4, 0)) {
            scales.add(s);
        }
        assertEquals(Sprites.SCALES, scales.size());
    }

    @Test
    void testGridIsTheNoiseFree588PointGrid() {
        SpritesIv.Sample g = RECIPE.testGrid();
        assertEquals(SpritesIv.TEST_POINTS, g.size());
        Set<String> distinct = new HashSet<>();
        Set<Double> px = new HashSet<>();
        Set<Double> py = new HashSet<>();
        Set<Double> sc = new HashSet<>();
        Set<Double> rot = new HashSet<>();
        for (int i = 0; i < g.size(); i++) {
            double[] l = java.util.Arrays.copyOfRange(g.latents(), 4 * i, 4 * i + 4);
            distinct.add(java.util.Arrays.toString(l));
            sc.add(l[0]);
            rot.add(l[1]);
            px.add(l[2]);
            py.add(l[3]);
            double[] clean = Sprites.render(Sprites.Shape.HEART, l[0], l[1], l[2], l[3]);
            assertArrayEquals(clean, java.util.Arrays.copyOfRange(g.treatments(), i * Sprites.PIXELS,
                    (i + 1) * Sprites.PIXELS), 0.0, "test images carry no noise");
            assertEquals(g.structural()[i], g.outcomes()[i], 0.0);
            assertEquals(RECIPE.structural(clean, 0), g.structural()[i], 1e-12);
        }
        assertEquals(588, distinct.size());
        assertEquals(7, px.size());
        assertEquals(7, py.size());
        assertEquals(3, sc.size());
        assertEquals(4, rot.size());
        assertTrue(sc.contains(0.5) && sc.contains(1.0) && px.contains(0.0) && px.contains(30.0 / 31));
    }

    @Test
    void samplesAreDeterministicPerSeed() {
        SpritesIv.Sample a = RECIPE.sample(20, 5);
        SpritesIv.Sample b = RECIPE.sample(20, 5);
        assertArrayEquals(a.treatments(), b.treatments(), 0.0);
        assertArrayEquals(a.outcomes(), b.outcomes(), 0.0);
        assertNotEquals(a.outcomes()[0], RECIPE.sample(20, 6).outcomes()[0]);
    }

    @Test
    void poolingAveragesBlocksAndKeepsTheStructuralFunctionAtFullResolution() {
        SpritesIv pooled = new SpritesIv(Sprites.Shape.HEART, 0, 4);
        assertEquals(256, pooled.treatmentDimension());
        SpritesIv.Sample p = pooled.sample(30, 11);
        SpritesIv.Sample full = RECIPE.sample(30, 11);
        assertArrayEquals(full.structural(), p.structural(), 0.0);
        assertArrayEquals(full.outcomes(), p.outcomes(), 0.0);
        for (int i = 0; i < 30; i++) {
            double[] img = java.util.Arrays.copyOfRange(full.treatments(), i * 4096, (i + 1) * 4096);
            // block (r, c) = mean of the 4 × 4 pixels; the total mass is conserved up to the factor 16
            double sumFull = 0;
            double sumPooled = 0;
            for (int j = 0; j < 4096; j++) {
                sumFull += img[j];
            }
            for (int j = 0; j < 256; j++) {
                sumPooled += p.treatments()[i * 256 + j];
            }
            assertEquals(sumFull, 16 * sumPooled, 1e-9);
            double block = 0;
            for (int dr = 0; dr < 4; dr++) {
                for (int dc = 0; dc < 4; dc++) {
                    block += img[(4 * 3 + dr) * 64 + 4 * 5 + dc];
                }
            }
            assertEquals(block / 16, p.treatments()[i * 256 + 3 * 16 + 5], 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> new SpritesIv(Sprites.Shape.HEART, 0, 3));
    }
}
