package org.bilevel4j.backend.ejml;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 matrix product C = A B of {@link DenseProducts#matrixTimes} in SIMD arithmetic (the JDK's incubating
 * Vector API; loaded only when {@link Simd#ENABLED}), on the machine's widest vectors: L = 8 doubles with AVX-512, 4
 * with AVX2. A block of B (the rows of a range of q, the columns of a range of j) is first copied into panels of 2L
 * columns, each panel's rows one after the other; then a block of six rows and 2L columns of C is kept in twelve vector
 * registers while the terms A_iq B_qj of the panel are added to it, each with one fused multiply-add: per q, two
 * contiguous loads of the panel, six broadcasts of A and twelve multiply-adds of L doubles. Leftover rows (fewer than
 * six: {@link DenseProducts#matrixTimes} splits rows between threads in multiples of six) take one row at a time,
 * leftover columns (fewer than 2L) are read from B itself.
 *
 * <p>Every element of C, whatever its position (the edges too) and whatever L, is the sequence of fused multiply-adds
 * C_ij = fma(A_i,k−1, B_k−1,j, … fma(A_i1, B_1j, fma(A_i0, B_0j, 0)) …) in the order of q: bitwise the loop {@code for
 * q: s = Math.fma(a[i][q], b[q][j], s)}, on every machine and for any split of the rows between threads (vectors run
 * across j, never across q).
 */
final class SimdMatrixProduct {
    /** The widest vectors (at least four doubles where {@link Simd#ENABLED}): the result does not depend on it. */
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SimdMatrixProduct() {
    }

    /** @return the scratch space {@link #addBlock} needs for blocks of up to {@code depth} × {@code width} of B */
    static double[] scratch(int depth, int width) {
        return new double[depth * (width / (2 * L)) * 2 * L];
    }

    /**
     * Adds to rows [i0, i1) of c (m × n, row-major) the terms q ∈ [k0, k1) of A B restricted to the columns
     * [j0, j0 + w), in the order of q. The full panels of 2L columns of that block of B are first copied into
     * {@code packed} (from {@link #scratch}), each panel's rows one after the other, so that the kernel reads them
     * as one stream.
     */
    static void addBlock(double[] a, int k, double[] b, int n, double[] c, int i0, int i1, int k0, int k1, int j0,
            int w, double[] packed) {
        int depth = k1 - k0;
        int panels = w / (2 * L);
        for (int p = 0; p < panels; p++) {
            int to = p * depth * 2 * L;
            for (int q = k0; q < k1; q++, to += 2 * L) {
                System.arraycopy(b, q * n + j0 + p * 2 * L, packed, to, 2 * L);
            }
        }
        int jEnd = j0 + w;
        int jPacked = j0 + panels * 2 * L;
        int i = i0;
        for (; i + 6 <= i1; i += 6) {
            for (int p = 0; p < panels; p++) {
                block6(a, k, packed, p * depth * 2 * L, c, n, i, k0, k1, j0 + p * 2 * L);
            }
        }
        for (; i < i1; i++) {
            for (int p = 0; p < panels; p++) {
                block1(a, k, packed, p * depth * 2 * L, c, n, i, k0, k1, j0 + p * 2 * L);
            }
        }
        // the columns after the last full panel, from B itself
        for (i = i0; i < i1; i++) {
            int j = jPacked;
            for (; j + L <= jEnd; j += L) {
                row1(a, k, b, n, c, i, k0, k1, j);
            }
            scalarTail(a, k, b, n, c, i, k0, k1, j, jEnd);
        }
    }

    /** Rows i..i+5, the 2L columns of one packed panel (starting at {@code pb}): twelve accumulators. */
    private static void block6(double[] a, int k, double[] pb, int pb0, double[] c, int n, int i, int k0, int k1,
            int j) {
        int c0 = i * n + j;
        DoubleVector s00 = DoubleVector.fromArray(S, c, c0);
        DoubleVector s01 = DoubleVector.fromArray(S, c, c0 + L);
        DoubleVector s10 = DoubleVector.fromArray(S, c, c0 + n);
        DoubleVector s11 = DoubleVector.fromArray(S, c, c0 + n + L);
        DoubleVector s20 = DoubleVector.fromArray(S, c, c0 + 2 * n);
        DoubleVector s21 = DoubleVector.fromArray(S, c, c0 + 2 * n + L);
        DoubleVector s30 = DoubleVector.fromArray(S, c, c0 + 3 * n);
        DoubleVector s31 = DoubleVector.fromArray(S, c, c0 + 3 * n + L);
        DoubleVector s40 = DoubleVector.fromArray(S, c, c0 + 4 * n);
        DoubleVector s41 = DoubleVector.fromArray(S, c, c0 + 4 * n + L);
        DoubleVector s50 = DoubleVector.fromArray(S, c, c0 + 5 * n);
        DoubleVector s51 = DoubleVector.fromArray(S, c, c0 + 5 * n + L);
        int a0 = i * k;
        int o = pb0;
        for (int q = k0; q < k1; q++, o += 2 * L) {
            DoubleVector b0 = DoubleVector.fromArray(S, pb, o);
            DoubleVector b1 = DoubleVector.fromArray(S, pb, o + L);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + q]);
            s00 = x.fma(b0, s00);
            s01 = x.fma(b1, s01);
            x = DoubleVector.broadcast(S, a[a0 + k + q]);
            s10 = x.fma(b0, s10);
            s11 = x.fma(b1, s11);
            x = DoubleVector.broadcast(S, a[a0 + 2 * k + q]);
            s20 = x.fma(b0, s20);
            s21 = x.fma(b1, s21);
            x = DoubleVector.broadcast(S, a[a0 + 3 * k + q]);
            s30 = x.fma(b0, s30);
            s31 = x.fma(b1, s31);
            x = DoubleVector.broadcast(S, a[a0 + 4 * k + q]);
            s40 = x.fma(b0, s40);
            s41 = x.fma(b1, s41);
            x = DoubleVector.broadcast(S, a[a0 + 5 * k + q]);
            s50 = x.fma(b0, s50);
            s51 = x.fma(b1, s51);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c0 + n);
        s11.intoArray(c, c0 + n + L);
        s20.intoArray(c, c0 + 2 * n);
        s21.intoArray(c, c0 + 2 * n + L);
        s30.intoArray(c, c0 + 3 * n);
        s31.intoArray(c, c0 + 3 * n + L);
        s40.intoArray(c, c0 + 4 * n);
        s41.intoArray(c, c0 + 4 * n + L);
        s50.intoArray(c, c0 + 5 * n);
        s51.intoArray(c, c0 + 5 * n + L);
    }

    /** Row i of one packed panel: two accumulators. */
    private static void block1(double[] a, int k, double[] pb, int pb0, double[] c, int n, int i, int k0, int k1,
            int j) {
        int c0 = i * n + j;
        DoubleVector s0 = DoubleVector.fromArray(S, c, c0);
        DoubleVector s1 = DoubleVector.fromArray(S, c, c0 + L);
        int a0 = i * k;
        int o = pb0;
        for (int q = k0; q < k1; q++, o += 2 * L) {
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + q]);
            s0 = x.fma(DoubleVector.fromArray(S, pb, o), s0);
            s1 = x.fma(DoubleVector.fromArray(S, pb, o + L), s1);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + L);
    }

    /** Row i, columns j..j+L−1, from B itself. */
    private static void row1(double[] a, int k, double[] b, int n, double[] c, int i, int k0, int k1, int j) {
        int ci = i * n + j;
        int ai = i * k;
        DoubleVector s = DoubleVector.fromArray(S, c, ci);
        for (int q = k0; q < k1; q++) {
            s = DoubleVector.broadcast(S, a[ai + q]).fma(DoubleVector.fromArray(S, b, q * n + j), s);
        }
        s.intoArray(c, ci);
    }

    /** Row i, columns [j, jEnd), fewer than L: scalar fused multiply-adds in the same order. */
    private static void scalarTail(double[] a, int k, double[] b, int n, double[] c, int i, int k0, int k1, int j,
            int jEnd) {
        int ai = i * k;
        for (int col = j; col < jEnd; col++) {
            double s = c[i * n + col];
            for (int q = k0; q < k1; q++) {
                s = Math.fma(a[ai + q], b[q * n + col], s);
            }
            c[i * n + col] = s;
        }
    }
}
