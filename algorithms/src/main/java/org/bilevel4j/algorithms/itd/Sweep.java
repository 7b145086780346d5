package org.bilevel4j.algorithms.itd;

import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics;
import org.bilevel4j.algorithms.inner.InnerStep;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.tensor.Tensor;

/**
 * How one ITD mode differentiates the inner loop: what its forward pass records at every step (it is the
 * {@link InnerStep} of the shared loop) and how it turns the record into the derivative. A sweep is made for one
 * estimate and used by one thread.
 */
interface Sweep extends InnerStep {

    /**
     * @param finalState s_t
     * @param grad       E and its partial gradients at (w(s_t), λ)
     * @param steps      t, the steps the forward pass took
     * @return the derivative of E(w(s_t(λ)), λ) with respect to λ and its remainder
     */
    Result backward(Tensor finalState, ValueAndPartials grad, int steps);

    /** @return what the forward pass kept, in words */
    String storage();

    /** @return what the forward pass kept */
    ItdDiagnostics.Storage kept();

    /** @return for the automatic choice, the estimated bytes it compared with the budget; -1 otherwise */
    default long retainedBytes() {
        return -1;
    }

    /** @return for the automatic choice, the memory budget in bytes; -1 otherwise */
    default long memoryBudget() {
        return -1;
    }

    /**
     * @param hypergradient       the derivative
     * @param stepsDifferentiated steps it back-propagated through
     * @param remainder           ‖a₀‖ (reverse) or ‖Z_t - Z_{t-1}‖ (forward)
     * @param remainderScale      ‖a_t‖ (reverse) or ‖Z_t‖ (forward)
     */
    record Result(Tensor hypergradient, int stepsDifferentiated, double remainder, double remainderScale) {
    }
}
