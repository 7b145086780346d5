package org.bilevel4j.nn;

import java.util.Objects;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Adam (Kingma, Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with L2 weight decay, as PyTorch's
 * {@code Adam(weight_decay=c)}: g = ∇L(θ) + c θ; m ← β₁m + (1 - β₁)g; s ← β₂s + (1 - β₂)g²;
 * θ ← θ - η m̂/(√ŝ + ε) with the bias corrections m̂ = m/(1 - β₁ᵗ), ŝ = s/(1 - β₂ᵗ).
 */
public final class Adam implements Optimizer {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private Tensor m;
    private Tensor s;
    private int steps;

    /**
     * @param learningRate η &gt; 0
     * @param beta1        β₁ in [0, 1)
     * @param beta2        β₂ in [0, 1)
     * @param epsilon      ε &gt; 0
     * @param weightDecay  c ≥ 0
     */
    public Adam(double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = requireInRange(learningRate, "learningRate", 0, Double.MAX_VALUE, false);
        this.beta1 = requireInRange(beta1, "beta1", 0, 1, true);
        this.beta2 = requireInRange(beta2, "beta2", 0, 1, true);
        this.epsilon = requireInRange(epsilon, "epsilon", 0, Double.MAX_VALUE, false);
        this.weightDecay = requireInRange(weightDecay, "weightDecay", 0, Double.MAX_VALUE, true);
    }

    /** @param learningRate η @return Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay */
    public static Adam of(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, 0);
    }

    /** @param learningRate η @param weightDecay c @return Adam with the default moments and weight decay c */
    public static Adam of(double learningRate, double weightDecay) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, weightDecay);
    }

    static double requireInRange(double v, String name, double low, double high, boolean lowInclusive) {
        boolean ok = Double.isFinite(v) && (lowInclusive ? v >= low : v > low) && v < high;
        if (!ok) {
            throw new IllegalArgumentException(name + ": expected a value in " + (lowInclusive ? "[" : "(") + low
                    + ", " + (high == Double.MAX_VALUE ? "∞" : String.valueOf(high)) + "), got " + v);
        }
        return v;
    }

    static void checkStep(Tensor params, Tensor gradient) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(gradient, "gradient");
        if (!gradient.shape().equals(params.shape())) {
            throw new ShapeMismatchException("gradient: expected the shape of params " + params.shape() + ", got "
                    + gradient.shape());
        }
        gradient.requireFinite("gradient");
    }

    @Override
    public Tensor step(Tensor params, Tensor gradient) {
        checkStep(params, gradient);
        if (m != null && !m.shape().equals(params.shape())) {
            throw new ShapeMismatchException("params: expected shape " + m.shape() + " (as in earlier steps), got "
                    + params.shape());
        }
        Tensor g = weightDecay == 0 ? gradient : gradient.add(params.mul(weightDecay));
        m = m == null ? g.mul(1 - beta1) : m.mul(beta1).add(g.mul(1 - beta1));
        s = s == null ? g.square().mul(1 - beta2) : s.mul(beta2).add(g.square().mul(1 - beta2));
        steps++;
        double c1 = 1 - Math.pow(beta1, steps);
        double c2 = 1 - Math.pow(beta2, steps);
        Tensor update = m.div(c1).div(s.div(c2).sqrt().add(epsilon));
        return params.sub(update.mul(learningRate));
    }

    @Override
    public void reset() {
        m = null;
        s = null;
        steps = 0;
    }

    @Override
    public Optimizer fresh() {
        return new Adam(learningRate, beta1, beta2, epsilon, weightDecay);
    }

    @Override
    public int steps() {
        return steps;
    }

    @Override
    public String name() {
        return "Adam(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + epsilon + ", weightDecay="
                + weightDecay + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
