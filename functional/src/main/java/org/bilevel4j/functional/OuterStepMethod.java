package org.bilevel4j.functional;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Optimizer;

/**
 * A method for a {@link FunctionalBilevelProblem} that advances its outer parameter w one step at a time, with its
 * own state (w, the inner estimate ĥ, optimizer moments, warm starts): the common face of FuncID (neural, linear and
 * closed-form adjoints), the parametric AID and ITD on the inner model's weights, the DFIV-style closed-form
 * heads and the single-level penalty methods, so that an experiment can run them in one loop:
 * <pre>{@code
 * for (OuterStepMethod m : methods) {
 *     for (int n = 0; n < 100; n++) {
 *         OuterStep s = m.step();                        // losses, time, oracle counts
 *         if (s.status() == Status.DIVERGED) break;
 *     }
 *     Tensor w = m.outerParameters();                    // e.g. the structural function's weights
 * }
 * }</pre>
 * One step is one outer iteration of the method: for bilevel methods, an inner phase, a hypergradient and one
 * optimizer update w_{n+1} = update(w_n, g_n); for the single-level penalty methods, a fixed number of joint
 * updates of (w, θ) on the penalised objective. A step whose gradient is not finite returns status DIVERGED and
 * leaves w unchanged. Methods are not thread-safe.
 *
 * <p>Factories here wrap {@link FuncId} ({@link #funcId}) and the library's AID and ITD estimators on
 * {@link ParametricBilevel} ({@link #parametric}); the baselines of Petrulionytė, Mairal, Arbel, "Functional
 * Bilevel Optimization for Machine Learning", NeurIPS 2024 (DFIV, gradient and value-function penalties) are in
 * {@code org.bilevel4j.functional.baselines}.
 */
public interface OuterStepMethod {

    /** @return the method's name, e.g. "FuncID", "AID", "DFIV" */
    String name();

    /** @return the problem the method runs on */
    FunctionalBilevelProblem problem();

    /** @return the current outer parameter w_n, shape [d] (after {@link #iterations()} steps) */
    Tensor outerParameters();

    /**
     * @param x inputs [n, d_x] with n ≥ 1 and the problem's d_x, finite
     * @return the current inner estimate ĥ(x), shape [n, d_v]
     * @throws IllegalArgumentException naming {@code x} if its shape or values are not acceptable
     */
    Tensor innerPrediction(Tensor x);

    /** @return the number of steps taken */
    int iterations();

    /**
     * One outer iteration; updates w unless the step diverged.
     *
     * @return what it did
     */
    OuterStep step();

    /**
     * @param steps    N ≥ 0
     * @param listener called after every step (may be null)
     * @return the steps taken: N, or fewer if one diverged (the run stops there)
     */
    default List<OuterStep> run(int steps, Consumer<OuterStep> listener) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected N ≥ 0, got " + steps);
        }
        List<OuterStep> out = new ArrayList<>();
        for (int n = 0; n < steps; n++) {
            OuterStep s = step();
            out.add(s);
            if (listener != null) {
                listener.accept(s);
            }
            if (s.status() == Status.DIVERGED) {
                break;
            }
        }
        return out;
    }

    /**
     * FuncID (any adjoint: network, linear, closed form) as an outer-step method: each step is one
     * {@link FuncId#totalGradient} at w_n, then w_{n+1} = outer.step(w_n, g_n) (Algorithm 1 of the paper).
     *
     * @param funcId the configured FuncID (it keeps the warm-start state)
     * @param w0     the initial w, shape [d], finite
     * @param outer  the optimizer of w
     * @return the method, named as {@link FuncId#name()}
     */
    static OuterStepMethod funcId(FuncId funcId, Tensor w0, Optimizer outer) {
        return new FuncIdMethod(funcId, w0, outer);
    }

    /**
     * A parametric implicit (AID) or iterative (ITD) differentiation method on the inner model's flat weights θ:
     * each step is one estimate of ∇G_tot(w_n) by {@code estimator} on {@link ParametricBilevel#of} (full batches,
     * inner objective L̂_in + (ρ/2)‖θ‖²), warm-started from the previous estimate (inner iterate and, for AID, the
     * adjoint vector), then w_{n+1} = outer.step(w_n, g_n).
     *
     * @param name      the method's name, e.g. "AID" or "ITD"
     * @param estimator e.g. {@code AidEstimator.conjugateGradient(20, 2)} or {@code ItdEstimator.reverse(20)}
     * @param problem   the functional problem
     * @param model     τ(θ), the inner model
     * @param theta0    θ₀, shape [p] (networks must not start at zero)
     * @param ridge     ρ ≥ 0
     * @param innerStep α, the step of the inner map θ ← θ − α∇_θ G_in
     * @param w0        the initial w, shape [d]
     * @param outer     the optimizer of w
     * @return the method
     */
    static OuterStepMethod parametric(String name, HypergradientEstimator estimator, FunctionalBilevelProblem problem,
            FunctionModel model, Tensor theta0, double ridge, double innerStep, Tensor w0, Optimizer outer) {
        return new ParametricMethod(Objects.requireNonNull(name, "name"), estimator, problem, model, theta0, ridge,
                innerStep, w0, outer);
    }
}
