package org.bilevel4j.functional;

import java.util.Objects;
import java.util.Optional;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * The parametric counterpart of a functional bilevel problem (Petrulionytė, Mairal, Arbel, NeurIPS 2024,
 * Appendix F.1, eq. (56)): the inner variable is the flat parameter vector θ of a model τ, and
 * <pre>
 *   G_in(θ, w) = L̂_in(w, τ(θ)) + (ρ/2)‖θ‖²  on the full D_in,     G_out(θ, w) = L̂_out(w, τ(θ))  on the full D_out,
 * </pre>
 * as an {@link OptimizationBilevelProblem} over θ (the library's inner variable) and w (its outer variable), so
 * that the library's estimators — AID ({@code AidEstimator}) and ITD ({@code ItdEstimator}) — compute
 * ∇G_tot(w) = ∂_w G_out - ∂²_{wθ}G_in [∂²_θθ G_in]⁻¹ ∂_θ G_out (eq. (57)) by differentiating through the
 * network's weights. Unlike FuncID, this needs Hessian-vector products in θ (size p) and an invertible parametric
 * Hessian; it equals the functional gradient ∇F(w) when the model is well specified (h*_w stays in the model's
 * range near w), and otherwise differs by a projection of the adjoint (the paper's Proposition F.2).
 */
public final class ParametricBilevel {
    private ParametricBilevel() {
    }

    /**
     * @param problem   the functional problem
     * @param model     τ(θ), compatible with the problem
     * @param initial   θ₀, the inner iteration's start (networks must not start at zero)
     * @param ridge     ρ ≥ 0
     * @param innerStep the gradient step α of the inner map θ ← θ - α∇_θ G_in (below 2/L for a contraction)
     * @return the parametric problem
     */
    public static OptimizationBilevelProblem of(FunctionalBilevelProblem problem, FunctionModel model, Tensor initial,
            double ridge, double innerStep) {
        Objects.requireNonNull(problem, "problem");
        problem.requireCompatible(model, "model");
        Objects.requireNonNull(initial, "initial");
        if (initial.rank() != 1 || initial.dim(0) != model.parameterCount()) {
            throw new org.bilevel4j.api.error.ShapeMismatchException("initial: expected parameters of shape ["
                    + model.parameterCount() + "], got " + initial.shape());
        }
        if (!(ridge >= 0) || !Double.isFinite(ridge)) {
            throw new IllegalArgumentException("ridge: expected a finite ρ ≥ 0, got " + ridge);
        }
        Dataset.Batch in = problem.innerData().full();
        Dataset.Batch out = problem.outerData().full();
        ScalarObjective inner = ScalarObjective.of((theta, w) -> {
            Tensor v = problem.innerValue(w, model.apply(theta, in.x()), in);
            return ridge == 0 ? v : v.add(theta.square().sum().mul(ridge / 2));
        });
        ScalarObjective outer = ScalarObjective.of((theta, w) -> problem.outerValue(w, model.apply(theta, out.x()), out));
        OptimizationBilevelProblem base = BilevelProblem.optimization(outer, inner, Shape.of(model.parameterCount()),
                Shape.of(problem.outerDimension()), innerStep);
        return new Started(base, initial.detach().requireFinite("initial"));
    }

    /** Delegates everything but the starting point. */
    private record Started(OptimizationBilevelProblem base, Tensor initial) implements OptimizationBilevelProblem {
        @Override
        public ScalarObjective innerObjective() {
            return base.innerObjective();
        }

        @Override
        public GradientStepMap innerMap() {
            return base.innerMap();
        }

        @Override
        public Optional<CurvatureBounds> curvature(Tensor outer) {
            return base.curvature(outer);
        }

        @Override
        public ScalarObjective outerObjective() {
            return base.outerObjective();
        }

        @Override
        public Shape innerShape() {
            return base.innerShape();
        }

        @Override
        public Shape outerShape() {
            return base.outerShape();
        }

        @Override
        public Tensor initialInner(Tensor outer) {
            return initial;
        }

        @Override
        public Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
            return base.lipschitzConstants(outer);
        }
    }
}
