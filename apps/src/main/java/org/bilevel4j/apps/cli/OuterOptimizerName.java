package org.bilevel4j.apps.cli;

import org.bilevel4j.algorithms.outer.OuterOptimizer;

/** The outer optimizers of the command line ({@code --outer-optimizer}). */
public enum OuterOptimizerName implements CliValue {
    /** Gradient descent λ ← λ − α g. */
    GD("gd"),
    /** Heavy-ball momentum. */
    MOMENTUM("momentum"),
    /** Nesterov momentum. */
    NESTEROV("nesterov"),
    /** Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015). */
    ADAM("adam");

    private final String cliName;

    OuterOptimizerName(String cliName) {
        this.cliName = cliName;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    /**
     * @param step     the outer step size
     * @param momentum the momentum (momentum, nesterov)
     * @return the optimizer
     */
    public OuterOptimizer create(double step, double momentum) {
        return switch (this) {
            case GD -> OuterOptimizer.gradientDescent(step);
            case MOMENTUM -> OuterOptimizer.momentum(step, momentum);
            case NESTEROV -> OuterOptimizer.nesterov(step, momentum);
            case ADAM -> OuterOptimizer.adam(step);
        };
    }

    @Override
    public String toString() {
        return cliName;
    }

    /** picocli converter. */
    public static final class Converter extends CliValue.Converter<OuterOptimizerName> {
        /** The converter. */
        public Converter() {
            super(OuterOptimizerName.class);
        }
    }
}
