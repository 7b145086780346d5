package org.bilevel4j.apps.figure1;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * One of the four synthetic problems of Grazzi et al. (ICML 2020), Section 3.1 (Figure 1), with the inner solver the
 * paper uses for it and its exact hypergradient.
 *
 * @param name               LR, KRR, BR or HR
 * @param problem            the bilevel problem; its inner map (the gradient step with the optimal step size)
 *                           defines the AID linear system
 * @param innerSolver        gradient descent (LR) or heavy ball (KRR, BR, HR), shared by ITD and AID
 * @param exactHypergradient λ ↦ ∇f(λ), from a closed-form or Newton-solved w(λ)
 * @param sampler            draws λ uniformly from the paper's box
 */
public record SyntheticProblem(String name, OptimizationBilevelProblem problem, InnerSolver innerSolver,
        Function<Tensor, Tensor> exactHypergradient, Function<SplittableRandom, Tensor> sampler) {
}
