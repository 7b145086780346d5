package org.bilevel4j.backend.tensorflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;

/**
 * Run in a fresh JVM by {@link TensorflowBackendProviderTest}: creates the provider through the service loader,
 * asks for its name, priority, capabilities and availability, and prints the time taken and whether a TensorFlow
 * library got mapped into the process ({@code /proc/self/maps}).
 */
public final class DiscoveryProbe {
    private DiscoveryProbe() {
    }

    /**
     * @param args {@code create} to create the kernels afterwards (a positive control)
     * @throws IOException if /proc/self/maps cannot be read
     */
    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        Availability availability = null;
        for (BackendProvider p : java.util.ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(TensorflowBackendProvider.NAME)) {
                p.priority();
                p.capabilities();
                availability = p.availability();
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Path maps = Path.of("/proc/self/maps");
        boolean mapped = Files.exists(maps) && (Files.readString(maps).contains("libtensorflow")
                || Files.readString(maps).contains("libjnitensorflow"));
        System.out.println("available=" + (availability != null && availability.available()));
        System.out.println("reason=" + (availability == null ? "not discovered" : availability.reason()));
        System.out.println("nativeMapped=" + mapped);
        System.out.println("millis=" + millis);
        if (args.length > 0 && args[0].equals("create")) {
            // positive control: creating the kernels does map the libraries
            new TensorflowBackendProvider().create();
            System.out.println("nativeMappedAfterCreate=" + (Files.readString(maps).contains("libtensorflow")
                    || Files.readString(maps).contains("libjnitensorflow")));
        }
    }
}
