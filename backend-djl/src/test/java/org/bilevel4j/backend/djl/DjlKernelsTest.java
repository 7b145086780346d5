package org.bilevel4j.backend.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.testkit.kernels.CheckedKernels;
import org.bilevel4j.testkit.kernels.KernelExercise;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DJL kernels leave their arguments unmodified: every kernel runs once on shared inputs through
 * {@link CheckedKernels}, which reads each argument's values back from native memory before and after the call,
 * and each result is compared with the reference kernels. (Every kernel's accuracy against EJML is checked by the
 * conformance suite in theory-checks.)
 */
class DjlKernelsTest {
    private static final Kernels KERNELS = new DjlBackendProvider().create();

    @ParameterizedTest
    @EnumSource(DType.class)
    void noKernelModifiesItsArguments(DType dtype) {
        assertTrue(KernelExercise.run(KERNELS, dtype, 64) > 100, "kernel calls checked");
    }
}
