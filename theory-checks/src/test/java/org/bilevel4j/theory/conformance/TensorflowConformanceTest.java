package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;

/** The conformance contract on the TensorFlow Java (eager) backend. */
class TensorflowConformanceTest extends BackendConformanceContract {
    @Override
    Backend backend() {
        return Backends.get("tensorflow");
    }
}
