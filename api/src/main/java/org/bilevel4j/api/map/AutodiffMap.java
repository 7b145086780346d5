package org.bilevel4j.api.map;

import java.util.function.BinaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.Pullback;
import org.bilevel4j.api.tensor.Tensor;

/** A {@link BivariateMap} given by a tensor lambda; derivatives by autodiff over one recorded forward pass. */
final class AutodiffMap implements BivariateMap {
    private final BinaryOperator<Tensor> phi;

    AutodiffMap(BinaryOperator<Tensor> phi) {
        this.phi = phi;
    }

    @Override
    public Tensor apply(Tensor inner, Tensor outer) {
        return phi.apply(inner, outer);
    }

    @Override
    public Linearization linearize(Tensor inner, Tensor outer) {
        return new Recorded(Autodiff.vjp(phi, inner, outer));
    }

    /** A linearization backed by a pullback. */
    static final class Recorded implements Linearization {
        private final Pullback pullback;

        Recorded(Pullback pullback) {
            this.pullback = pullback;
        }

        @Override
        public Tensor value() {
            return pullback.value();
        }

        @Override
        public long retainedBytes() {
            return pullback.retainedBytes();
        }

        @Override
        public PartialGradients vjp(Tensor cotangent) {
            Tensor[] g = pullback.apply(cotangent);
            return new PartialGradients(g[0], g[1]);
        }

        @Override
        public Tensor vjpInner(Tensor cotangent) {
            return pullback.apply(cotangent, 0);
        }

        @Override
        public Tensor jvp(Tensor tangentInner, Tensor tangentOuter) {
            return Autodiff.jvp(pullback, tangentInner, tangentOuter);
        }
    }
}
