package org.bilevel4j.apps.cli;

/**
 * The outer iterate λ left the set where the problem is defined (e.g. a penalty exp(λ) that underflows to 0, so that
 * the inner problem is no longer strongly convex). Thrown by a problem when it is evaluated at such a λ;
 * {@link ExperimentRunner} ends the run with status {@code DIVERGED}, as it does when λ becomes non-finite.
 */
public final class OuterDomainException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message which component of λ left the domain, its value and the domain */
    public OuterDomainException(String message) {
        super(message);
    }
}
