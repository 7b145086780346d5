package org.bilevel4j.apps.iv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bilevel4j.api.tensor.Backend;

/**
 * The dSprites instrumental-variable experiment of Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for
 * Machine Learning", NeurIPS 2024, §4.1: for every seed, one data set ({@link SpritesIvTask}, the seed draws the
 * latents and noises) and one treatment-network initialisation shared by every method; each method runs N outer
 * steps ({@link IvMethod.Run}) and is scored by the test MSE against the structural function on the 588-point grid.
 * Per outer step it records the inner loss mean_{D_in}(f_w(t) - ĥ(x))², the outer loss mean_{D_out}(o - ĥ(x))² and
 * the wall time of the step (the test evaluation excluded).
 */
public final class SpritesExperiment {
    private SpritesExperiment() {
    }

    /**
     * @param samples    n, the training samples (halved into D_in and D_out)
     * @param outerSteps N
     * @param sizes      the network sizes
     * @param hyper      the hyper-parameters
     * @param matrixSeed the seed of A (fixed across seeds)
     * @param testEvery  test MSE every this many steps (and at the end)
     */
    public record Config(int samples, int outerSteps, SpritesIvTask.Sizes sizes, IvMethod.Hyper hyper,
            long matrixSeed, int testEvery) {
        /** Validates. */
        public Config {
            Objects.requireNonNull(sizes, "sizes");
            Objects.requireNonNull(hyper, "hyper");
            if (samples < 4) {
                throw new IllegalArgumentException("samples: expected at least 4, got " + samples);
            }
            if (outerSteps < 1) {
                throw new IllegalArgumentException("outerSteps: expected at least 1, got " + outerSteps);
            }
            if (testEvery < 1) {
                throw new IllegalArgumentException("testEvery: expected at least 1, got " + testEvery);
            }
        }
    }

    /**
     * One method on one seed.
     *
     * @param method         the method
     * @param seed           the seed
     * @param innerLoss      per outer step (NaN after a failure)
     * @param outerLoss      per outer step
     * @param testMse        per outer step (NaN where not evaluated); the last entry is the final score
     * @param secondsPerStep the mean wall time of an outer step
     * @param failed         whether the run diverged (the final score is then NaN)
     * @param message        the last step's message
     */
    public record Result(IvMethod method, long seed, double[] innerLoss, double[] outerLoss, double[] testMse,
            double secondsPerStep, boolean failed, String message) {
        /** @return the final test MSE */
        public double finalTestMse() {
            return testMse[testMse.length - 1];
        }
    }

    /** Progress callbacks. */
    public interface Listener {
        /**
         * @param method  the method
         * @param seed    the seed
         * @param step    1..N
         * @param record  the step
         * @param testMse the test MSE after it (NaN if not evaluated)
         * @param seconds the step's wall time
         */
        void onStep(IvMethod method, long seed, int step, IvMethod.Step record, double testMse, double seconds);

        /** @param result a finished run */
        void onRun(Result result);
    }

    /**
     * @param backend the backend
     * @param config  the configuration
     * @param methods the methods, in order
     * @param seed    the seed
     * @param listener callbacks (may be null)
     * @return one result per method
     */
    public static List<Result> runSeed(Backend backend, Config config, List<IvMethod> methods, long seed,
            Listener listener) {
        Objects.requireNonNull(methods, "methods");
        SpritesIvTask task = new SpritesIvTask(backend, config.samples(), seed, config.sizes(), config.matrixSeed());
        List<Result> out = new ArrayList<>();
        for (IvMethod m : methods) {
            Result r = runOne(task, config, m, seed, listener);
            out.add(r);
            if (listener != null) {
                listener.onRun(r);
            }
        }
        return out;
    }

    static Result runOne(SpritesIvTask task, Config config, IvMethod m, long seed, Listener listener) {
        int n = config.outerSteps();
        double[] inner = new double[n];
        double[] outer = new double[n];
        double[] test = new double[n];
        Arrays.fill(inner, Double.NaN);
        Arrays.fill(outer, Double.NaN);
        Arrays.fill(test, Double.NaN);
        IvMethod.Run run = m.start(task, config.hyper(), seed);
        double seconds = 0;
        String message = "";
        boolean failed = false;
        int steps = 0;
        for (int k = 0; k < n; k++) {
            long t0 = System.nanoTime();
            IvMethod.Step s;
            try {
                s = run.step();
            } catch (RuntimeException e) {
                s = new IvMethod.Step(Double.NaN, Double.NaN, true, m.label() + " failed: " + e);
            }
            double dt = (System.nanoTime() - t0) / 1e9;
            seconds += dt;
            steps++;
            message = s.message();
            if (s.failed() || !run.outer().isFinite()) {
                failed = true;
                if (listener != null) {
                    listener.onStep(m, seed, k + 1, s, Double.NaN, dt);
                }
                break;
            }
            inner[k] = s.innerLoss();
            outer[k] = s.outerLoss();
            if ((k + 1) % config.testEvery() == 0 || k == n - 1) {
                test[k] = task.testMse(run.outer());
            }
            if (listener != null) {
                listener.onStep(m, seed, k + 1, s, test[k], dt);
            }
        }
        return new Result(m, seed, inner, outer, test, seconds / steps, failed, message == null ? "" : message);
    }
}
