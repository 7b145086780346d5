package org.bilevel4j.theory.testkit;

import java.util.SplittableRandom;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A bilevel problem with everything known in closed form or to rounding: the inner solution w(&lambda;), its
 * Jacobian w'(&lambda;), the exact hypergradient, the contraction constant q_&lambda; and the regularity constants of
 * seed 004 (catalogue of &sect;3.1 of the digest). The ground truth for the theory checks.
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
     * @param outer &lambda;
     * @return w(&lambda;), to rounding (remembered for the last &lambda;: bounds ask for it at every estimate)
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
     * @param outer &lambda; (concrete)
     * @return w(&lambda;), to rounding
     */
    protected abstract Tensor solveInner(Tensor outer);

    /**
     * @param outer &lambda;
     * @return w'(&lambda;) as a matrix [size of w, size of &lambda;]
     */
    public abstract Tensor exactInnerJacobian(Tensor outer);

    /**
     * @param outer &lambda;
     * @return q_&lambda;, the Lipschitz constant of &Phi;(&middot;, &lambda;) (also declared by the inner map)
     */
    public abstract double contraction(Tensor outer);

    /**
     * @param rng generator
     * @return a random &lambda; from the problem's sampling distribution
     */
    public abstract Tensor sampleOuter(SplittableRandom rng);

    /**
     * @param outer &lambda;
     * @return &nabla;f(&lambda;) = &nabla;&#8322;E(w, &lambda;) + w'(&lambda;)&#7488; &nabla;&#8321;E(w, &lambda;) at w = w(&lambda;) (eq. (5))
     */
    public Tensor exactHypergradient(Tensor outer) {
        Tensor w = exactInner(outer);
        PartialGradients g = outerObjective().gradient(w, outer);
        Tensor jt = exactInnerJacobian(outer).transpose();
        return g.outer().add(jt.matmul(g.inner().flatten()).reshape(outerShape()));
    }

    /**
     * @param outer &lambda;
     * @return D_&lambda; = &#8214;w(&lambda;)&#8214; (&#8214;w(&lambda;) - w&#8320;&#8214; with w&#8320; = 0)
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

    static Tensor vector(Backend b, double[] v) {
        return b.fromArray(v, Shape.of(v.length));
    }

    static Tensor matrix(Backend b, double[][] a) {
        return b.matrix(a);
    }
}
