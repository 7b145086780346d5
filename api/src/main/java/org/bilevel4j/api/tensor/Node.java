package org.bilevel4j.api.tensor;

/**
 * One recorded application of a {@link Primitive} at one trace level, or a variable of a {@link Trace} when
 * {@link #primitive} is null. Immutable, so graphs can be shared between threads.
 */
final class Node {
    /** The primitive applied; null for a variable. */
    final Primitive primitive;
    /** Per input: the node of that input at this level, or null if the input is constant at this level. */
    final Node[] parents;
    /** The inputs with this level's tracing removed (what the primitive was applied to). */
    final Tensor[] inputs;
    /** The output with this level's tracing removed. */
    final Tensor output;

    Node(Primitive primitive, Node[] parents, Tensor[] inputs, Tensor output) {
        this.primitive = primitive;
        this.parents = parents;
        this.inputs = inputs;
        this.output = output;
    }

    static Node variable(Tensor value) {
        return new Node(null, new Node[0], new Tensor[0], value);
    }

    boolean isVariable() {
        return primitive == null;
    }
}
