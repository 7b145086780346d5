package org.bilevel4j.apps.iv;

import java.util.Objects;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.GradientDescentIteration;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.cli.CliValue;
import org.bilevel4j.functional.FuncId;
import org.bilevel4j.functional.InstrumentalVariableProblem;
import org.bilevel4j.functional.OuterStep;
import org.bilevel4j.functional.OuterStepMethod;
import org.bilevel4j.functional.baselines.Dfiv;
import org.bilevel4j.functional.baselines.PenaltyMethod;
import org.bilevel4j.functional.FunctionModel;
import org.bilevel4j.functional.FunctionalGradient;
import org.bilevel4j.functional.ParametricBilevel;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Network;

/**
 * The methods of the dSprites instrumental-variable experiment ({@code bilevel4j iv --task dsprites --methods}),
 * each one an outer loop of Adam steps on the treatment network's weights w with one hypergradient per step:
 * <ul>
 *   <li>{@code funcid}: FuncID (Petrulionytė, Mairal, Arbel, NeurIPS 2024, Algorithm 1) with an adjoint network of
 *       the instrument network's architecture, M Adam steps of InnerOpt and K of AdjointOpt per outer step, warm
 *       starts, the authors' batch reuse;</li>
 *   <li>{@code funcid-linear}: the same with the adjoint a(x) = W[φ(x); 1] on the instrument network's frozen last
 *       hidden features, W in closed form (ridge λ);</li>
 *   <li>{@code aid}: approximate implicit differentiation on the instrument network's weights θ (the parametric
 *       problem of the paper's Appendix F.1): M warm-started gradient steps on θ, then 2 warm-started conjugate
 *       gradient iterations on the parametric Hessian system (the configuration the authors' code selected);</li>
 *   <li>{@code itd}: iterative differentiation: M warm-started gradient steps on θ, back-propagating through the
 *       last 2 only (the authors' "18 warm-start + 2 unrolled" configuration);</li>
 *   <li>{@code dfiv}: DFIV-style closed-form linear heads ({@link Dfiv}; Xu et al., "Learning Deep Features in
 *       Instrumental Variable Regression", ICLR 2021): the structural function ψ_χ(t)ᵀu + b and the instrument
 *       features φ_θ(x) with stage-1 head V and stage-2 head u in closed form (ridges 0.1, the authors' values), M
 *       Adam steps on θ and one on χ per outer step;</li>
 *   <li>{@code gd-penalty}: the gradient-penalty single-level method ({@link PenaltyMethod}, penalty
 *       ‖∇_θ L̂_in‖ with weight 0.1 as the authors' code), M joint Adam steps on (w, θ) per outer step, so
 *       100 × 20 = 2,000 iterations in all as in the paper;</li>
 *   <li>{@code val-penalty}: the value-function-penalty single-level method (weight 0.1), one joint step per outer
 *       step after M warm-started Adam steps of its inner loop.</li>
 * </ul>
 */
public enum IvMethod implements CliValue {
    /** FuncID with an adjoint network. */
    FUNCID("funcid", "FuncID"),
    /** FuncID linear. */
    FUNCID_LINEAR("funcid-linear", "FuncID linear"),
    /** AID on the network weights. */
    AID("aid", "AID"),
    /** ITD on the network weights. */
    ITD("itd", "ITD"),
    /** DFIV-style closed-form linear heads. */
    DFIV("dfiv", "DFIV"),
    /** The gradient-penalty single-level method. */
    GD_PENALTY("gd-penalty", "GD penal."),
    /** The value-function-penalty single-level method. */
    VAL_PENALTY("val-penalty", "Val penal.");

    private final String cliName;
    private final String label;

    IvMethod(String cliName, String label) {
        this.cliName = cliName;
        this.label = label;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    /** @return the name in tables and plots */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** picocli converter. */
    public static final class Converter extends CliValue.Converter<IvMethod> {
        /** The converter. */
        public Converter() {
            super(IvMethod.class);
        }
    }

    /**
     * The hyper-parameters shared by the methods (defaults: the authors' final configuration where it fits).
     *
     * @param innerSteps     M, inner steps per outer step
     * @param adjointSteps   K, adjoint steps per outer step (FuncID)
     * @param innerRate      Adam learning rate of h (FuncID) / gradient step of θ (AID, ITD use {@code parametricStep})
     * @param innerDecay     weight decay of h (FuncID) / ridge ρ on θ (AID, ITD)
     * @param adjointRate    Adam learning rate of the adjoint network
     * @param adjointDecay   its weight decay
     * @param linearRidge    λ of FuncID linear's closed form
     * @param parametricStep the gradient step on θ of AID and ITD
     * @param outerRate      Adam learning rate of w
     * @param outerDecay     weight decay of w
     */
    public record Hyper(int innerSteps, int adjointSteps, double innerRate, double innerDecay, double adjointRate,
            double adjointDecay, double linearRidge, double parametricStep, double outerRate, double outerDecay) {
        /**
         * The weight decay of every network: the authors' 0.1 on losses summed over the 2,500 samples of a stage is
         * 0.1 / 2,500 = 4·10⁻⁵ on this library's mean losses.
         */
        public static final double DECAY = 0.1 / 2500;

        /** @return the defaults */
        public static Hyper defaults() {
            return new Hyper(20, 20, 1e-3, DECAY, 1e-3, DECAY, 0.1, 0.05, 1e-3, DECAY);
        }
    }

    /**
     * One outer step's record.
     *
     * @param innerLoss L̂_in(w, ĥ)
     * @param outerLoss L̂_out(w, ĥ)
     * @param failed    whether the step diverged
     * @param message   the method's message about the step
     */
    public record Step(double innerLoss, double outerLoss, boolean failed, String message) {
    }

    /** A method running on one task from one initial w. */
    public interface Run {
        /** @return advances one outer step and reports it */
        Step step();

        /** @return the current w */
        Tensor outer();
    }

    /**
     * @param task  the task
     * @param hyper the hyper-parameters
     * @param seed  the seed of the initialisations
     * @return a fresh run from w₀ = the treatment network's initialisation with {@code seed}
     */
    public Run start(SpritesIvTask task, Hyper hyper, long seed) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(hyper, "hyper");
        Tensor w0 = task.initialOuter(seed);
        Adam outer = Adam.of(hyper.outerRate(), hyper.outerDecay());
        FunctionModel h = task.newInstrumentModel();
        switch (this) {
            case FUNCID:
            case FUNCID_LINEAR: {
                FuncId.AdjointMethod adjoint = this == FUNCID
                        ? FuncId.AdjointMethod.network(task.newInstrumentModel(),
                                Adam.of(hyper.adjointRate(), hyper.adjointDecay()), hyper.adjointSteps())
                        : FuncId.AdjointMethod.linear(hyper.linearRidge());
                FuncId f = FuncId.builder().problem(task.problem()).innerModel(h)
                        .innerOptimizer(Adam.of(hyper.innerRate(), hyper.innerDecay()), hyper.innerSteps())
                        .adjoint(adjoint).batchMode(FuncId.BatchMode.REUSE).warmStart(true).seed(seed).build();
                return new FuncIdRun(task, f, h, adjoint, outer, w0);
            }
            case DFIV: {
                InstrumentalVariableProblem iv = InstrumentalVariableProblem.of(task.problem().innerData(),
                        task.problem().outerData(), task.treatmentDimension(), task.structuralModel());
                Dfiv dfiv = Dfiv.builder().problem(iv).instrumentFeatures(task.newInstrumentFeatures())
                        .stage1Ridge(0.1).stage2Ridge(0.1)
                        .instrumentOptimizer(Adam.of(hyper.innerRate(), hyper.innerDecay()), hyper.innerSteps())
                        .treatmentOptimizer(outer, 1).seed(seed).structuralInitial(w0).build();
                return new OuterStepRun(task, dfiv);
            }
            case GD_PENALTY:
            case VAL_PENALTY: {
                PenaltyMethod.Builder b = PenaltyMethod.builder().problem(task.problem()).innerModel(h)
                        .innerInitial(h.initialParameters(task.backend(), seed + 3)).outerInitial(w0)
                        .outerOptimizer(outer).innerOptimizer(Adam.of(hyper.innerRate(), hyper.innerDecay()))
                        .seed(seed);
                if (this == GD_PENALTY) {
                    b.penalty(PenaltyMethod.Penalty.GRADIENT_NORM, PenaltyMethod.Schedule.constant(0.1))
                            .jointSteps(hyper.innerSteps());
                } else {
                    b.penalty(PenaltyMethod.Penalty.VALUE_FUNCTION, PenaltyMethod.Schedule.constant(0.1))
                            .valueOptimizer(Adam.of(hyper.innerRate(), hyper.innerDecay()), hyper.innerSteps())
                            .jointSteps(1);
                }
                return new OuterStepRun(task, b.build());
            }
            default: {
                Tensor theta0 = h.initialParameters(task.backend(), seed + 3);
                OptimizationBilevelProblem p = ParametricBilevel.of(task.problem(), h, theta0, hyper.innerDecay(),
                        hyper.parametricStep());
                InnerPhase phase = new InnerPhase(GradientDescentIteration.withStep(hyper.parametricStep()),
                        IterationBudget.exactly(hyper.innerSteps()), true);
                HypergradientEstimator est = this == AID
                        ? AidEstimator.builder().inner(phase).linearSolver(new ConjugateGradientSolver(), 2)
                                .warmStart(true, true).build()
                        : ItdEstimator.builder().inner(phase).truncated(2).build();
                return new ParametricRun(task, p, h, est, outer, w0);
            }
        }
    }

    /** A library {@link OuterStepMethod} (DFIV, the penalty methods). */
    private static final class OuterStepRun implements Run {
        private final SpritesIvTask task;
        private final OuterStepMethod method;

        OuterStepRun(SpritesIvTask task, OuterStepMethod method) {
            this.task = task;
            this.method = method;
        }

        @Override
        public Step step() {
            OuterStep s = method.step();
            if (s.status() == Status.DIVERGED) {
                return new Step(Double.NaN, Double.NaN, true, s.message());
            }
            task.treatmentNetwork().refreshSpectralNorms(method.outerParameters(), 1);
            return new Step(s.innerLoss(), s.outerLoss(), false, s.message());
        }

        @Override
        public Tensor outer() {
            return method.outerParameters();
        }
    }

    private static void refresh(FunctionModel m, Tensor params) {
        if (m instanceof FunctionModel.NetworkModel nm && params != null) {
            nm.network().refreshSpectralNorms(params, 1);
        }
    }

    private static final class FuncIdRun implements Run {
        private final SpritesIvTask task;
        private final FuncId funcId;
        private final FunctionModel h;
        private final FuncId.AdjointMethod adjoint;
        private final Adam outer;
        private Tensor w;

        FuncIdRun(SpritesIvTask task, FuncId funcId, FunctionModel h, FuncId.AdjointMethod adjoint, Adam outer,
                Tensor w0) {
            this.task = task;
            this.funcId = funcId;
            this.h = h;
            this.adjoint = adjoint;
            this.outer = outer;
            this.w = w0;
        }

        @Override
        public Step step() {
            FunctionalGradient g = funcId.totalGradient(w);
            if (g.status() == Status.DIVERGED) {
                return new Step(Double.NaN, Double.NaN, true, g.message());
            }
            w = outer.step(w, g.gradient());
            Network f = task.treatmentNetwork();
            f.refreshSpectralNorms(w, 1);
            refresh(h, funcId.innerParameters());
            if (adjoint instanceof FuncId.NetworkAdjoint na) {
                refresh(na.model(), funcId.adjointParameters());
            }
            return new Step(g.innerLoss(), g.outerLoss(), false, g.message());
        }

        @Override
        public Tensor outer() {
            return w;
        }
    }

    private static final class ParametricRun implements Run {
        private final SpritesIvTask task;
        private final OptimizationBilevelProblem problem;
        private final FunctionModel h;
        private final HypergradientEstimator estimator;
        private final Adam outer;
        private Tensor w;
        private HypergradientEstimate previous;

        ParametricRun(SpritesIvTask task, OptimizationBilevelProblem problem, FunctionModel h,
                HypergradientEstimator estimator, Adam outer, Tensor w0) {
            this.task = task;
            this.problem = problem;
            this.h = h;
            this.estimator = estimator;
            this.outer = outer;
            this.w = w0;
        }

        @Override
        public Step step() {
            HypergradientEstimate e = estimator.estimate(problem, w, previous);
            if (e.status() == Status.DIVERGED || !e.hypergradient().isFinite()) {
                return new Step(Double.NaN, Double.NaN, true, e.message());
            }
            previous = e;
            double inner = task.innerLoss(w, h, e.inner());
            double outerLoss = task.outerLoss(w, h, e.inner());
            w = outer.step(w, e.hypergradient());
            task.treatmentNetwork().refreshSpectralNorms(w, 1);
            refresh(h, e.inner());
            return new Step(inner, outerLoss, false, e.message());
        }

        @Override
        public Tensor outer() {
            return w;
        }
    }
}
