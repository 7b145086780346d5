package org.bilevel4j.functional;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.Pullback;
import org.bilevel4j.api.autodiff.ValueAndGradient;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.nn.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FuncID, functional implicit differentiation (Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for
 * Machine Learning", NeurIPS 2024, Algorithms 1–4): "differentiate implicitly, then parameterise".
 *
 * <p>One total gradient at w ({@link #totalGradient}) is
 * <ol>
 *   <li><b>InnerOpt</b> (Algorithm 2): M optimizer steps on θ of ĥ = τ(θ) for the empirical inner loss
 *       L̂_in(w, τ(θ), B_in) on batches of D_in (or, for small models, Newton's method on the full batch);</li>
 *   <li><b>AdjointOpt</b> (Algorithm 3): an adjoint function â that minimises the empirical adjoint loss
 *       ½ mean_{B_in} aᵀ∂²_v l_in a + mean_{B_out} aᵀ∂_v l_out (eq. (9)), whose Hessian is the d_v × d_v output
 *       Hessian; either a network ν(ξ) trained by K optimizer steps, each one a VJP of ν with the cotangents
 *       (pᵢ ∂²_v l_in aᵢ) on inner rows and (qⱼ ∂_v l_out) on outer rows; or <em>FuncID linear</em>,
 *       a(x) = W φ̄(x) on the inner model's frozen hidden features φ̄ = [φ(x); 1], with W from the restricted
 *       minimisation in closed form (a (d_v q) × (d_v q) Kronecker system Σᵢ pᵢ (φ̄ᵢφ̄ᵢᵀ ⊗ ∂²_v l_in,ᵢ) + λI,
 *       the paper's Appendix G.2); or the unrestricted minimiser on the batch points
 *       ({@link FunctionalBilevelProblem#closedFormAdjoint}, the paper's Appendix H.1);</li>
 *   <li><b>TotalGrad</b> (Algorithm 4): g_Exp + g_Imp on fresh batches
 *       ({@link FunctionalBilevelProblem#totalGradient}).</li>
 * </ol>
 * No Hessian with respect to θ or ξ is ever formed. With warm starts (default) both networks start from the
 * previous total gradient's parameters and keep their optimizer states (as the paper's IV experiments); without,
 * every total gradient restarts from the initial parameters with fresh optimizer states. {@link BatchMode#REUSE}
 * uses the last inner batch and one outer batch for AdjointOpt and TotalGrad, as the authors' code does;
 * {@link BatchMode#FRESH} draws new batches as the paper's analysis assumes. {@link #minimize} is Algorithm 1's outer
 * loop with any {@link Optimizer} on w.
 *
 * <p>Stopping: InnerOpt and AdjointOpt run their step budgets, or stop early once the norm of their full gradient
 * is at most their tolerance (0 by default: never); the status is CONVERGED only when both stopped on tolerance
 * (closed-form adjoints count as exact). Not thread-safe: the instance holds the warm-start state.
 */
public final class FuncId {
    private static final Logger LOG = LoggerFactory.getLogger(FuncId.class);

    /** Which batches AdjointOpt and TotalGrad use. */
    public enum BatchMode {
        /** new batches for every adjoint step and for TotalGrad (the paper's analysis) */
        FRESH,
        /** the last inner batch and one outer batch per total gradient (the authors' code) */
        REUSE
    }

    /** How the adjoint function is obtained. */
    public sealed interface AdjointMethod permits NetworkAdjoint, LinearAdjoint, ClosedFormAdjoint {

        /**
         * @param model     the adjoint model ν(ξ) (often the inner model's architecture)
         * @param optimizer its optimizer
         * @param steps     K, the adjoint steps per total gradient
         * @return FuncID's trained adjoint network
         */
        static AdjointMethod network(FunctionModel model, Optimizer optimizer, int steps) {
            return new NetworkAdjoint(model, optimizer, steps, 0);
        }

        /**
         * @param ridge λ ≥ 0 added to the Kronecker system
         * @return FuncID linear, with a constant feature appended
         */
        static AdjointMethod linear(double ridge) {
            return new LinearAdjoint(ridge, true);
        }

        /** @return the unrestricted empirical minimiser on the batch points */
        static AdjointMethod closedForm() {
            return new ClosedFormAdjoint();
        }
    }

    /**
     * @param model     ν(ξ)
     * @param optimizer the optimizer of ξ
     * @param steps     K ≥ 0
     * @param tolerance stop once ‖∇_ξ L̂_adj‖ ≤ tolerance (0: never)
     */
    public record NetworkAdjoint(FunctionModel model, Optimizer optimizer, int steps, double tolerance)
            implements AdjointMethod {
        /** Validates. */
        public NetworkAdjoint {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(optimizer, "optimizer");
            if (steps < 0) {
                throw new IllegalArgumentException("steps: expected K ≥ 0 adjoint steps, got " + steps);
            }
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("tolerance: expected a value ≥ 0, got " + tolerance);
            }
        }
    }

    /** @param ridge λ ≥ 0 @param appendConstant whether φ̄ = [φ; 1] */
    public record LinearAdjoint(double ridge, boolean appendConstant) implements AdjointMethod {
        /** Validates. */
        public LinearAdjoint {
            if (!(ridge >= 0) || !Double.isFinite(ridge)) {
                throw new IllegalArgumentException("ridge: expected a finite λ ≥ 0, got " + ridge);
            }
        }
    }

    /** The unrestricted empirical minimiser on the batch points. */
    public record ClosedFormAdjoint() implements AdjointMethod {
    }

    private final FunctionalBilevelProblem problem;
    private final FunctionModel innerModel;
    private final Optimizer innerOptimizer;
    private final int innerSteps;
    private final boolean newton;
    private final double innerTolerance;
    private final AdjointMethod adjoint;
    private final BatchMode batchMode;
    private final boolean warmStart;
    private final Dataset.Sampler innerSampler;
    private final Dataset.Sampler outerSampler;
    private final Tensor theta0;
    private final Tensor xi0;
    private Tensor theta;
    private Tensor xi;

    private FuncId(Builder b) {
        this.problem = Objects.requireNonNull(b.problem, "problem");
        this.innerModel = Objects.requireNonNull(b.innerModel, "innerModel");
        problem.requireCompatible(innerModel, "innerModel");
        this.adjoint = Objects.requireNonNull(b.adjoint, "adjoint");
        if (b.innerOptimizer == null && !b.newton) {
            throw new IllegalArgumentException("innerOptimizer: expected an optimizer (or innerNewton), got none");
        }
        this.innerOptimizer = b.innerOptimizer;
        this.innerSteps = b.innerSteps;
        this.newton = b.newton;
        this.innerTolerance = b.innerTolerance;
        this.batchMode = b.batchMode;
        this.warmStart = b.warmStart;
        if (b.innerBatchSize < 1) {
            throw new IllegalArgumentException("innerBatchSize: expected a positive batch size, got "
                    + b.innerBatchSize);
        }
        if (b.outerBatchSize < 1) {
            throw new IllegalArgumentException("outerBatchSize: expected a positive batch size, got "
                    + b.outerBatchSize);
        }
        this.innerSampler = problem.innerData().sampler(newton ? Integer.MAX_VALUE : b.innerBatchSize, b.seed);
        this.outerSampler = problem.outerData().sampler(b.outerBatchSize, b.seed + 0x9E3779B97F4A7C15L);
        Backend backend = problem.innerData().x().backend();
        this.theta0 = b.innerInitial != null ? b.innerInitial : innerModel.initialParameters(backend, b.seed + 3);
        innerModel.requireParameters(theta0, "innerInitial");
        this.theta = theta0;
        if (adjoint instanceof NetworkAdjoint na) {
            problem.requireCompatible(na.model(), "adjoint.model");
            this.xi0 = b.adjointInitial != null ? b.adjointInitial : na.model().initialParameters(backend, b.seed + 2);
            na.model().requireParameters(xi0, "adjointInitial");
        } else {
            this.xi0 = null;
            if (adjoint instanceof LinearAdjoint && innerModel.featureDimension() < 1) {
                throw new IllegalArgumentException("adjoint: FuncID linear needs hidden features of the inner model, "
                        + "and " + innerModel + " exposes none");
            }
            if (adjoint instanceof ClosedFormAdjoint && problem.innerData() != problem.outerData()
                    && !(innerSampler.isFullBatch() && problem.outerData().size() >= 1 && b.outerBatchSize
                            >= problem.outerData().size())) {
                throw new IllegalArgumentException("adjoint: the closed-form adjoint needs D_out = D_in (the same "
                        + "Dataset) or full inner and outer batches, so that every outer input is an inner one");
            }
        }
        this.xi = xi0;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the problem */
    public FunctionalBilevelProblem problem() {
        return problem;
    }

    /** @return the model τ(θ) of h */
    public FunctionModel innerModel() {
        return innerModel;
    }

    /** @return the current θ of ĥ (after the last total gradient) */
    public Tensor innerParameters() {
        return theta;
    }

    /** @return the current ξ of â, or null when the adjoint is not a network */
    public Tensor adjointParameters() {
        return xi;
    }

    /** Forgets the warm-start state: parameters back to their initial values, optimizer states cleared. */
    public void reset() {
        theta = theta0;
        xi = xi0;
        if (innerOptimizer != null) {
            innerOptimizer.reset();
        }
        if (adjoint instanceof NetworkAdjoint na) {
            na.optimizer().reset();
        }
    }

    /** @return the method's name */
    public String name() {
        if (adjoint instanceof NetworkAdjoint) {
            return "FuncID";
        }
        return adjoint instanceof LinearAdjoint ? "FuncID-linear" : "FuncID-closed-form";
    }

    /**
     * InnerOpt, AdjointOpt and TotalGrad at w; advances the warm-start state.
     *
     * @param w the outer parameter [d], finite
     * @return the estimate with diagnostics
     */
    public FunctionalGradient totalGradient(Tensor w) {
        problem.requireW(w);
        w = w.detach().requireFinite("w");
        if (!warmStart) {
            reset();
        }
        int[] counts = new int[5];
        // ---------------------------------------------------------- InnerOpt
        Tensor th = theta;
        double lossStart = Double.NaN;
        double loss = Double.NaN;
        boolean innerConverged = false;
        int innerIter = 0;
        Dataset.Batch lastInner = null;
        int budget = innerSteps;
        for (int m = 0; m <= budget; m++) {
            Dataset.Batch bIn = innerSampler.next();
            lastInner = bIn;
            final Tensor wf = w;
            ValueAndGradient vg = Autodiff.valueAndGrad(t -> problem.innerValue(wf, innerModel.apply(t, bIn.x()), bIn),
                    th);
            counts[0]++;
            loss = vg.value().item();
            if (m == 0) {
                lossStart = loss;
            }
            if (!Double.isFinite(loss) || !vg.gradient().isFinite()) {
                return diverged(w, th, "InnerOpt: non-finite inner loss or gradient at step " + m, counts, lossStart);
            }
            double gnorm = vg.gradient().normValue();
            if (gnorm <= innerTolerance) {
                innerConverged = true;
                break;
            }
            if (m == budget) {
                break;
            }
            if (newton) {
                Tensor step = newtonStep(t -> problem.innerValue(wf, innerModel.apply(t, bIn.x()), bIn), th,
                        vg.gradient());
                th = th.sub(step);
                innerIter++;
                if (step.normValue() <= 1e-15 * (1 + th.normValue())) {
                    innerConverged = true;
                    Dataset.Batch b2 = bIn;
                    loss = problem.innerValue(wf, innerModel.apply(th, b2.x()), b2).item();
                    break;
                }
            } else {
                th = innerOptimizer.step(th, vg.gradient());
                innerIter++;
            }
        }
        theta = th;
        final Tensor thetaF = th;
        // ---------------------------------------------------------- AdjointOpt
        Dataset.Batch reuseOut = batchMode == BatchMode.REUSE || !(adjoint instanceof NetworkAdjoint)
                ? outerSampler.next() : null;
        double adjLoss = Double.NaN;
        int adjIter = 0;
        boolean adjConverged;
        Dataset.Batch tgIn;
        Dataset.Batch tgOut;
        Tensor aInTg;
        if (adjoint instanceof NetworkAdjoint na) {
            Tensor x = xi;
            adjConverged = false;
            Optimizer opt = na.optimizer();
            for (int k = 0; k <= na.steps(); k++) {
                Dataset.Batch bIn = batchMode == BatchMode.REUSE ? lastInner : innerSampler.next();
                Dataset.Batch bOut = batchMode == BatchMode.REUSE ? reuseOut : outerSampler.next();
                Tensor vIn = innerModel.apply(thetaF, bIn.x()).detach();
                Tensor vOut = innerModel.apply(thetaF, bOut.x()).detach();
                int nIn = bIn.size();
                int nOut = bOut.size();
                Pullback pb = Autodiff.vjp(p -> Tensor.concat(0, na.model().apply(p, bIn.x()),
                        na.model().apply(p, bOut.x())), x);
                Tensor a = pb.value();
                Tensor aIn = a.sliceRows(0, nIn);
                Tensor aOut = a.sliceRows(nIn, nIn + nOut);
                Tensor ha = problem.innerOutputHessianProducts(w, vIn, aIn, bIn);
                Tensor g = problem.outerOutputGradients(w, vOut, bOut);
                counts[2]++;
                counts[3]++;
                Tensor cot = Tensor.concat(0, ha.mul(bIn.weights().reshape(nIn, 1)),
                        g.mul(bOut.weights().reshape(nOut, 1)));
                Tensor grad = pb.apply(cot)[0];
                counts[1]++;
                adjLoss = 0.5 * ha.mul(aIn).sum(1).dotValue(bIn.weights()) + g.mul(aOut).sum(1)
                        .dotValue(bOut.weights());
                if (!Double.isFinite(adjLoss) || !grad.isFinite()) {
                    return diverged(w, thetaF, "AdjointOpt: non-finite adjoint loss or gradient at step " + k,
                            counts, lossStart);
                }
                if (grad.normValue() <= na.tolerance()) {
                    adjConverged = true;
                    break;
                }
                if (k == na.steps()) {
                    break;
                }
                x = opt.step(x, grad);
                adjIter++;
            }
            xi = x;
            tgIn = batchMode == BatchMode.REUSE ? lastInner : innerSampler.next();
            tgOut = batchMode == BatchMode.REUSE ? reuseOut : outerSampler.next();
            aInTg = na.model().apply(xi, tgIn.x()).detach();
        } else if (adjoint instanceof LinearAdjoint la) {
            tgIn = lastInner;
            tgOut = reuseOut;
            Tensor wMat = linearAdjoint(w, thetaF, la, tgIn, tgOut, counts);
            xi = wMat.flatten();
            aInTg = features(thetaF, tgIn.x(), la).matmul(wMat, false, true);
            Tensor vIn = innerModel.apply(thetaF, tgIn.x()).detach();
            Tensor vOut = innerModel.apply(thetaF, tgOut.x()).detach();
            Tensor aOut = features(thetaF, tgOut.x(), la).matmul(wMat, false, true);
            adjLoss = problem.adjointValue(w, vIn, aInTg, tgIn, vOut, aOut, tgOut);
            adjConverged = true;
        } else {
            tgIn = lastInner;
            tgOut = problem.innerData() == problem.outerData() ? lastInner : reuseOut;
            Tensor vIn = innerModel.apply(thetaF, tgIn.x()).detach();
            Tensor vOut = innerModel.apply(thetaF, tgOut.x()).detach();
            aInTg = problem.closedFormAdjoint(w, vIn, tgIn, vOut, tgOut);
            counts[2] += problem.outputDimension();
            counts[3]++;
            xi = null;
            adjConverged = true;
            adjLoss = Double.NaN;
        }
        // ---------------------------------------------------------- TotalGrad
        Tensor vIn = innerModel.apply(thetaF, tgIn.x()).detach();
        Tensor vOut = innerModel.apply(thetaF, tgOut.x()).detach();
        FunctionalBilevelProblem.GradientParts parts = problem.totalGradient(w, vIn, aInTg, tgIn, vOut, tgOut);
        counts[3]++;
        counts[4]++;
        double outerLoss = problem.outerValue(w, vOut, tgOut).item();
        Tensor g = parts.total();
        Status status;
        String message;
        if (!g.isFinite() || !Double.isFinite(outerLoss)) {
            status = Status.DIVERGED;
            message = "TotalGrad: non-finite gradient or outer loss";
        } else if (innerConverged && adjConverged) {
            status = Status.CONVERGED;
            message = "InnerOpt and AdjointOpt met their tolerances";
        } else {
            status = Status.BUDGET_EXHAUSTED;
            message = "fixed step budgets (InnerOpt " + (innerConverged ? "met" : "did not meet") + " its tolerance, "
                    + "AdjointOpt " + (adjConverged ? "met" : "did not meet") + " its)";
        }
        FunctionalGradient r = new FunctionalGradient(name(), g, parts.explicit(), parts.implicit(), lossStart, loss,
                adjLoss, outerLoss, innerIter, adjIter, counts(counts), status, message, thetaF, xi);
        LOG.debug("{}", r);
        return r;
    }

    private FunctionalGradient diverged(Tensor w, Tensor th, String message, int[] counts, double lossStart) {
        Tensor zero = w.backend().zeros(w.shape()); // as the library's diverged estimates: zero, not to be used
        FunctionalGradient r = new FunctionalGradient(name(), zero, zero, zero, lossStart, Double.NaN, Double.NaN,
                Double.NaN, 0, 0, counts(counts), Status.DIVERGED, message, th, xi);
        LOG.debug("{}", r);
        return r;
    }

    private static FunctionalGradient.Counts counts(int[] c) {
        return new FunctionalGradient.Counts(c[0], c[1], c[2], c[3], c[4]);
    }

    private static Tensor newtonStep(java.util.function.UnaryOperator<Tensor> f, Tensor th, Tensor grad) {
        Tensor h = Autodiff.hessian(f, th);
        int p = th.dim(0);
        double[] hv = h.toDoubleArray();
        double[][] a = new double[p][p];
        for (int i = 0; i < p; i++) {
            System.arraycopy(hv, i * p, a[i], 0, p);
        }
        return th.backend().vector(DenseSolve.solve(a, grad.toDoubleArray(), "innerNewton: the Hessian in θ"));
    }

    private Tensor features(Tensor th, Tensor x, LinearAdjoint la) {
        Tensor f = innerModel.features(th, x).detach();
        return la.appendConstant() ? Tensor.concat(1, f, x.backend().ones(x.dim(0), 1)) : f;
    }

    /** W ∈ ℝ^{d_v × q} minimising the adjoint loss over a(x) = W φ̄(x). */
    private Tensor linearAdjoint(Tensor w, Tensor th, LinearAdjoint la, Dataset.Batch bIn, Dataset.Batch bOut,
            int[] counts) {
        int dv = problem.outputDimension();
        Tensor phiIn = features(th, bIn.x(), la);
        Tensor phiOut = features(th, bOut.x(), la);
        int q = phiIn.dim(1);
        double[][][] h = problem.innerOutputHessians(w, innerModel.apply(th, bIn.x()).detach(), bIn);
        counts[2] += dv;
        double[] g = problem.outerOutputGradients(w, innerModel.apply(th, bOut.x()).detach(), bOut).toDoubleArray();
        counts[3]++;
        double[] p = bIn.weights().toDoubleArray();
        double[] qw = bOut.weights().toDoubleArray();
        double[] fi = phiIn.toDoubleArray();
        double[] fo = phiOut.toDoubleArray();
        int n = dv * q;
        double[][] m = new double[n][n];
        double[] r = new double[n];
        for (int i = 0; i < bIn.size(); i++) {
            for (int k = 0; k < dv; k++) {
                for (int l = 0; l < q; l++) {
                    double fl = p[i] * fi[i * q + l];
                    if (fl == 0) {
                        continue;
                    }
                    for (int k2 = 0; k2 < dv; k2++) {
                        double hk = h[i][k][k2] * fl;
                        for (int l2 = 0; l2 < q; l2++) {
                            m[k * q + l][k2 * q + l2] += hk * fi[i * q + l2];
                        }
                    }
                }
            }
        }
        for (int j = 0; j < bOut.size(); j++) {
            for (int k = 0; k < dv; k++) {
                for (int l = 0; l < q; l++) {
                    r[k * q + l] -= qw[j] * g[j * dv + k] * fo[j * q + l];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            m[i][i] += la.ridge();
        }
        double[] sol = DenseSolve.solve(m, r, "FuncID linear: the adjoint's Kronecker system (add a ridge λ > 0)");
        return w.backend().fromArray(sol, Shape.of(dv, q));
    }

    /**
     * The outcome of {@link #minimize}.
     *
     * @param w       the last iterate
     * @param history one estimate per outer iteration
     * @param status  DIVERGED if an estimate diverged (the run stops there), else BUDGET_EXHAUSTED
     */
    public record Run(Tensor w, List<FunctionalGradient> history, Status status) {
    }

    /**
     * Algorithm 1's outer loop: w_{n+1} = update(w_n, TotalGrad(w_n)) for N iterations.
     *
     * @param w0         the initial w
     * @param outer      the outer optimizer (SGD per the paper's theory, Adam in its experiments)
     * @param iterations N ≥ 0
     * @param listener   called with every estimate (may be null)
     * @return the run
     */
    public Run minimize(Tensor w0, Optimizer outer, int iterations, Consumer<FunctionalGradient> listener) {
        Objects.requireNonNull(outer, "outer");
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations: expected N ≥ 0, got " + iterations);
        }
        problem.requireW(w0);
        Tensor w = w0.detach().requireFinite("w0");
        List<FunctionalGradient> history = new ArrayList<>();
        for (int n = 0; n < iterations; n++) {
            FunctionalGradient e = totalGradient(w);
            history.add(e);
            if (listener != null) {
                listener.accept(e);
            }
            if (e.status() == Status.DIVERGED) {
                return new Run(w, history, Status.DIVERGED);
            }
            w = outer.step(w, e.gradient());
        }
        return new Run(w, history, Status.BUDGET_EXHAUSTED);
    }

    /** Builds a {@link FuncId}. Required: problem, innerModel, an inner solver, adjoint. */
    public static final class Builder {
        private FunctionalBilevelProblem problem;
        private FunctionModel innerModel;
        private Optimizer innerOptimizer;
        private int innerSteps = 20;
        private boolean newton;
        private double innerTolerance;
        private AdjointMethod adjoint;
        private BatchMode batchMode = BatchMode.FRESH;
        private boolean warmStart = true;
        private int innerBatchSize = Integer.MAX_VALUE;
        private int outerBatchSize = Integer.MAX_VALUE;
        private long seed;
        private Tensor innerInitial;
        private Tensor adjointInitial;

        private Builder() {
        }

        /** @param p the problem @return this builder */
        public Builder problem(FunctionalBilevelProblem p) {
            this.problem = p;
            return this;
        }

        /** @param m the model τ(θ) of h @return this builder */
        public Builder innerModel(FunctionModel m) {
            this.innerModel = m;
            return this;
        }

        /**
         * @param optimizer the optimizer of θ (weight decay = the ridge regulariser R_in)
         * @param steps     M ≥ 0 steps per total gradient
         * @return this builder
         */
        public Builder innerOptimizer(Optimizer optimizer, int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("steps: expected M ≥ 0 inner steps, got " + steps);
            }
            this.innerOptimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.innerSteps = steps;
            this.newton = false;
            return this;
        }

        /**
         * Newton's method on the full inner batch with the dense Hessian in θ: a reference inner solver for small
         * models (linear, tabular) whose inner objective is strongly convex in θ, exact in one step for quadratic
         * losses. Not FuncID's InnerOpt for networks.
         *
         * @param maxSteps the step budget
         * @return this builder
         */
        public Builder innerNewton(int maxSteps) {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps: expected at least one Newton step, got " + maxSteps);
            }
            this.newton = true;
            this.innerSteps = maxSteps;
            return this;
        }

        /** @param tol stop InnerOpt once ‖∇_θ L̂_in‖ ≤ tol (0: never) @return this builder */
        public Builder innerTolerance(double tol) {
            if (!(tol >= 0)) {
                throw new IllegalArgumentException("innerTolerance: expected a value ≥ 0, got " + tol);
            }
            this.innerTolerance = tol;
            return this;
        }

        /** @param a the adjoint method @return this builder */
        public Builder adjoint(AdjointMethod a) {
            this.adjoint = a;
            return this;
        }

        /** @param mode the batch mode (default FRESH) @return this builder */
        public Builder batchMode(BatchMode mode) {
            this.batchMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** @param ws whether θ and ξ (and optimizer states) carry over between total gradients @return this */
        public Builder warmStart(boolean ws) {
            this.warmStart = ws;
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

        /** @param s the seed of batches and initialisations @return this builder */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param t the initial θ (default: the model's initialiser) @return this builder */
        public Builder innerInitial(Tensor t) {
            this.innerInitial = t;
            return this;
        }

        /** @param t the initial ξ of the adjoint network @return this builder */
        public Builder adjointInitial(Tensor t) {
            this.adjointInitial = t;
            return this;
        }

        /** @return the validated FuncID instance */
        public FuncId build() {
            return new FuncId(this);
        }
    }
}
