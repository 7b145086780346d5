/**
 * Checks of backend kernels for the backends' test suites: {@link org.bilevel4j.testkit.kernels.CheckedKernels}
 * fails when a kernel modifies its arguments, and {@link org.bilevel4j.testkit.kernels.KernelExercise} runs every
 * kernel through it against {@link org.bilevel4j.api.backend.ReferenceKernels}.
 */
package org.bilevel4j.testkit.kernels;
