package org.bilevel4j.theory.bounds;

import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.bilevel4j.testkit.problems.TestProblem;

/**
 * One generated instance (problem, λ) with its ground truth: w(λ), w'(λ), ∇f(λ), q_λ, the
 * regularity constants of the test kit and the constants c₁, c₂, c₃ of Theorem 2.1 with
 * D = ‖w(λ)‖ (w₀ = 0). Instances are drawn by {@link Generated}.
 */
final class Instance {
    static final Backend B = Backends.get("ejml");

    final String label;
    final TestProblem problem;
    final Tensor lambda;
    final int d;
    final int n;
    final Tensor w;
    final double[] wArray;
    final double radius;
    final double[][] wPrime;
    final Tensor gradient;
    final double[] gradientArray;
    final double q;
    final LipschitzConstants k;
    final double c1;
    final double c2;
    final double c3;

    Instance(String label, TestProblem problem, Tensor lambda) {
        this.label = label;
        this.problem = problem;
        this.lambda = lambda;
        this.d = problem.innerShape().size();
        this.n = problem.outerShape().size();
        this.w = problem.exactInner(lambda);
        this.wArray = w.toDoubleArray();
        this.radius = w.normValue();
        this.wPrime = DenseMatrices.toArray(problem.exactInnerJacobian(lambda));
        // eq. (5), as TestProblem.exactHypergradient, without solving for w(lambda) again: the test kit's
        // TanhEquilibrium.exactInner can run its 100 000-step cap when Picard iteration cycles at rounding level
        this.gradientArray = DenseMatrices.add(outerGradientOuter(w), DenseMatrices.mulTransposed(wPrime, outerGradientInner(w)));
        this.gradient = vector(gradientArray).reshape(problem.outerShape());
        this.q = problem.contraction(lambda);
        this.k = problem.lipschitzConstants(lambda).orElseThrow();
        double mu = 1 - q;
        this.c1 = (k.outerGradientOuter() + k.outerGradientInner() * k.jacobianOuterBound() / mu) * radius;
        this.c2 = (k.jacobianOuter() + k.jacobianInner() * k.jacobianOuterBound() / mu) * k.outerGradientBound()
                * radius;
        this.c3 = k.outerGradientBound() * k.jacobianOuterBound() / mu;
    }

    /** @return the absolute tolerance for hypergradient errors, 1e-9 max(1, ‖∇f‖) */
    double atol() {
        return 1e-9 * Math.max(1, DenseMatrices.norm(gradientArray));
    }

    /** @return ‖g - ∇f(λ)‖ */
    double hypergradientError(Tensor g) {
        return DenseMatrices.norm(DenseMatrices.sub(g.toDoubleArray(), gradientArray));
    }

    /** @return ‖w_t - w(λ)‖ / ‖w(λ)‖, the measured ρ(t) */
    double rho(Tensor wt) {
        return DenseMatrices.norm(DenseMatrices.sub(wt.toDoubleArray(), wArray)) / radius;
    }

    /** @return the linearization of Φ at (w, λ) */
    Linearization linearize(Tensor at) {
        return problem.innerMap().linearize(at, lambda);
    }

    /** @return ∇₁E(w, λ) */
    double[] outerGradientInner(Tensor at) {
        return problem.outerObjective().gradient(at, lambda).inner().toDoubleArray();
    }

    /** @return ∇₂E(w, λ) */
    double[] outerGradientOuter(Tensor at) {
        return problem.outerObjective().gradient(at, lambda).outer().toDoubleArray();
    }

    /** @return v_t, the exact solution of (I - ∂₁Φ(w_t)ᵀ) v = ∇₁E(w_t) by a dense solve */
    double[] exactAdjoint(Tensor at) {
        double[][] j = DenseMatrices.jacobianInner(linearize(at), d);
        return DenseMatrices.solve(DenseMatrices.identityMinus(DenseMatrices.transpose(j)), outerGradientInner(at));
    }

    /** @return a tensor of λ's backend */
    Tensor vector(double[] v) {
        return B.vector(v);
    }

    @Override
    public String toString() {
        return label + " (q=" + q + ", D=" + radius + ", c1=" + c1 + ", c2=" + c2 + ", c3=" + c3 + ")";
    }
}
