package org.bilevel4j.api.tensor;

import java.util.ArrayList;
import java.util.List;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.Shape;

/** Primitives that move values without arithmetic: reshape, broadcast, slice, pad, gather, scatter, concat. */
final class Reshaping {
    private Reshaping() {
    }

    static final class Reshape extends Primitive {
        private final Shape shape;

        Reshape(Shape shape) {
            super("reshape");
            this.shape = shape;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.reshape(in[0], shape);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.reshape(in[0].shape())};
        }
    }

    static final class BroadcastTo extends Primitive {
        private final Shape shape;

        BroadcastTo(Shape shape) {
            super("broadcastTo");
            this.shape = shape;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.broadcastTo(in[0], shape);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {Elementwise.sumTo(ct, in[0].shape())};
        }
    }

    static final class Slice extends Primitive {
        private final int axis;
        private final int start;
        private final int end;

        Slice(int axis, int start, int end) {
            super("slice");
            this.axis = axis;
            this.start = start;
            this.end = end;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.slice(in[0], axis, start, end);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.pad(axis, start, in[0].shape())};
        }
    }

    static final class Pad extends Primitive {
        private final int axis;
        private final int offset;
        private final Shape shape;

        Pad(int axis, int offset, Shape shape) {
            super("pad");
            this.axis = axis;
            this.offset = offset;
            this.shape = shape;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.pad(in[0], axis, offset, shape);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.slice(axis, offset, offset + in[0].shape().dim(axis))};
        }
    }

    static final class Gather extends Primitive {
        private final int[] indices;

        Gather(int[] indices) {
            super("gather");
            this.indices = indices;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.gather(in[0], indices);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.scatterAdd(indices, in[0].shape())};
        }
    }

    static final class ScatterAdd extends Primitive {
        private final int[] indices;
        private final Shape shape;

        ScatterAdd(int[] indices, Shape shape) {
            super("scatterAdd");
            this.indices = indices;
            this.shape = shape;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.scatterAdd(in[0], indices, shape);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.gather(indices)};
        }
    }

    static final class Concat extends Primitive {
        private final int axis;
        private final Shape shape;

        Concat(int axis, Shape shape) {
            super("concat");
            this.axis = axis;
            this.shape = shape;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.concat(List.of(in), axis, shape);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor[] g = new Tensor[in.length];
            int offset = 0;
            for (int i = 0; i < in.length; i++) {
                int len = in[i].shape().dim(axis);
                if (need[i]) {
                    g[i] = ct.slice(axis, offset, offset + len);
                }
                offset += len;
            }
            return g;
        }
    }

    static List<Storage> storages(Tensor[] parts) {
        List<Storage> s = new ArrayList<>(parts.length);
        for (Tensor t : parts) {
            s.add(t.storage);
        }
        return s;
    }
}
