package org.bilevel4j.apps.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option value with a command-line name, implemented by the tool's enums ({@link Method},
 * {@link OuterOptimizerName}, ...). Each enum's {@code toString()} is its command-line name, so that picocli's
 * {@code ${DEFAULT-VALUE}} and {@code ${COMPLETION-CANDIDATES}} (picocli lists an enum option's constants by
 * {@code toString()}) show the names a user types; its nested {@link Converter} subclass, named in the
 * {@code @Option}s, parses exactly those names and reports any other with the valid ones.
 */
public interface CliValue {
    /** @return the name on the command line, e.g. {@code aid-cg} */
    String cliName();

    /**
     * @param type an enum of command-line values
     * @return the command-line names, in declaration order
     */
    static <E extends Enum<E> & CliValue> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(CliValue::cliName).toList();
    }

    /**
     * @param type  an enum of command-line values
     * @param value a command-line name
     * @return the constant of that name
     * @throws TypeConversionException naming the valid names, if there is none (picocli reports it with the option
     *                                 as a usage error, exit code 2)
     */
    static <E extends Enum<E> & CliValue> E parse(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.cliName().equals(value)) {
                return e;
            }
        }
        throw new TypeConversionException("expected one of " + names(type) + ", got '" + value + "'");
    }

    /** Converts a command-line name to the enum constant (a picocli converter). @param <E> the enum */
    abstract class Converter<E extends Enum<E> & CliValue> implements ITypeConverter<E> {
        private final Class<E> type;

        /** @param type the enum */
        protected Converter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            return parse(type, value);
        }
    }
}
