package org.bilevel4j.api.map;

import java.util.Objects;
import java.util.function.Function;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The gradient-descent map of an inner objective, Φ(w, λ) = w - α(λ) ∇_w g(w, λ), which turns
 * the optimization form w(λ) = argmin_w g(w, λ) into the fixed-point form w = Φ(w, λ) (problem (2) of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020).
 * Its Jacobians are ∂₁Φ = I - α∇²_ww g (symmetric) and
 * ∂₂Φ = -α∇²_λw g.
 *
 * <p>The step α(λ) is treated as a constant when differentiating in λ (the "practical replacement"
 * ∂̂₂Φ = -α∇²_λw g of Grazzi et al. (2020), Appendix B, used in all their experiments); at the fixed point
 * the dropped term vanishes, so the exact hypergradient is unchanged. With {@link CurvatureBounds} the step is the
 * optimal 2/(μ + L) unless given, and the contraction constant is known.
 */
public final class GradientStepMap implements FixedPointOperator {
    private final ScalarObjective objective;
    private final double fixedStep;
    private final Function<Tensor, CurvatureBounds> curvature;

    private GradientStepMap(ScalarObjective objective, double fixedStep, Function<Tensor, CurvatureBounds> curvature) {
        this.objective = Objects.requireNonNull(objective, "objective");
        this.fixedStep = fixedStep;
        this.curvature = curvature;
    }

    /**
     * @param objective g(w, λ)
     * @param step      α &gt; 0, the same for every λ
     * @return the map, without contraction information
     */
    public static GradientStepMap withStep(ScalarObjective objective, double step) {
        requireStep(step);
        return new GradientStepMap(objective, step, null);
    }

    /**
     * @param objective g(w, λ)
     * @param step      α &gt; 0, the same for every λ
     * @param curvature bounds on ∇²_ww g for each λ, giving q = max(|1 - αμ|, |1 - αL|)
     * @return the map
     */
    public static GradientStepMap withStep(ScalarObjective objective, double step,
            Function<Tensor, CurvatureBounds> curvature) {
        requireStep(step);
        return new GradientStepMap(objective, step, Objects.requireNonNull(curvature, "curvature"));
    }

    /**
     * @param objective g(w, λ)
     * @param curvature bounds on ∇²_ww g for each λ
     * @return the map with the optimal step α(λ) = 2/(μ + L) and q = (κ - 1)/(κ + 1)
     */
    public static GradientStepMap optimal(ScalarObjective objective, Function<Tensor, CurvatureBounds> curvature) {
        return new GradientStepMap(objective, Double.NaN, Objects.requireNonNull(curvature, "curvature"));
    }

    private static void requireStep(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
    }

    /** @return g */
    public ScalarObjective objective() {
        return objective;
    }

    /**
     * @param outer λ
     * @return α(λ)
     */
    public double step(Tensor outer) {
        return Double.isNaN(fixedStep) ? curvature.apply(outer).optimalStep() : fixedStep;
    }

    @Override
    public Tensor apply(Tensor inner, Tensor outer) {
        // only the gradient in w: the partial in lambda of a full gradient() would be computed and thrown away
        return inner.sub(objective.innerGradientMap().apply(inner, outer).mul(step(outer)));
    }

    @Override
    public Linearization linearize(Tensor inner, Tensor outer) {
        double alpha = step(outer);
        Linearization gradient = objective.innerGradientMap().linearize(inner, outer);
        Tensor value = inner.sub(gradient.value().mul(alpha));
        return new Linearization() {
            @Override
            public Tensor value() {
                return value;
            }

            @Override
            public long retainedBytes() {
                long recorded = gradient.retainedBytes();
                return recorded < 0 ? -1 : recorded + (long) value.size() * value.dtype().bytes();
            }

            @Override
            public PartialGradients vjp(Tensor cotangent) {
                PartialGradients h = gradient.vjp(cotangent);
                return new PartialGradients(cotangent.sub(h.inner().mul(alpha)), h.outer().mul(-alpha));
            }

            @Override
            public Tensor vjpInner(Tensor cotangent) {
                return cotangent.sub(gradient.vjpInner(cotangent).mul(alpha));
            }

            @Override
            public Tensor jvp(Tensor tangentInner, Tensor tangentOuter) {
                Tensor d = gradient.jvp(tangentInner, tangentOuter).mul(-alpha);
                return tangentInner == null ? d : d.add(tangentInner);
            }
        };
    }

    @Override
    public ContractionInfo contraction(Tensor outer) {
        if (curvature == null) {
            return ContractionInfo.unknown();
        }
        return ContractionInfo.known(curvature.apply(outer).contraction(step(outer)));
    }

    @Override
    public boolean hasSymmetricJacobian() {
        return true;
    }
}
