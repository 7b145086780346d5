/**
 * The TensorFlow Java backend (TensorFlow Java 1.1.0, TensorFlow 2.18, eager execution; CPU, or CUDA with the
 * {@code gpu} Maven profile). {@link org.bilevel4j.backend.tensorflow.TensorflowBackendProvider} is registered with
 * {@link java.util.ServiceLoader}; the kernels and storage are package-private.
 */
package org.bilevel4j.backend.tensorflow;
