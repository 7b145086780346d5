/**
 * JMH benchmarks of the autodiff tape, the logistic-loss gradient and HVP, the hypergradient estimators and the
 * backends' kernels, plus {@link org.bilevel4j.benchmarks.PeakMemory}, the single-run program that
 * {@code peak-memory.sh} uses to find each estimator's peak heap; the cost of one FuncID total gradient against
 * one AID total gradient on network weights ({@link org.bilevel4j.benchmarks.FunctionalCostBenchmark}, with
 * {@link org.bilevel4j.benchmarks.FunctionalCostMemory} for {@code functional-memory.sh}); and
 * {@link org.bilevel4j.benchmarks.SideBySideBenchmark}, which times bilevel4j on the data and against the
 * hypergradients written by PyTorch (read with {@link org.bilevel4j.benchmarks.Npy}) for {@code side-by-side.sh}.
 * Results are in {@code BENCHMARKS.md}.
 */
package org.bilevel4j.benchmarks;
