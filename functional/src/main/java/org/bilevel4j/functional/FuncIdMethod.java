package org.bilevel4j.functional;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.nn.Optimizer;

/** {@link FuncId} behind {@link OuterStepMethod}: one total gradient and one optimizer update per step. */
final class FuncIdMethod implements OuterStepMethod {
    private final FuncId funcId;
    private final Optimizer outer;
    private Tensor w;
    private int n;

    FuncIdMethod(FuncId funcId, Tensor w0, Optimizer outer) {
        this.funcId = Objects.requireNonNull(funcId, "funcId");
        this.outer = Objects.requireNonNull(outer, "outer");
        funcId.problem().requireW(w0, "w0");
        this.w = w0.detach().requireFinite("w0");
    }

    @Override
    public String name() {
        return funcId.name();
    }

    @Override
    public FunctionalBilevelProblem problem() {
        return funcId.problem();
    }

    @Override
    public Tensor outerParameters() {
        return w;
    }

    @Override
    public Tensor innerPrediction(Tensor x) {
        funcId.problem().requireInputs(x, "x");
        return funcId.innerModel().apply(funcId.innerParameters(), x).detach();
    }

    @Override
    public int iterations() {
        return n;
    }

    @Override
    public OuterStep step() {
        long t0 = System.nanoTime();
        FunctionalGradient g = funcId.totalGradient(w);
        if (g.status() != Status.DIVERGED) {
            w = outer.step(w, g.gradient());
        }
        long dt = System.nanoTime() - t0;
        FunctionalGradient.Counts c = g.counts();
        OuterStep.Counts counts = new OuterStep.Counts(c.innerGradients(), c.adjointGradients(),
                c.outputHessianProducts(), 0, c.outerGradients() + c.crossProducts());
        return new OuterStep(name(), n++, g.outerLoss(), g.innerLoss(), dt, counts, g.status(), g.message());
    }
}
