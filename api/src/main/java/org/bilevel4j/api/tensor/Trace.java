package org.bilevel4j.api.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bilevel4j.api.error.ShapeMismatchException;

/**
 * One level of reverse-mode differentiation: the explicit alternative to a global tape.
 *
 * <p>A trace marks tensors as its {@linkplain #variable variables}; every operation that depends on them is
 * recorded in the tensors themselves, and {@link #gradients} runs the backward pass from an output to the
 * variables. The vector-Jacobian products of the backward pass are ordinary tensor operations, so they are
 * recorded on any <em>other</em> trace whose variables they depend on: differentiating a computation that
 * contains a {@code gradients} call (a Hessian-vector product, an inner loop differentiated inside an outer
 * loop) only needs a second trace around the first.
 *
 * <p>Each trace has a level drawn from a global counter, so a trace created inside the computation of another
 * is always the inner one; this ordering is the only shared state and it is lock-free. Traces and the graphs
 * they record are immutable, so several threads may differentiate at once, even through the same graph.
 *
 * <pre>{@code
 * Trace trace = new Trace();
 * Tensor x = trace.variable(x0);
 * Tensor y = x.square().sum();
 * Tensor g = trace.gradient(y, x);          // 2 x0
 * }</pre>
 */
public final class Trace {
    private static final AtomicLong LEVELS = new AtomicLong();

    private final long level;

    /** Creates a trace whose level is above every trace created before it. */
    public Trace() {
        this.level = LEVELS.incrementAndGet();
    }

    /**
     * @param value a tensor (concrete or traced on earlier traces); not modified
     * @return a variable of this trace with the values of {@code value}
     * @throws IllegalStateException if {@code value} is recorded on a trace created after this one
     */
    public Tensor variable(Tensor value) {
        if (value.level >= level) {
            throw new IllegalStateException("value: is recorded on a trace created after this one (level "
                    + value.level + " >= " + level + "); create the outer trace first");
        }
        return new Tensor(level, value, Node.variable(value));
    }

    /**
     * @param traced a tensor
     * @return its value with this trace's recording removed (recordings of other traces are kept)
     */
    public Tensor value(Tensor traced) {
        if (traced.level > level) {
            throw new IllegalStateException("traced: is recorded on a trace created after this one");
        }
        return traced.level == level ? traced.primal : traced;
    }

    /**
     * Gradient of a scalar output.
     *
     * @param output   a tensor with one element
     * @param variable a variable of this trace
     * @return d output / d variable, with the shape of the variable
     */
    public Tensor gradient(Tensor output, Tensor variable) {
        if (output.size() != 1) {
            throw new ShapeMismatchException("output: expected a scalar (one element) for a gradient, got shape "
                    + output.shape() + "; use gradients(output, cotangent, ...) with a cotangent of that shape");
        }
        Tensor one = output.backend.full(output.shape, output.dtype, 1.0);
        return gradients(output, one, variable)[0];
    }

    /**
     * Reverse-mode vector-Jacobian product: for each variable x, Jᵀ cotangent where J = d output / d x.
     * The graph is not consumed; this method may be called again with another cotangent.
     *
     * @param output    a tensor computed from the variables
     * @param cotangent a tensor of the output's shape, dtype and backend; it must not depend on this trace's
     *                  variables (it may depend on other traces' variables, which makes the result differentiable)
     * @param variables variables of this trace
     * @return one cotangent per variable, of that variable's shape; zeros where the output does not depend on it
     */
    public Tensor[] gradients(Tensor output, Tensor cotangent, Tensor... variables) {
        for (int i = 0; i < variables.length; i++) {
            Tensor v = variables[i];
            if (v.level != level || !v.node.isVariable()) {
                throw new IllegalArgumentException("variables[" + i + "]: expected a variable of this trace (from "
                        + "trace.variable), got " + (v.level == level ? "a tensor computed on this trace"
                        : v.level == 0 ? "a concrete tensor" : "a tensor of another trace"));
            }
        }
        output.requireCompatible("gradients", "cotangent", cotangent);
        if (!cotangent.shape.equals(output.shape)) {
            throw new ShapeMismatchException("gradients: cotangent: expected the output's shape " + output.shape
                    + ", got " + cotangent.shape);
        }
        if (cotangent.level == level) {
            throw new IllegalArgumentException("cotangent: must not depend on this trace's variables");
        }
        if (output.level > level) {
            throw new IllegalStateException("output: is recorded on a trace created after this one; "
                    + "take gradients on the innermost trace first");
        }
        Tensor[] result = new Tensor[variables.length];
        if (output.level == level) {
            backward(output.node, cotangent, variables, result);
        }
        for (int i = 0; i < result.length; i++) {
            if (result[i] == null) {
                result[i] = variables[i].backend.zeros(variables[i].shape, variables[i].dtype);
            }
        }
        return result;
    }

    /**
     * The memory a recording keeps alive: the bytes of the values of every operation this trace recorded on the
     * way to {@code output} (variables excluded). Tensors that existed before the recording (data, constants) and
     * recordings of other traces are not counted; a reshape is counted as a copy although a backend may return a
     * view, so this is an upper bound. Costs one traversal of the graph, no tensor operation.
     *
     * @param output a tensor computed on this trace (0 for a tensor this trace did not record)
     * @return the bytes of the recorded values, at least 0
     */
    public long recordedBytes(Tensor output) {
        if (output.level != level) {
            return 0;
        }
        long bytes = 0;
        for (Node node : topologicalOrder(output.node)) {
            if (!node.isVariable()) {
                bytes += (long) node.output.size() * node.output.dtype.bytes();
            }
        }
        return bytes;
    }

    private static void backward(Node root, Tensor cotangent, Tensor[] variables, Tensor[] result) {
        List<Node> order = topologicalOrder(root);
        int n = order.size();
        Map<Node, Integer> position = new IdentityHashMap<>(2 * n);
        for (int i = 0; i < n; i++) {
            position.put(order.get(i), i);
        }
        boolean[] needed = new boolean[n];
        for (Tensor v : variables) {
            Integer p = position.get(v.node);
            if (p != null) {
                needed[p] = true;
            }
        }
        for (int i = 0; i < n; i++) { // parents come before children
            if (!needed[i]) {
                for (Node parent : order.get(i).parents) {
                    if (parent != null && needed[position.get(parent)]) {
                        needed[i] = true;
                        break;
                    }
                }
            }
        }
        Tensor[] cts = new Tensor[n];
        cts[n - 1] = cotangent;
        for (int i = n - 1; i >= 0; i--) {
            Node node = order.get(i);
            Tensor ct = cts[i];
            if (!needed[i] || ct == null || node.isVariable()) {
                continue;
            }
            cts[i] = null;
            Node[] parents = node.parents;
            boolean[] need = new boolean[parents.length];
            for (int j = 0; j < parents.length; j++) {
                need[j] = parents[j] != null && needed[position.get(parents[j])];
            }
            Tensor[] g = node.primitive.vjp(ct, node.inputs, node.output, need);
            for (int j = 0; j < parents.length; j++) {
                if (!need[j]) {
                    continue;
                }
                if (!g[j].shape.equals(node.inputs[j].shape)) {
                    throw new IllegalStateException("vjp of " + node.primitive + " returned shape " + g[j].shape
                            + " for input " + j + " of shape " + node.inputs[j].shape);
                }
                int p = position.get(parents[j]);
                cts[p] = cts[p] == null ? g[j] : cts[p].add(g[j]);
            }
        }
        for (int i = 0; i < variables.length; i++) {
            Integer p = position.get(variables[i].node);
            result[i] = p == null ? null : cts[p];
        }
    }

    /** Post-order of the nodes reachable from {@code root} at its level: every parent precedes its children. */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        nodes.push(root);
        next.push(0);
        seen.put(root, Boolean.TRUE);
        while (!nodes.isEmpty()) {
            Node node = nodes.peek();
            int i = next.pop();
            Node[] parents = node.parents;
            while (i < parents.length && (parents[i] == null || seen.containsKey(parents[i]))) {
                i++;
            }
            if (i < parents.length) {
                next.push(i + 1);
                Node parent = parents[i];
                seen.put(parent, Boolean.TRUE);
                nodes.push(parent);
                next.push(0);
            } else {
                nodes.pop();
                order.add(node);
            }
        }
        return order;
    }
}
