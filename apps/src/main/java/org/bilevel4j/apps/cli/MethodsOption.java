package org.bilevel4j.apps.cli;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --methods} option of the commands that run several estimators one after the other (a picocli mixin,
 * beside {@link ExperimentOptions}); its default comes from the command's {@link ExperimentOptions.Defaults}.
 * {@code --method} runs a single one instead; giving both is a usage error.
 */
public final class MethodsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--methods", split = ",", paramLabel = "NAMES", converter = Method.Converter.class,
            description = "estimators to run one after the other (default: ${DEFAULT-VALUE}); --method runs one")
    List<Method> methods;

    /**
     * @param options the command's shared options
     * @return {@code --method} if given, else {@code --methods} (or its default)
     * @throws ParameterException if both are given, or k is too small for one of the methods
     */
    public List<Method> chosen(ExperimentOptions options) {
        boolean single = options.matched("--method");
        if (single && options.matched("--methods")) {
            throw new ParameterException(command.commandLine(), "--method and --methods: expected one of them, got "
                    + "both");
        }
        List<Method> chosen = single ? List.of(options.method()) : List.copyOf(methods);
        for (Method m : chosen) {
            ExperimentOptions.atLeast(command, "--linear-steps (for " + m + ")", options.linearSteps(), m.minimumK());
        }
        return chosen;
    }
}
