package org.bilevel4j.algorithms;

import static org.bilevel4j.algorithms.TestMatrices.B;

import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * A quadratic bilevel problem with closed forms:
 * <pre>
 *   inner  g(w, λ) = ½ w'Hw - w'(Bλ),  H SPD with spectrum exactly [mu, L]   =&gt;  w*(λ) = H^-1 B λ
 *   outer  E(w, λ) = ½ ||w - w_target||² + ½ theta ||λ||²
 *   hypergradient  ∇f(λ) = theta λ + B' H^-1 (w*(λ) - w_target)
 * </pre>
 * B has known singular values, so f is strongly convex with curvature in [theta, theta + (smax(B)/mu)²].
 */
public final class QuadraticBilevel {
    public final int n;
    public final int p;
    public final double mu;
    public final double smoothness;
    public final double theta;
    public final double maxSingularValueOfB;
    public final Tensor h;
    public final Tensor b;
    public final Tensor wTarget;
    public final ScalarObjective innerObjective;
    public final ScalarObjective outerObjective;

    /**
     * @param n      inner dimension
     * @param p      outer dimension (≤ n)
     * @param mu     smallest eigenvalue of H
     * @param l      largest eigenvalue of H
     * @param theta  outer regularisation
     * @param seed   random seed
     */
    public QuadraticBilevel(int n, int p, double mu, double l, double theta, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        this.n = n;
        this.p = p;
        this.mu = mu;
        this.smoothness = l;
        this.theta = theta;
        this.h = TestMatrices.symmetricWithSpectrum(DenseMatrices.geometric(n, mu, l), rng);
        double[] s = DenseMatrices.geometric(p, 0.4, 1.0);
        this.maxSingularValueOfB = 1.0;
        this.b = TestMatrices.withSingularValues(n, p, s, rng);
        this.wTarget = TestMatrices.randomVector(n, rng);
        Tensor hh = h;
        Tensor bb = b;
        Tensor target = wTarget;
        this.innerObjective = ScalarObjective.of(
                (w, lambda) -> w.dot(hh.matmul(w)).mul(0.5).sub(w.dot(bb.matmul(lambda))));
        this.outerObjective = ScalarObjective.of((w, lambda) -> {
            Tensor d = w.sub(target);
            return d.dot(d).mul(0.5).add(lambda.dot(lambda).mul(0.5 * theta));
        });
    }

    /** @return the problem with curvature bounds (inner map: gradient descent with the optimal step) */
    public OptimizationBilevelProblem problem() {
        return BilevelProblem.optimization(outerObjective, innerObjective, Shape.of(n), Shape.of(p),
                lambda -> new CurvatureBounds(mu, smoothness));
    }

    /** @return the problem whose inner map is gradient descent with a fixed step, no curvature bounds */
    public OptimizationBilevelProblem problemWithStep(double step) {
        return BilevelProblem.optimization(outerObjective, innerObjective, Shape.of(n), Shape.of(p), step);
    }

    /** @return q = (kappa - 1)/(kappa + 1) */
    public double optimalContraction() {
        double kappa = smoothness / mu;
        return (kappa - 1) / (kappa + 1);
    }

    /** @return w*(λ) = H^-1 B λ */
    public Tensor innerSolution(Tensor lambda) {
        return h.solve(b.matmul(lambda));
    }

    /** @return ∇_w g(w, λ) = H w - B λ */
    public Tensor innerGradient(Tensor w, Tensor lambda) {
        return h.matmul(w).sub(b.matmul(lambda));
    }

    /** @return f(λ) = E(w*(λ), λ) */
    public double outerValue(Tensor lambda) {
        Tensor d = innerSolution(lambda).sub(wTarget);
        return 0.5 * d.dotValue(d) + 0.5 * theta * lambda.dotValue(lambda);
    }

    /** @return ∇f(λ) = theta λ + B' H^-1 (w*(λ) - w_target) */
    public Tensor hypergradient(Tensor lambda) {
        Tensor d = innerSolution(lambda).sub(wTarget);
        return lambda.mul(theta).add(b.matmul(h.solve(d), true, false));
    }

    /** @return the minimiser of f: (C'C + theta I) λ = C' w_target with C = H^-1 B */
    public Tensor outerMinimizer() {
        Tensor c = h.solve(b);
        Tensor normal = c.matmul(c, true, false).add(B.identity(p).mul(theta));
        return normal.solve(c.matmul(wTarget, true, false));
    }

    /** @return an upper bound on the curvature of f: theta + (smax(B) / mu)^2 */
    public double outerSmoothness() {
        return theta + Math.pow(maxSingularValueOfB / mu, 2);
    }
}
