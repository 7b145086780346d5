package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ProviderStatus;
import org.bilevel4j.api.error.BackendUnavailableException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BackendsTest {

    // ---------------------------------------------------------------- fakes

    /** A configurable provider whose kernels are a proxy that fails with its name on every kernel call. */
    static final class FakeProvider implements BackendProvider {
        final String name;
        final int priority;
        final Supplier<Availability> availability;
        final Supplier<Set<Capability>> capabilities;
        final AtomicInteger creates = new AtomicInteger();
        final AtomicInteger kernelCalls = new AtomicInteger();
        volatile RuntimeException createFailure;
        volatile Error createError;
        volatile long createDelayMillis;
        volatile boolean returnNull;

        FakeProvider(String name, int priority, Supplier<Availability> availability,
                Supplier<Set<Capability>> capabilities) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
            this.capabilities = capabilities;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities.get();
        }

        @Override
        public Availability availability() {
            return availability.get();
        }

        @Override
        public Kernels create() {
            creates.incrementAndGet();
            if (createDelayMillis > 0) {
                try {
                    Thread.sleep(createDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (createFailure != null) {
                throw createFailure;
            }
            if (createError != null) {
                throw createError;
            }
            if (returnNull) {
                return null;
            }
            return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "toString" -> "FakeKernels[" + name + "]";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> {
                            kernelCalls.incrementAndGet();
                            throw new UnsupportedOperationException("kernels of " + name + ": " + method.getName());
                        }
                    });
        }
    }

    static FakeProvider available(String name, int priority) {
        return new FakeProvider(name, priority, Availability::ofAvailable, () -> EnumSet.of(Capability.FLOAT64));
    }

    static FakeProvider available(String name, int priority, Set<Capability> capabilities) {
        return new FakeProvider(name, priority, Availability::ofAvailable, () -> capabilities);
    }

    static FakeProvider unavailable(String name, int priority, String reason) {
        return new FakeProvider(name, priority, () -> Availability.unavailable(reason),
                () -> EnumSet.of(Capability.FLOAT64));
    }

    static Backends backends(UnaryOperator<String> properties, UnaryOperator<String> environment,
            BackendProvider... providers) {
        List<Backends.Discovered> discovered = new ArrayList<>();
        for (BackendProvider p : providers) {
            discovered.add(Backends.describe(p));
        }
        return new Backends(discovered, properties, environment);
    }

    static Backends backends(BackendProvider... providers) {
        return backends(k -> null, k -> null, providers);
    }

    /** Looks keys up exactly, so a lookup with the wrong key finds nothing. */
    static UnaryOperator<String> map(String key, String value) {
        Map<String, String> m = new HashMap<>();
        m.put(key, value);
        return m::get;
    }

    /** Asserts the backend is backed by the provider's kernels (their proxy names the provider). */
    static void assertKernelsOf(FakeProvider p, Backend b) {
        int before = p.kernelCalls.get();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> b.identity(1));
        assertTrue(e.getMessage().startsWith("kernels of " + p.name + ":"), e.getMessage());
        assertEquals(before + 1, p.kernelCalls.get());
    }

    // ---------------------------------------------------------------- tests

    @Test
    void constantsNameThePropertyAndTheEnvironmentVariable() {
        assertEquals("bilevel4j.backend", Backends.PROPERTY);
        assertEquals("BILEVEL4J_BACKEND", Backends.ENVIRONMENT_VARIABLE);
    }

    @Nested
    class ResolutionOrder {

        @Test
        void explicitNameBeatsPropertyEnvironmentAndPriority() {
            FakeProvider a = available("a", 1);
            FakeProvider b = available("b", 5);
            FakeProvider c = available("c", 10);
            FakeProvider d = available("d", 0);
            Backends bs = backends(map(Backends.PROPERTY, "a"), map(Backends.ENVIRONMENT_VARIABLE, "b"), a, b, c, d);

            Backend backend = bs.resolve("d");
            assertEquals("d", backend.name());
            assertKernelsOf(d, backend);
            assertEquals(1, d.creates.get());
            assertEquals(0, a.creates.get() + b.creates.get() + c.creates.get());
        }

        @Test
        void explicitNameIgnoresABrokenPropertyAndEnvironment() {
            FakeProvider a = available("a", 1);
            Backends bs = backends(map(Backends.PROPERTY, "nope"), map(Backends.ENVIRONMENT_VARIABLE, "nada"), a);
            assertEquals("a", bs.resolve("a").name());
        }

        @Test
        void propertyBeatsEnvironmentAndPriority() {
            FakeProvider a = available("a", 1);
            FakeProvider b = available("b", 5);
            FakeProvider c = available("c", 10);
            Backends bs = backends(map(Backends.PROPERTY, "a"), map(Backends.ENVIRONMENT_VARIABLE, "b"), a, b, c);

            Backend backend = bs.resolve();
            assertEquals("a", backend.name());
            assertKernelsOf(a, backend);
            assertEquals(0, b.creates.get() + c.creates.get());
        }

        @Test
        void environmentBeatsPriority() {
            FakeProvider b = available("b", 5);
            FakeProvider c = available("c", 10);
            Backends bs = backends(k -> null, map(Backends.ENVIRONMENT_VARIABLE, "b"), b, c);

            assertEquals("b", bs.resolve().name());
            assertEquals(0, c.creates.get());
        }

        @Test
        void propertyIsReadUnderItsOwnKeyOnly() {
            FakeProvider a = available("a", 1);
            FakeProvider c = available("c", 10);
            // the property source has the value under the environment variable's name: it must be ignored
            Backends wrongKey = backends(map(Backends.ENVIRONMENT_VARIABLE, "a"), k -> null, a, c);
            assertEquals("c", wrongKey.resolve().name());
            Backends rightKey = backends(map("bilevel4j.backend", "a"), k -> null, available("a", 1),
                    available("c", 10));
            assertEquals("a", rightKey.resolve().name());
        }

        @Test
        void environmentIsReadUnderItsOwnKeyOnly() {
            Backends wrongKey = backends(k -> null, map(Backends.PROPERTY, "a"), available("a", 1),
                    available("c", 10));
            assertEquals("c", wrongKey.resolve().name());
            Backends rightKey = backends(k -> null, map("BILEVEL4J_BACKEND", "a"), available("a", 1),
                    available("c", 10));
            assertEquals("a", rightKey.resolve().name());
        }

        @Test
        void highestPriorityAmongAvailableProvidersWins() {
            FakeProvider low = available("low", 1);
            FakeProvider high = available("high", 50);
            FakeProvider mid = available("mid", 20);
            FakeProvider broken = unavailable("gpu", 100, "no CUDA device");
            Backends bs = backends(low, broken, high, mid);

            Backend backend = bs.resolve();
            assertEquals("high", backend.name());
            assertKernelsOf(high, backend);
            assertEquals(0, broken.creates.get());
            assertEquals(0, low.creates.get() + mid.creates.get());
        }

        @Test
        void negativePrioritiesAreOrderedToo() {
            Backends bs = backends(available("x", -10), available("y", -3), available("z", Integer.MIN_VALUE));
            assertEquals("y", bs.resolve().name());
        }

        @Test
        void tiesAreBrokenByNameAlphabeticallyFirst() {
            assertEquals("alpha", backends(available("beta", 7), available("alpha", 7), available("gamma", 7))
                    .resolve().name());
            assertEquals("alpha", backends(available("alpha", 7), available("gamma", 7), available("beta", 7))
                    .resolve().name());
            assertEquals("alpha", backends(available("gamma", 7), available("beta", 7), available("alpha", 7))
                    .resolve().name());
            // a lower priority never wins a tie-break
            assertEquals("b", backends(available("a", 6), available("b", 7), available("c", 7)).resolve().name());
        }

        @Test
        void blankPropertyIsIgnored() {
            Backends bs = backends(map(Backends.PROPERTY, "   "), map(Backends.ENVIRONMENT_VARIABLE, "b"),
                    available("b", 1), available("c", 10));
            assertEquals("b", bs.resolve().name());

            Backends empty = backends(map(Backends.PROPERTY, ""), k -> null, available("b", 1), available("c", 10));
            assertEquals("c", empty.resolve().name());
        }

        @Test
        void blankEnvironmentIsIgnored() {
            Backends bs = backends(k -> null, map(Backends.ENVIRONMENT_VARIABLE, " \t"), available("b", 1),
                    available("c", 10));
            assertEquals("c", bs.resolve().name());
        }

        @Test
        void namesAreCaseInsensitiveAndTrimmed() {
            FakeProvider ejml = available("ejml", 1);
            Backends bs = backends(ejml, available("other", 10));
            Backend b1 = bs.resolve("EJML");
            Backend b2 = bs.resolve("  Ejml\t");
            assertEquals("ejml", b1.name());
            assertSame(b1, b2);
            assertEquals(1, ejml.creates.get());

            Backends viaProperty = backends(map(Backends.PROPERTY, " EjMl "), k -> null, available("ejml", 1),
                    available("other", 10));
            assertEquals("ejml", viaProperty.resolve().name());

            Backends viaEnv = backends(k -> null, map(Backends.ENVIRONMENT_VARIABLE, "EJML "), available("ejml", 1),
                    available("other", 10));
            assertEquals("ejml", viaEnv.resolve().name());
        }

        @Test
        void providerNamesAreNormalisedToo() {
            FakeProvider p = available("  MyBackend ", 1);
            Backends.Discovered d = Backends.describe(p);
            assertEquals("mybackend", d.name());
            assertEquals("mybackend", d.status().name());
            assertSame(p, d.provider());

            Backends bs = backends(p);
            assertEquals("mybackend", bs.resolve("mybackend").name());
            assertEquals("mybackend", bs.resolve("MYBACKEND").name());
            assertEquals("mybackend", bs.resolve().name());
            assertEquals(1, p.creates.get());
        }

        @Test
        void resolvedBackendCarriesTheDeclaredCapabilities() {
            FakeProvider p = available("gpu", 1,
                    EnumSet.of(Capability.FLOAT64, Capability.FLOAT32, Capability.GPU));
            Backend b = backends(p).resolve();
            assertEquals(EnumSet.of(Capability.FLOAT64, Capability.FLOAT32, Capability.GPU), b.capabilities());
            assertTrue(b.supports(Capability.GPU));
            assertFalse(b.supports(Capability.DENSE_SOLVE));
        }
    }

    @Nested
    class Failures {

        @Test
        void unknownNameRequestedInCodeIsReported() {
            Backends bs = backends(available("ejml", 1), available("djl", 10),
                    unavailable("tensorflow", 20, "libtensorflow not found; add the native artifact"));
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> bs.resolve("Torch"));
            String m = e.getMessage();
            assertTrue(m.contains("'torch'"), m);
            assertTrue(m.contains("explicit choice in code"), m);
            assertTrue(m.contains("not installed"), m);
            assertTrue(m.contains("available: [djl, ejml]"), m);
            assertTrue(m.contains("unavailable: tensorflow (libtensorflow not found; add the native artifact)"), m);
            assertTrue(m.contains("bilevel4j-backend-torch"), m);
        }

        @Test
        void unknownNameFromThePropertyNamesTheProperty() {
            Backends bs = backends(map(Backends.PROPERTY, "cuda"), map(Backends.ENVIRONMENT_VARIABLE, "ejml"),
                    available("ejml", 1));
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, bs::resolve);
            assertTrue(e.getMessage().contains("'cuda'"), e.getMessage());
            assertTrue(e.getMessage().contains("system property bilevel4j.backend"), e.getMessage());
            assertTrue(e.getMessage().contains("available: [ejml]"), e.getMessage());
        }

        @Test
        void unknownNameFromTheEnvironmentNamesTheVariable() {
            FakeProvider ejml = available("ejml", 100);
            Backends bs = backends(k -> null, map(Backends.ENVIRONMENT_VARIABLE, "cuda"), ejml);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, bs::resolve);
            assertTrue(e.getMessage().contains("'cuda'"), e.getMessage());
            assertTrue(e.getMessage().contains("environment variable BILEVEL4J_BACKEND"), e.getMessage());
            // no silent fallback to the available provider
            assertEquals(0, ejml.creates.get());
        }

        @Test
        void unavailableRequestedNameIsReportedWithItsReason() {
            FakeProvider djl = unavailable("djl", 10, "no native engine; add ai.djl.pytorch:pytorch-native-cpu");
            FakeProvider ejml = available("ejml", 1);
            FakeProvider tf = unavailable("tf", 5, "libtensorflow missing");
            Backends bs = backends(map(Backends.PROPERTY, "DJL"), k -> null, djl, ejml, tf);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, bs::resolve);
            String m = e.getMessage();
            assertTrue(m.contains("'djl'"), m);
            assertTrue(m.contains("system property bilevel4j.backend"), m);
            assertTrue(m.contains("is unavailable: no native engine; add ai.djl.pytorch:pytorch-native-cpu"), m);
            assertTrue(m.contains("available: [ejml]"), m);
            assertTrue(m.contains("tf (libtensorflow missing)"), m);
            assertEquals(0, djl.creates.get());
            assertEquals(0, ejml.creates.get());
        }

        @Test
        void unavailableRequestedNameInCodeIsReported() {
            Backends bs = backends(unavailable("gpu", 10, "no device"), available("cpu", 1));
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> bs.resolve("gpu"));
            assertTrue(e.getMessage().contains("explicit choice in code"), e.getMessage());
            assertTrue(e.getMessage().contains("no device"), e.getMessage());
        }

        @Test
        void noAvailableProviderListsEveryReasonAndHintsAtEjml() {
            Backends bs = backends(unavailable("djl", 10, "no engine"), unavailable("tf", 5, "no libtensorflow"));
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, bs::resolve);
            String m = e.getMessage();
            assertTrue(m.contains("no bilevel4j backend is available"), m);
            assertTrue(m.contains("djl (no engine)"), m);
            assertTrue(m.contains("tf (no libtensorflow)"), m);
            assertTrue(m.contains("bilevel4j-backend-ejml"), m);
        }

        @Test
        void noProviderAtAllSaysNoneIsInstalled() {
            Backends bs = backends();
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, bs::resolve);
            assertTrue(e.getMessage().contains("none is installed"), e.getMessage());
            assertTrue(e.getMessage().contains("bilevel4j-backend-ejml"), e.getMessage());
            assertTrue(bs.statuses().isEmpty());
        }

        @Test
        void providerWhoseAvailabilityThrowsIsReportedUnavailable() {
            FakeProvider bad = new FakeProvider("bad", 100, () -> {
                throw new IllegalStateException("boom");
            }, () -> EnumSet.of(Capability.FLOAT64));
            Backends.Discovered d = Backends.describe(bad);
            assertFalse(d.status().availability().available());
            assertTrue(d.status().availability().reason().contains("availability check failed"),
                    d.status().availability().reason());
            assertTrue(d.status().availability().reason().contains("boom"), d.status().availability().reason());
            assertTrue(d.status().capabilities().isEmpty());
            assertEquals(100, d.status().priority());

            // discovery goes on and the next provider is selected
            FakeProvider good = available("good", 1);
            Backends bs = new Backends(List.of(d, Backends.describe(good)), k -> null, k -> null);
            assertEquals("good", bs.resolve().name());
            assertEquals(0, bad.creates.get());

            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> bs.resolve("bad"));
            assertTrue(e.getMessage().contains("availability check failed"), e.getMessage());
        }

        @Test
        void providerWhoseAvailabilityThrowsALinkageErrorIsReportedUnavailable() {
            FakeProvider bad = new FakeProvider("bad", 1, () -> {
                throw new NoClassDefFoundError("com/example/Native");
            }, () -> EnumSet.of(Capability.FLOAT64));
            Backends.Discovered d = Backends.describe(bad);
            assertFalse(d.status().availability().available());
            assertTrue(d.status().availability().reason().contains("availability check failed"));
            assertTrue(d.status().availability().reason().contains("com/example/Native"));
        }

        @Test
        void providerWhoseCapabilitiesThrowIsReportedUnavailable() {
            FakeProvider bad = new FakeProvider("bad", 1, Availability::ofAvailable, () -> {
                throw new IllegalStateException("caps");
            });
            Backends.Discovered d = Backends.describe(bad);
            assertFalse(d.status().availability().available());
            assertTrue(d.status().availability().reason().contains("availability check failed"));
            assertTrue(d.status().capabilities().isEmpty());
        }

        @Test
        void providerWithoutFloat64IsUnavailable() {
            FakeProvider f32 = available("f32", 100, EnumSet.of(Capability.FLOAT32, Capability.GPU));
            Backends.Discovered d = Backends.describe(f32);
            assertFalse(d.status().availability().available());
            assertTrue(d.status().availability().reason().contains("FLOAT64"), d.status().availability().reason());

            FakeProvider ok = available("ok", 1);
            Backends bs = backends(f32, ok);
            assertEquals("ok", bs.resolve().name());
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> bs.resolve("f32"));
            assertTrue(e.getMessage().contains("FLOAT64"), e.getMessage());
            assertEquals(0, f32.creates.get());
        }

        @Test
        void createFailureIsWrappedWithItsCause() {
            FakeProvider p = available("native", 1);
            IllegalStateException cause = new IllegalStateException("driver crashed");
            p.createFailure = cause;
            Backends bs = backends(p, available("other", 0));
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> bs.resolve("native"));
            assertSame(cause, e.getCause());
            assertTrue(e.getMessage().contains("'native'"), e.getMessage());
            assertTrue(e.getMessage().contains("failed to initialise"), e.getMessage());
            assertTrue(e.getMessage().contains("driver crashed"), e.getMessage());
            assertTrue(e.getMessage().contains("explicit choice in code"), e.getMessage());
        }

        @Test
        void createFailureWhenResolvingByPriorityIsWrappedToo() {
            FakeProvider p = available("native", 10);
            p.createError = new UnsatisfiedLinkError("no jnilib in java.library.path");
            FakeProvider other = available("other", 0);
            Backends bs = backends(p, other);
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, bs::resolve);
            assertInstanceOf(UnsatisfiedLinkError.class, e.getCause());
            assertTrue(e.getMessage().contains("no jnilib"), e.getMessage());
            assertTrue(e.getMessage().contains("highest priority"), e.getMessage());
            // no silent fallback
            assertEquals(0, other.creates.get());
        }

        @Test
        void createReturningNullIsReportedAsAnInitialisationFailure() {
            FakeProvider p = available("null", 1);
            p.returnNull = true;
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> backends(p).resolve());
            assertInstanceOf(NullPointerException.class, e.getCause());
        }
    }

    @Nested
    class Caching {

        @Test
        void createIsCalledOncePerProviderAcrossManyResolutions() {
            FakeProvider a = available("a", 10);
            FakeProvider b = available("b", 1);
            Backends bs = backends(map(Backends.PROPERTY, "A"), k -> null, a, b);
            Backend first = bs.resolve();
            for (int i = 0; i < 100; i++) {
                assertSame(first, bs.resolve());
                assertSame(first, bs.resolve("a"));
                assertSame(first, bs.resolve(" A "));
            }
            assertEquals(1, a.creates.get());
            assertEquals(0, b.creates.get());

            Backend other = bs.resolve("b");
            assertEquals("b", other.name());
            assertSame(other, bs.resolve("b"));
            assertEquals(1, b.creates.get());
            assertEquals(1, a.creates.get());
        }

        @Test
        void explicitPropertyAndPriorityResolutionsShareTheInstance() {
            FakeProvider a = available("a", 10);
            Backends byPriority = backends(a);
            Backend b1 = byPriority.resolve();
            Backend b2 = byPriority.resolve("a");
            assertSame(b1, b2);
            assertEquals(1, a.creates.get());
        }

        @Test
        @Timeout(value = 30, unit = TimeUnit.SECONDS)
        void createIsCalledOnceUnderConcurrentResolution() throws Exception {
            int threads = 8;
            for (int round = 0; round < 20; round++) {
                FakeProvider a = available("a", 10);
                a.createDelayMillis = round % 2 == 0 ? 20 : 0;
                FakeProvider b = available("b", 1);
                b.createDelayMillis = a.createDelayMillis;
                Backends bs = backends(a, b);

                ExecutorService pool = Executors.newFixedThreadPool(threads);
                try {
                    CountDownLatch ready = new CountDownLatch(threads);
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Backend[]>> futures = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        int id = t;
                        Callable<Backend[]> task = () -> {
                            ready.countDown();
                            go.await();
                            Backend x = id % 2 == 0 ? bs.resolve() : bs.resolve("A");
                            Backend y = bs.resolve("b");
                            return new Backend[] {x, y};
                        };
                        futures.add(pool.submit(task));
                    }
                    assertTrue(ready.await(10, TimeUnit.SECONDS));
                    go.countDown();
                    Backend firstA = null;
                    Backend firstB = null;
                    for (Future<Backend[]> f : futures) {
                        Backend[] r = f.get(20, TimeUnit.SECONDS);
                        assertNotNull(r[0]);
                        assertNotNull(r[1]);
                        if (firstA == null) {
                            firstA = r[0];
                            firstB = r[1];
                        }
                        assertSame(firstA, r[0]);
                        assertSame(firstB, r[1]);
                    }
                    assertEquals("a", firstA.name());
                    assertEquals("b", firstB.name());
                    assertEquals(1, a.creates.get(), "round " + round);
                    assertEquals(1, b.creates.get(), "round " + round);
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @Nested
    class Statuses {

        @Test
        void sortedByPriorityDescendingThenName() {
            Backends bs = backends(available("m", 5), unavailable("z", 10, "nope"), available("b", 5),
                    available("a", 1), unavailable("c", 5, "no"), available("y", 10), available("n", -1));
            List<String> names = bs.statuses().stream().map(ProviderStatus::name).toList();
            assertEquals(List.of("y", "z", "b", "c", "m", "a", "n"), names);
        }

        @Test
        void statusesReportAvailabilityPriorityAndCapabilities() {
            Backends bs = backends(available("ejml", 1, EnumSet.of(Capability.FLOAT64, Capability.DENSE_SOLVE)),
                    unavailable("djl", 10, "no engine"));
            List<ProviderStatus> st = bs.statuses();
            assertEquals(2, st.size());
            ProviderStatus djl = st.get(0);
            ProviderStatus ejml = st.get(1);
            assertEquals("djl", djl.name());
            assertEquals(10, djl.priority());
            assertFalse(djl.availability().available());
            assertEquals("no engine", djl.availability().reason());
            assertEquals("djl: no engine", djl.toString());
            assertEquals("ejml", ejml.name());
            assertTrue(ejml.availability().available());
            assertEquals(EnumSet.of(Capability.FLOAT64, Capability.DENSE_SOLVE), ejml.capabilities());
            assertEquals("ejml (priority 1)", ejml.toString());
        }

        @Test
        void statusesDoNotCreateBackends() {
            FakeProvider a = available("a", 1);
            backends(a).statuses();
            assertEquals(0, a.creates.get());
        }
    }

    @Nested
    class AvailabilityValidation {

        @Test
        void availableHasEmptyReason() {
            Availability a = Availability.ofAvailable();
            assertTrue(a.available());
            assertEquals("", a.reason());
        }

        @Test
        void unavailableKeepsItsReason() {
            Availability a = Availability.unavailable("add the native jar");
            assertFalse(a.available());
            assertEquals("add the native jar", a.reason());
        }

        @Test
        void unavailableWithBlankReasonIsRejected() {
            for (String blank : new String[] {"", " ", "\t\n"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Availability.unavailable(blank));
                assertTrue(e.getMessage().startsWith("reason"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> new Availability(false, blank));
            }
        }

        @Test
        void nullReasonIsRejected() {
            NullPointerException e = assertThrows(NullPointerException.class, () -> new Availability(true, null));
            assertEquals("reason", e.getMessage());
            assertThrows(NullPointerException.class, () -> Availability.unavailable(null));
        }
    }
}
