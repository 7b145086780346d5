package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The joint iterate (w, v, λ) of a single-loop stochastic bilevel method.
 *
 * <p>Sign convention of the adjoint, the library's one: v approximates +[∇²_ww g]⁻¹ ∇_w f, and the
 * hypergradient is ∇Φ = ∇_λ f − ∇²_λw g·v. (The SOBA, SABA and SRBA papers use the opposite sign,
 * v_paper = −v.)
 *
 * @param inner   w
 * @param adjoint v, of the shape of w
 * @param outer   λ
 */
public record BilevelState(Tensor inner, Tensor adjoint, Tensor outer) {

    /** Checks the arguments. */
    public BilevelState {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(adjoint, "adjoint");
        Objects.requireNonNull(outer, "outer");
        if (!adjoint.shape().equals(inner.shape())) {
            throw new IllegalArgumentException("adjoint: expected the shape of the inner variable " + inner.shape()
                    + ", got " + adjoint.shape());
        }
    }

    /**
     * @param problem the problem
     * @param outer   λ₀
     * @return (0, 0, λ₀), the papers' start
     */
    public static BilevelState start(FiniteSumBilevelProblem problem, Tensor outer) {
        Tensor zeros = outer.backend().zeros(problem.innerShape(), outer.dtype());
        return new BilevelState(zeros, zeros, outer);
    }

    /** @return whether w, v and λ are all finite */
    public boolean isFinite() {
        return inner.isFinite() && adjoint.isFinite() && outer.isFinite();
    }

    /** @return the name of the first non-finite variable ("w", "v" or "λ"), or null */
    public String firstNonFinite() {
        if (!inner.isFinite()) {
            return "w";
        }
        if (!adjoint.isFinite()) {
            return "v";
        }
        return outer.isFinite() ? null : "λ";
    }

    /**
     * The joint (Jacobi) step of the single-loop framework: all three directions were computed at this state.
     *
     * @param d          the directions
     * @param rho        ρ, the step of w
     * @param rhoV       ρ_v, the step of v
     * @param gamma      γ, the step of λ
     * @param projection applied to λ after its step
     * @return (w − ρD_w, v − ρ_vD_v, P(λ − γD_λ))
     */
    public BilevelState descend(Directions d, double rho, double rhoV, double gamma, Projection projection) {
        return new BilevelState(inner.sub(d.inner().mul(rho)), adjoint.sub(d.adjoint().mul(rhoV)),
                projection.project(outer.sub(d.outer().mul(gamma))));
    }
}
