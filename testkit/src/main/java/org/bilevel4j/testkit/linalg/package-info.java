/**
 * Dense double-precision linear algebra on the JVM for tests: building matrices with exactly known spectra and
 * computing reference values (solves, eigenvalues, singular values, Jacobians) independently of every backend.
 */
package org.bilevel4j.testkit.linalg;
