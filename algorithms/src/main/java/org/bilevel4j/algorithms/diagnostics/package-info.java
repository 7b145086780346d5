/**
 * Diagnostics shared by every solver and estimator: the {@link org.bilevel4j.algorithms.diagnostics.Status} of an
 * iterative computation and the {@link org.bilevel4j.algorithms.diagnostics.OracleCounts} of the map, VJP, JVP,
 * HVP and gradient evaluations it used.
 */
package org.bilevel4j.algorithms.diagnostics;
