package org.bilevel4j.api.tensor;

import org.bilevel4j.api.backend.Storage;

/**
 * Applies primitives to tensors. On concrete inputs it calls the backend's kernel directly; when an input is
 * traced it records a {@link Node} at the highest trace level among the inputs, and computes the value by
 * applying the same primitive to the inputs with that level removed, which records the lower levels in turn.
 * This is what makes nested differentiation (gradients of gradients, an inner loop differentiated inside an
 * outer loop) work without any global tape.
 */
final class Recorder {
    private Recorder() {
    }

    static Tensor apply(Primitive p, Tensor a) {
        if (a.level == 0) {
            return a.backend.wrap(p.forward(a.backend.kernels(), new Storage[] {a.storage}));
        }
        return record(p, a.level, new Tensor[] {a});
    }

    static Tensor apply(Primitive p, Tensor a, Tensor b) {
        long level = Math.max(a.level, b.level);
        if (level == 0) {
            return a.backend.wrap(p.forward(a.backend.kernels(), new Storage[] {a.storage, b.storage}));
        }
        return record(p, level, new Tensor[] {a, b});
    }

    static Tensor apply(Primitive p, Tensor... in) {
        long level = 0;
        for (Tensor t : in) {
            level = Math.max(level, t.level);
        }
        if (level == 0) {
            Storage[] s = new Storage[in.length];
            for (int i = 0; i < in.length; i++) {
                s[i] = in[i].storage;
            }
            return in[0].backend.wrap(p.forward(in[0].backend.kernels(), s));
        }
        return record(p, level, in);
    }

    private static Tensor record(Primitive p, long level, Tensor[] in) {
        Tensor[] primals = new Tensor[in.length];
        Node[] parents = new Node[in.length];
        for (int i = 0; i < in.length; i++) {
            Tensor t = in[i];
            if (t.level == level) {
                primals[i] = t.primal;
                parents[i] = t.node;
            } else {
                primals[i] = t;
            }
        }
        Tensor out = apply(p, primals);
        return new Tensor(level, out, new Node(p, parents, primals, out));
    }

    /**
     * Applies a piecewise-constant operation (comparison, sign, step): its derivative is zero, so nothing is
     * recorded and the result is concrete.
     */
    static Tensor constant(Primitive p, Tensor... in) {
        Storage[] s = new Storage[in.length];
        for (int i = 0; i < in.length; i++) {
            s[i] = in[i].concrete().storage;
        }
        return in[0].backend.wrap(p.forward(in[0].backend.kernels(), s));
    }
}
