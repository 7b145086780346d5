package org.bilevel4j.theory.conformance;

import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;

/** The autodiff contract on the EJML backend. */
class EjmlAutodiffTest extends AutodiffContract {
    @Override
    Backend backend() {
        return Backends.get("ejml");
    }
}
