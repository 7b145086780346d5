package org.bilevel4j.benchmarks;

import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.functional.Dataset;
import org.bilevel4j.functional.FuncId;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalBilevelProblem;
import org.bilevel4j.functional.ParametricBilevel;
import org.bilevel4j.functional.PointwiseLoss;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Sgd;

/**
 * The instance of the cost comparison of Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for Machine
 * Learning", NeurIPS 2024 (Table 1 and Figure 4): one FuncID total gradient against one AID total gradient on the
 * weights of the same multi-layer perceptron, the same batch and the same number k of adjoint iterations.
 *
 * <p>The problem: n samples (xᵢ, yᵢ), xᵢ ∈ ℝ^{d_x}, yᵢ ∈ ℝ^{d_v}, one data set for both levels, w ∈ ℝ^{d_v},
 * <pre>
 *   l_in(w, v, x, y) = ½‖v - w ∘ y‖²,     l_out(w, v, x, y) = ½‖v - y‖².
 * </pre>
 * The network τ(θ) is an MLP d_x → H → H → d_v with tanh, H chosen so that the number of weights p_in is closest to
 * the one asked for. The targets are made from the network itself, yᵢ = τ(θ)(xᵢ) / w at the w used, so that θ is an
 * exact inner minimiser (residual zero): the model is well specified, the parametric Hessian in θ is (1/n) JᵀJ
 * (positive semi-definite, so conjugate gradients run their k iterations without a breakdown), and on the sample
 * points h*_w(xᵢ) = w ∘ yᵢ, so F(w) = (1/n) Σᵢ ½‖w ∘ yᵢ - yᵢ‖² with ∇F(w) = (1/n) Σᵢ yᵢ ∘ (w ∘ yᵢ - yᵢ).
 *
 * <p>The two configurations, both started at the learned θ (no inner training):
 * <ul>
 *   <li>{@link #aid}: AID-CG on the parametric problem (eq. (57) of the paper, {@link ParametricBilevel}), t = 0 inner
 *       steps, k conjugate-gradient iterations, each a Hessian-vector product in θ (size p_in);</li>
 *   <li>{@link #funcId}: FuncID with an adjoint network of the same architecture trained by k SGD steps on the
 *       adjoint loss (each step: the adjoint network's forward pass and VJP on the inner and outer batch, output
 *       Hessian-vector products of size d_v), inner optimizer with 0 steps (one inner gradient is still evaluated:
 *       InnerOpt's check of the learned model), no warm start, full batches.</li>
 * </ul>
 */
public final class FunctionalCost {
    /** The value of every coordinate of w at which total gradients are taken. */
    public static final double W = 0.5;

    private final Backend backend;
    private final int hidden;
    private final FunctionModel model;
    private final FunctionalBilevelProblem problem;
    private final Tensor theta;
    private final Tensor w;

    private FunctionalCost(Backend backend, int dx, int n, int hidden, int dv, long seed) {
        this.backend = backend;
        this.hidden = hidden;
        this.model = FunctionModel.of(Mlp.of(dx, new int[] {hidden, hidden}, dv, Activation.Kind.TANH));
        this.theta = model.initialParameters(backend, seed);
        Tensor x = backend.randomNormal(Shape.of(n, dx), seed + 1);
        Tensor y = model.apply(theta, x).detach().div(W);
        Dataset data = new Dataset(x, y);
        PointwiseLoss lIn = PointwiseLoss.of(dv, (ww, v, xx, yy) -> v.sub(yy.mul(ww)).square().sum(1).mul(0.5));
        PointwiseLoss lOut = PointwiseLoss.of(dv, (ww, v, xx, yy) -> v.sub(yy).square().sum(1).mul(0.5));
        this.problem = FunctionalBilevelProblem.builder().innerData(data).outerData(data).innerLoss(lIn)
                .outerLoss(lOut).outerDimension(dv).build();
        this.w = backend.full(Shape.of(dv), DType.FLOAT64, W);
    }

    /**
     * @param backend the backend
     * @param dx      d_x
     * @param n       the number of samples (the batch)
     * @param hidden  H, the width of both hidden layers
     * @param dv      d_v
     * @param seed    the seed of θ and the inputs
     * @return the instance
     */
    public static FunctionalCost of(Backend backend, int dx, int n, int hidden, int dv, long seed) {
        if (dx < 1 || n < 1 || hidden < 1 || dv < 1) {
            throw new IllegalArgumentException("dx, n, hidden, dv: expected positive values, got " + dx + ", " + n
                    + ", " + hidden + ", " + dv);
        }
        return new FunctionalCost(backend, dx, n, hidden, dv, seed);
    }

    /**
     * @param dx     d_x
     * @param hidden H
     * @param dv     d_v
     * @return the weights of d_x → H → H → d_v with biases: (d_x + 1)H + (H + 1)H + (H + 1)d_v
     */
    public static long parameterCount(int dx, int hidden, int dv) {
        long h = hidden;
        return (dx + 1L) * h + (h + 1) * h + (h + 1) * dv;
    }

    /**
     * @param dx     d_x
     * @param target the number of weights wanted
     * @param dv     d_v
     * @return the width H ≥ 1 whose {@link #parameterCount} is closest to the target
     * @throws IllegalArgumentException naming {@code target} if even H = 1 has more than twice the target
     */
    public static int widthFor(int dx, long target, int dv) {
        if (parameterCount(dx, 1, dv) > 2 * target) {
            throw new IllegalArgumentException("target: expected at least " + (parameterCount(dx, 1, dv) + 1) / 2
                    + " weights (the smallest network d_x → 1 → 1 → d_v has " + parameterCount(dx, 1, dv)
                    + "), got " + target);
        }
        int best = 1;
        for (int h = 1; parameterCount(dx, h - 1, dv) <= target; h++) {
            if (Math.abs(parameterCount(dx, h, dv) - target) < Math.abs(parameterCount(dx, best, dv) - target)) {
                best = h;
            }
        }
        return best;
    }

    /** @return the backend */
    public Backend backend() {
        return backend;
    }

    /** @return H */
    public int hidden() {
        return hidden;
    }

    /** @return τ, the inner network (and the adjoint network's architecture) */
    public FunctionModel model() {
        return model;
    }

    /** @return the functional problem */
    public FunctionalBilevelProblem problem() {
        return problem;
    }

    /** @return θ, an exact inner minimiser at {@link #w} */
    public Tensor theta() {
        return theta;
    }

    /** @return w, every coordinate {@link #W} */
    public Tensor w() {
        return w;
    }

    /** @return p_in */
    public int parameterCount() {
        return model.parameterCount();
    }

    /** @return ∇F(w) = (1/n) Σᵢ yᵢ ∘ (w ∘ yᵢ - yᵢ), the functional gradient on the sample points */
    public Tensor functionalGradient() {
        Tensor y = problem.innerData().y();
        return y.mul(y.mul(w).sub(y)).sum(0).div(y.dim(0));
    }

    /** @return the parametric problem of AID: G_in = L̂_in(w, τ(θ)), G_out = L̂_out(w, τ(θ)), no ridge */
    public OptimizationBilevelProblem parametric() {
        return ParametricBilevel.of(problem, model, theta, 0, 1.0);
    }

    /**
     * @param k conjugate-gradient iterations
     * @return AID-CG with t = 0 (the start θ is the learned one) and exactly k iterations
     */
    public static AidEstimator aid(int k) {
        return AidEstimator.builder().innerSteps(0).linearSolver(new ConjugateGradientSolver(), k).build();
    }

    /**
     * @param k            adjoint SGD steps
     * @param learningRate the adjoint's SGD step
     * @param adjointSeed  the seed of the adjoint network's initial ξ
     * @return FuncID, adjoint network of τ's architecture, from the learned θ, no warm start
     */
    public FuncId funcId(int k, double learningRate, long adjointSeed) {
        return FuncId.builder().problem(problem).innerModel(model).innerInitial(theta)
                .innerOptimizer(Sgd.of(learningRate), 0)
                .adjoint(FuncId.AdjointMethod.network(model, Sgd.of(learningRate), k))
                .adjointInitial(model.initialParameters(backend, adjointSeed))
                .warmStart(false).build();
    }
}
