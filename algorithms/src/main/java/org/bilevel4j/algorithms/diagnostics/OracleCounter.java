package org.bilevel4j.algorithms.diagnostics;

/**
 * Mutable tally of oracle calls for one computation (one estimate, one solve). Not shared between threads:
 * each computation creates its own.
 */
public final class OracleCounter {
    private long maps;
    private long vjps;
    private long jvps;
    private long hvps;
    private long gradients;

    /** Counts one evaluation of the inner map. */
    public void map() {
        maps++;
    }

    /** @param n evaluations of the inner map */
    public void maps(long n) {
        maps += n;
    }

    /** Counts one vector-Jacobian product. */
    public void vjp() {
        vjps++;
    }

    /** Counts one Jacobian-vector product. */
    public void jvp() {
        jvps++;
    }

    /** Counts one Hessian-vector product. */
    public void hvp() {
        hvps++;
    }

    /** Counts one objective gradient. */
    public void gradient() {
        gradients++;
    }

    /** @return the counts so far */
    public OracleCounts snapshot() {
        return new OracleCounts(maps, vjps, jvps, hvps, gradients);
    }
}
