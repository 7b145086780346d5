package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The sampled oracles of a {@link FiniteSumBilevelProblem} with their per-sample accounting
 * ({@link SampleOracleCounts}): the fused inner call on a batch of b samples counts b gradients, b Hessian-vector
 * products and b cross products; the outer gradient on b samples counts b. One instance per run; not thread-safe.
 */
public final class StochasticOracles {
    private final FiniteSumBilevelProblem problem;
    private final int[] allInner;
    private final int[] allOuter;
    private long innerGradients;
    private long hvps;
    private long crosses;
    private long outerGradients;

    /** @param problem the problem */
    public StochasticOracles(FiniteSumBilevelProblem problem) {
        this.problem = Objects.requireNonNull(problem, "problem");
        this.allInner = problem.inner().allIndices();
        this.allOuter = problem.outer().allIndices();
    }

    /** @return the problem */
    public FiniteSumBilevelProblem problem() {
        return problem;
    }

    /**
     * @param w     w
     * @param v     v
     * @param l     λ
     * @param batch inner indices
     * @return ∇_w g_B, ∇²_ww g_B·v, ∇²_λw g_B·v from one fused call
     */
    public SecondOrderProducts inner(Tensor w, Tensor v, Tensor l, int[] batch) {
        SecondOrderProducts p = problem.innerSecondOrder(w, l, v, batch);
        innerGradients += batch.length;
        hvps += batch.length;
        crosses += batch.length;
        return p;
    }

    /**
     * @param w     w
     * @param l     λ
     * @param batch inner indices
     * @return ∇_w g_B alone (inner SGD steps)
     */
    public Tensor innerGradient(Tensor w, Tensor l, int[] batch) {
        Tensor g = problem.innerGradient(w, l, batch);
        innerGradients += batch.length;
        return g;
    }

    /**
     * @param w     w
     * @param v     v
     * @param l     λ
     * @param batch inner indices
     * @return ∇²_ww g_B·v (counted as one HVP per sample; the fused pass also yields the gradient, not counted)
     */
    public Tensor hessianVector(Tensor w, Tensor v, Tensor l, int[] batch) {
        Tensor h = problem.innerSecondOrder(w, l, v, batch).hessianVector();
        hvps += batch.length;
        return h;
    }

    /**
     * @param w     w
     * @param v     v
     * @param l     λ
     * @param batch inner indices
     * @return ∇²_λw g_B·v (counted as one cross product per sample)
     */
    public Tensor crossVector(Tensor w, Tensor v, Tensor l, int[] batch) {
        Tensor c = problem.innerSecondOrder(w, l, v, batch).crossVector();
        crosses += batch.length;
        return c;
    }

    /**
     * @param w     w
     * @param l     λ
     * @param batch outer indices
     * @return (∇_w f_J, ∇_λ f_J)
     */
    public PartialGradients outer(Tensor w, Tensor l, int[] batch) {
        PartialGradients g = problem.outerGradient(w, l, batch);
        outerGradients += batch.length;
        return g;
    }

    /**
     * @param s          the state
     * @param innerBatch inner indices B
     * @param outerBatch outer indices J
     * @return the sampled directions D^{B,J}(w, v, λ)
     */
    public Directions directions(BilevelState s, int[] innerBatch, int[] outerBatch) {
        return Directions.of(inner(s.inner(), s.adjoint(), s.outer(), innerBatch),
                outer(s.inner(), s.outer(), outerBatch));
    }

    /**
     * @param s the state
     * @return the full-batch directions D(w, v, λ) (counts n + m per oracle kind)
     */
    public Directions fullBatchDirections(BilevelState s) {
        return directions(s, allInner, allOuter);
    }

    /** @return the counts so far */
    public SampleOracleCounts counts() {
        return new SampleOracleCounts(innerGradients, hvps, crosses, outerGradients);
    }
}
