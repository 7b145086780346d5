package org.bilevel4j.api.problem.finitesum;

import java.util.Objects;
import java.util.function.Function;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A bilevel empirical-risk problem
 * <pre>
 *   min_λ Φ(λ) = f(w*(λ), λ),   w*(λ) = argmin_w g(w, λ),
 *   g(w, λ) = (1/n) Σᵢ gᵢ(w, λ)  (inner, training),   f(w, λ) = (1/m) Σⱼ fⱼ(w, λ)  (outer, validation),
 * </pre>
 * with g strongly convex in w, each sum a {@link FiniteSum}. Every sampled oracle on a batch B is the
 * corresponding derivative of the batch mean (g_B or f_B), computed by autodiff from one vectorised evaluation:
 * {@link #innerGradient} ∇_w g_B, {@link #outerGradient} (∇_w f_B, ∇_λ f_B) in one backward pass,
 * {@link #hessianVector} ∇²_ww g_B·v, {@link #crossVector} ∇²_λw g_B·v and the fused
 * {@link #innerSecondOrder} (g_B, ∇_w g_B, ∇²_ww g_B·v, ∇²_λw g_B·v from one forward and one
 * backward pass through the gradient). Uniformly drawn batches give unbiased estimates of the full-batch
 * quantities.
 *
 * <p>The full batch is an ordinary {@link OptimizationBilevelProblem} ({@link #fullBatch(Function)},
 * {@link #fullBatch(double)}): every deterministic estimator runs on it and serves as the reference.
 *
 * <p>Argument order follows the rest of the library: inner variable w first, outer variable λ second. Immutable.
 *
 * <p>Define a problem by writing the per-sample losses once, as tensor functions on gathered rows:
 * <pre>{@code
 * FiniteSum train = FiniteSum.overRows((w, l, r) ->            // r[0] = X rows, r[1] = y rows
 *         r[0].matmul(w).sub(r[1]).square().mul(0.5).add(w.dot(w.mul(l.exp())).mul(0.5)), xTrain, yTrain);
 * FiniteSum valid = FiniteSum.overRows((w, l, r) -> r[0].matmul(w).sub(r[1]).square().mul(0.5), xVal, yVal);
 * FiniteSumBilevelProblem p = FiniteSumBilevelProblem.of(train, valid, Shape.of(d), Shape.of(d));
 * }</pre>
 */
public final class FiniteSumBilevelProblem {
    private final FiniteSum inner;
    private final FiniteSum outer;
    private final Shape innerShape;
    private final Shape outerShape;

    private FiniteSumBilevelProblem(FiniteSum inner, FiniteSum outer, Shape innerShape, Shape outerShape) {
        this.inner = inner;
        this.outer = outer;
        this.innerShape = innerShape;
        this.outerShape = outerShape;
    }

    /**
     * @param inner      g = (1/n) Σᵢ gᵢ, strongly convex in w
     * @param outer      f = (1/m) Σⱼ fⱼ
     * @param innerShape shape of w
     * @param outerShape shape of λ
     * @return the problem
     */
    public static FiniteSumBilevelProblem of(FiniteSum inner, FiniteSum outer, Shape innerShape, Shape outerShape) {
        return new FiniteSumBilevelProblem(Objects.requireNonNull(inner, "inner"), Objects.requireNonNull(outer, "outer"),
                Objects.requireNonNull(innerShape, "innerShape"), Objects.requireNonNull(outerShape, "outerShape"));
    }

    /** @return the inner sum g */
    public FiniteSum inner() {
        return inner;
    }

    /** @return the outer sum f */
    public FiniteSum outer() {
        return outer;
    }

    /** @return n, the number of inner (training) samples */
    public int innerSampleCount() {
        return inner.sampleCount();
    }

    /** @return m, the number of outer (validation) samples */
    public int outerSampleCount() {
        return outer.sampleCount();
    }

    /** @return the shape of w */
    public Shape innerShape() {
        return innerShape;
    }

    /** @return the shape of λ */
    public Shape outerShape() {
        return outerShape;
    }

    /**
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param batch inner sample indices
     * @return g_B(w, λ)
     */
    public double innerValue(Tensor w, Tensor l, int[] batch) {
        checkShapes(w, l);
        return inner.mean(w, l, batch).item();
    }

    /**
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param batch outer sample indices
     * @return f_B(w, λ)
     */
    public double outerValue(Tensor w, Tensor l, int[] batch) {
        checkShapes(w, l);
        return outer.mean(w, l, batch).item();
    }

    /**
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param batch inner sample indices
     * @return ∇_w g_B(w, λ) (one backward pass, λ not traced)
     */
    public Tensor innerGradient(Tensor w, Tensor l, int[] batch) {
        checkShapes(w, l);
        inner.checkBatch(batch);
        return ScalarObjective.innerGradient((ww, ll) -> inner.mean(ww, ll, batch), w, l);
    }

    /**
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param batch outer sample indices
     * @return (∇_w f_B, ∇_λ f_B) from one backward pass
     */
    public PartialGradients outerGradient(Tensor w, Tensor l, int[] batch) {
        checkShapes(w, l);
        outer.checkBatch(batch);
        return Autodiff.grad((ww, ll) -> outer.mean(ww, ll, batch), w, l);
    }

    /**
     * The fused inner call of the single-loop methods: one sample set serves the gradient, the Hessian-vector
     * product and the cross product.
     *
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param v     a tensor of the shape of w; not modified
     * @param batch inner sample indices
     * @return g_B, ∇_w g_B, ∇²_ww g_B·v and ∇²_λw g_B·v
     */
    public SecondOrderProducts innerSecondOrder(Tensor w, Tensor l, Tensor v, int[] batch) {
        checkShapes(w, l);
        inner.checkBatch(batch);
        return Autodiff.secondOrder((ww, ll) -> inner.mean(ww, ll, batch), w, l, v);
    }

    /**
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param v     a tensor of the shape of w; not modified
     * @param batch inner sample indices
     * @return ∇²_ww g_B(w, λ)·v
     */
    public Tensor hessianVector(Tensor w, Tensor l, Tensor v, int[] batch) {
        return innerSecondOrder(w, l, v, batch).hessianVector();
    }

    /**
     * @param w     inner variable; not modified
     * @param l     outer variable λ; not modified
     * @param v     a tensor of the shape of w; not modified
     * @param batch inner sample indices
     * @return ∇²_λw g_B(w, λ)·v, of the shape of λ
     */
    public Tensor crossVector(Tensor w, Tensor l, Tensor v, int[] batch) {
        return innerSecondOrder(w, l, v, batch).crossVector();
    }

    /** @return the full-batch inner objective g as a {@link ScalarObjective} */
    public ScalarObjective innerObjective() {
        return inner.objective(inner.allIndices());
    }

    /** @return the full-batch outer objective f as a {@link ScalarObjective} */
    public ScalarObjective outerObjective() {
        return outer.objective(outer.allIndices());
    }

    /**
     * @param curvature μ and L of ∇²_ww g at each λ (the inner map is then gradient descent with the optimal step)
     * @return the full-batch problem, for the deterministic estimators
     */
    public OptimizationBilevelProblem fullBatch(Function<Tensor, CurvatureBounds> curvature) {
        return BilevelProblem.optimization(outerObjective(), innerObjective(), innerShape, outerShape, curvature);
    }

    /**
     * @param step the gradient step α &gt; 0 of the inner map (below 2/L for a contraction)
     * @return the full-batch problem, for the deterministic estimators
     */
    public OptimizationBilevelProblem fullBatch(double step) {
        return BilevelProblem.optimization(outerObjective(), innerObjective(), innerShape, outerShape, step);
    }

    private void checkShapes(Tensor w, Tensor l) {
        Objects.requireNonNull(w, "inner");
        Objects.requireNonNull(l, "outer");
        if (!w.shape().equals(innerShape)) {
            throw new org.bilevel4j.api.error.ShapeMismatchException("inner: expected the problem's inner shape "
                    + innerShape + ", got " + w.shape());
        }
        if (!l.shape().equals(outerShape)) {
            throw new org.bilevel4j.api.error.ShapeMismatchException("outer: expected the problem's outer shape "
                    + outerShape + ", got " + l.shape());
        }
    }
}
