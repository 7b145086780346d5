package org.bilevel4j.algorithms.hypergradient;

import java.util.Locale;
import java.util.Optional;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The a-posteriori bounds of {@link ErrorBound}, computed from measured residuals, the contraction constant of the
 * problem's inner map and, when the problem provides them, its {@link LipschitzConstants} (Grazzi, Franceschi,
 * Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, Theorems 2.1 and 2.2).
 * A bound is {@link ErrorBound.Kind#CERTIFIED} only when q is proven ({@link ContractionInfo.Source#KNOWN}) and the
 * points it involves provably lie in the ball where the constants hold; otherwise it is an estimate.
 */
public final class ErrorBounds {
    private ErrorBounds() {
    }

    /**
     * AID: bound (13) with μ = 1 - q, ρ(t)D ≤ r_in/(1 - q) and σ(k)‖v_t‖ ≤ r_adj/(1 - q):
     * (η₂ + η₁L_Φ/μ + ν₂L_E/μ + ν₁L_ΦL_E/μ²) · r_in/μ + L_Φ r_adj/μ. The constants must hold on the segment
     * from w_t to w(λ), which lies in the ball of radius ‖w_t‖ + r_in/(1 - q).
     *
     * @param problem         the problem
     * @param outer           λ
     * @param inner           w_t
     * @param innerResidual   ‖w_t - Φ(w_t, λ)‖
     * @param adjointResidual the true residual of the adjoint system at w_t
     * @return the bounds
     */
    public static ErrorBound aid(BilevelProblem problem, Tensor outer, Tensor inner, double innerResidual,
            double adjointResidual) {
        return aid(problem, outer, inner, innerResidual, adjointResidual, 0);
    }

    /**
     * As {@link #aid(BilevelProblem, Tensor, Tensor, double, double)}, with the rounding of the computation added:
     * the residuals passed in should already include the rounding of their own evaluation (at a floating-point fixed
     * point they evaluate to exactly 0), and {@code assemblyRounding} bounds the rounding of the final sum
     * ∇₂E + ∂₂Φᵀv, so that the bound holds for the computed estimate and not only in exact arithmetic.
     *
     * @param problem          the problem
     * @param outer            λ
     * @param inner            w_t
     * @param innerResidual    ‖w_t - Φ(w_t, λ)‖ plus its rounding
     * @param adjointResidual  the true residual of the adjoint system at w_t plus its rounding
     * @param assemblyRounding a bound on the rounding of the final sum
     * @return the bounds
     */
    public static ErrorBound aid(BilevelProblem problem, Tensor outer, Tensor inner, double innerResidual,
            double adjointResidual, double assemblyRounding) {
        ContractionInfo info = problem.innerMap().contraction(outer);
        ErrorBound none = unusable(info);
        if (none != null) {
            return none;
        }
        double q = info.constant();
        double mu = 1 - q;
        double innerError = innerResidual / mu;
        double adjointError = adjointResidual / mu;
        Optional<LipschitzConstants> constants = problem.lipschitzConstants(outer);
        if (constants.isEmpty()) {
            return new ErrorBound(ErrorBound.Kind.UNAVAILABLE, q, innerError, adjointError, Double.NaN, source(info)
                    + "; no Lipschitz constants known for the problem, so no hypergradient bound");
        }
        LipschitzConstants c = constants.get();
        double factor = c.outerGradientOuter() + c.outerGradientInner() * c.jacobianOuterBound() / mu
                + c.jacobianOuter() * c.outerGradientBound() / mu
                + c.jacobianInner() * c.jacobianOuterBound() * c.outerGradientBound() / (mu * mu);
        double total = factor * innerError + c.jacobianOuterBound() * adjointError + assemblyRounding;
        double reach = inner.normValue() + innerError;
        return new ErrorBound(kind(info, c, reach), q, innerError, adjointError, total,
                source(info) + region(c, reach) + "; Theorem 2.2 with measured residuals");
    }

    /**
     * ITD with Picard steps: bound (8), (c₁ + c₂ t/q + c₃) q^t, with D = ‖w₀ - w_t‖ + r_in/(1 - q). The paper
     * proves it for w₀ = 0; from any w₀ the same recursion holds with D ≥ ‖w₀ - w(λ)‖ provided the constants hold
     * on a ball containing every iterate: the iterates of a contraction stay within ‖w(λ)‖ + ‖w₀ - w(λ)‖ ≤
     * ‖w_t‖ + ‖w₀ - w_t‖ + 2 r_in/(1 - q) of the origin, which is checked against the constants' radius.
     *
     * @param problem       the problem
     * @param outer         λ
     * @param t             the number of steps differentiated through
     * @param start         w₀
     * @param inner         w_t
     * @param innerResidual ‖w_t - Φ(w_t, λ)‖
     * @param picard        whether the inner solver was Picard iteration of the problem's map (the theorem's setting)
     * @return the bounds
     */
    public static ErrorBound itd(BilevelProblem problem, Tensor outer, int t, Tensor start, Tensor inner,
            double innerResidual, boolean picard) {
        return itd(problem, outer, t, start, inner, innerResidual, picard, 0);
    }

    /**
     * As {@link #itd(BilevelProblem, Tensor, int, Tensor, Tensor, double, boolean)}, with the rounding of the
     * computation: {@code innerResidual} should include the rounding of its evaluation, and the rounding of the t
     * accumulated VJPs of the backward sweep, ε √t (‖∇₂E‖ + L_Φ ‖∇₁E‖/(1 - q)) up to a small factor, is added.
     *
     * @param problem       the problem
     * @param outer         λ
     * @param t             the number of steps differentiated through
     * @param start         w₀
     * @param inner         w_t
     * @param innerResidual ‖w_t - Φ(w_t, λ)‖ plus its rounding
     * @param picard        whether the inner solver was Picard iteration of the problem's map
     * @param sweepScale    ‖∇₂E‖ + ‖∇_s E‖, the scale of the terms the sweep accumulates, or 0 to leave rounding out
     * @return the bounds
     */
    public static ErrorBound itd(BilevelProblem problem, Tensor outer, int t, Tensor start, Tensor inner,
            double innerResidual, boolean picard, double sweepScale) {
        ContractionInfo info = problem.innerMap().contraction(outer);
        ErrorBound none = unusable(info);
        if (none != null) {
            return none;
        }
        double q = info.constant();
        double mu = 1 - q;
        double innerError = innerResidual / mu;
        Optional<LipschitzConstants> constants = problem.lipschitzConstants(outer);
        if (!picard || constants.isEmpty()) {
            return new ErrorBound(ErrorBound.Kind.UNAVAILABLE, q, innerError, Double.NaN, Double.NaN, source(info)
                    + (picard ? "; no Lipschitz constants known for the problem, so no hypergradient bound"
                            : "; Theorem 2.1 covers Picard iteration of the problem's map only"));
        }
        LipschitzConstants c = constants.get();
        double distance = start.sub(inner).normValue();
        double d = distance + innerError;
        double c1 = (c.outerGradientOuter() + c.outerGradientInner() * c.jacobianOuterBound() / mu) * d;
        double c2 = (c.jacobianOuter() + c.jacobianInner() * c.jacobianOuterBound() / mu) * c.outerGradientBound() * d;
        double c3 = c.outerGradientBound() * c.jacobianOuterBound() / mu;
        double middle = t == 0 ? 0 : c2 * t * Math.pow(q, t - 1);
        double total = (c1 + c3) * Math.pow(q, t) + middle + rounding(outer, inner) * Math.sqrt(t + 1.0)
                * sweepScale * (1 + c.jacobianOuterBound() / mu);
        double reach = inner.normValue() + distance + 2 * innerError;
        return new ErrorBound(kind(info, c, reach), q, innerError, Double.NaN, total, source(info) + region(c, reach)
                + "; Theorem 2.1 with D = |w0 - w_t| + r_in/(1 - q)");
    }

    /**
     * @param outer λ
     * @param inner w_t
     * @return 8 √(n + d) ε, the relative rounding of one sum of vectors of these sizes in their element type
     */
    public static double rounding(Tensor outer, Tensor inner) {
        return 8 * Math.sqrt(outer.size() + inner.size()) * inner.dtype().epsilon();
    }

    private static ErrorBound.Kind kind(ContractionInfo info, LipschitzConstants c, double reach) {
        return info.source() == ContractionInfo.Source.KNOWN && c.holdsWithin(reach) ? ErrorBound.Kind.CERTIFIED
                : ErrorBound.Kind.ESTIMATE;
    }

    private static String region(LipschitzConstants c, double reach) {
        return c.holdsWithin(reach) ? "" : "; the iterates may have left the ball |w| <= " + c.radius()
                + " where the problem's constants hold (reach " + reach + "): an estimate, not a certificate";
    }

    /** @return the reason no bound can be given, or null if q is available and below 1 */
    private static ErrorBound unusable(ContractionInfo info) {
        if (!info.isAvailable()) {
            return ErrorBound.unavailable("no contraction constant known for the inner map");
        }
        if (info.constant() >= 1) {
            return ErrorBound.unavailable("contraction constant q = " + info.constant()
                    + " >= 1: the inner map is not a contraction, no bound");
        }
        return null;
    }

    private static String source(ContractionInfo info) {
        return "q = " + info.constant() + (info.source() == ContractionInfo.Source.KNOWN ? " (proven)"
                : " (" + info.source().name().toLowerCase(Locale.ROOT) + ", not proven: the bound is an estimate)");
    }
}
