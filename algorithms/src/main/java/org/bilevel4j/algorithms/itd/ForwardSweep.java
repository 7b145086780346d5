package org.bilevel4j.algorithms.itd;

import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Forward mode: propagates the tangents Z_j = ds_i/dλ_j along the iteration, Z ← ∂₁Ψ(s_{i-1}, λ) Z + ∂₂Ψ(s_{i-1}, λ)
 * (one JVP per coordinate of λ and per step). No trajectory is stored (memory O(d·n) for n = dim λ); the cost is
 * t·n JVPs, for low-dimensional λ.
 */
final class ForwardSweep implements Sweep {
    private final BilevelProblem problem;
    private final InnerSolver solver;
    private final FixedPointOperator step;
    private final Tensor outer;
    private final Tensor[] tangents;
    private final Tensor[] basis;
    private double lastChange = Double.NaN;

    ForwardSweep(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer, Tensor state0) {
        this.problem = problem;
        this.solver = solver;
        this.step = step;
        this.outer = outer;
        int n = outer.size();
        tangents = new Tensor[n];
        basis = new Tensor[n];
        for (int j = 0; j < n; j++) {
            tangents[j] = state0.backend().zeros(state0.shape(), state0.dtype());
            double[] e = new double[n];
            e[j] = 1;
            basis[j] = outer.backend().fromArray(e, outer.shape(), outer.dtype());
        }
    }

    @Override
    public Tensor next(int i, Tensor state) {
        Linearization lin = step.linearize(state, outer);
        double change = 0;
        for (int j = 0; j < tangents.length; j++) {
            Tensor z = lin.jvp(tangents[j], basis[j]);
            double c = z.sub(tangents[j]).normValue();
            change += c * c;
            tangents[j] = z;
        }
        lastChange = Math.sqrt(change);
        return lin.value();
    }

    /** @return ‖Z‖, the Frobenius norm of the tangents */
    private double tangentNorm() {
        double s = 0;
        for (Tensor z : tangents) {
            double n = z.normValue();
            s += n * n;
        }
        return Math.sqrt(s);
    }

    /**
     * @param finalState s_t
     * @return w_t'(λ) = ∂w/∂s · Z, as a matrix [size of w, size of λ]
     */
    Tensor innerJacobian(Tensor finalState) {
        int d = problem.innerShape().size();
        Tensor[] columns = new Tensor[tangents.length];
        for (int j = 0; j < columns.length; j++) {
            columns[j] = Autodiff.jvp(st -> solver.inner(problem, st), finalState, tangents[j]).reshape(1, d);
        }
        return Tensor.concat(0, columns).transpose();
    }

    @Override
    public Result backward(Tensor finalState, ValueAndPartials grad, int steps) {
        Tensor a = Autodiff.vjp(s -> solver.inner(problem, s), finalState, grad.inner());
        double[] g = grad.outer().toDoubleArray();
        for (int j = 0; j < g.length; j++) {
            g[j] += a.dotValue(tangents[j]);
        }
        Tensor derivative = outer.backend().fromArray(g, outer.shape(), outer.dtype());
        return new Result(derivative, steps, lastChange, tangentNorm());
    }

    @Override
    public ItdDiagnostics.Storage kept() {
        return ItdDiagnostics.Storage.TANGENTS;
    }

    @Override
    public String storage() {
        return "forward mode, " + tangents.length + " tangents";
    }
}
