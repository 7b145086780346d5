package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.junit.jupiter.api.Tag;

/** The autodiff contract on DJL's CUDA device; skipped without one. */
@Tag("gpu")
class DjlGpuAutodiffTest extends AutodiffContract {
    @Override
    Backend backend() {
        return GpuBackends.require("djl");
    }
}
