package org.bilevel4j.api.tensor;

import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;

/**
 * A differentiable operation: how to compute it on storages, and its vector-Jacobian product written with
 * {@link Tensor} operations. Because the VJP is itself made of recorded tensor operations, gradients can be
 * differentiated again to any order.
 */
abstract class Primitive {
    private final String name;

    Primitive(String name) {
        this.name = name;
    }

    /** @return the operation's name, used in diagnostics */
    final String name() {
        return name;
    }

    /**
     * @param kernels the backend's kernels
     * @param in      the input storages; not modified
     * @return the output storage
     */
    abstract Storage forward(Kernels kernels, Storage[] in);

    /**
     * @param cotangent the cotangent of the output (same shape as {@code out})
     * @param in        the inputs the primitive was applied to
     * @param out       the output it produced
     * @param need      which inputs need a cotangent
     * @return per input, the cotangent (shape of that input) where {@code need} is set, else null
     */
    abstract Tensor[] vjp(Tensor cotangent, Tensor[] in, Tensor out, boolean[] need);

    @Override
    public String toString() {
        return name;
    }
}
