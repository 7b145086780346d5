package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.backend.Backends;
import org.bilevel4j.api.tensor.Backend;

/** The autodiff contract on the DJL/PyTorch backend. */
class DjlAutodiffTest extends AutodiffContract {
    @Override
    Backend backend() {
        return Backends.get("djl");
    }
}
