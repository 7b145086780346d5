package org.bilevel4j.apps.cli;

import java.util.List;
import java.util.Locale;
import org.bilevel4j.api.backend.ProviderStatus;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --backend} option of every command (a picocli mixin). An unknown name is a usage error (exit code 2);
 * a known backend that cannot run here (missing native library, no GPU) is a failure (exit code 1) whose message
 * says what is missing.
 */
public final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME", description = "backend: ejml, djl or tensorflow (default: "
            + "-Dbilevel4j.backend, BILEVEL4J_BACKEND, or the highest-priority available one)")
    String name;

    /**
     * @param spec the running command
     * @throws ParameterException if the name is not one of the discovered backends
     */
    public void validate(CommandSpec spec) {
        if (name == null) {
            return;
        }
        List<String> known = Backends.providers().stream().map(ProviderStatus::name).toList();
        if (!known.contains(name.toLowerCase(Locale.ROOT))) {
            throw new ParameterException(spec.commandLine(), "--backend: expected one of " + known + ", got '" + name
                    + "'");
        }
    }

    /** @return the backend chosen by --backend or the usual resolution */
    public Backend backend() {
        return name == null ? Backends.get() : Backends.get(name);
    }
}
