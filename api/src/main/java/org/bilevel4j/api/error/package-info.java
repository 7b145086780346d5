/**
 * Unchecked exceptions raised by bilevel4j on bad input or unusable configuration.
 *
 * <p>Every exception derives from a JDK unchecked type so that callers who do not care about the
 * distinction can catch {@link java.lang.IllegalArgumentException} or {@link java.lang.IllegalStateException}.
 * Messages name the offending argument, what was expected and what was found, for example
 * {@code "matmul: rhs: expected 3 rows (lhs has shape [4, 3]), got shape [4, 2]"}.
 *
 * <p>Numerical non-convergence is <em>not</em> an exception: estimators and solvers report it in the
 * status of their result records, and throw only when asked to be strict.
 */
package org.bilevel4j.api.error;
