package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.junit.jupiter.api.Tag;

/** The conformance contract on DJL's CUDA device; skipped without one. Run: mvn verify -Pgpu -Dbilevel4j.test.excludedGroups=. */
@Tag("gpu")
class DjlGpuConformanceTest extends BackendConformanceContract {
    @Override
    Backend backend() {
        return GpuBackends.require("djl");
    }
}
