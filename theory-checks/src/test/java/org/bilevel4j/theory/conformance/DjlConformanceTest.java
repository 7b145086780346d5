package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;

/** The conformance contract on the DJL/PyTorch backend. */
class DjlConformanceTest extends BackendConformanceContract {
    @Override
    Backend backend() {
        return Backends.get("djl");
    }
}
