package org.bilevel4j.algorithms.itd;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.Instrumentation;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Iterative differentiation in forward mode (ITD-FMAD): propagates the tangents Z = ds_i/dλ along the inner
 * iteration, Z ← ∂₁Ψ(s_{i-1}, λ) Z + ∂₂Ψ(s_{i-1}, λ) (one JVP per coordinate of λ and per step),
 * and returns ∇₂E + (dw_t/dλ)ᵀ ∇₁E. Same value as reverse-mode ITD, no trajectory to store
 * (memory O(d·n)), cost t·n JVPs: for low-dimensional λ. It also gives the Jacobian w_t'(λ) itself
 * ({@link #innerJacobian}), the quantity of seed 004's Proposition 2.1.
 */
public final class ForwardItdEstimator implements HypergradientEstimator {
    private final InnerPhase phase;
    private final boolean strict;

    /**
     * @param phase  the inner solver, budget and warm-start setting
     * @param strict throw unless the inner iteration met its tolerance
     */
    public ForwardItdEstimator(InnerPhase phase, boolean strict) {
        this.phase = Objects.requireNonNull(phase, "phase");
        this.strict = strict;
    }

    /** @param t inner steps @return forward-mode ITD through t Picard steps */
    public static ForwardItdEstimator of(int t) {
        return new ForwardItdEstimator(InnerPhase.picard(t), false);
    }

    /** The final state with its tangents, one per coordinate of λ. */
    private record Propagation(Tensor state, Tensor[] tangents, int steps, boolean converged, boolean diverged) {
    }

    private Propagation propagate(BilevelProblem problem, FixedPointOperator step, Tensor outer, Tensor w0) {
        int n = outer.size();
        Tensor s = phase.solver().initialState(problem, w0);
        Tensor[] z = new Tensor[n];
        Tensor[] basis = new Tensor[n];
        for (int j = 0; j < n; j++) {
            z[j] = s.backend().zeros(s.shape(), s.dtype());
            double[] e = new double[n];
            e[j] = 1;
            basis[j] = outer.backend().fromArray(e, outer.shape(), outer.dtype());
        }
        int steps = 0;
        boolean converged = false;
        while (steps < phase.budget().maxIterations() && !converged) {
            Linearization lin = step.linearize(s, outer);
            for (int j = 0; j < n; j++) {
                z[j] = lin.jvp(z[j], basis[j]);
            }
            Tensor next = lin.value();
            if (ReverseSweep.diverged(phase, problem, next, w0)) {
                return new Propagation(s, z, steps + 1, false, true);
            }
            converged = ReverseSweep.converged(phase, problem, s, next);
            s = next;
            steps++;
        }
        return new Propagation(s, z, steps, converged, false);
    }

    /**
     * @param problem the problem
     * @param outer   λ
     * @return w_t'(λ), the Jacobian of the inner iterate, as a matrix [size of w, size of λ]
     */
    public Tensor innerJacobian(BilevelProblem problem, Tensor outer) {
        Tensor w0 = problem.initialInner(outer);
        Propagation p = propagate(problem, phase.solver().stepMap(problem), outer, w0);
        if (p.diverged()) {
            throw new NonFiniteValueException("outer: the inner iteration " + phase.solver().name()
                    + " diverged at step " + p.steps() + "; w_t'(lambda) does not exist there");
        }
        int d = problem.innerShape().size();
        Tensor[] columns = new Tensor[p.tangents().length];
        for (int j = 0; j < columns.length; j++) {
            columns[j] = Autodiff.jvp(st -> phase.solver().inner(problem, st), p.state(), p.tangents()[j])
                    .reshape(1, d);
        }
        return Tensor.concat(0, columns).transpose();
    }

    @Override
    public HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        OracleCounter counter = new OracleCounter();
        FixedPointOperator step = Instrumentation.counting(phase.solver().stepMap(problem), counter);
        Tensor w0 = phase.start(problem, outer, previous);
        problem.checkShapes(w0, outer);
        Propagation p = propagate(problem, step, outer, w0);
        if (p.diverged()) {
            return ReverseSweep.diverged(name(), phase.solver(), outer, phase.solver().inner(problem, p.state()),
                    p.steps(), counter, strict);
        }
        Tensor wt = phase.solver().inner(problem, p.state());
        ValueAndPartials grad = Instrumentation.counting(problem.outerObjective(), counter).valueAndGradient(wt, outer);
        Tensor a = ReverseSweep.seed(problem, phase.solver(), grad, p.state()).state;
        double[] g = grad.outer().toDoubleArray();
        for (int j = 0; j < g.length; j++) {
            g[j] += a.dotValue(p.tangents()[j]);
        }
        Tensor hypergradient = outer.backend().fromArray(g, outer.shape(), outer.dtype());
        FixedPointOperator phi = Instrumentation.counting(problem.innerMap(), counter);
        return ReverseSweep.finish(name(), problem, phi, phase, outer, w0, wt, grad, hypergradient, p.steps(), true,
                p.converged(), counter, strict, "forward mode, " + g.length + " tangents");
    }

    @Override
    public String name() {
        return "itd-forward(t=" + phase.budget().maxIterations() + ")";
    }
}
