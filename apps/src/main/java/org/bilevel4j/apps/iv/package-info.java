/**
 * The {@code bilevel4j iv} command: instrumental-variable regression as functional bilevel optimization
 * (Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024, §4.1) — a
 * linear-Gaussian toy and the dSprites-style image experiment with FuncID, FuncID linear, AID, ITD, DFIV and the
 * gradient- and value-function-penalty methods, summarised by median test MSE and a one-sided paired t-test.
 */
package org.bilevel4j.apps.iv;
