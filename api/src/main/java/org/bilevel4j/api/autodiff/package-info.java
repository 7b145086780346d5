/**
 * Automatic differentiation as function transformations ({@link org.bilevel4j.api.autodiff.Autodiff}: grad,
 * vjp, jvp, hvp, the fused gradient/Hessian-vector/cross-derivative call), recorded linearizations
 * ({@link org.bilevel4j.api.autodiff.Pullback}), and a derivative checker for users
 * ({@link org.bilevel4j.api.autodiff.GradientCheck}: central finite differences plus a Taylor-remainder test).
 *
 * <p>Everything here is built on {@link org.bilevel4j.api.tensor.Trace}, so it works on every backend and
 * nests to any order without a global tape.
 */
package org.bilevel4j.api.autodiff;
