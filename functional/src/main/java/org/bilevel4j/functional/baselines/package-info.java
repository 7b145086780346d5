/**
 * The comparison methods of Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for Machine Learning",
 * NeurIPS 2024, on the problems of {@code org.bilevel4j.functional}, each an
 * {@link org.bilevel4j.functional.OuterStepMethod}: the DFIV-style closed-form linear heads for instrumental-variable
 * regression ({@link org.bilevel4j.functional.baselines.Dfiv}; Xu, Chen, Srinivasan, de Freitas, Doucet, Gretton,
 * "Learning Deep Features in Instrumental Variable Regression", ICLR 2021) and the single-level gradient-penalty and
 * value-function-penalty methods ({@link org.bilevel4j.functional.baselines.PenaltyMethod}; Shen, Chen, "On Penalty-based
 * Bilevel Gradient Descent Method", ICML 2023).
 */
package org.bilevel4j.functional.baselines;
