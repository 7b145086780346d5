package org.bilevel4j.backend.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;

/**
 * Run in a fresh JVM, without the test JVM's system properties, by {@link DjlBackendProviderTest}: discovers the
 * provider through the service loader, asks for its availability, and prints DJL's offline and tracking settings,
 * the time taken and whether the PyTorch library got mapped into the process ({@code /proc/self/maps}).
 */
public final class DjlDiscoveryProbe {
    private DjlDiscoveryProbe() {
    }

    /**
     * @param args {@code create} to create the kernels afterwards (a positive control)
     * @throws IOException if /proc/self/maps cannot be read
     */
    public static void main(String[] args) throws IOException {
        System.out.println("offlineBefore=" + System.getProperty("ai.djl.offline"));
        long start = System.nanoTime();
        Availability availability = null;
        for (BackendProvider p : java.util.ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(DjlBackendProvider.NAME)) {
                p.priority();
                p.capabilities();
                availability = p.availability();
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("offline=" + System.getProperty("ai.djl.offline"));
        System.out.println("optOutTracking=" + System.getProperty("OPT_OUT_TRACKING"));
        System.out.println("available=" + (availability != null && availability.available()));
        System.out.println("nativeMapped=" + torchMapped());
        System.out.println("millis=" + millis);
        if (args.length > 0 && args[0].equals("create")) {
            new DjlBackendProvider().create();   // positive control: creating the kernels maps libtorch
            System.out.println("nativeMappedAfterCreate=" + torchMapped());
        }
    }

    private static boolean torchMapped() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        return Files.exists(maps) && Files.readString(maps).contains("libtorch");
    }
}
