package org.bilevel4j.api.autodiff;

import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.Trace;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Function transformations for automatic differentiation: {@code grad}, {@code valueAndGrad}, {@code vjp},
 * {@code jvp}, {@code hvp}, dense {@code jacobian} and {@code hessian}, and the fused {@link #secondOrder} call
 * of the stochastic bilevel methods.
 *
 * <p>Functions are plain lambdas over {@link Tensor}s. Each call creates its own {@link Trace}s, so the
 * transformations nest (a function may itself call {@code grad}, and be differentiated) and are safe to use
 * from several threads. Reverse mode is exact up to rounding; {@link #jvp} is computed as the derivative of a
 * VJP with respect to its (linear) cotangent, costing about two backward passes.
 *
 * <p>Every point and every vector passed here must be finite: a NaN or an infinity gives a
 * {@link org.bilevel4j.api.error.NonFiniteValueException} naming the argument. Derivative results are not
 * checked; they can be NaN where the function is not differentiable (e.g. {@code sqrt} at 0).
 */
public final class Autodiff {
    private Autodiff() {
    }

    /**
     * @param f a scalar-valued function (one-element output)
     * @param x the point; not modified
     * @return ∇f(x), of the shape of x
     */
    public static Tensor grad(UnaryOperator<Tensor> f, Tensor x) {
        return valueAndGrad(f, x).gradient();
    }

    /**
     * @param f a scalar-valued function (one-element output)
     * @param x the point; not modified
     * @return f(x) and ∇f(x) from one forward and one backward pass
     */
    public static ValueAndGradient valueAndGrad(UnaryOperator<Tensor> f, Tensor x) {
        Objects.requireNonNull(f, "f");
        x.requireFinite("x");
        Trace trace = new Trace();
        Tensor xv = trace.variable(x);
        Tensor y = requireScalar(f.apply(xv), "f");
        return new ValueAndGradient(trace.value(y), trace.gradient(y, xv));
    }

    /**
     * @param f a scalar-valued function of two arguments
     * @param w first argument (the inner variable); not modified
     * @param lambda second argument (the outer variable); not modified
     * @return both partial gradients from one backward pass
     */
    public static PartialGradients grad(BinaryOperator<Tensor> f, Tensor w, Tensor lambda) {
        return valueAndGrad(f, w, lambda).gradient();
    }

    /**
     * @param f a scalar-valued function of two arguments
     * @param w first argument (the inner variable); not modified
     * @param lambda second argument (the outer variable); not modified
     * @return the value and both partial gradients from one forward and one backward pass
     */
    public static ValueAndPartials valueAndGrad(BinaryOperator<Tensor> f, Tensor w, Tensor lambda) {
        Objects.requireNonNull(f, "f");
        w.requireFinite("w");
        lambda.requireFinite("lambda");
        Trace trace = new Trace();
        Tensor wv = trace.variable(w);
        Tensor lv = trace.variable(lambda);
        Tensor y = requireScalar(f.apply(wv, lv), "f");
        Tensor[] g = trace.gradients(y, ones(y), wv, lv);
        return new ValueAndPartials(trace.value(y), g[0], g[1]);
    }

    /**
     * Records f at x for reverse mode; the returned pullback maps cotangents to VJPs without re-running f.
     *
     * @param f a function
     * @param x the point; not modified
     * @return the value and pullback of f at x
     */
    public static Pullback vjp(UnaryOperator<Tensor> f, Tensor x) {
        Objects.requireNonNull(f, "f");
        x.requireFinite("x");
        Trace trace = new Trace();
        Tensor xv = trace.variable(x);
        return new Pullback(trace, f.apply(xv), xv);
    }

    /**
     * Records a two-argument map at (w, λ); its pullback returns both partial VJPs from one backward pass.
     *
     * @param f a function of two arguments
     * @param w first argument; not modified
     * @param lambda second argument; not modified
     * @return the value and pullback of f at (w, λ)
     */
    public static Pullback vjp(BinaryOperator<Tensor> f, Tensor w, Tensor lambda) {
        Objects.requireNonNull(f, "f");
        w.requireFinite("w");
        lambda.requireFinite("lambda");
        Trace trace = new Trace();
        Tensor wv = trace.variable(w);
        Tensor lv = trace.variable(lambda);
        return new Pullback(trace, f.apply(wv, lv), wv, lv);
    }

    /**
     * @param f         a function
     * @param x         the point; not modified
     * @param cotangent a finite tensor of the shape of f(x); not modified
     * @return J(x)ᵀ cotangent
     */
    public static Tensor vjp(UnaryOperator<Tensor> f, Tensor x, Tensor cotangent) {
        cotangent.requireFinite("cotangent");
        return vjp(f, x).apply(cotangent)[0];
    }

    /**
     * Forward-mode product, computed as the derivative of the VJP with respect to its cotangent (which is
     * linear): J u = d/dc ⟨Jᵀc, u⟩.
     *
     * @param f       a function
     * @param x       the point; not modified
     * @param tangent a finite tensor of the shape of x; not modified
     * @return J(x) tangent, of the shape of f(x)
     */
    public static Tensor jvp(UnaryOperator<Tensor> f, Tensor x, Tensor tangent) {
        return jvp(vjp(f, x), tangent);
    }

    /**
     * Forward-mode product of a pullback's function: J u for one input, by differentiating the pullback
     * with respect to its cotangent. Used by maps that offer both VJPs and JVPs from one linearization.
     *
     * @param pullback a recorded function
     * @param tangents one tangent per input (null for a zero tangent); not modified
     * @return Σᵢ Jᵢ tangentᵢ, of the shape of the value
     */
    public static Tensor jvp(Pullback pullback, Tensor... tangents) {
        if (tangents.length != pullback.arity()) {
            throw new IllegalArgumentException("tangents: expected " + pullback.arity() + " (one per input), got "
                    + tangents.length);
        }
        Tensor value = pullback.value();
        Trace cotangentTrace = new Trace();
        Tensor c = cotangentTrace.variable(value.backend().zeros(value.shape(), value.dtype()));
        Tensor[] vjps = pullback.apply(c);
        Tensor s = null;
        for (int i = 0; i < tangents.length; i++) {
            if (tangents[i] != null) {
                requireLike(tangents[i], vjps[i], "tangents[" + i + "]");
                Tensor term = vjps[i].dot(tangents[i]);
                s = s == null ? term : s.add(term);
            }
        }
        if (s == null) {
            return value.backend().zeros(value.shape(), value.dtype());
        }
        return cotangentTrace.gradient(s, c);
    }

    /**
     * Hessian-vector product by reverse-over-reverse differentiation; costs about two gradients.
     *
     * @param f a scalar-valued, twice differentiable function
     * @param x the point; not modified
     * @param v a finite tensor of the shape of x; not modified
     * @return ∇²f(x) v
     */
    public static Tensor hvp(UnaryOperator<Tensor> f, Tensor x, Tensor v) {
        Objects.requireNonNull(f, "f");
        x.requireFinite("x");
        requireLike(v, x, "v");
        Trace outer = new Trace();
        Tensor x1 = outer.variable(x);
        Trace inner = new Trace();
        Tensor x2 = inner.variable(x1);
        Tensor g = inner.gradient(requireScalar(f.apply(x2), "f"), x2);
        return outer.gradient(g.dot(v), x1);
    }

    /**
     * The fused call of the stochastic bilevel methods: for an inner objective g(w, λ) and a vector v,
     * returns g, ∇_w g, ∇²_ww g·v and ∇²_λw g·v from one forward pass and one
     * backward pass through the gradient (the last two are the two partial derivatives of
     * ⟨∇_w g(w, λ), v⟩).
     *
     * @param g      a scalar-valued function of (w, λ)
     * @param w      the inner variable; not modified
     * @param lambda the outer variable; not modified
     * @param v      a finite tensor of the shape of w; not modified
     * @return the value, the gradient in w, and the two second-order products
     */
    public static SecondOrderProducts secondOrder(BinaryOperator<Tensor> g, Tensor w, Tensor lambda, Tensor v) {
        Objects.requireNonNull(g, "g");
        w.requireFinite("w");
        lambda.requireFinite("lambda");
        requireLike(v, w, "v");
        Trace outer = new Trace();
        Tensor w1 = outer.variable(w);
        Tensor l1 = outer.variable(lambda);
        Trace inner = new Trace();
        Tensor w2 = inner.variable(w1);
        Tensor value = requireScalar(g.apply(w2, l1), "g");
        Tensor gradient = inner.gradient(value, w2);
        Tensor s = gradient.dot(v);
        Tensor[] second = outer.gradients(s, ones(s), w1, l1);
        return new SecondOrderProducts(outer.value(inner.value(value)), outer.value(gradient), second[0], second[1]);
    }

    /**
     * Dense Jacobian, one backward pass per output element; for tests and small problems.
     *
     * @param f a function
     * @param x the point; not modified
     * @return the matrix J of shape [size of f(x), size of x], over row-major flattenings
     */
    public static Tensor jacobian(UnaryOperator<Tensor> f, Tensor x) {
        Pullback p = vjp(f, x);
        Tensor y = p.value();
        int m = y.size();
        int n = x.size();
        Tensor[] rows = new Tensor[m];
        for (int i = 0; i < m; i++) {
            double[] e = new double[m];
            e[i] = 1.0;
            Tensor ct = y.backend().fromArray(e, y.shape(), y.dtype());
            rows[i] = p.apply(ct)[0].reshape(1, n);
        }
        return m == 0 ? x.backend().zeros(Shape.of(0, n), x.dtype()) : Tensor.concat(0, rows);
    }

    /**
     * Dense Hessian of a scalar function, one Hessian-vector product per coordinate; for tests and small problems.
     *
     * @param f a scalar-valued, twice differentiable function
     * @param x the point; not modified
     * @return the n×n Hessian over the row-major flattening of x
     */
    public static Tensor hessian(UnaryOperator<Tensor> f, Tensor x) {
        return jacobian(z -> {
            Trace inner = new Trace();
            Tensor zv = inner.variable(z);
            return inner.gradient(requireScalar(f.apply(zv), "f"), zv);
        }, x);
    }

    private static Tensor requireScalar(Tensor y, String name) {
        if (y.size() != 1) {
            throw new ShapeMismatchException(name + ": expected a scalar output (one element) to differentiate without "
                    + "a cotangent, got shape " + y.shape() + "; use vjp with a cotangent of that shape");
        }
        return y;
    }

    private static void requireLike(Tensor t, Tensor like, String name) {
        Objects.requireNonNull(t, name);
        if (!t.shape().equals(like.shape())) {
            throw new ShapeMismatchException(name + ": expected shape " + like.shape() + ", got " + t.shape());
        }
        t.requireFinite(name);
    }

    private static Tensor ones(Tensor like) {
        return like.backend().full(like.shape(), like.dtype(), 1.0);
    }
}
