package org.bilevel4j.testkit.problems;

import java.util.SplittableRandom;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A bilevel problem with everything known in closed form or to rounding: the inner solution w(λ), its
 * Jacobian w'(λ), the exact hypergradient, the contraction constant q_λ and the regularity constants of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020 (ν₁, ν₂, η₁, η₂, L_Φ, L_E). The ground truth for the theory checks.
 */
public abstract class TestProblem implements BilevelProblem {
    private final String name;
    protected final Backend backend;
    private BilevelProblem definition;

    protected TestProblem(String name, Backend backend) {
        this.name = name;
        this.backend = backend;
    }

    /**
     * Sets the problem's objectives, inner map and shapes; called once, at the end of the subclass constructor.
     *
     * @param problem the problem built with {@link BilevelProblem#fixedPoint} or {@link BilevelProblem#optimization}
     */
    protected void define(BilevelProblem problem) {
        if (definition != null) {
            throw new IllegalStateException(name + ": already defined");
        }
        definition = problem;
    }

    /** @return the problem given to {@link #define} */
    protected BilevelProblem definition() {
        if (definition == null) {
            throw new IllegalStateException(name + ": the subclass constructor did not call define(...)");
        }
        return definition;
    }

    @Override
    public ScalarObjective outerObjective() {
        return definition().outerObjective();
    }

    @Override
    public FixedPointOperator innerMap() {
        return definition().innerMap();
    }

    @Override
    public Shape innerShape() {
        return definition().innerShape();
    }

    @Override
    public Shape outerShape() {
        return definition().outerShape();
    }

    /** @return a short description with the parameters */
    public String name() {
        return name;
    }

    private volatile Object[] lastInner = {new double[0], null};

    /**
     * @param outer λ
     * @return w(λ), to rounding (remembered for the last λ: bounds ask for it at every estimate)
     */
    public final Tensor exactInner(Tensor outer) {
        double[] key = outer.toDoubleArray();
        Object[] last = lastInner;
        if (java.util.Arrays.equals((double[]) last[0], key)) {
            return (Tensor) last[1];
        }
        Tensor w = solveInner(outer.detach());
        lastInner = new Object[] {key, w};
        return w;
    }

    /**
     * @param outer λ (concrete)
     * @return w(λ), to rounding
     */
    protected abstract Tensor solveInner(Tensor outer);

    /**
     * @param outer λ
     * @return w'(λ) as a matrix [size of w, size of λ]
     */
    public abstract Tensor exactInnerJacobian(Tensor outer);

    /**
     * @param outer λ
     * @return q_λ, the Lipschitz constant of Φ(·, λ) (also declared by the inner map)
     */
    public abstract double contraction(Tensor outer);

    /**
     * @param rng generator
     * @return a random λ from the problem's sampling distribution
     */
    public abstract Tensor sampleOuter(SplittableRandom rng);

    /**
     * @param outer λ
     * @return ∇f(λ) = ∇₂E(w, λ) + w'(λ)ᵀ ∇₁E(w, λ) at w = w(λ) (eq. (5))
     */
    public Tensor exactHypergradient(Tensor outer) {
        Tensor w = exactInner(outer);
        PartialGradients g = outerObjective().gradient(w, outer);
        Tensor jt = exactInnerJacobian(outer).transpose();
        return g.outer().add(jt.matmul(g.inner().flatten()).reshape(outerShape()));
    }

    /**
     * @param outer λ
     * @return D_λ = ‖w(λ)‖ (‖w(λ) - w₀‖ with w₀ = 0)
     */
    public double radius(Tensor outer) {
        return exactInner(outer).normValue();
    }

    /** @return the backend the problem's tensors live on */
    public Backend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * @param rng  generator, advanced by p draws
     * @param p    dimension
     * @param low  lower end of every coordinate
     * @param high upper end of every coordinate (exclusive)
     * @return λ uniform on [low, high)^p
     */
    protected Tensor uniformOuter(SplittableRandom rng, int p, double low, double high) {
        double[] l = new double[p];
        for (int i = 0; i < p; i++) {
            l[i] = rng.nextDouble(low, high);
        }
        return vector(backend, l);
    }

    /** @return ½‖X w - y‖² */
    static Tensor halfSquaredResidual(Tensor x, Tensor y, Tensor w) {
        return x.matmul(w).sub(y).square().sum().mul(0.5);
    }

    /** @return E(w, λ) = ½‖w - w*‖² + (θ/2)‖λ‖², the outer objective of the fixed-point problems */
    static ScalarObjective tracking(Tensor target, double theta) {
        return ScalarObjective.of((w, l) -> w.sub(target).square().sum().mul(0.5).add(l.square().sum().mul(theta / 2)));
    }

    static Tensor vector(Backend b, double[] v) {
        return b.fromArray(v, Shape.of(v.length));
    }

    static Tensor matrix(Backend b, double[][] a) {
        return b.matrix(a);
    }
}
