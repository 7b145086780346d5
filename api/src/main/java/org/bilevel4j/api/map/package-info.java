/**
 * Differentiable maps and objectives, known through matrix-free derivatives only.
 *
 * <ul>
 *   <li>{@link org.bilevel4j.api.map.DifferentiableMap}: x ↦ F(x) with VJP and JVP;</li>
 *   <li>{@link org.bilevel4j.api.map.BivariateMap} and {@link org.bilevel4j.api.map.Linearization}: Φ(w, λ)
 *       with both partial VJPs from one backward pass, linearized once per point;</li>
 *   <li>{@link org.bilevel4j.api.map.ScalarObjective}: f(w, λ) with gradients and the fused
 *       gradient / Hessian-vector / cross-derivative products;</li>
 *   <li>{@link org.bilevel4j.api.map.FixedPointOperator}: Φ with what is known of its contraction constant;
 *       {@link org.bilevel4j.api.map.GradientStepMap} derives one from an inner objective.</li>
 * </ul>
 * Each can be built from a tensor lambda (autodiff supplies the derivatives) or written by hand.
 */
package org.bilevel4j.api.map;
