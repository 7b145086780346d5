package org.bilevel4j.apps.cli;

import java.util.List;
import org.bilevel4j.algorithms.outer.OuterOptimizer;

/** The outer optimizers by command-line name. */
public final class OptimizerNames {
    private OptimizerNames() {
    }

    /** @return the names */
    public static List<String> names() {
        return List.of("gd", "momentum", "nesterov", "adam");
    }

    /**
     * @param name     gd, momentum, nesterov or adam
     * @param step     the outer step size
     * @param momentum the momentum (momentum, nesterov)
     * @return the optimizer
     * @throws IllegalArgumentException naming the valid optimizers if the name is unknown
     */
    public static OuterOptimizer create(String name, double step, double momentum) {
        return switch (name) {
            case "gd" -> OuterOptimizer.gradientDescent(step);
            case "momentum" -> OuterOptimizer.momentum(step, momentum);
            case "nesterov" -> OuterOptimizer.nesterov(step, momentum);
            case "adam" -> OuterOptimizer.adam(step);
            default -> throw new IllegalArgumentException("outer-optimizer: expected one of " + names() + ", got '"
                    + name + "'");
        };
    }
}
