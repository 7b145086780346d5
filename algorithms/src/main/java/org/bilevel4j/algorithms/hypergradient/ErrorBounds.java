package org.bilevel4j.algorithms.hypergradient;

import java.util.Optional;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The a-posteriori bounds of {@link ErrorBound}, computed from measured residuals, the contraction constant of the
 * problem's inner map and, when the problem provides them, its {@link LipschitzConstants} (seed 004, Theorems
 * 2.1 and 2.2).
 */
public final class ErrorBounds {
    private ErrorBounds() {
    }

    /**
     * AID: bound (13) with μ = 1 - q, ρ(t)D ≤ r_in/(1 - q) and σ(k)‖v_t‖ ≤ r_adj/(1 - q):
     * (η₂ + η₁L_Φ/μ + ν₂L_E/μ + ν₁L_ΦL_E/μ²) · r_in/μ + L_Φ r_adj/μ.
     *
     * @param problem         the problem
     * @param outer           λ
     * @param innerResidual   ‖w_t - Φ(w_t, λ)‖
     * @param adjointResidual the true residual of the adjoint system at w_t
     * @return the bounds
     */
    public static ErrorBound aid(BilevelProblem problem, Tensor outer, double innerResidual, double adjointResidual) {
        ContractionInfo info = problem.innerMap().contraction(outer);
        ErrorBound none = unusable(info);
        if (none != null) {
            return none;
        }
        double q = info.constant();
        double mu = 1 - q;
        double inner = innerResidual / mu;
        double adjoint = adjointResidual / mu;
        Optional<LipschitzConstants> constants = problem.lipschitzConstants(outer);
        if (constants.isEmpty()) {
            return new ErrorBound(q, inner, adjoint, Double.NaN, source(info)
                    + "; no Lipschitz constants known for the problem, so no hypergradient bound");
        }
        LipschitzConstants c = constants.get();
        double factor = c.outerGradientOuter() + c.outerGradientInner() * c.jacobianOuterBound() / mu
                + c.jacobianOuter() * c.outerGradientBound() / mu
                + c.jacobianInner() * c.jacobianOuterBound() * c.outerGradientBound() / (mu * mu);
        double total = factor * inner + c.jacobianOuterBound() * adjoint;
        return new ErrorBound(q, inner, adjoint, total, source(info) + "; Theorem 2.2 with measured residuals");
    }

    /**
     * ITD with Picard steps: bound (8), (c₁ + c₂ t/q + c₃) q^t, with D = ‖w₀ - w_t‖ + r_in/(1 - q).
     * Seed 004 proves it for w₀ = 0; with a warm start w₀ ≠ 0 the same recursion holds with D = ‖w₀ - w(λ)‖
     * provided the problem's Lipschitz constants hold on a ball around w(λ) that contains the iterates, which
     * the problem's {@link LipschitzConstants} are responsible for declaring.
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
            return new ErrorBound(q, innerError, Double.NaN, Double.NaN, source(info) + (picard
                    ? "; no Lipschitz constants known for the problem, so no hypergradient bound"
                    : "; Theorem 2.1 covers Picard iteration of the problem's map only"));
        }
        LipschitzConstants c = constants.get();
        double d = start.sub(inner).normValue() + innerError;
        double c1 = (c.outerGradientOuter() + c.outerGradientInner() * c.jacobianOuterBound() / mu) * d;
        double c2 = (c.jacobianOuter() + c.jacobianInner() * c.jacobianOuterBound() / mu) * c.outerGradientBound() * d;
        double c3 = c.outerGradientBound() * c.jacobianOuterBound() / mu;
        double middle = t == 0 ? 0 : c2 * t * Math.pow(q, t - 1);
        double total = (c1 + c3) * Math.pow(q, t) + middle;
        return new ErrorBound(q, innerError, Double.NaN, total, source(info) + "; Theorem 2.1 with D = |w0 - w_t| + "
                + "r_in/(1 - q)");
    }

    /** @return the reason no bound can be given, or null if q is known and below 1 */
    private static ErrorBound unusable(ContractionInfo info) {
        if (!info.isAvailable()) {
            return ErrorBound.unavailable("no contraction constant known for the inner map");
        }
        if (info.constant() >= 1) {
            return new ErrorBound(info.constant(), Double.NaN, Double.NaN, Double.NaN, "contraction constant q = "
                    + info.constant() + " >= 1: the inner map is not a contraction, no bound");
        }
        return null;
    }

    private static String source(ContractionInfo info) {
        return "q = " + info.constant() + " (" + info.source().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
