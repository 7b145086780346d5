package org.bilevel4j.apps.stochastic;

import org.bilevel4j.algorithms.stochastic.amigo.Amigo;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSchedule;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.masoba.MaSoba;
import org.bilevel4j.algorithms.stochastic.saba.Saba;
import org.bilevel4j.algorithms.stochastic.soba.Soba;
import org.bilevel4j.algorithms.stochastic.srba.Srba;
import org.bilevel4j.apps.cli.CliValue;

/** The stochastic methods of the {@code stochastic} command ({@code --method}). */
public enum StochasticMethod implements CliValue {
    /** {@link Soba}. */
    SOBA("soba"),
    /** {@link Saba}. */
    SABA("saba"),
    /** {@link Srba}. */
    SRBA("srba"),
    /** {@link MaSoba}. */
    MA_SOBA("ma-soba"),
    /** {@link Amigo#gd}. */
    AMIGO_GD("amigo-gd"),
    /** {@link Amigo#cg}. */
    AMIGO_CG("amigo-cg");

    private final String cliName;

    StochasticMethod(String cliName) {
        this.cliName = cliName;
    }

    @Override
    public String cliName() {
        return cliName;
    }

    @Override
    public String toString() {
        return cliName;
    }

    SingleLoopMethod create(StepSizes steps, StochasticCommand options) {
        return switch (this) {
            case SOBA -> new Soba(steps);
            case SABA -> new Saba(steps);
            case SRBA -> new Srba(steps, options.periodFraction);
            case MA_SOBA -> new MaSoba(steps, StepSchedule.constant(options.averaging));
            case AMIGO_GD -> Amigo.gd(steps, options.amigoInnerSteps, options.amigoAdjointSteps);
            case AMIGO_CG -> Amigo.cg(steps, options.amigoInnerSteps, options.amigoAdjointSteps);
        };
    }

    /** picocli converter. */
    public static final class Converter extends CliValue.Converter<StochasticMethod> {
        /** The converter. */
        public Converter() {
            super(StochasticMethod.class);
        }
    }
}
