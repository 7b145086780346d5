package org.bilevel4j.api.autodiff;

import java.util.Objects;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.Trace;

/**
 * The linearization of a function at a point, for reverse mode: the value y = f(x₁, ..., xₖ) and the
 * map from a cotangent c to the vector-Jacobian products (J₁ᵀc, ..., Jₖᵀc).
 *
 * <p>The forward computation is recorded once; each {@link #apply} call runs one backward pass over the
 * recording, so iterative linear solvers that need many VJPs at the same point pay for the forward pass once.
 * A pullback is immutable and may be applied from several threads.
 */
public final class Pullback {
    private final Trace trace;
    private final Tensor output;
    private final Tensor[] variables;

    Pullback(Trace trace, Tensor output, Tensor... variables) {
        this.trace = trace;
        this.output = output;
        this.variables = variables;
    }

    /** @return the value of the function at the linearization point */
    public Tensor value() {
        return trace.value(output);
    }

    /**
     * @return the bytes of the values the recording keeps alive (every recorded operation's value, the inputs and
     *         tensors that existed before excluded): the memory held as long as this pullback is reachable
     */
    public long retainedBytes() {
        return trace.recordedBytes(output);
    }

    /** @return the number of inputs */
    public int arity() {
        return variables.length;
    }

    /**
     * @param cotangent a tensor of the value's shape; not modified
     * @return Jᵢᵀ cotangent for every input i, each of that input's shape
     */
    public Tensor[] apply(Tensor cotangent) {
        Objects.requireNonNull(cotangent, "cotangent");
        return trace.gradients(output, cotangent, variables);
    }

    /**
     * Backward pass restricted to one input (cheaper when the others are not needed).
     *
     * @param cotangent a tensor of the value's shape; not modified
     * @param input     index of the input
     * @return Jᵢᵀ cotangent for {@code i = input}
     */
    public Tensor apply(Tensor cotangent, int input) {
        Objects.requireNonNull(cotangent, "cotangent");
        if (input < 0 || input >= variables.length) {
            throw new IndexOutOfBoundsException("input: expected 0.." + (variables.length - 1) + ", got " + input);
        }
        return trace.gradients(output, cotangent, variables[input])[0];
    }
}
