package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;

/** The autodiff contract on the TensorFlow Java (eager) backend. */
class TensorflowAutodiffTest extends AutodiffContract {
    @Override
    Backend backend() {
        return Backends.get("tensorflow");
    }
}
