package org.bilevel4j.nn;

import org.bilevel4j.api.tensor.Tensor;

/**
 * A first-order optimizer on a flat parameter vector θ, with internal state (moments, step count).
 * One {@link #step} maps (θ_t, ∇L(θ_t)) to θ_{t+1}. Weight decay c adds c θ to the gradient (L2
 * regularisation (c/2)‖θ‖², as PyTorch's {@code weight_decay}). Not thread-safe.
 */
public interface Optimizer {

    /**
     * @param params   θ_t (concrete, finite)
     * @param gradient ∇L(θ_t), of the shape of θ_t
     * @return θ_{t+1}
     */
    Tensor step(Tensor params, Tensor gradient);

    /** Forgets the state (moments, step count), as if newly created. */
    void reset();

    /** @return a new optimizer with the same settings and fresh state */
    Optimizer fresh();

    /** @return the number of steps taken since creation or the last reset */
    int steps();

    /** @return a short description with the settings */
    String name();
}
