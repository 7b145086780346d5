/**
 * JMH benchmarks of the autodiff tape, the logistic-loss gradient and HVP, the hypergradient estimators and the
 * backends' kernels, plus {@link org.bilevel4j.benchmarks.PeakMemory}, the single-run program that
 * {@code peak-memory.sh} uses to find each estimator's peak heap. Results are in {@code BENCHMARKS.md}.
 */
package org.bilevel4j.benchmarks;
