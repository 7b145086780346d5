package org.bilevel4j.backend.ejml;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The row kernels of {@link FusedLinearModel} in SIMD arithmetic, with the JDK's incubating Vector API
 * ({@code jdk.incubator.vector}, JDK 17 and later; the JVM needs {@code --add-modules jdk.incubator.vector}).
 * Loaded only when {@link FusedLinearModel} found that module; nothing else refers to this class.
 *
 * <p>Vectors of four doubles (256 bits) on every machine, so that the results do not depend on the hardware's
 * vector width: a dot product x·w keeps four partial sums, lane l summing x_j w_j for j ≡ l (mod 4) with fused
 * multiply-adds in the order of j, then adds them as (s₀ + s₁) + (s₂ + s₃) and the remaining d mod 4 terms in
 * order. Adding rows into an accumulator is one fused multiply-add per element and row, rows in order. The
 * Vector API defines each lane's arithmetic exactly (IEEE 754), so these results are the same on every machine where
 * they are selected (hardware vectors of at least 256 bits) and for any number of threads; they differ from the
 * scalar kernels' in the last bits.
 */
final class SimdLinearModel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final int L = S.length();

    private SimdLinearModel() {
    }

    /** @return the bits of the hardware's preferred vectors (the Vector API emulates wider ones, slowly) */
    static int preferredBits() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** Touches the Vector API, so that a JVM without it fails here, where the caller expects it. */
    static double probe() {
        double[] a = {1, 2, 3, 4, 5};
        return dot(a, 0, a, 5);
    }

    /** The four partial sums of a dot product, added as (s₀ + s₁) + (s₂ + s₃). */
    private static double lanes(DoubleVector v) {
        return (v.lane(0) + v.lane(1)) + (v.lane(2) + v.lane(3));
    }

    /** x[o, o + d) · w. */
    static double dot(double[] x, int o, double[] w, int d) {
        int bound = S.loopBound(d);
        DoubleVector acc = DoubleVector.zero(S);
        int j = 0;
        for (; j < bound; j += L) {
            acc = DoubleVector.fromArray(S, x, o + j).fma(DoubleVector.fromArray(S, w, j), acc);
        }
        double s = lanes(acc);
        for (; j < d; j++) {
            s = Math.fma(x[o + j], w[j], s);
        }
        return s;
    }

    /**
     * The dot products of the four rows at o0, o0 + s, o0 + 2s, o0 + 3s with w, each as {@link #dot} computes it.
     *
     * @param z receives the four dot products in z[0, 4)
     */
    static void dot4(double[] x, int o0, int s, int d, double[] w, double[] z) {
        int bound = S.loopBound(d);
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = DoubleVector.zero(S);
        DoubleVector a2 = DoubleVector.zero(S);
        DoubleVector a3 = DoubleVector.zero(S);
        int o1 = o0 + s;
        int o2 = o1 + s;
        int o3 = o2 + s;
        int j = 0;
        for (; j < bound; j += L) {
            DoubleVector wj = DoubleVector.fromArray(S, w, j);
            a0 = DoubleVector.fromArray(S, x, o0 + j).fma(wj, a0);
            a1 = DoubleVector.fromArray(S, x, o1 + j).fma(wj, a1);
            a2 = DoubleVector.fromArray(S, x, o2 + j).fma(wj, a2);
            a3 = DoubleVector.fromArray(S, x, o3 + j).fma(wj, a3);
        }
        double s0 = lanes(a0);
        double s1 = lanes(a1);
        double s2 = lanes(a2);
        double s3 = lanes(a3);
        for (; j < d; j++) {
            double wj = w[j];
            s0 = Math.fma(x[o0 + j], wj, s0);
            s1 = Math.fma(x[o1 + j], wj, s1);
            s2 = Math.fma(x[o2 + j], wj, s2);
            s3 = Math.fma(x[o3 + j], wj, s3);
        }
        z[0] = s0;
        z[1] = s1;
        z[2] = s2;
        z[3] = s3;
    }

    /**
     * The dot products with w and with v of the four rows at o0, o0 + s, o0 + 2s, o0 + 3s, each as {@link #dot}
     * computes it, reading the rows once for both.
     *
     * @param z receives the four dot products with w
     * @param q receives the four dot products with v
     */
    static void dot4x2(double[] x, int o0, int s, int d, double[] w, double[] v, double[] z, double[] q) {
        int bound = S.loopBound(d);
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = DoubleVector.zero(S);
        DoubleVector a2 = DoubleVector.zero(S);
        DoubleVector a3 = DoubleVector.zero(S);
        DoubleVector b0 = DoubleVector.zero(S);
        DoubleVector b1 = DoubleVector.zero(S);
        DoubleVector b2 = DoubleVector.zero(S);
        DoubleVector b3 = DoubleVector.zero(S);
        int o1 = o0 + s;
        int o2 = o1 + s;
        int o3 = o2 + s;
        int j = 0;
        for (; j < bound; j += L) {
            DoubleVector wj = DoubleVector.fromArray(S, w, j);
            DoubleVector vj = DoubleVector.fromArray(S, v, j);
            DoubleVector x0 = DoubleVector.fromArray(S, x, o0 + j);
            DoubleVector x1 = DoubleVector.fromArray(S, x, o1 + j);
            DoubleVector x2 = DoubleVector.fromArray(S, x, o2 + j);
            DoubleVector x3 = DoubleVector.fromArray(S, x, o3 + j);
            a0 = x0.fma(wj, a0);
            a1 = x1.fma(wj, a1);
            a2 = x2.fma(wj, a2);
            a3 = x3.fma(wj, a3);
            b0 = x0.fma(vj, b0);
            b1 = x1.fma(vj, b1);
            b2 = x2.fma(vj, b2);
            b3 = x3.fma(vj, b3);
        }
        z[0] = lanes(a0);
        z[1] = lanes(a1);
        z[2] = lanes(a2);
        z[3] = lanes(a3);
        q[0] = lanes(b0);
        q[1] = lanes(b1);
        q[2] = lanes(b2);
        q[3] = lanes(b3);
        for (; j < d; j++) {
            double wj = w[j];
            double vj = v[j];
            z[0] = Math.fma(x[o0 + j], wj, z[0]);
            z[1] = Math.fma(x[o1 + j], wj, z[1]);
            z[2] = Math.fma(x[o2 + j], wj, z[2]);
            z[3] = Math.fma(x[o3 + j], wj, z[3]);
            q[0] = Math.fma(x[o0 + j], vj, q[0]);
            q[1] = Math.fma(x[o1 + j], vj, q[1]);
            q[2] = Math.fma(x[o2 + j], vj, q[2]);
            q[3] = Math.fma(x[o3 + j], vj, q[3]);
        }
    }

    /** g[o, o + d) += f x[from, from + d), one fused multiply-add per element. */
    static void addRow(double[] x, int from, int d, double f, double[] g, int o) {
        int bound = S.loopBound(d);
        DoubleVector fv = DoubleVector.broadcast(S, f);
        int j = 0;
        for (; j < bound; j += L) {
            DoubleVector.fromArray(S, x, from + j).fma(fv, DoubleVector.fromArray(S, g, o + j)).intoArray(g, o + j);
        }
        for (; j < d; j++) {
            g[o + j] = Math.fma(x[from + j], f, g[o + j]);
        }
    }

    /** g[o, o + d) += f0 x_r + f1 x_(r+1) + f2 x_(r+2) + f3 x_(r+3) for the rows at o0, o0 + s, …, rows in order. */
    static void addRows4(double[] x, int o0, int s, int d, double f0, double f1, double f2, double f3, double[] g,
            int o) {
        int bound = S.loopBound(d);
        DoubleVector v0 = DoubleVector.broadcast(S, f0);
        DoubleVector v1 = DoubleVector.broadcast(S, f1);
        DoubleVector v2 = DoubleVector.broadcast(S, f2);
        DoubleVector v3 = DoubleVector.broadcast(S, f3);
        int o1 = o0 + s;
        int o2 = o1 + s;
        int o3 = o2 + s;
        int j = 0;
        for (; j < bound; j += L) {
            DoubleVector acc = DoubleVector.fromArray(S, g, o + j);
            acc = DoubleVector.fromArray(S, x, o0 + j).fma(v0, acc);
            acc = DoubleVector.fromArray(S, x, o1 + j).fma(v1, acc);
            acc = DoubleVector.fromArray(S, x, o2 + j).fma(v2, acc);
            acc = DoubleVector.fromArray(S, x, o3 + j).fma(v3, acc);
            acc.intoArray(g, o + j);
        }
        for (; j < d; j++) {
            double acc = g[o + j];
            acc = Math.fma(x[o0 + j], f0, acc);
            acc = Math.fma(x[o1 + j], f1, acc);
            acc = Math.fma(x[o2 + j], f2, acc);
            acc = Math.fma(x[o3 + j], f3, acc);
            g[o + j] = acc;
        }
    }
}
