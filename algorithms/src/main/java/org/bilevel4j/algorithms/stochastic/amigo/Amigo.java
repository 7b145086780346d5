package org.bilevel4j.algorithms.stochastic.amigo;

import java.util.Objects;
import org.bilevel4j.algorithms.stochastic.common.Batch;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Sampler;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.tensor.Tensor;

/**
 * AmIGO, Amortized Implicit Gradient Optimization (Algorithm 1 of Arbel, Mairal, "Amortized Implicit
 * Differentiation for Stochastic Bilevel Optimization", ICLR 2022), with the adjoint in the library's sign
 * convention v ≈ +[∇²_ww g]⁻¹ ∇_w f (the paper's z is −v). Outer iteration k, at λ_k:
 * <ol>
 *   <li>inner solver A_k: T SGD steps w ← w − α_k ∇_w g_{B_t}(w, λ_k), each on a fresh inner batch, started from
 *       the previous w (warm start);</li>
 *   <li>(∇_λ f_J, ∇_w f_J) on the outer batch J drawn by the solver (one batch for both);</li>
 *   <li>adjoint solver B_k, started from the previous v (warm start): either N SGD steps on the quadratic
 *       ½⟨v, ∇²_ww g v⟩ − ⟨∇_w f_J, v⟩, v ← v − β_k (∇²_ww g_{B_n} v − ∇_w f_J), a fresh batch per step and
 *       the same ∇_w f_J throughout (AmIGO-GD), or N iterations of conjugate gradients on the sampled system
 *       ∇²_ww g_D v = ∇_w f_J with one batch D fixed for the whole solve, so that the operator is the same in every
 *       CG step (AmIGO-CG);</li>
 *   <li>ψ_k = ∇_λ f_J − ∇²_λw g_{B}(w, λ_k)·v on the inner batch B drawn by the solver;</li>
 *   <li>λ_{k+1} = P(λ_k − γ_k ψ_k).</li>
 * </ol>
 * The solver's inner batch serves the cross product; the T + N (GD) or T + 1 (CG) further inner batches of the
 * iteration are drawn from the run's inner sampler, so a run stays reproducible from its seed. Turning either warm
 * start off gives the paper's ablations: without the adjoint warm start (v restarted at 0) the method is AID-GD or
 * AID-CG, without the inner warm start (w restarted at 0) and with the adjoint one it is AID-CG-WS. The paper's
 * theory uses α = 1/L_g, β = 1/(2L_g), γ = 1/L and T, N of order κ_g; with warm starts small T and N suffice,
 * which is the point of the amortization. Two more adjoints of the paper's roster, never warm-started:
 * {@link AdjointSolver#FIXED_POINT} (AID-FP, {@link #aidFixedPoint}) and {@link AdjointSolver#NEUMANN} (AID-N,
 * {@link #aidNeumann}), both with the inner step α_k as their step.
 *
 * <p>Per outer iteration: T·b inner gradients, N·b Hessian-vector products (plus one HVP per CG solve for its
 * initial residual), b cross products and b' outer gradients, in per-sample units; AID-FP and AID-N also make
 * N·b HVPs.
 */
public final class Amigo implements SingleLoopMethod {

    /** How the adjoint system is solved. */
    public enum AdjointSolver {
        /** N SGD steps on the quadratic, a fresh batch per step (AmIGO-GD). */
        GRADIENT_DESCENT,
        /** N conjugate-gradient iterations on one sampled system (AmIGO-CG). */
        CONJUGATE_GRADIENT,
        /**
         * N fixed-point iterations of the transposed Jacobian of the inner SGD map w ↦ w − α∇_w g (AID-FP, Grazzi,
         * Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020):
         * q ← (I − α_k ∇²_ww g_{B_n}) q + ∇_w f_J from q = 0, v = α_k q. This is GD on the quadratic with the inner
         * step α_k as its step (β unused) and a fresh batch per step; it is never warm-started.
         */
        FIXED_POINT,
        /**
         * The truncated Neumann series v = α_k Σ_{j=0}^{N} Π_{i=1}^{j} (I − α_k ∇²_ww g_{B_i}) ∇_w f_J, with an
         * independent batch B_i per factor (AID-N, Lorraine, Vicol, Duvenaud, "Optimizing Millions of
         * Hyperparameters by Implicit Differentiation", AISTATS 2020): p ← (I − α_k ∇²_ww g_{B_j}) p, accumulated,
         * N Hessian-vector products on N batches. On full batches it equals N + 1 GD steps from 0 with step α_k;
         * on samples it is a different estimator of the same mean (the newest batch multiplies one term, not the
         * sum). It has no warm start.
         */
        NEUMANN
    }

    private final StepSizes steps;
    private final int innerSteps;
    private final int adjointSteps;
    private final AdjointSolver solver;
    private final boolean warmStartInner;
    private final boolean warmStartAdjoint;

    /**
     * @param steps            α (inner SGD), β (adjoint SGD; unused by CG) and γ (outer), indexed by the outer
     *                         iteration k
     * @param innerSteps       T ≥ 1
     * @param adjointSteps     N ≥ 1
     * @param solver           GD or CG for the adjoint
     * @param warmStartInner   whether A_k starts from the previous w (AmIGO: yes)
     * @param warmStartAdjoint whether B_k starts from the previous v (AmIGO: yes; AID-GD/AID-CG: no; must be false
     *                         for {@link AdjointSolver#FIXED_POINT} and {@link AdjointSolver#NEUMANN})
     */
    public Amigo(StepSizes steps, int innerSteps, int adjointSteps, AdjointSolver solver, boolean warmStartInner,
            boolean warmStartAdjoint) {
        this.steps = Objects.requireNonNull(steps, "steps");
        this.solver = Objects.requireNonNull(solver, "solver");
        if (innerSteps < 1) {
            throw new IllegalArgumentException("innerSteps: expected T ≥ 1, got " + innerSteps);
        }
        if (adjointSteps < 1) {
            throw new IllegalArgumentException("adjointSteps: expected N ≥ 1, got " + adjointSteps);
        }
        this.innerSteps = innerSteps;
        this.adjointSteps = adjointSteps;
        if (warmStartAdjoint && (solver == AdjointSolver.FIXED_POINT || solver == AdjointSolver.NEUMANN)) {
            throw new IllegalArgumentException("warmStartAdjoint: expected false for the " + solver
                    + " adjoint (AID-FP and AID-N start from 0), got true");
        }
        this.warmStartInner = warmStartInner;
        this.warmStartAdjoint = warmStartAdjoint;
    }

    /**
     * @param steps α, β, γ
     * @param t     T
     * @param n     N
     * @return AmIGO-GD, both warm starts
     */
    public static Amigo gd(StepSizes steps, int t, int n) {
        return new Amigo(steps, t, n, AdjointSolver.GRADIENT_DESCENT, true, true);
    }

    /**
     * @param steps α, (β unused), γ
     * @param t     T
     * @param n     N
     * @return AmIGO-CG, both warm starts
     */
    public static Amigo cg(StepSizes steps, int t, int n) {
        return new Amigo(steps, t, n, AdjointSolver.CONJUGATE_GRADIENT, true, true);
    }

    /**
     * @param steps α (also the fixed-point step), (β unused), γ
     * @param t     T
     * @param n     N
     * @return AID-FP: warm-started inner SGD, the adjoint by N fixed-point steps from 0
     */
    public static Amigo aidFixedPoint(StepSizes steps, int t, int n) {
        return new Amigo(steps, t, n, AdjointSolver.FIXED_POINT, true, false);
    }

    /**
     * @param steps α (also the Neumann step), (β unused), γ
     * @param t     T
     * @param n     N, the number of Hessian factors (N + 1 terms)
     * @return AID-N: warm-started inner SGD, the adjoint by the truncated Neumann series
     */
    public static Amigo aidNeumann(StepSizes steps, int t, int n) {
        return new Amigo(steps, t, n, AdjointSolver.NEUMANN, true, false);
    }

    @Override
    public String name() {
        if (solver == AdjointSolver.FIXED_POINT || solver == AdjointSolver.NEUMANN) {
            return (solver == AdjointSolver.FIXED_POINT ? "AID-FP" : "AID-N") + (warmStartInner ? "" : "(cold w)")
                    + "(T=" + innerSteps + ", N=" + adjointSteps + ", α=" + steps.inner() + ", γ=" + steps.outer()
                    + ")";
        }
        String base = warmStartAdjoint ? (warmStartInner ? "AmIGO-" : "AID-") : "AID-";
        String kind = solver == AdjointSolver.GRADIENT_DESCENT ? "GD" : "CG";
        String suffix = warmStartAdjoint && !warmStartInner ? "-WS" : "";
        return base + kind + suffix + "(T=" + innerSteps + ", N=" + adjointSteps + ", α=" + steps.inner()
                + (solver == AdjointSolver.GRADIENT_DESCENT ? ", β=" + steps.adjoint() : "") + ", γ=" + steps.outer()
                + ")";
    }

    @Override
    public Iteration start(Context context) {
        StochasticOracles oracles = context.oracles();
        Sampler sampler = context.samplers().inner();
        return new Iteration() {
            private BilevelState state = context.initial();

            @Override
            public BilevelState state() {
                return state;
            }

            @Override
            public BilevelState step(long k, Batch inner, Batch outer) {
                Tensor l = state.outer();
                Tensor zero = l.backend().zeros(state.inner().shape(), state.inner().dtype());
                Tensor w = warmStartInner ? state.inner() : zero;
                double alpha = steps.inner().at(k);
                for (int t = 0; t < innerSteps; t++) {
                    w = w.sub(oracles.innerGradient(w, l, sampler.next().indices()).mul(alpha));
                    if (!w.isFinite()) {
                        return diverged(w, state.adjoint(), l);
                    }
                }
                PartialGradients fg = oracles.outer(w, l, outer.indices());
                Tensor v = warmStartAdjoint ? state.adjoint() : zero;
                v = switch (solver) {
                    case GRADIENT_DESCENT -> sgd(w, v, l, fg.inner(), steps.adjoint().at(k));
                    case FIXED_POINT -> sgd(w, v, l, fg.inner(), alpha);
                    case NEUMANN -> neumann(w, l, fg.inner(), alpha);
                    case CONJUGATE_GRADIENT -> conjugateGradient(w, v, l, fg.inner(), sampler.next().indices());
                };
                if (!v.isFinite()) {
                    return diverged(w, v, l);
                }
                Tensor psi = fg.outer().sub(oracles.crossVector(w, v, l, inner.indices()));
                state = new BilevelState(w, v, context.projection().project(l.sub(psi.mul(steps.outer().at(k)))));
                return state;
            }

            private BilevelState diverged(Tensor w, Tensor v, Tensor l) {
                state = new BilevelState(w, v, l);
                return state;
            }

            private Tensor sgd(Tensor w, Tensor v, Tensor l, Tensor rhs, double beta) {
                for (int n = 0; n < adjointSteps && v.isFinite(); n++) {
                    v = v.sub(oracles.hessianVector(w, v, l, sampler.next().indices()).sub(rhs).mul(beta));
                }
                return v;
            }

            private Tensor neumann(Tensor w, Tensor l, Tensor rhs, double a) {
                Tensor p = rhs;
                Tensor sum = rhs;
                for (int j = 0; j < adjointSteps && sum.isFinite(); j++) {
                    p = p.sub(oracles.hessianVector(w, p, l, sampler.next().indices()).mul(a));
                    sum = sum.add(p);
                }
                return sum.mul(a);
            }

            private Tensor conjugateGradient(Tensor w, Tensor v, Tensor l, Tensor rhs, int[] batch) {
                Tensor r = rhs.sub(oracles.hessianVector(w, v, l, batch));
                Tensor p = r;
                double rr = r.dotValue(r);
                for (int n = 0; n < adjointSteps && rr > 0; n++) {
                    Tensor q = oracles.hessianVector(w, p, l, batch);
                    double curvature = p.dotValue(q);
                    if (!(curvature > 0)) {
                        break; // non-positive curvature of the sampled Hessian: keep the last iterate
                    }
                    double a = rr / curvature;
                    v = v.add(p.mul(a));
                    r = r.sub(q.mul(a));
                    double next = r.dotValue(r);
                    p = r.add(p.mul(next / rr));
                    rr = next;
                }
                return v;
            }
        };
    }
}
