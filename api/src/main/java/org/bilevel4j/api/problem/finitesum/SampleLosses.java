package org.bilevel4j.api.problem.finitesum;

import org.bilevel4j.api.tensor.Tensor;

/**
 * The per-sample losses of a finite sum on a batch, as one batched tensor function: given w, λ and the sample
 * indices i₁, …, i_b (repeats allowed), the vector (h_{i₁}(w, λ), …, h_{i_b}(w, λ)) of length b. Write it with
 * tensor operations on rows gathered from the data ({@link Tensor#gather}), not as a loop over samples, so that one
 * oracle call on a minibatch is one vectorised evaluation and autodiff supplies every derivative.
 */
@FunctionalInterface
public interface SampleLosses {

    /**
     * @param inner w (may be traced); not modified
     * @param outer λ (may be traced); not modified
     * @param batch the sample indices, in [0, n); not modified
     * @return the vector of the batch's per-sample losses, of shape [batch.length]
     */
    Tensor apply(Tensor inner, Tensor outer, int[] batch);
}
