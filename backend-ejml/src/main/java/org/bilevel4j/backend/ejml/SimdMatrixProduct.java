package org.bilevel4j.backend.ejml;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float64 matrix product C = A B of {@link DenseProducts#matrixTimes} in SIMD arithmetic (the JDK's incubating
 * Vector API; loaded only when {@link Simd#ENABLED}). A block of four rows and eight columns of C is kept in eight
 * vector registers while the terms A_iq B_qj of a block of q are added to it, each with one fused multiply-add: per
 * q, two loads of B, four broadcasts of A and eight multiply-adds of four doubles.
 *
 * <p>Every element of C, whatever its position (the edges too), is the sequence of fused multiply-adds
 * C_ij = fma(A_i,k−1, B_k−1,j, … fma(A_i1, B_1j, fma(A_i0, B_0j, 0)) …) in the order of q: bitwise the loop
 * {@code for q: s = Math.fma(a[i][q], b[q][j], s)}, on every machine and for any split of the rows between threads.
 */
final class SimdMatrixProduct {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final int L = S.length();

    private SimdMatrixProduct() {
    }

    /**
     * Adds to rows [i0, i1) of c (m × n, row-major) the terms q ∈ [k0, k1) of A B restricted to the columns
     * [j0, j0 + w), in the order of q.
     */
    static void addBlock(double[] a, int k, double[] b, int n, double[] c, int i0, int i1, int k0, int k1, int j0,
            int w) {
        int jEnd = j0 + w;
        int i = i0;
        for (; i + 4 <= i1; i += 4) {
            int j = j0;
            for (; j + 2 * L <= jEnd; j += 2 * L) {
                block4x8(a, k, b, n, c, i, k0, k1, j);
            }
            for (; j + L <= jEnd; j += L) {
                for (int r = 0; r < 4; r++) {
                    row1x4(a, k, b, n, c, i + r, k0, k1, j);
                }
            }
            for (int r = 0; r < 4; r++) {
                scalarTail(a, k, b, n, c, i + r, k0, k1, j, jEnd);
            }
        }
        for (; i < i1; i++) {
            int j = j0;
            for (; j + L <= jEnd; j += L) {
                row1x4(a, k, b, n, c, i, k0, k1, j);
            }
            scalarTail(a, k, b, n, c, i, k0, k1, j, jEnd);
        }
    }

    /** Rows i..i+3, columns j..j+7: eight accumulators. */
    private static void block4x8(double[] a, int k, double[] b, int n, double[] c, int i, int k0, int k1, int j) {
        int c0 = i * n + j;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        DoubleVector s00 = DoubleVector.fromArray(S, c, c0);
        DoubleVector s01 = DoubleVector.fromArray(S, c, c0 + L);
        DoubleVector s10 = DoubleVector.fromArray(S, c, c1);
        DoubleVector s11 = DoubleVector.fromArray(S, c, c1 + L);
        DoubleVector s20 = DoubleVector.fromArray(S, c, c2);
        DoubleVector s21 = DoubleVector.fromArray(S, c, c2 + L);
        DoubleVector s30 = DoubleVector.fromArray(S, c, c3);
        DoubleVector s31 = DoubleVector.fromArray(S, c, c3 + L);
        int a0 = i * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        for (int q = k0; q < k1; q++) {
            int bq = q * n + j;
            DoubleVector b0 = DoubleVector.fromArray(S, b, bq);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bq + L);
            DoubleVector x0 = DoubleVector.broadcast(S, a[a0 + q]);
            DoubleVector x1 = DoubleVector.broadcast(S, a[a1 + q]);
            DoubleVector x2 = DoubleVector.broadcast(S, a[a2 + q]);
            DoubleVector x3 = DoubleVector.broadcast(S, a[a3 + q]);
            s00 = x0.fma(b0, s00);
            s01 = x0.fma(b1, s01);
            s10 = x1.fma(b0, s10);
            s11 = x1.fma(b1, s11);
            s20 = x2.fma(b0, s20);
            s21 = x2.fma(b1, s21);
            s30 = x3.fma(b0, s30);
            s31 = x3.fma(b1, s31);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
    }

    /** Row i, columns j..j+3. */
    private static void row1x4(double[] a, int k, double[] b, int n, double[] c, int i, int k0, int k1, int j) {
        int ci = i * n + j;
        int ai = i * k;
        DoubleVector s = DoubleVector.fromArray(S, c, ci);
        for (int q = k0; q < k1; q++) {
            s = DoubleVector.broadcast(S, a[ai + q]).fma(DoubleVector.fromArray(S, b, q * n + j), s);
        }
        s.intoArray(c, ci);
    }

    /** Row i, columns [j, jEnd), fewer than four: scalar fused multiply-adds in the same order. */
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
