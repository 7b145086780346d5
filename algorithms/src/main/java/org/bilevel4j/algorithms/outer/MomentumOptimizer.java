package org.bilevel4j.algorithms.outer;

import org.bilevel4j.api.tensor.Tensor;

/** Gradient descent, heavy-ball momentum and Nesterov momentum on λ. */
final class MomentumOptimizer implements OuterOptimizer {
    private final double step;
    private final double momentum;
    private final boolean nesterov;

    MomentumOptimizer(double step, double momentum, boolean nesterov) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: expected a value in [0, 1), got " + momentum);
        }
        this.step = step;
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    public Run start(Tensor outer) {
        return new Run() {
            private Tensor buffer;

            @Override
            public Tensor update(Tensor lambda, Tensor g) {
                if (momentum == 0) {
                    return lambda.sub(g.mul(step));
                }
                buffer = buffer == null ? g : buffer.mul(momentum).add(g);
                Tensor direction = nesterov ? g.add(buffer.mul(momentum)) : buffer;
                return lambda.sub(direction.mul(step));
            }
        };
    }

    @Override
    public String name() {
        if (momentum == 0) {
            return "gd(lr=" + step + ")";
        }
        return (nesterov ? "nesterov" : "momentum") + "(lr=" + step + ",beta=" + momentum + ")";
    }
}
