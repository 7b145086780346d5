package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;

/** The autodiff contract on the DJL/PyTorch backend. */
class DjlAutodiffTest extends AutodiffContract {
    @Override
    Backend backend() {
        return Backends.get("djl");
    }
}
