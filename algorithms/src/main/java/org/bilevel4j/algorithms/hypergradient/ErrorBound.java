package org.bilevel4j.algorithms.hypergradient;

/**
 * A-posteriori error bounds of one estimate, from measured residuals and what is known of the problem
 * (seed 004). Components are NaN where the information needed is missing; {@link #note} says what is missing.
 *
 * <p>With q the contraction constant of &Phi;(&middot;, &lambda;) (Assumption B) and r_in = &#8214;w_t - &Phi;(w_t, &lambda;)&#8214;,
 * r_adj = &#8214;(I - &part;&#8321;&Phi;&#7488;)v - &nabla;&#8321;E&#8214; at w_t:
 * <ul>
 *   <li>{@link #innerError}: &#8214;w_t - w(&lambda;)&#8214; &le; r_in / (1 - q);</li>
 *   <li>{@link #adjointError}: &#8214;v - v_t&#8214; &le; r_adj / (1 - q), v_t the exact adjoint at w_t (Lemma 2.2);</li>
 *   <li>{@link #hypergradientError}: for AID, bound (13) of Theorem 2.2 with &mu; = 1 - q, &rho;(t)D replaced by the
 *       inner bound and &sigma;(k)&#8214;v_t&#8214; by the adjoint bound; for ITD, bound (8) of Theorem 2.1 with
 *       D = &#8214;w&#8320; - w_t&#8214; + the inner bound. Both need the problem's
 *       {@link org.bilevel4j.api.problem.LipschitzConstants}.</li>
 * </ul>
 *
 * @param contraction        q used, or NaN if unknown
 * @param innerError         bound on &#8214;w_t - w(&lambda;)&#8214;
 * @param adjointError       bound on &#8214;v - v_t&#8214; (NaN for ITD)
 * @param hypergradientError bound on &#8214;estimate - &nabla;f(&lambda;)&#8214;
 * @param note               what the bounds rest on, or why they are missing
 */
public record ErrorBound(double contraction, double innerError, double adjointError, double hypergradientError,
        String note) {

    /**
     * @param reason why no bound is available
     * @return a bound with every component NaN
     */
    public static ErrorBound unavailable(String reason) {
        return new ErrorBound(Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
    }

    /** @return true if a hypergradient error bound is available */
    public boolean isAvailable() {
        return Double.isFinite(hypergradientError);
    }
}
