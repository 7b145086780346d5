package org.bilevel4j.algorithms.hypergradient;

import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Wrappers that count oracle calls into an {@link OracleCounter}, so that every estimate reports how many map
 * evaluations, VJPs, JVPs, HVPs and gradients it used. A building block for estimators, including users' own.
 */
public final class Instrumentation {
    private Instrumentation() {
    }

    /**
     * @param map     a fixed-point operator
     * @param counter the tally: one map evaluation per {@code apply} or {@code linearize}, one VJP or JVP per
     *                product of a linearization
     * @return the counting operator (same contraction information and symmetry)
     */
    public static FixedPointOperator counting(FixedPointOperator map, OracleCounter counter) {
        return new FixedPointOperator() {
            @Override
            public Tensor apply(Tensor inner, Tensor outer) {
                counter.map();
                return map.apply(inner, outer);
            }

            @Override
            public Linearization linearize(Tensor inner, Tensor outer) {
                counter.map();
                return counting(map.linearize(inner, outer), counter);
            }

            @Override
            public ContractionInfo contraction(Tensor outer) {
                return map.contraction(outer);
            }

            @Override
            public boolean hasSymmetricJacobian() {
                return map.hasSymmetricJacobian();
            }
        };
    }

    private static Linearization counting(Linearization lin, OracleCounter counter) {
        return new Linearization() {
            @Override
            public Tensor value() {
                return lin.value();
            }

            @Override
            public long retainedBytes() {
                return lin.retainedBytes();
            }

            @Override
            public PartialGradients vjp(Tensor cotangent) {
                counter.vjp();
                return lin.vjp(cotangent);
            }

            @Override
            public Tensor vjpInner(Tensor cotangent) {
                counter.vjp();
                return lin.vjpInner(cotangent);
            }

            @Override
            public Tensor jvp(Tensor tangentInner, Tensor tangentOuter) {
                counter.jvp();
                return lin.jvp(tangentInner, tangentOuter);
            }

            @Override
            public Tensor jvpInner(Tensor tangentInner) {
                counter.jvp();
                return lin.jvpInner(tangentInner);
            }
        };
    }

    /**
     * @param objective an objective
     * @param counter   the tally: one gradient per {@code gradient}, one gradient and one HVP per
     *                  {@code secondOrder}
     * @return the counting objective
     */
    public static ScalarObjective counting(ScalarObjective objective, OracleCounter counter) {
        return new ScalarObjective() {
            @Override
            public Tensor value(Tensor inner, Tensor outer) {
                return objective.value(inner, outer);
            }

            @Override
            public PartialGradients gradient(Tensor inner, Tensor outer) {
                counter.gradient();
                return objective.gradient(inner, outer);
            }

            @Override
            public ValueAndPartials valueAndGradient(Tensor inner, Tensor outer) {
                counter.gradient();
                return objective.valueAndGradient(inner, outer);
            }

            @Override
            public BivariateMap innerGradientMap() {
                return objective.innerGradientMap();
            }

            @Override
            public SecondOrderProducts secondOrder(Tensor inner, Tensor outer, Tensor v) {
                counter.gradient();
                counter.hvp();
                return objective.secondOrder(inner, outer, v);
            }
        };
    }
}
