package org.bilevel4j.functional.baselines;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.ValueAndGradient;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.Dataset;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalBilevelProblem;
import org.bilevel4j.functional.InstrumentalVariableProblem;
import org.bilevel4j.functional.OuterStep;
import org.bilevel4j.functional.OuterStepMethod;
import org.bilevel4j.nn.Optimizer;

/**
 * Deep feature instrumental-variable regression with closed-form linear heads (Xu, Chen, Srinivasan, de Freitas,
 * Doucet, Gretton, "Learning Deep Features in Instrumental Variable Regression", ICLR 2021), the DFIV baseline of
 * Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024.
 *
 * <p>The structural function is f(t) = ψ_χ(t)ᵀu + b (the problem's structural model must be a
 * {@link FunctionModel#linearHead}: body ψ_χ, head (u, b)), and the instrument features are φ_θ(x) with
 * φ̄ = [φ_θ(x); 1] (or φ without the constant). With n₁ stage-1 rows (x, t) and n₂ stage-2 rows (x̃, õ):
 * <pre>
 *   stage 1 (inner):  V(θ, χ) = argmin_V (1/n₁)‖Ψ₁ − Φ̄₁V‖²_F + λ₁‖V‖²_F = (Φ̄₁ᵀΦ̄₁ + n₁λ₁I)⁻¹Φ̄₁ᵀΨ₁,
 *                     L₁(θ, χ) = (1/n₁)‖Ψ₁ − Φ̄₁V‖²_F + λ₁‖V‖²_F          (Ψ₁ = ψ_χ(t), Φ̄₁ = φ̄_θ(x))
 *   stage 2 (outer):  Ψ̂₂ = Φ̄₂V,  ū = (u; b) = argmin (1/n₂)‖õ − [Ψ̂₂, 1]ū‖² + λ₂‖ū‖²  (closed form),
 *                     L₂(θ, χ) = (1/n₂)‖õ − [Ψ̂₂, 1]ū‖² + λ₂‖ū‖²
 * </pre>
 * both heads in closed form by dense solves (differentiable), the constant's coefficients penalised too (as the
 * authors' code). One outer step: M optimizer steps on θ with ∇_θ L₁ (χ fixed, gradient through V(θ)), then K
 * (default 1) optimizer steps on χ with ∇_χ L₂ (θ fixed, gradient through V(χ) and ū(χ)), then the heads refit, so
 * that the outer parameter w = [χ; u; b] is always the structural model's parameter vector. Unlike FuncID, DFIV
 * ignores the dependence of the stage-1 features on χ (no adjoint). Full batches; budgets fixed (status
 * BUDGET_EXHAUSTED; DIVERGED on a non-finite loss or gradient, then θ, χ and w keep their values from before the
 * step, though the optimizers' moments may have advanced).
 *
 * <p>The inner estimate ĥ(x) = φ̄_θ(x)V u + b predicts E[f(t) | x]; the losses reported per step are those of the
 * problem's {@link InstrumentalVariableProblem#functional() functional form}, L̂_in = mean (f_w(t) − ĥ(x))² on
 * stage 1 and L̂_out = mean (õ − ĥ(x̃))² on stage 2, at w_n with θ after the step's stage 1. Needs a backend with
 * dense solves. Not thread-safe.
 */
public final class Dfiv implements OuterStepMethod {
    private final InstrumentalVariableProblem iv;
    private final FunctionModel.LinearHeadModel structural;
    private final FunctionModel instrument;
    private final double ridge1;
    private final double ridge2;
    private final Optimizer instrumentOptimizer;
    private final int instrumentSteps;
    private final Optimizer treatmentOptimizer;
    private final int treatmentSteps;
    private final boolean intercept1;
    private final Dataset.Batch s1;
    private final Dataset.Batch s2;
    private Tensor theta;
    private Tensor chi;
    private Tensor w;
    private Tensor v;
    private int n;

    private Dfiv(Builder b) {
        this.iv = Objects.requireNonNull(b.problem, "problem");
        if (!(iv.structural() instanceof FunctionModel.LinearHeadModel lh)) {
            throw new IllegalArgumentException("problem.structural: expected a FunctionModel.linearHead(ψ, 1, bias) "
                    + "(DFIV fits the head in closed form), got " + iv.structural());
        }
        this.structural = lh;
        this.instrument = Objects.requireNonNull(b.instrument, "instrumentFeatures");
        if (instrument.inputDimension() != iv.stage1().inputDimension()) {
            throw new ShapeMismatchException("instrumentFeatures: expected input dimension "
                    + iv.stage1().inputDimension() + " (the instrument's d_x), got " + instrument.inputDimension());
        }
        requireRidge(b.ridge1, "stage1Ridge");
        requireRidge(b.ridge2, "stage2Ridge");
        this.ridge1 = b.ridge1;
        this.ridge2 = b.ridge2;
        this.instrumentOptimizer = Objects.requireNonNull(b.instrumentOptimizer, "instrumentOptimizer");
        this.treatmentOptimizer = Objects.requireNonNull(b.treatmentOptimizer, "treatmentOptimizer");
        this.instrumentSteps = b.instrumentSteps;
        this.treatmentSteps = b.treatmentSteps;
        this.intercept1 = b.intercept1;
        this.s1 = iv.stage1().full();
        this.s2 = iv.stage2().full();
        Backend backend = s1.x().backend();
        this.theta = b.instrumentInitial != null ? b.instrumentInitial : instrument.initialParameters(backend, b.seed);
        instrument.requireParameters(theta, "instrumentInitial");
        Tensor w0 = b.structuralInitial != null ? b.structuralInitial
                : structural.initialParameters(backend, b.seed + 1);
        structural.requireParameters(w0, "structuralInitial");
        this.chi = structural.bodyParameters(w0).detach();
        refit();
    }

    private static void requireRidge(double r, String name) {
        if (!(r >= 0) || !Double.isFinite(r)) {
            throw new IllegalArgumentException(name + ": expected a finite λ ≥ 0, got " + r);
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ closed forms

    /** (FᵀF + nλI)⁻¹FᵀT: the minimiser of (1/n)‖T − FW‖² + λ‖W‖². */
    static Tensor ridge(Tensor f, Tensor t, double lambda) {
        int k = f.dim(1);
        Tensor a = f.matmul(f, true, false);
        if (lambda > 0) {
            a = a.add(f.backend().identity(k).mul(lambda * f.dim(0)));
        }
        return a.solve(f.matmul(t, true, false));
    }

    private Tensor instrumentFeatures(Tensor th, Tensor x) {
        Tensor f = instrument.apply(th, x);
        return intercept1 ? Tensor.concat(1, f, x.backend().ones(x.dim(0), 1)) : f;
    }

    private Tensor headFeatures(Tensor psiHat) {
        return structural.hasBias() ? Tensor.concat(1, psiHat, psiHat.backend().ones(psiHat.dim(0), 1)) : psiHat;
    }

    private Tensor treatmentFeatures(Tensor c, Dataset.Batch b) {
        return structural.body().apply(c, iv.treatments(b.y()));
    }

    /**
     * The profiled stage-1 loss L₁(θ, χ) = (1/n₁)‖Ψ₁ − Φ̄₁V‖²_F + λ₁‖V‖²_F with V the closed-form ridge fit,
     * differentiable in θ and χ (DFIV's stage 1 uses its gradient in θ).
     *
     * @param th θ, the instrument features' parameters
     * @param c  χ, the treatment features' parameters
     * @return the loss (a scalar tensor)
     */
    public Tensor stage1Loss(Tensor th, Tensor c) {
        instrument.requireParameters(th, "theta");
        structural.body().requireParameters(c, "chi");
        Tensor phi = instrumentFeatures(th, s1.x());
        Tensor psi = treatmentFeatures(c, s1);
        Tensor vv = ridge(phi, psi, ridge1);
        Tensor r = psi.sub(phi.matmul(vv));
        Tensor loss = r.square().sum().div(s1.size());
        return ridge1 > 0 ? loss.add(vv.square().sum().mul(ridge1)) : loss;
    }

    /**
     * The profiled stage-2 loss L₂(θ, χ) = (1/n₂)‖õ − [Φ̄₂V, 1]ū‖² + λ₂‖ū‖² with V and ū the closed-form ridge
     * fits, differentiable in θ and χ (DFIV's stage 2 uses its gradient in χ).
     *
     * @param th θ
     * @param c  χ
     * @return the loss (a scalar tensor)
     */
    public Tensor stage2Loss(Tensor th, Tensor c) {
        instrument.requireParameters(th, "theta");
        structural.body().requireParameters(c, "chi");
        Tensor[] fit = fit(th, c);
        Tensor z = fit[1];
        Tensor o = iv.outcomes(s2.y());
        Tensor loss = o.sub(z.matmul(fit[2])).square().sum().div(s2.size());
        return ridge2 > 0 ? loss.add(fit[2].square().sum().mul(ridge2)) : loss;
    }

    /** @return {V, [Ψ̂₂, 1], ū} */
    private Tensor[] fit(Tensor th, Tensor c) {
        Tensor vv = ridge(instrumentFeatures(th, s1.x()), treatmentFeatures(c, s1), ridge1);
        Tensor z = headFeatures(instrumentFeatures(th, s2.x()).matmul(vv));
        Tensor u = ridge(z, iv.outcomes(s2.y()), ridge2);
        return new Tensor[] {vv, z, u};
    }

    /** Refits V and the head at (θ, χ) and sets w = [χ; u; b]. */
    private void refit() {
        Tensor[] fit = fit(theta, chi);
        v = fit[0].detach();
        Tensor u = fit[2].detach();
        int q = structural.body().outputDimension();
        w = structural.parameters(chi, u.sliceRows(0, q), structural.hasBias() ? u.sliceRows(q, q + 1).reshape(1)
                : null);
    }

    // ------------------------------------------------------------------ OuterStepMethod

    @Override
    public String name() {
        return "DFIV";
    }

    @Override
    public FunctionalBilevelProblem problem() {
        return iv.functional();
    }

    /** @return the instrumental-variable problem */
    public InstrumentalVariableProblem ivProblem() {
        return iv;
    }

    @Override
    public Tensor outerParameters() {
        return w;
    }

    /** @return θ, the current instrument features' parameters */
    public Tensor instrumentParameters() {
        return theta;
    }

    /** @return V, the current stage-1 head [q₁ (+1), q₂] */
    public Tensor stage1Head() {
        return v;
    }

    @Override
    public Tensor innerPrediction(Tensor x) {
        problem().requireInputs(x, "x");
        int q = structural.body().outputDimension();
        Tensor u = w.slice(0, structural.headOffset(), structural.headOffset() + q).reshape(q, 1);
        Tensor h = instrumentFeatures(theta, x).matmul(v).matmul(u);
        return structural.hasBias() ? h.add(w.slice(0, structural.headOffset() + q, structural.headOffset() + q + 1))
                : h;
    }

    @Override
    public int iterations() {
        return n;
    }

    @Override
    public OuterStep step() {
        long t0 = System.nanoTime();
        int inner = 0;
        int outer = 0;
        Tensor th = theta;
        final Tensor c0 = chi;
        for (int m = 0; m < instrumentSteps; m++) {
            ValueAndGradient vg = Autodiff.valueAndGrad(t -> stage1Loss(t, c0), th);
            inner++;
            if (!Double.isFinite(vg.value().item()) || !vg.gradient().isFinite()) {
                return diverged(t0, inner, outer, "stage 1: non-finite loss or gradient at step " + m);
            }
            th = instrumentOptimizer.step(th, vg.gradient());
        }
        final Tensor thetaBefore = theta;
        theta = th;
        refit();
        FunctionalBilevelProblem p = problem();
        double innerLoss = p.innerValue(w, innerPrediction(s1.x()), s1).item();
        double outerLoss = p.outerValue(w, innerPrediction(s2.x()), s2).item();
        Tensor c = chi;
        final Tensor thF = theta;
        for (int k = 0; k < treatmentSteps; k++) {
            Tensor g = Autodiff.grad(cc -> stage2Loss(thF, cc), c);
            outer++;
            if (!g.isFinite()) {
                theta = thetaBefore;
                refit();
                return diverged(t0, inner, outer, "stage 2: non-finite gradient at step " + k);
            }
            c = treatmentOptimizer.step(c, g);
        }
        chi = c;
        refit();
        Status status = Double.isFinite(innerLoss) && Double.isFinite(outerLoss) ? Status.BUDGET_EXHAUSTED
                : Status.DIVERGED;
        return new OuterStep(name(), n++, outerLoss, innerLoss, System.nanoTime() - t0,
                new OuterStep.Counts(inner, 0, 0, 0, outer), status, instrumentSteps + " stage-1 and "
                        + treatmentSteps + " stage-2 steps, heads in closed form");
    }

    private OuterStep diverged(long t0, int inner, int outer, String message) {
        return new OuterStep(name(), n++, Double.NaN, Double.NaN, System.nanoTime() - t0,
                new OuterStep.Counts(inner, 0, 0, 0, outer), Status.DIVERGED, message + "; θ, χ and w unchanged");
    }

    /** Builds a {@link Dfiv}. Required: problem, instrumentFeatures, both optimizers. */
    public static final class Builder {
        private InstrumentalVariableProblem problem;
        private FunctionModel instrument;
        private double ridge1 = 0.1;
        private double ridge2 = 0.1;
        private Optimizer instrumentOptimizer;
        private int instrumentSteps = 20;
        private Optimizer treatmentOptimizer;
        private int treatmentSteps = 1;
        private boolean intercept1 = true;
        private long seed;
        private Tensor instrumentInitial;
        private Tensor structuralInitial;

        private Builder() {
        }

        /** @param p the problem; its structural model must be a {@link FunctionModel#linearHead} @return this */
        public Builder problem(InstrumentalVariableProblem p) {
            this.problem = p;
            return this;
        }

        /** @param phi the instrument feature map φ_θ : x ↦ ℝ^{q₁} @return this builder */
        public Builder instrumentFeatures(FunctionModel phi) {
            this.instrument = phi;
            return this;
        }

        /** @param lambda λ₁ ≥ 0 of the stage-1 head (default 0.1) @return this builder */
        public Builder stage1Ridge(double lambda) {
            this.ridge1 = lambda;
            return this;
        }

        /** @param lambda λ₂ ≥ 0 of the stage-2 head (default 0.1) @return this builder */
        public Builder stage2Ridge(double lambda) {
            this.ridge2 = lambda;
            return this;
        }

        /**
         * @param optimizer the optimizer of θ (weight decay: its regulariser)
         * @param steps     M ≥ 0 stage-1 steps per outer step (default 20)
         * @return this builder
         */
        public Builder instrumentOptimizer(Optimizer optimizer, int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("steps: expected M ≥ 0 stage-1 steps, got " + steps);
            }
            this.instrumentOptimizer = optimizer;
            this.instrumentSteps = steps;
            return this;
        }

        /**
         * @param optimizer the optimizer of χ
         * @param steps     K ≥ 1 stage-2 steps per outer step (default 1)
         * @return this builder
         */
        public Builder treatmentOptimizer(Optimizer optimizer, int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("steps: expected K ≥ 1 stage-2 steps, got " + steps);
            }
            this.treatmentOptimizer = optimizer;
            this.treatmentSteps = steps;
            return this;
        }

        /** @param enabled whether φ̄ = [φ; 1] (default true) @return this builder */
        public Builder stage1Intercept(boolean enabled) {
            this.intercept1 = enabled;
            return this;
        }

        /** @param s the seed of the initialisers @return this builder */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param t the initial θ (default: φ's initialiser) @return this builder */
        public Builder instrumentInitial(Tensor t) {
            this.instrumentInitial = t;
            return this;
        }

        /** @param t initial structural parameters [χ; u; b] (only χ is used) @return this builder */
        public Builder structuralInitial(Tensor t) {
            this.structuralInitial = t;
            return this;
        }

        /** @return the validated method, with heads fitted at the initial parameters */
        public Dfiv build() {
            return new Dfiv(this);
        }
    }
}
