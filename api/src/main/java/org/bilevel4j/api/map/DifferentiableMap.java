package org.bilevel4j.api.map;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A differentiable map F: x ↦ F(x), known through its value and its matrix-free derivatives: the
 * vector-Jacobian product J(x)ᵀc and the Jacobian-vector product J(x)u. No Jacobian is ever formed.
 *
 * <p>Build one from a tensor lambda with {@link #of} (autodiff supplies the derivatives) or implement it by
 * hand when the derivatives are known in closed form. Implementations must not modify their arguments.
 */
public interface DifferentiableMap {

    /**
     * @param x the point; not modified
     * @return F(x)
     */
    Tensor apply(Tensor x);

    /**
     * @param x         the point; not modified
     * @param cotangent a tensor of the shape of F(x); not modified
     * @return J(x)ᵀ cotangent, of the shape of x
     */
    Tensor vjp(Tensor x, Tensor cotangent);

    /**
     * @param x       the point; not modified
     * @param tangent a tensor of the shape of x; not modified
     * @return J(x) tangent, of the shape of F(x)
     */
    Tensor jvp(Tensor x, Tensor tangent);

    /**
     * @param f a function written with tensor operations
     * @return the map, differentiated by autodiff
     */
    static DifferentiableMap of(UnaryOperator<Tensor> f) {
        Objects.requireNonNull(f, "f");
        return new DifferentiableMap() {
            @Override
            public Tensor apply(Tensor x) {
                return f.apply(x);
            }

            @Override
            public Tensor vjp(Tensor x, Tensor cotangent) {
                return Autodiff.vjp(f, x, cotangent);
            }

            @Override
            public Tensor jvp(Tensor x, Tensor tangent) {
                return Autodiff.jvp(f, x, tangent);
            }
        };
    }
}
