package org.bilevel4j.apps.models;

import java.util.function.UnaryOperator;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The largest eigenvalue of a symmetric positive semi-definite operator, by power iteration: v ← Sv/‖Sv‖
 * until ‖Sv‖ changes by at most 100 ε (relative, ε of the vector's element type) or 10,000 steps. The
 * estimate approaches λ_max from below; for a step-size bound L callers that need a guaranteed upper bound
 * should add a margin.
 */
public final class Spectra {
    private Spectra() {
    }

    /**
     * @param operator v ↦ Sv, S symmetric positive semi-definite
     * @param start    a non-zero starting vector
     * @return λ_max(S), converged to 100 ε relative or after 10,000 iterations
     */
    public static double largestEigenvalue(UnaryOperator<Tensor> operator, Tensor start) {
        Tensor v = start.div(start.normValue());
        double value = 0;
        double tolerance = 100 * start.dtype().epsilon();
        for (int i = 0; i < 10_000; i++) {
            Tensor next = operator.apply(v);
            double norm = next.normValue();
            if (norm == 0) {
                return 0;
            }
            v = next.div(norm);
            if (Math.abs(norm - value) <= tolerance * norm) {
                return norm;
            }
            value = norm;
        }
        return value;
    }

    /**
     * @param symmetric a symmetric positive semi-definite matrix
     * @return its largest eigenvalue
     */
    public static double largestEigenvalue(Tensor symmetric) {
        return largestEigenvalue(symmetric::matmul, symmetric.backend().ones(symmetric.dim(0)));
    }
}
