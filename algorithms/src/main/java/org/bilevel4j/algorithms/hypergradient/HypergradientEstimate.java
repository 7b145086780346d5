package org.bilevel4j.algorithms.hypergradient;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A hypergradient with everything needed to trust it (or not), and to warm-start the next one: a common part that
 * every estimator fills, and the {@link MethodDiagnostics} of its family ({@link AidDiagnostics},
 * {@link ItdDiagnostics}, or those of a new family). Built with {@link #builder}.
 *
 * @param method          the estimator, e.g. {@code "aid-cg(t=20,k=10)"}
 * @param hypergradient   the estimate of ∇f(λ), of the shape of λ (zeros, never NaN, when the status is a
 *                        failure)
 * @param inner           w_t, the inner iterate the estimate was computed at (warm start for the next call)
 * @param outerValue      E(w_t, λ), the objective the estimate differentiates (NaN if never evaluated)
 * @param innerResidual   ‖w_t - Φ(w_t, λ)‖ (NaN if never evaluated)
 * @param innerIterations inner steps taken
 * @param diagnostics     what the estimator's family reports beyond this common part
 * @param counts          oracle calls of this estimate
 * @param status          CONVERGED only if every tolerance that bounds the error was met (AID: inner and adjoint
 *                        solves; ITD: inner solve and back-propagation remainder); BUDGET_EXHAUSTED if a budget ran
 *                        out first; DIVERGED or BREAKDOWN if the result must not be used
 * @param bound           a-posteriori error bounds, where q and the problem's constants are known
 * @param message         what happened, in words
 */
public record HypergradientEstimate(String method, Tensor hypergradient, Tensor inner, double outerValue,
        double innerResidual, int innerIterations, MethodDiagnostics diagnostics, OracleCounts counts, Status status,
        ErrorBound bound, String message) {

    /** Validates the components. */
    public HypergradientEstimate {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(hypergradient, "hypergradient");
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(diagnostics, "diagnostics");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(message, "message");
    }

    /**
     * @param method        the estimator's name
     * @param hypergradient the estimate
     * @param inner         w_t
     * @return a builder with the common part's remaining fields unset (NaN, 0, {@link MethodDiagnostics#NONE},
     *         no counts, BUDGET_EXHAUSTED, no bound, empty message)
     */
    public static Builder builder(String method, Tensor hypergradient, Tensor inner) {
        return new Builder(method, hypergradient, inner);
    }

    /**
     * The estimate of an iteration that blew up: status DIVERGED and a hypergradient of zeros (estimates never
     * carry NaN) that must not be used; {@code BilevelSolver} stops on it without updating λ.
     *
     * @param method the estimator
     * @param outer  λ
     * @param inner  the last finite inner iterate
     * @param steps  the step at which the iteration diverged
     * @param counts oracle calls until then
     * @param reason what diverged and how
     * @return the estimate
     */
    public static HypergradientEstimate diverged(String method, Tensor outer, Tensor inner, int steps,
            OracleCounts counts, String reason) {
        return builder(method, outer.backend().zeros(outer.shape(), outer.dtype()), inner).innerIterations(steps)
                .counts(counts).status(Status.DIVERGED).bound(ErrorBound.unavailable("diverged"))
                .message(reason + "; the hypergradient (zeros) must not be used").build();
    }

    /**
     * @param newStatus the status
     * @param newMessage the message
     * @return a copy with another status and message
     */
    public HypergradientEstimate withStatus(Status newStatus, String newMessage) {
        return new HypergradientEstimate(method, hypergradient, inner, outerValue, innerResidual, innerIterations,
                diagnostics, counts, newStatus, bound, newMessage);
    }

    /**
     * @return true if the estimate converged and carries a proven error bound: the only estimates on which a claim
     *         about ∇f(λ) itself (such as stationarity) can rest
     */
    public boolean isCertified() {
        return status == Status.CONVERGED && bound.isCertified();
    }

    /**
     * @param <T>  the diagnostics type
     * @param type the expected family, e.g. {@code AidDiagnostics.class}
     * @return the diagnostics as that type
     * @throws IllegalStateException if the estimate carries another family's diagnostics
     */
    public <T extends MethodDiagnostics> T diagnostics(Class<T> type) {
        if (!type.isInstance(diagnostics)) {
            throw new IllegalStateException("diagnostics: expected " + type.getSimpleName() + " for " + method
                    + ", got " + diagnostics.getClass().getSimpleName());
        }
        return type.cast(diagnostics);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(method).append(": ").append(status).append(", |g| = ")
                .append(hypergradient.normValue()).append(", E = ").append(outerValue).append(", inner residual ")
                .append(innerResidual).append(" after ").append(innerIterations).append(" steps");
        diagnostics.figures().forEach((k, v) -> s.append(", ").append(k).append(' ').append(v));
        s.append(", bound ").append(bound.hypergradientError()).append(" (").append(bound.kind()).append("), ")
                .append(counts);
        return message.isEmpty() ? s.toString() : s.append(" (").append(message).append(')').toString();
    }

    /** Assembles a {@link HypergradientEstimate} by name rather than by position. */
    public static final class Builder {
        private final String method;
        private final Tensor hypergradient;
        private final Tensor inner;
        private double outerValue = Double.NaN;
        private double innerResidual = Double.NaN;
        private int innerIterations;
        private MethodDiagnostics diagnostics = MethodDiagnostics.NONE;
        private OracleCounts counts = OracleCounts.ZERO;
        private Status status = Status.BUDGET_EXHAUSTED;
        private ErrorBound bound = ErrorBound.unavailable("no bound computed");
        private String message = "";

        private Builder(String method, Tensor hypergradient, Tensor inner) {
            this.method = method;
            this.hypergradient = hypergradient;
            this.inner = inner;
        }

        /** @param value E(w_t, λ) @return this builder */
        public Builder outerValue(double value) {
            this.outerValue = value;
            return this;
        }

        /** @param residual ‖w_t - Φ(w_t, λ)‖ @return this builder */
        public Builder innerResidual(double residual) {
            this.innerResidual = residual;
            return this;
        }

        /** @param steps inner steps taken @return this builder */
        public Builder innerIterations(int steps) {
            this.innerIterations = steps;
            return this;
        }

        /** @param d the family's diagnostics @return this builder */
        public Builder diagnostics(MethodDiagnostics d) {
            this.diagnostics = d;
            return this;
        }

        /** @param c oracle calls @return this builder */
        public Builder counts(OracleCounts c) {
            this.counts = c;
            return this;
        }

        /** @param s the status @return this builder */
        public Builder status(Status s) {
            this.status = s;
            return this;
        }

        /** @param b the error bound @return this builder */
        public Builder bound(ErrorBound b) {
            this.bound = b;
            return this;
        }

        /** @param m what happened @return this builder */
        public Builder message(String m) {
            this.message = m;
            return this;
        }

        /** @return the estimate */
        public HypergradientEstimate build() {
            return new HypergradientEstimate(method, hypergradient, inner, outerValue, innerResidual, innerIterations,
                    diagnostics, counts, status, bound, message);
        }
    }
}
