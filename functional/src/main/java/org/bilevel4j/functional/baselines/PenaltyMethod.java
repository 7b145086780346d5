package org.bilevel4j.functional.baselines;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.ValueAndGradient;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.Dataset;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalBilevelProblem;
import org.bilevel4j.functional.OuterStep;
import org.bilevel4j.functional.OuterStepMethod;
import org.bilevel4j.nn.Optimizer;

/**
 * Single-level penalty methods for a functional bilevel problem with the inner function parameterised as
 * h = τ(θ) (Shen, Chen, "On Penalty-based Bilevel Gradient Descent Method", ICML 2023, eqs. (3.2) and (5.1); the
 * "GD penal." and "Val penal." baselines of Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for
 * Machine Learning", NeurIPS 2024). They minimise, jointly over (w, θ),
 * <pre>
 *   Φ_γ(w, θ) = L̂_out(w, τ(θ)) + γ · p(w, θ)
 *   gradient penalty:        p = ‖∇_θ L̂_in(w, τ(θ))‖²        ({@link Penalty#GRADIENT_SQUARED}, Shen and Chen's form)
 *                            p = ‖∇_θ L̂_in(w, τ(θ))‖         ({@link Penalty#GRADIENT_NORM}, the paper's code)
 *   value-function penalty:  p = L̂_in(w, τ(θ)) − L̂_in(w, τ(θ̃)),  θ̃ ≈ argmin_θ' L̂_in(w, τ(θ'))  ({@link Penalty#VALUE_FUNCTION})
 * </pre>
 * with a penalty weight γ_n from a {@link Schedule}; as γ → ∞ the minimisers approach the bilevel solution (at
 * rate O(1/γ) on quadratic problems). One outer step n: for each of the {@code jointSteps} updates, draw batches,
 * (value function only) run K warm-started optimizer steps on θ̃ for L̂_in(w, τ(·)), take ∇_w Φ_γ and ∇_θ Φ_γ
 * by autodiff (the gradient penalty by double back-propagation, a Hessian-vector product in θ; the value function
 * with θ̃ held fixed, which is its gradient at an exact minimiser by Danskin's theorem), and update w and θ with
 * their optimizers — with {@code normalised} (default), along ∇Φ_γ / max(1, γ), the gradient of an objective with
 * the same minimisers whose curvature does not grow with γ (for SGD, steps ∝ 1/γ, as in Shen and Chen's
 * analysis). The budgets are fixed (status BUDGET_EXHAUSTED; DIVERGED on a non-finite gradient, then the
 * update is skipped). The step's losses are L̂_in and L̂_out at the last update's (w, θ) before it, on its batches.
 * Not thread-safe.
 */
public final class PenaltyMethod implements OuterStepMethod {

    /** The penalty term p(w, θ). */
    public enum Penalty {
        /** ‖∇_θ L̂_in‖², Shen and Chen's eq. (5.1) */
        GRADIENT_SQUARED,
        /** ‖∇_θ L̂_in‖ (not differentiable where the gradient vanishes), the form of the authors' code */
        GRADIENT_NORM,
        /** L̂_in(w, τ(θ)) − min_θ' L̂_in(w, τ(θ')), the minimum approximated by an inner loop; eq. (3.2) */
        VALUE_FUNCTION
    }

    /** The penalty weight γ_n of outer step n. */
    @FunctionalInterface
    public interface Schedule {
        /** @param n the outer step, from 0 @return γ_n, finite and ≥ 0 */
        double weight(int n);

        /** @param gamma γ ≥ 0 @return γ_n = γ */
        static Schedule constant(double gamma) {
            requireWeight(gamma, "gamma");
            return n -> gamma;
        }

        /**
         * @param gamma0 γ₀ &gt; 0
         * @param factor the growth factor ≥ 1 per outer step
         * @param max    the cap γ_max ≥ γ₀
         * @return γ_n = min(γ₀ · factorⁿ, γ_max)
         */
        static Schedule geometric(double gamma0, double factor, double max) {
            requireWeight(gamma0, "gamma0");
            if (!(gamma0 > 0)) {
                throw new IllegalArgumentException("gamma0: expected γ₀ > 0, got " + gamma0);
            }
            if (!(factor >= 1) || !Double.isFinite(factor)) {
                throw new IllegalArgumentException("factor: expected a finite growth factor ≥ 1, got " + factor);
            }
            requireWeight(max, "max");
            if (!(max >= gamma0)) {
                throw new IllegalArgumentException("max: expected γ_max ≥ γ₀ = " + gamma0 + ", got " + max);
            }
            return n -> Math.min(max, gamma0 * Math.pow(factor, n));
        }

        private static void requireWeight(double g, String name) {
            if (!(g >= 0) || !Double.isFinite(g)) {
                throw new IllegalArgumentException(name + ": expected a finite penalty weight ≥ 0, got " + g);
            }
        }
    }

    private final FunctionalBilevelProblem problem;
    private final FunctionModel model;
    private final Penalty penalty;
    private final Schedule schedule;
    private final Optimizer outerOptimizer;
    private final Optimizer innerOptimizer;
    private final Optimizer valueOptimizer;
    private final int valueSteps;
    private final int jointSteps;
    private final boolean normalised;
    private final Dataset.Sampler inSampler;
    private final Dataset.Sampler outSampler;
    private Tensor w;
    private Tensor theta;
    private Tensor thetaTilde;
    private int n;

    private PenaltyMethod(Builder b) {
        this.problem = Objects.requireNonNull(b.problem, "problem");
        this.model = Objects.requireNonNull(b.model, "innerModel");
        problem.requireCompatible(model, "innerModel");
        this.penalty = Objects.requireNonNull(b.penalty, "penalty");
        this.schedule = Objects.requireNonNull(b.schedule, "schedule");
        this.outerOptimizer = Objects.requireNonNull(b.outerOptimizer, "outerOptimizer");
        this.innerOptimizer = Objects.requireNonNull(b.innerOptimizer, "innerOptimizer");
        if (penalty == Penalty.VALUE_FUNCTION && b.valueOptimizer == null) {
            throw new IllegalArgumentException("valueOptimizer: expected an optimizer for the value-function "
                    + "penalty's inner loop, got none");
        }
        this.valueOptimizer = b.valueOptimizer;
        this.valueSteps = b.valueSteps;
        this.jointSteps = b.jointSteps;
        this.normalised = b.normalised;
        if (b.innerBatchSize < 1) {
            throw new IllegalArgumentException("innerBatchSize: expected a positive batch size, got "
                    + b.innerBatchSize);
        }
        if (b.outerBatchSize < 1) {
            throw new IllegalArgumentException("outerBatchSize: expected a positive batch size, got "
                    + b.outerBatchSize);
        }
        this.inSampler = problem.innerData().sampler(b.innerBatchSize, b.seed);
        this.outSampler = problem.outerData().sampler(b.outerBatchSize, b.seed + 0x9E3779B97F4A7C15L);
        Objects.requireNonNull(b.w0, "outerInitial");
        problem.requireW(b.w0, "outerInitial");
        this.w = b.w0.detach().requireFinite("outerInitial");
        Tensor t0 = b.theta0 != null ? b.theta0 : model.initialParameters(problem.innerData().x().backend(), b.seed);
        this.theta = model.requireParameters(t0, "innerInitial").detach();
        this.thetaTilde = theta;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Φ_γ(w, θ) on the given batches (θ̃ held fixed; ignored by the gradient penalties).
     *
     * @param w          w [d]
     * @param th         θ [p]
     * @param thetaTilde θ̃ [p] for the value-function penalty (may be null otherwise)
     * @param gamma      γ ≥ 0
     * @param in         a batch of D_in
     * @param out        a batch of D_out
     * @return the penalised objective (a scalar tensor, differentiable in w and θ)
     */
    public Tensor objective(Tensor w, Tensor th, Tensor thetaTilde, double gamma, Dataset.Batch in,
            Dataset.Batch out) {
        Tensor lo = problem.outerValue(w, model.apply(th, out.x()), out);
        Tensor p = switch (penalty) {
            case GRADIENT_SQUARED, GRADIENT_NORM -> {
                Tensor g = Autodiff.grad(t -> problem.innerValue(w, model.apply(t, in.x()), in), th);
                yield penalty == Penalty.GRADIENT_SQUARED ? g.dot(g) : g.norm();
            }
            case VALUE_FUNCTION -> {
                Objects.requireNonNull(thetaTilde, "thetaTilde");
                Tensor tt = thetaTilde.detach();
                yield problem.innerValue(w, model.apply(th, in.x()), in)
                        .sub(problem.innerValue(w, model.apply(tt, in.x()), in));
            }
        };
        return gamma == 0 ? lo : lo.add(p.mul(gamma));
    }

    /**
     * Φ_γ on the full data sets.
     *
     * @param w          w
     * @param th         θ
     * @param thetaTilde θ̃ (value-function penalty; may be null otherwise)
     * @param gamma      γ ≥ 0
     * @return the value
     */
    public double objective(Tensor w, Tensor th, Tensor thetaTilde, double gamma) {
        requireGamma(gamma);
        return objective(w, th, thetaTilde, gamma, problem.innerData().full(), problem.outerData().full()).item();
    }

    /**
     * ∇_w Φ_γ and ∇_θ Φ_γ on the full data sets, by autodiff (θ̃ held fixed).
     *
     * @param w          w
     * @param th         θ
     * @param thetaTilde θ̃ (value-function penalty; may be null otherwise)
     * @param gamma      γ ≥ 0
     * @return {∇_w Φ_γ, ∇_θ Φ_γ}
     */
    public Tensor[] gradient(Tensor w, Tensor th, Tensor thetaTilde, double gamma) {
        requireGamma(gamma);
        Dataset.Batch in = problem.innerData().full();
        Dataset.Batch out = problem.outerData().full();
        PartialGradients g = Autodiff.grad((t, ww) -> objective(ww, t, thetaTilde, gamma, in, out), th, w);
        return new Tensor[] {g.outer(), g.inner()};
    }

    private static void requireGamma(double gamma) {
        if (!(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("gamma: expected a finite penalty weight ≥ 0, got " + gamma);
        }
    }

    @Override
    public String name() {
        return penalty == Penalty.VALUE_FUNCTION ? "value-function-penalty" : "gradient-penalty";
    }

    /** @return the penalty */
    public Penalty penalty() {
        return penalty;
    }

    @Override
    public FunctionalBilevelProblem problem() {
        return problem;
    }

    @Override
    public Tensor outerParameters() {
        return w;
    }

    /** @return θ, the current inner model parameters */
    public Tensor innerParameters() {
        return theta;
    }

    @Override
    public Tensor innerPrediction(Tensor x) {
        problem.requireInputs(x, "x");
        return model.apply(theta, x).detach();
    }

    @Override
    public int iterations() {
        return n;
    }

    @Override
    public OuterStep step() {
        long t0 = System.nanoTime();
        double gamma = schedule.weight(n);
        if (!(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("schedule: expected a finite penalty weight ≥ 0 at step " + n
                    + ", got " + gamma);
        }
        long innerGrads = 0;
        long hvps = 0;
        long outerGrads = 0;
        double innerLoss = Double.NaN;
        double outerLoss = Double.NaN;
        for (int j = 0; j < jointSteps; j++) {
            Dataset.Batch in = inSampler.next();
            Dataset.Batch out = outSampler.next();
            final Tensor wf = w;
            if (penalty == Penalty.VALUE_FUNCTION) {
                Tensor tt = thetaTilde;
                for (int k = 0; k < valueSteps; k++) {
                    Dataset.Batch bk = k == 0 ? in : inSampler.next();
                    ValueAndGradient vg = Autodiff.valueAndGrad(t -> problem.innerValue(wf, model.apply(t, bk.x()),
                            bk), tt);
                    innerGrads++;
                    if (!vg.gradient().isFinite()) {
                        return diverged(t0, innerGrads, hvps, outerGrads, "value-function inner loop: non-finite "
                                + "gradient at step " + k);
                    }
                    tt = valueOptimizer.step(tt, vg.gradient());
                }
                thetaTilde = tt;
                innerGrads += 2;
            } else {
                innerGrads++;
                hvps++;
            }
            final Tensor ttf = thetaTilde;
            PartialGradients g = Autodiff.grad((t, ww) -> objective(ww, t, ttf, gamma, in, out), theta, w);
            outerGrads++;
            if (!g.inner().isFinite() || !g.outer().isFinite()) {
                return diverged(t0, innerGrads, hvps, outerGrads, "non-finite gradient of the penalised objective "
                        + "at joint step " + j + " (γ = " + gamma + ")");
            }
            if (j == jointSteps - 1) { // only the last update's losses are reported
                innerLoss = problem.innerValue(w, model.apply(theta, in.x()), in).item();
                outerLoss = problem.outerValue(w, model.apply(theta, out.x()), out).item();
            }
            double scale = normalised && gamma > 1 ? 1 / gamma : 1;
            w = outerOptimizer.step(w, scale == 1 ? g.outer() : g.outer().mul(scale));
            theta = innerOptimizer.step(theta, scale == 1 ? g.inner() : g.inner().mul(scale));
        }
        if (jointSteps == 0) {
            Dataset.Batch in = inSampler.next();
            Dataset.Batch out = outSampler.next();
            innerLoss = problem.innerValue(w, model.apply(theta, in.x()), in).item();
            outerLoss = problem.outerValue(w, model.apply(theta, out.x()), out).item();
        }
        return new OuterStep(name(), n++, outerLoss, innerLoss, System.nanoTime() - t0,
                new OuterStep.Counts(innerGrads, 0, 0, hvps, outerGrads), Status.BUDGET_EXHAUSTED, jointSteps
                        + " joint steps at γ = " + gamma);
    }

    private OuterStep diverged(long t0, long inner, long hvps, long outer, String message) {
        return new OuterStep(name(), n++, Double.NaN, Double.NaN, System.nanoTime() - t0,
                new OuterStep.Counts(inner, 0, 0, hvps, outer), Status.DIVERGED, message + "; update skipped");
    }

    /** Builds a {@link PenaltyMethod}. Required: problem, innerModel, outerInitial, penalty, schedule, optimizers. */
    public static final class Builder {
        private FunctionalBilevelProblem problem;
        private FunctionModel model;
        private Tensor theta0;
        private Tensor w0;
        private Penalty penalty;
        private Schedule schedule;
        private Optimizer outerOptimizer;
        private Optimizer innerOptimizer;
        private Optimizer valueOptimizer;
        private int valueSteps = 20;
        private int jointSteps = 1;
        private int innerBatchSize = Integer.MAX_VALUE;
        private int outerBatchSize = Integer.MAX_VALUE;
        private long seed;
        private boolean normalised = true;

        private Builder() {
        }

        /** @param p the problem @return this builder */
        public Builder problem(FunctionalBilevelProblem p) {
            this.problem = p;
            return this;
        }

        /** @param m τ(θ), the model of h @return this builder */
        public Builder innerModel(FunctionModel m) {
            this.model = m;
            return this;
        }

        /** @param t θ₀ (default: the model's initialiser) @return this builder */
        public Builder innerInitial(Tensor t) {
            this.theta0 = t;
            return this;
        }

        /** @param w w₀ [d] @return this builder */
        public Builder outerInitial(Tensor w) {
            this.w0 = w;
            return this;
        }

        /** @param p the penalty @param s its weight schedule @return this builder */
        public Builder penalty(Penalty p, Schedule s) {
            this.penalty = p;
            this.schedule = s;
            return this;
        }

        /** @param o the optimizer of w @return this builder */
        public Builder outerOptimizer(Optimizer o) {
            this.outerOptimizer = o;
            return this;
        }

        /** @param o the optimizer of θ on the penalised objective @return this builder */
        public Builder innerOptimizer(Optimizer o) {
            this.innerOptimizer = o;
            return this;
        }

        /**
         * @param o     the optimizer of θ̃ (value-function penalty's inner loop)
         * @param steps K ≥ 0 steps per joint update (default 20), warm-started
         * @return this builder
         */
        public Builder valueOptimizer(Optimizer o, int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("steps: expected K ≥ 0 inner-loop steps, got " + steps);
            }
            this.valueOptimizer = Objects.requireNonNull(o, "valueOptimizer");
            this.valueSteps = steps;
            return this;
        }

        /** @param j joint updates of (w, θ) per outer step, ≥ 0 (default 1) @return this builder */
        public Builder jointSteps(int j) {
            if (j < 0) {
                throw new IllegalArgumentException("jointSteps: expected a count ≥ 0, got " + j);
            }
            this.jointSteps = j;
            return this;
        }

        /** @param b batch size on D_in (default: full batch) @return this builder */
        public Builder innerBatchSize(int b) {
            this.innerBatchSize = b;
            return this;
        }

        /** @param b batch size on D_out (default: full batch) @return this builder */
        public Builder outerBatchSize(int b) {
            this.outerBatchSize = b;
            return this;
        }

        /**
         * @param enabled whether updates follow ∇Φ_γ / max(1, γ) (default true) rather than ∇Φ_γ
         * @return this builder
         */
        public Builder normalised(boolean enabled) {
            this.normalised = enabled;
            return this;
        }

        /** @param s the seed of batches and the default θ₀ @return this builder */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @return the validated method */
        public PenaltyMethod build() {
            return new PenaltyMethod(this);
        }
    }
}
