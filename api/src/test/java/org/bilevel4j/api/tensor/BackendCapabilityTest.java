package org.bilevel4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/** A backend asked for what it lacks fails before any kernel runs, naming the backend and the capability. */
class BackendCapabilityTest {
    private final AtomicInteger kernelCalls = new AtomicInteger();

    private Backend float64Only() {
        Kernels kernels = (Kernels) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, args) -> {
                    kernelCalls.incrementAndGet();
                    throw new AssertionError("no kernel should run, got " + method.getName());
                });
        return Backend.of("float64-only", EnumSet.of(Capability.FLOAT64), kernels);
    }

    @Test
    void float32OnAFloat64OnlyBackendIsRejectedNamingBoth() {
        Backend b = float64Only();
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> b.zeros(Shape.of(2), DType.FLOAT32));
        assertTrue(e.getMessage().contains("float64-only") && e.getMessage().contains("float32"), e::getMessage);
        assertThrows(UnsupportedCapabilityException.class, () -> b.fromArray(new double[] {1}, Shape.of(1),
                DType.FLOAT32));
        assertEquals(0, kernelCalls.get());
    }

    @Test
    void aBackendWithoutFloat64IsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.of("x",
                EnumSet.of(Capability.FLOAT32), (Kernels) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {Kernels.class}, (p, m, a) -> null)));
        assertTrue(e.getMessage().contains("FLOAT64"), e::getMessage);
    }

    @Test
    void nonFiniteValuesAreRejectedAtCreationWithTheirIndex() {
        Backend b = float64Only();
        NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                () -> b.fromArray(new double[] {1, 2, Double.NaN}, Shape.of(3)));
        assertTrue(e.getMessage().startsWith("values[2]") && e.getMessage().contains("NaN"), e::getMessage);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> b.fromArray(new double[] {1, 2}, Shape.of(3)));
        assertTrue(size.getMessage().contains("expected 3") && size.getMessage().contains("got 2"), size::getMessage);
        assertEquals(0, kernelCalls.get());
    }
}
