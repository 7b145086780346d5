package org.bilevel4j.api.map;

import java.util.function.BinaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;

/** A {@link ScalarObjective} given by a tensor lambda; every derivative by autodiff. */
final class AutodiffObjective implements ScalarObjective {
    private final BinaryOperator<Tensor> f;
    private final BivariateMap innerGradient;

    AutodiffObjective(BinaryOperator<Tensor> f) {
        this.f = f;
        this.innerGradient = BivariateMap.of((w, l) -> ScalarObjective.innerGradient(f, w, l));
    }

    @Override
    public Tensor value(Tensor inner, Tensor outer) {
        Tensor v = f.apply(inner, outer);
        if (v.size() != 1) {
            throw new ShapeMismatchException("objective: expected a scalar value (one element), got shape " + v.shape());
        }
        return v;
    }

    @Override
    public PartialGradients gradient(Tensor inner, Tensor outer) {
        return Autodiff.grad(f, inner, outer);
    }

    @Override
    public ValueAndPartials valueAndGradient(Tensor inner, Tensor outer) {
        return Autodiff.valueAndGrad(f, inner, outer);
    }

    @Override
    public BivariateMap innerGradientMap() {
        return innerGradient;
    }

    @Override
    public SecondOrderProducts secondOrder(Tensor inner, Tensor outer, Tensor v) {
        return Autodiff.secondOrder(f, inner, outer, v);
    }
}
