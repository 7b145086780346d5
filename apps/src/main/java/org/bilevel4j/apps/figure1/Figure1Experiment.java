package org.bilevel4j.apps.figure1;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.RichardsonSolver;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Grazzi et al. (ICML 2020), Section 3.1, Figure 1: the relative error ‖g(λ) - ∇f(λ)‖ / ‖∇f(λ)‖ of ITD, AID-FP and
 * AID-CG (with k = t, and with a fixed k) as a function of the number t of inner iterations, mean and spread over
 * random λ. ITD and AID share the inner solver (gradient descent for LR, heavy ball otherwise), start from w₀ = 0 and
 * run exactly t steps; the linear systems run exactly k iterations from v = 0, as in the paper.
 */
public final class Figure1Experiment {
    /** The methods of the figure, in order. */
    public static final List<String> METHODS = List.of("ITD", "FP k=t", "CG k=t", "FP k=fixed", "CG k=fixed");

    private Figure1Experiment() {
    }

    /**
     * One point of a curve.
     *
     * @param problem LR, KRR, BR or HR
     * @param method  one of {@link #METHODS}
     * @param t       inner iterations
     * @param k       linear-system iterations (0 for ITD)
     * @param mean    mean relative error over the λ samples
     * @param std     standard deviation
     * @param min     smallest
     * @param max     largest
     */
    public record Point(String problem, String method, int t, int k, double mean, double std, double min, double max) {
    }

    /**
     * @param problem the problem
     * @param tGrid   the values of t
     * @param kFixed  k of the fixed-k curves
     * @param samples number of λ samples
     * @param seed    seed of the λ samples
     * @param threads worker threads
     * @return one point per method and t
     */
    public static List<Point> run(SyntheticProblem problem, int[] tGrid, int kFixed, int samples, long seed,
            int threads) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Tensor> lambdas = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            lambdas.add(problem.sampler().apply(rng));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Tensor>> exact = new ArrayList<>();
            for (Tensor l : lambdas) {
                exact.add(pool.submit(() -> problem.exactHypergradient().apply(l)));
            }
            List<Point> points = new ArrayList<>();
            for (int t : tGrid) {
                Map<String, HypergradientEstimator> estimators = estimators(problem, t, kFixed);
                for (Map.Entry<String, HypergradientEstimator> m : estimators.entrySet()) {
                    List<Future<Double>> errors = new ArrayList<>();
                    for (int i = 0; i < samples; i++) {
                        Tensor l = lambdas.get(i);
                        Future<Tensor> reference = exact.get(i);
                        errors.add(pool.submit(() -> {
                            Tensor g = m.getValue().estimate(problem.problem(), l).hypergradient();
                            Tensor truth = reference.get();
                            return g.sub(truth).normValue() / truth.normValue();
                        }));
                    }
                    double[] e = new double[samples];
                    for (int i = 0; i < samples; i++) {
                        e[i] = errors.get(i).get();
                    }
                    int k = m.getKey().startsWith("ITD") ? 0 : m.getKey().endsWith("k=t") ? t : kFixed;
                    points.add(summarise(problem.name(), m.getKey(), t, k, e));
                }
            }
            return points;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("figure 1 run failed on " + problem.name() + ": " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, HypergradientEstimator> estimators(SyntheticProblem p, int t, int kFixed) {
        InnerPhase inner = new InnerPhase(p.innerSolver(), IterationBudget.exactly(t), false);
        Map<String, HypergradientEstimator> m = new LinkedHashMap<>();
        m.put("ITD", ItdEstimator.builder().inner(inner).build());
        m.put("FP k=t", AidEstimator.builder().inner(inner).linearSolver(RichardsonSolver.fixedPoint(), t).build());
        m.put("CG k=t", AidEstimator.builder().inner(inner).linearSolver(new ConjugateGradientSolver(), t).build());
        m.put("FP k=fixed", AidEstimator.builder().inner(inner).linearSolver(RichardsonSolver.fixedPoint(), kFixed)
                .build());
        m.put("CG k=fixed", AidEstimator.builder().inner(inner).linearSolver(new ConjugateGradientSolver(), kFixed)
                .build());
        return m;
    }

    private static Point summarise(String problem, String method, int t, int k, double[] e) {
        double mean = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : e) {
            mean += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        mean /= e.length;
        double var = 0;
        for (double v : e) {
            var += (v - mean) * (v - mean);
        }
        double std = e.length > 1 ? Math.sqrt(var / (e.length - 1)) : 0;
        return new Point(problem, method, t, k, mean, std, min, max);
    }
}
