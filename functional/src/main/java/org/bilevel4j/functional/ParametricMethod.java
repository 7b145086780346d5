package org.bilevel4j.functional;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Optimizer;

/** AID or ITD on the inner model's weights behind {@link OuterStepMethod}. */
final class ParametricMethod implements OuterStepMethod {
    private final String name;
    private final HypergradientEstimator estimator;
    private final FunctionalBilevelProblem problem;
    private final FunctionModel model;
    private final OptimizationBilevelProblem parametric;
    private final Optimizer outer;
    private final Dataset.Batch in;
    private final Dataset.Batch out;
    private Tensor theta;
    private Tensor w;
    private HypergradientEstimate previous;
    private int n;

    ParametricMethod(String name, HypergradientEstimator estimator, FunctionalBilevelProblem problem,
            FunctionModel model, Tensor theta0, double ridge, double innerStep, Tensor w0, Optimizer outer) {
        this.name = name;
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        this.problem = Objects.requireNonNull(problem, "problem");
        this.model = model;
        this.parametric = ParametricBilevel.of(problem, model, theta0, ridge, innerStep);
        this.outer = Objects.requireNonNull(outer, "outer");
        problem.requireW(w0, "w0");
        this.w = w0.detach().requireFinite("w0");
        this.theta = theta0.detach();
        this.in = problem.innerData().full();
        this.out = problem.outerData().full();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FunctionalBilevelProblem problem() {
        return problem;
    }

    @Override
    public Tensor outerParameters() {
        return w;
    }

    @Override
    public Tensor innerPrediction(Tensor x) {
        problem.requireInputs(x, "x");
        return model.apply(theta, x).detach();
    }

    @Override
    public int iterations() {
        return n;
    }

    @Override
    public OuterStep step() {
        long t0 = System.nanoTime();
        HypergradientEstimate e = estimator.estimate(parametric, w, previous);
        double innerLoss = Double.NaN;
        double outerLoss = Double.NaN;
        Status status = e.status();
        String message = e.message();
        if (!status.isFailure() && e.hypergradient().isFinite()) {
            theta = e.inner().detach();
            previous = e;
            innerLoss = problem.innerValue(w, model.apply(theta, in.x()), in).item();
            outerLoss = problem.outerValue(w, model.apply(theta, out.x()), out).item();
            w = outer.step(w, e.hypergradient());
        } else {
            status = Status.DIVERGED;
            message = "the estimate failed (" + e.status() + ": " + e.message() + "); w not updated";
        }
        long dt = System.nanoTime() - t0;
        OracleCounts c = e.counts();
        OuterStep.Counts counts = new OuterStep.Counts(c.mapEvaluations(), 0, 0, c.vjps() + c.jvps() + c.hvps(),
                c.gradients());
        return new OuterStep(name, n++, outerLoss, innerLoss, dt, counts, status, message);
    }
}
