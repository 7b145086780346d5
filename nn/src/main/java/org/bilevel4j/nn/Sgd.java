package org.bilevel4j.nn;

import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Stochastic gradient descent with heavy-ball momentum and weight decay:
 * g = ∇L(θ) + c θ, m ← β m + g, θ ← θ - η m (β = 0: plain SGD).
 */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private final double momentum;
    private final double weightDecay;
    private Tensor velocity;
    private int steps;

    /**
     * @param learningRate η &gt; 0
     * @param momentum     β in [0, 1)
     * @param weightDecay  c ≥ 0
     */
    public Sgd(double learningRate, double momentum, double weightDecay) {
        this.learningRate = Adam.requireInRange(learningRate, "learningRate", 0, Double.MAX_VALUE, false);
        this.momentum = Adam.requireInRange(momentum, "momentum", 0, 1, true);
        this.weightDecay = Adam.requireInRange(weightDecay, "weightDecay", 0, Double.MAX_VALUE, true);
    }

    /** @param learningRate η @return plain SGD */
    public static Sgd of(double learningRate) {
        return new Sgd(learningRate, 0, 0);
    }

    @Override
    public Tensor step(Tensor params, Tensor gradient) {
        Adam.checkStep(params, gradient);
        Tensor g = weightDecay == 0 ? gradient : gradient.add(params.mul(weightDecay));
        if (momentum != 0) {
            if (velocity != null && !velocity.shape().equals(g.shape())) {
                throw new ShapeMismatchException("params: expected shape " + velocity.shape()
                        + " (as in earlier steps), got " + params.shape());
            }
            velocity = velocity == null ? g : velocity.mul(momentum).add(g);
            g = velocity;
        }
        steps++;
        return params.sub(g.mul(learningRate));
    }

    @Override
    public void reset() {
        velocity = null;
        steps = 0;
    }

    @Override
    public Optimizer fresh() {
        return new Sgd(learningRate, momentum, weightDecay);
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public String name() {
        return "SGD(lr=" + learningRate + ", momentum=" + momentum + ", weightDecay=" + weightDecay + ")";
    }

    @Override
    public String toString() {
        return name();
    }

}
