package org.bilevel4j.api.tensor;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.ProviderStatus;
import org.bilevel4j.api.backend.ReferenceKernels;
import org.bilevel4j.api.error.BackendUnavailableException;

/**
 * Discovers backends with {@link ServiceLoader} (the only class that does) and resolves which one to use.
 *
 * <p>Resolution order, as in SLF4J's provider binding:
 * <ol>
 *   <li>an explicit choice in code: {@link #get(String)};</li>
 *   <li>the system property {@value #PROPERTY};</li>
 *   <li>the environment variable {@value #ENVIRONMENT_VARIABLE};</li>
 *   <li>otherwise the available provider with the highest priority, ties broken by name.</li>
 * </ol>
 * A name that is requested but unknown or unavailable fails at once with a
 * {@link BackendUnavailableException} listing the available backends and why each other one is unavailable;
 * there is no silent fallback. The decision is logged (through {@link System.Logger}, which SLF4J can
 * receive). Each backend's kernels are created once per JVM and shared.
 *
 * <p>Thread-safe.
 */
public final class Backends {
    /** System property naming the backend to use. */
    public static final String PROPERTY = "bilevel4j.backend";
    /** Environment variable naming the backend to use when the property is not set. */
    public static final String ENVIRONMENT_VARIABLE = "BILEVEL4J_BACKEND";

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private static final class Default {
        static final Backends INSTANCE = new Backends(discover(), System::getProperty, System::getenv);
    }

    private final List<Discovered> providers;
    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;
    /** Per provider name, the created backend or the exception its creation failed with (never retried). */
    private final Map<String, Object> created = new ConcurrentHashMap<>();

    /** A provider found by the service loader, or the error that prevented loading it. */
    record Discovered(String name, BackendProvider provider, ProviderStatus status) {
    }

    Backends(List<Discovered> providers, UnaryOperator<String> properties, UnaryOperator<String> environment) {
        this.providers = List.copyOf(providers);
        this.properties = properties;
        this.environment = environment;
    }

    /**
     * Resolves the backend from the system property, the environment variable, or priority.
     *
     * @return the backend
     * @throws BackendUnavailableException if the requested backend is unknown or unavailable, or none is available
     */
    public static Backend get() {
        return Default.INSTANCE.resolve();
    }

    /**
     * The explicit choice: ignores the property and the environment variable.
     *
     * @param name a provider name, e.g. {@code "ejml"} (case-insensitive)
     * @return the backend
     * @throws BackendUnavailableException if it is unknown or unavailable here
     */
    public static Backend get(String name) {
        return Default.INSTANCE.resolve(name);
    }

    /** @return every discovered provider with its availability, highest priority first */
    public static List<ProviderStatus> providers() {
        return Default.INSTANCE.statuses();
    }

    // ---------------------------------------------------------------- instance (tests construct their own)

    Backend resolve() {
        String property = properties.apply(PROPERTY);
        if (property != null && !property.isBlank()) {
            return create(property, "system property " + PROPERTY);
        }
        String env = environment.apply(ENVIRONMENT_VARIABLE);
        if (env != null && !env.isBlank()) {
            return create(env, "environment variable " + ENVIRONMENT_VARIABLE);
        }
        Discovered best = providers.stream()
                .filter(d -> d.status().availability().available())
                .max(Comparator.comparingInt((Discovered d) -> d.status().priority())
                        .thenComparing(Discovered::name, Comparator.reverseOrder()))
                .orElseThrow(() -> new BackendUnavailableException("no bilevel4j backend is available"
                        + (providers.isEmpty() ? " (none is installed)" : "; " + unavailableList(null))
                        + ". Add a backend module to the runtime classpath, e.g. org.bilevel4j:bilevel4j-backend-ejml"));
        return create(best.name(), "highest priority (" + best.status().priority() + ") among "
                + availableNames());
    }

    Backend resolve(String name) {
        return create(name, "explicit choice in code");
    }

    List<ProviderStatus> statuses() {
        return providers.stream().map(Discovered::status)
                .sorted(Comparator.comparingInt(ProviderStatus::priority).reversed()
                        .thenComparing(ProviderStatus::name))
                .toList();
    }

    private Backend create(String requested, String source) {
        String name = requested.trim().toLowerCase(Locale.ROOT);
        Discovered d = providers.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        if (d == null) {
            throw new BackendUnavailableException("backend '" + name + "' requested by " + source
                    + " is not installed; available: " + availableNames() + unavailableSuffix(null)
                    + ". Add org.bilevel4j:bilevel4j-backend-" + name + " to the runtime classpath");
        }
        if (!d.status().availability().available()) {
            throw new BackendUnavailableException("backend '" + name + "' requested by " + source + " is unavailable: "
                    + d.status().availability().reason() + "; available: " + availableNames() + unavailableSuffix(name));
        }
        boolean[] first = {false};
        Object result = created.computeIfAbsent(name, n -> {
            try {
                first[0] = true;
                return Backend.of(n, d.status().capabilities(), d.provider().create());
            } catch (RuntimeException | LinkageError e) {
                return e; // natives that failed to load once fail again less clearly: remember the first error
            }
        });
        if (result instanceof Backend b) {
            // the first selection of a backend is worth an INFO line; later ones (every Backends.get()) are DEBUG
            LOG.log(first[0] ? Level.INFO : Level.DEBUG, "bilevel4j backend ''{0}'' selected by {1}; capabilities {2}",
                    name, source, b.capabilities());
            return b;
        }
        Throwable e = (Throwable) result;
        List<String> others = availableNames().stream().filter(n -> !n.equals(name)).toList();
        throw new BackendUnavailableException("backend '" + name + "' requested by " + source
                + " failed to initialise: " + e + "; available: " + others + unavailableSuffix(name), e);
    }

    private List<String> availableNames() {
        return statuses().stream().filter(s -> s.availability().available()).map(ProviderStatus::name).toList();
    }

    private String unavailableSuffix(String except) {
        String list = unavailableList(except);
        return list.isEmpty() ? "" : "; unavailable: " + list;
    }

    private String unavailableList(String except) {
        return statuses().stream()
                .filter(s -> !s.availability().available() && !s.name().equals(except))
                .map(s -> s.name() + " (" + s.availability().reason() + ")")
                .collect(Collectors.joining(", "));
    }

    /** Broken service entries tolerated before discovery stops (guards against an iterator that keeps failing). */
    private static final int MAX_BROKEN_ENTRIES = 100;

    private static List<Discovered> discover() {
        List<Discovered> found = new ArrayList<>();
        Iterator<ServiceLoader.Provider<BackendProvider>> entries =
                ServiceLoader.load(BackendProvider.class).stream().iterator();
        for (int broken = 0; broken < MAX_BROKEN_ENTRIES; ) {
            ServiceLoader.Provider<BackendProvider> p;
            try {
                if (!entries.hasNext()) {
                    break;
                }
                p = entries.next();
            } catch (ServiceConfigurationError e) {
                // a stale or incompatible META-INF/services entry: skip it, keep the others
                broken++;
                LOG.log(Level.WARNING, "skipping broken backend provider entry: " + e);
                continue;
            }
            String className = p.type().getName();
            try {
                BackendProvider provider = p.get();
                found.add(describe(provider));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "skipping broken backend provider " + className + ": " + e);
                found.add(new Discovered(className, null, new ProviderStatus(className, Integer.MIN_VALUE, Set.of(),
                        Availability.unavailable("provider failed to load: " + e))));
            }
        }
        return found;
    }

    static Discovered describe(BackendProvider provider) {
        String name = provider.getClass().getName();
        int priority = Integer.MIN_VALUE;
        Availability availability;
        Set<Capability> capabilities = Set.of();
        try {
            name = provider.name().trim().toLowerCase(Locale.ROOT);
            priority = provider.priority();
            capabilities = provider.capabilities();
            availability = provider.availability();
            if (availability.available() && !capabilities.contains(Capability.FLOAT64)) {
                availability = Availability.unavailable("provider does not declare the required FLOAT64 capability");
            }
        } catch (RuntimeException | LinkageError e) {
            availability = Availability.unavailable("availability check failed: " + e);
            capabilities = Set.of();
        }
        return new Discovered(name, provider, new ProviderStatus(name, priority, capabilities, availability));
    }

    /**
     * The reference backend: {@link ReferenceKernels}, plain loops over {@code double[]} with float64, float32 and
     * dense solves, and the linear-model kernels by their composed definition (so that
     * {@code Tensor.linearModelLoss} records its fused primitives here, and their derivatives are tested). The
     * specification oracle of the kernel contract, for tests; it is not a provider, so resolution
     * never selects it.
     *
     * @return a backend named {@code "reference"}
     */
    public static Backend reference() {
        return Backend.of("reference", EnumSet.of(Capability.FLOAT64, Capability.FLOAT32, Capability.DENSE_SOLVE,
                Capability.FUSED_LINEAR_MODEL),
                new ReferenceKernels());
    }
}
