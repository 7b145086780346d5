package org.bilevel4j.api.tensor;

import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;

/** Matrix products, transposition, inner products and dense solves, with their vector-Jacobian products. */
final class LinearAlgebra {
    private LinearAlgebra() {
    }

    private static final Matmul[] MATMUL = {
        new Matmul(false, false), new Matmul(false, true), new Matmul(true, false), new Matmul(true, true)
    };

    static Primitive matmul(boolean transposeA, boolean transposeB) {
        return MATMUL[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)];
    }

    /** C = op(A) op(B) on rank-2 operands. */
    private static final class Matmul extends Primitive {
        private final boolean ta;
        private final boolean tb;

        Matmul(boolean ta, boolean tb) {
            super("matmul");
            this.ta = ta;
            this.tb = tb;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.matmul(in[0], ta, in[1], tb);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor ga = null;
            Tensor gb = null;
            if (need[0]) {
                // dA = ct op(B)^T, transposed when A entered transposed
                ga = ta ? b.matmul(ct, tb, true) : ct.matmul(b, false, !tb);
            }
            if (need[1]) {
                // dB = op(A)^T ct, transposed when B entered transposed
                gb = tb ? ct.matmul(a, true, ta) : a.matmul(ct, !ta, false);
            }
            return new Tensor[] {ga, gb};
        }
    }

    static final class Transpose extends Primitive {
        static final Transpose INSTANCE = new Transpose();

        private Transpose() {
            super("transpose");
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.transpose(in[0]);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.transpose()};
        }
    }

    static final class Dot extends Primitive {
        static final Dot INSTANCE = new Dot();

        private Dot() {
            super("dot");
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.dot(in[0], in[1]);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {need[0] ? in[1].mul(ct) : null, need[1] ? in[0].mul(ct) : null};
        }
    }

    /** x = A^-1 b. */
    static final class Solve extends Primitive {
        static final Solve INSTANCE = new Solve();

        private Solve() {
            super("solve");
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.solve(in[0], in[1]);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor a = in[0];
            Tensor gb = a.transpose().solve(ct);
            Tensor ga = null;
            if (need[0]) {
                int n = a.shape().dim(0);
                ga = out.rank() == 1
                        ? gb.reshape(n, 1).matmul(out.reshape(1, n)).neg()
                        : gb.matmul(out, false, true).neg();
            }
            return new Tensor[] {ga, need[1] ? gb : null};
        }
    }
}
