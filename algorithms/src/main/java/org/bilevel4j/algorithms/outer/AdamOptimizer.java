package org.bilevel4j.algorithms.outer;

import org.bilevel4j.api.tensor.Tensor;

/** Adam with bias correction. */
final class AdamOptimizer implements OuterOptimizer {
    private final double step;
    private final double beta1;
    private final double beta2;
    private final double eps;

    AdamOptimizer(double step, double beta1, double beta2, double eps) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1, beta2: expected values in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps: expected a value > 0, got " + eps);
        }
        this.step = step;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public Run start(Tensor outer) {
        return new Run() {
            private Tensor m;
            private Tensor v;
            private int t;

            @Override
            public Tensor update(Tensor lambda, Tensor g) {
                t++;
                m = m == null ? g.mul(1 - beta1) : m.mul(beta1).add(g.mul(1 - beta1));
                v = v == null ? g.square().mul(1 - beta2) : v.mul(beta2).add(g.square().mul(1 - beta2));
                Tensor mHat = m.div(1 - Math.pow(beta1, t));
                Tensor vHat = v.div(1 - Math.pow(beta2, t));
                return lambda.sub(mHat.div(vHat.sqrt().add(eps)).mul(step));
            }
        };
    }

    @Override
    public String name() {
        return "adam(lr=" + step + ")";
    }
}
