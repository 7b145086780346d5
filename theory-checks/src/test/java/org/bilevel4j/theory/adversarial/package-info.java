/**
 * The adversarial status suite: generated affine fixed-point and quadratic bilevel problems with exact
 * hypergradients (dense float64 linear algebra with compensated residuals), on which every estimator family is run
 * with small, zero and generous budgets, tight and zero tolerances, cold, near and far warm starts, in float64 and
 * float32, and its reported status, residuals and error bound are checked against the exact answer.
 */
package org.bilevel4j.theory.adversarial;
