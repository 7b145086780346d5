package org.bilevel4j.nn;

import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.ValueAndGradient;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A plain training loop: for t = 0..T-1, take the loss L_t (e.g. on minibatch t), compute L_t(θ) and ∇L_t(θ)
 * by one forward and one backward pass, and apply one optimizer step. Stops early, with
 * {@link Result#diverged()} set, if a loss or a gradient is not finite.
 */
public final class Training {
    private Training() {
    }

    /**
     * The result of a run.
     *
     * @param params   the final θ (the last finite iterate when diverged)
     * @param losses   L_t(θ_t) for each completed step
     * @param diverged whether a non-finite loss or gradient stopped the run
     */
    public record Result(Tensor params, double[] losses, boolean diverged) {
        /** @return the loss at the last completed step (NaN if none) */
        public double lastLoss() {
            return losses.length == 0 ? Double.NaN : losses[losses.length - 1];
        }
    }

    /**
     * @param lossAtStep the loss of step t, a scalar function of θ
     * @param initial    θ₀
     * @param optimizer  the optimizer (its state is used and advanced)
     * @param steps      T ≥ 0
     * @return the result
     */
    public static Result minimize(IntFunction<UnaryOperator<Tensor>> lossAtStep, Tensor initial, Optimizer optimizer,
            int steps) {
        Objects.requireNonNull(lossAtStep, "lossAtStep");
        Objects.requireNonNull(optimizer, "optimizer");
        initial.requireFinite("initial");
        if (steps < 0) {
            throw new IllegalArgumentException("steps: expected a non-negative count, got " + steps);
        }
        Tensor theta = initial;
        double[] losses = new double[steps];
        for (int t = 0; t < steps; t++) {
            ValueAndGradient vg = Autodiff.valueAndGrad(lossAtStep.apply(t), theta);
            double loss = vg.value().item();
            if (!Double.isFinite(loss) || !vg.gradient().isFinite()) {
                return new Result(theta, java.util.Arrays.copyOf(losses, t), true);
            }
            losses[t] = loss;
            theta = optimizer.step(theta, vg.gradient());
        }
        return new Result(theta, losses, false);
    }
}
