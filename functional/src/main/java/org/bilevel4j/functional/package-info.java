/**
 * Functional bilevel optimization (Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for Machine
 * Learning", NeurIPS 2024): bilevel problems whose inner variable is a prediction function h in L², given by data
 * sets D_in and D_out and pointwise losses ({@link org.bilevel4j.functional.FunctionalBilevelProblem},
 * {@link org.bilevel4j.functional.Dataset}, {@link org.bilevel4j.functional.PointwiseLoss}); models of h and of
 * the adjoint function ({@link org.bilevel4j.functional.FunctionModel}); the FuncID algorithm with a trained
 * adjoint network, the linear closed-form adjoint and the batch closed form
 * ({@link org.bilevel4j.functional.FuncId}), each total gradient reported with diagnostics
 * ({@link org.bilevel4j.functional.FunctionalGradient}); and the parametric counterpart over network weights for
 * the library's AID and ITD estimators ({@link org.bilevel4j.functional.ParametricBilevel}). Instrumental-variable
 * regression (two-stage least squares) with a structural model of the treatment is
 * {@link org.bilevel4j.functional.InstrumentalVariableProblem}. Every method — FuncID, AID, ITD, and the baselines
 * of {@code org.bilevel4j.functional.baselines} — runs behind one interface,
 * {@link org.bilevel4j.functional.OuterStepMethod}, one outer step per call, each reported as an
 * {@link org.bilevel4j.functional.OuterStep} (losses, wall time, oracle counts).
 */
package org.bilevel4j.functional;
