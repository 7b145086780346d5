/**
 * The EJML backend (pure Java, CPU). {@link org.bilevel4j.backend.ejml.EjmlBackendProvider} is registered with
 * {@link java.util.ServiceLoader}; the kernels and storage are package-private.
 */
package org.bilevel4j.backend.ejml;
