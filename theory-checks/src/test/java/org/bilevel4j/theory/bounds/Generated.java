package org.bilevel4j.theory.bounds;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bilevel4j.testkit.problems.AffineContraction;
import org.bilevel4j.testkit.problems.BiasedRegularization;
import org.bilevel4j.testkit.problems.L2LogisticRegression;
import org.bilevel4j.testkit.problems.PerCoordinateRidge;
import org.bilevel4j.testkit.problems.TanhEquilibrium;
import org.bilevel4j.testkit.problems.TestProblem;
import org.quicktheories.core.Gen;

/**
 * QuickTheories generators of test-problem instances for the theorem checks: every parameter a test-kit problem
 * takes in its constructor (dimensions, contraction constant q, λ box and step size, which fix the conditioning κ,
 * β, the data seed) and the seed of the sampled λ are drawn, each from a range that respects the theorem's
 * assumptions (q ∈ [0.01, 0.99], λ_lo &gt; 0, step at most the optimal one on the box, β &gt; 0). Every draw is
 * an integer whose shrink target is the simplest value (dimension 1, q = 0.01, the optimal step, β = 1, seed 0),
 * so a failing property is reported on a small instance.
 */
final class Generated {
    /** Seed of every property of the package (the runs are reproducible). */
    static final long SEED = 20200713L;

    private Generated() {
    }

    /** The problem families of the test kit. */
    enum Kind {
        /** Affine contraction Φ = Aw + Bλ + c with ‖A‖ = q, A non-symmetric. */
        AFFINE("affine"),
        /** Affine contraction with A symmetric (eigenvalues of both signs). */
        AFFINE_SYM("affine-sym"),
        /** Per-coordinate ridge regression, gradient map with a fixed step. */
        RIDGE("ridge"),
        /** tanh equilibrium Φ = tanh(Aw + Bλ + c), ‖A‖ = q. */
        TANH("tanh"),
        /** ℓ₂-regularised logistic regression, gradient map with a fixed step. */
        LOGISTIC("logistic"),
        /** Biased regularisation, gradient map with the optimal step. */
        BIASED("biased");

        final String tag;

        Kind(String tag) {
            this.tag = tag;
        }

        @Override
        public String toString() {
            return tag;
        }
    }

    /**
     * The drawn parameters of one instance; only those of its kind are used (and printed).
     *
     * @param kind       the family
     * @param d          inner dimension (affine, tanh) or features p (ridge, logistic, biased)
     * @param n          outer dimension (affine, tanh) or samples (ridge, logistic, biased)
     * @param q          contraction constant (affine, tanh)
     * @param low        λ_lo (ridge, logistic)
     * @param high       λ_hi (ridge, logistic)
     * @param stepScale  fraction of the box-optimal step (ridge, logistic)
     * @param beta       β (biased)
     * @param seed       data seed
     * @param lambdaSeed seed of the sampled λ
     */
    record Spec(Kind kind, int d, int n, double q, double low, double high, double stepScale, double beta, long seed,
            long lambdaSeed) {
        TestProblem problem() {
            return switch (kind) {
                case AFFINE -> new AffineContraction(Instance.B, d, n, q, false, seed);
                case AFFINE_SYM -> new AffineContraction(Instance.B, d, n, q, true, seed);
                case TANH -> new TanhEquilibrium(Instance.B, d, n, q, seed);
                case RIDGE -> new PerCoordinateRidge(Instance.B, n, d, low, high, stepScale, seed);
                case LOGISTIC -> new L2LogisticRegression(Instance.B, n, d, low, high, stepScale, seed);
                case BIASED -> new BiasedRegularization(Instance.B, n, d, beta, seed);
            };
        }

        /** @return the instance: the problem at λ sampled with {@link #lambdaSeed} */
        Instance instance() {
            TestProblem p = problem();
            return new Instance(toString(), p, p.sampleOuter(new SplittableRandom(lambdaSeed)));
        }

        @Override
        public String toString() {
            String params = switch (kind) {
                case AFFINE, AFFINE_SYM, TANH -> String.format(Locale.ROOT, "d=%d, n=%d, q=%s", d, n, q);
                case RIDGE, LOGISTIC -> String.format(Locale.ROOT, "samples=%d, p=%d, lambda in [%s, %s], step scale %s",
                        n, d, low, high, stepScale);
                case BIASED -> String.format(Locale.ROOT, "samples=%d, p=%d, beta=%s", n, d, beta);
            };
            return kind + "(" + params + ", seed " + seed + ", lambda seed " + lambdaSeed + ")";
        }
    }

    /** @return q ∈ {0.01, 0.02, …, 0.99}, shrinking to 0.01 */
    static Gen<Double> contraction() {
        return integers().between(1, 99).map(i -> i / 100.0);
    }

    /** @return a seed, shrinking to 0 */
    static Gen<Long> seeds() {
        return longs().between(0, 1L << 40);
    }

    /**
     * @param kind the family
     * @param maxD largest inner dimension (features)
     * @return instances of the family
     */
    static Gen<Spec> specs(Kind kind, int maxD) {
        return switch (kind) {
            case AFFINE, AFFINE_SYM, TANH -> integers().between(1, maxD).zip(integers().between(1, 6), contraction(),
                    seeds(), seeds(), (d, n, q, s, l) -> new Spec(kind, d, n, q, 0, 0, 1, 0, s, l));
            case RIDGE, LOGISTIC -> {
                // λ_lo ∈ {0.05, …, 2}, λ_hi = λ_lo + {0.5, …, 10}, step scale s ∈ {1, 0.95, …, 0.05}: together
                // with the data they set κ of the inner problem on the box. λ_hi > λ_lo: the test kit's sampler of
                // λ (uniform on the box) rejects an empty box although the constructors accept λ_hi = λ_lo
                Gen<double[]> box = integers().between(1, 40).zip(integers().between(1, 20),
                        integers().between(0, 19), (lo, width, step) -> new double[] {lo / 20.0,
                            lo / 20.0 + width / 2.0, 1 - step / 20.0});
                yield integers().between(1, maxD).zip(integers().between(1, 40), box, seeds(), seeds(),
                        (p, samples, b, s, l) -> new Spec(kind, p, samples, 0, b[0], b[1], b[2], 0, s, l));
            }
            case BIASED -> {
                // β = 10^(-i/4) ∈ [1e-3, 1]; with fewer samples than features XᵀX is singular, μ = β and κ is
                // large (the setting of the paper's biased-regularisation experiment)
                Gen<Double> beta = integers().between(0, 12).map(i -> Math.pow(10, -i / 4.0));
                yield integers().between(1, maxD).zip(integers().between(1, 2 * maxD), beta, seeds(), seeds(),
                        (p, samples, b, s, l) -> new Spec(kind, p, samples, 0, 0, 0, 1, b, s, l));
            }
        };
    }

    /**
     * Runs {@code body} on {@code examples} generated instances of {@code kind} (QuickTheories, fixed seed,
     * shrinking a failure to a small instance) and reports how many ran as a count row of {@code report}.
     *
     * @param report   the report that gets the count row
     * @param theorem  the check's name, for the count row
     * @param kind     the family
     * @param maxD     largest inner dimension
     * @param examples number of generated instances
     * @param body     the property; it asserts
     */
    static void forAll(RatioReport report, String theorem, Kind kind, int maxD, int examples, Consumer<Instance> body) {
        AtomicLong ran = new AtomicLong();
        // few shrink cycles: each one reruns the whole property on an instance
        qt().withFixedSeed(SEED + kind.ordinal() * 7919L + theorem.hashCode()).withExamples(examples)
                .withShrinkCycles(30)
                .forAll(specs(kind, maxD)).checkAssert(spec -> {
                    ran.incrementAndGet();
                    body.accept(spec.instance());
                });
        report.count("generated instances, " + theorem + ", " + kind, ran.get());
    }
}
