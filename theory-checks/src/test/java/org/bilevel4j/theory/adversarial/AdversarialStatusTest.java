package org.bilevel4j.theory.adversarial;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.ErrorBound;
import org.bilevel4j.algorithms.hypergradient.ErrorBounds;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics;
import org.bilevel4j.algorithms.inner.GradientDescentIteration;
import org.bilevel4j.algorithms.inner.HeavyBallIteration;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.inner.NesterovIteration;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.AutoLinearSolver;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.DenseDirectSolver;
import org.bilevel4j.algorithms.linalg.GmresSolver;
import org.bilevel4j.algorithms.linalg.LinearSolveResult;
import org.bilevel4j.algorithms.linalg.LinearSolver;
import org.bilevel4j.algorithms.linalg.MinresSolver;
import org.bilevel4j.algorithms.linalg.NeumannSolver;
import org.bilevel4j.algorithms.linalg.NormalEquationsSolver;
import org.bilevel4j.algorithms.linalg.RichardsonSolver;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every estimator family on generated instances with exact hypergradients ({@link LinearInstance}): AID with each
 * linear solver (fixed point, Neumann, CG, MINRES, GMRES, CG on the normal equations, gradient descent, dense
 * exact, automatic) and ITD in each mode (reverse, tape, checkpointed, truncated, forward), with Picard steps and,
 * on the optimization form, gradient descent, heavy ball and Nesterov inner solvers; each run with its own budgets
 * (0, 1 or 2 steps, a generous fixed budget, or a generous one with tolerance 1e-15 or 1e-8) and start (cold, warm
 * from the exact solution, warm from far away). What is asserted, with ε the machine epsilon of the element type:
 * <ol>
 *   <li>the hypergradient and the inner iterate are finite (never NaN);</li>
 *   <li>the reported inner residual, AID adjoint residual and ITD remainder are the true ones, recomputed in
 *       float64 from the returned iterates, up to the rounding of their evaluation in the element type
 *       (δ = 8√d ε × the scale of the terms);</li>
 *   <li>CONVERGED only on instances with a fixed point, and not on a repelling one from a cold or far start;</li>
 *   <li>CONVERGED: the true error is within the tolerance allowance. For the affine problems the error
 *       decomposes exactly: with S, R, T as in {@link LinearInstance}, G = ‖S⁻¹R‖_F, e_w = w_t - w(λ),
 *       AID: ‖error‖ ≤ (‖K‖ + G)‖e_w‖ + G r_adj and ITD: ‖error‖ ≤ (‖K‖ + G)‖e_w‖ + tail, the tail being G‖a₀‖
 *       (reverse modes, √2 G‖a₀‖ for the two-step momentum state) or (‖S⁻¹‖_F/T + √d)‖Z_t - Z_{t-1}‖‖∇₁E‖
 *       (forward). CONVERGED promises a step norm ≤ τ_in = max(rtol‖w_t‖, atol), so for Picard and gradient
 *       descent r_in ≤ ‖∂₁Φ‖τ_in and ‖e_w‖ ≤ ‖S⁻¹‖ r_in / T; it promises r_adj ≤ the adjoint tolerance and
 *       ‖a₀‖ ≤ rtol‖∇_s E‖ (or ‖Z_t - Z_{t-1}‖ ≤ rtol‖Z_t‖). The allowance is this bound with the promised values,
 *       plus the rounding floor. A momentum method's step norm does not bound its residual, so for heavy ball and
 *       Nesterov the true inner residual is used instead and the ratio residual/(‖∂₁Φ‖τ_in) is only reported;</li>
 *   <li>CONVERGED and a bound available: error ≤ bound, where the bound is re-evaluated with the residuals
 *       increased by their rounding δ, plus the rounding of the final sum (a bound on a measured q that is
 *       deliberately too small, or on iterates that left the constants' ball, is recorded, not asserted);</li>
 *   <li>CERTIFIED (any status): the same inequality, q is declared KNOWN and honest, the map is a contraction,
 *       and the points the bound involves lie in the constants' ball (ITD: Picard steps, not truncated, started
 *       inside the ball);</li>
 *   <li>a map that is not a contraction or has no fixed point: where the float64 Picard step norms from the start
 *       used show it (the last of t ≥ 2 exceeds the first by more than the rounding of the iterates, or one grew a
 *       millionfold), the status is DIVERGED or BREAKDOWN. A decreasing sequence of step norms is what a contraction would produce too (with q the
 *       largest ratio), so there only "not CONVERGED" is asserted.</li>
 * </ol>
 */
class AdversarialStatusTest {
    static final int INSTANCES = Integer.getInteger("adversarial.instances", 400);
    private static final int GENEROUS_INNER = 400;
    /** Forward mode costs one JVP per coordinate of λ and step, checkpointing recomputes segments. */
    private static final int GENEROUS_INNER_EXPENSIVE = 200;
    private static final int GENEROUS_LINEAR = 200;
    private static final StatusReport REPORT = new StatusReport();

    /** The inner solvers. */
    enum Inner {
        PICARD, GD, HEAVY_BALL, NESTEROV;

        InnerSolver solver() {
            return switch (this) {
                case PICARD -> new PicardIteration();
                case GD -> GradientDescentIteration.optimalStep();
                case HEAVY_BALL -> HeavyBallIteration.optimal();
                case NESTEROV -> NesterovIteration.optimal();
            };
        }

        boolean momentum() {
            return this == HEAVY_BALL || this == NESTEROV;
        }
    }

    /** One estimator family: AID with a linear solver, or ITD in a mode, with an inner solver. */
    record Family(String name, Inner inner, String solver, ItdEstimator.Mode mode) {
        boolean itd() {
            return mode != null;
        }
    }

    static List<Family> families(LinearInstance in) {
        List<Family> f = new ArrayList<>();
        for (String s : new String[] {"fixed-point", "neumann", "cg", "minres", "gmres", "cg-normal", "gd", "exact",
            "auto"}) {
            f.add(new Family("aid-" + s, Inner.PICARD, s, null));
        }
        for (ItdEstimator.Mode m : ItdEstimator.Mode.values()) {
            f.add(new Family("itd-" + m.name().toLowerCase(Locale.ROOT), Inner.PICARD, null, m));
        }
        if (in.kind == LinearInstance.Kind.OPTIMIZATION) {
            f.add(new Family("aid-auto+gd", Inner.GD, "auto", null));
            f.add(new Family("aid-cg+heavy-ball", Inner.HEAVY_BALL, "cg", null));
            f.add(new Family("aid-gmres+nesterov", Inner.NESTEROV, "gmres", null));
            f.add(new Family("itd-reverse+gd", Inner.GD, null, ItdEstimator.Mode.REVERSE));
            f.add(new Family("itd-reverse+heavy-ball", Inner.HEAVY_BALL, null, ItdEstimator.Mode.REVERSE));
            f.add(new Family("itd-tape+nesterov", Inner.NESTEROV, null, ItdEstimator.Mode.TAPE));
        }
        return f;
    }

    /** Budget profiles: 0, 1, 2 steps, a generous fixed budget, generous with tolerance 1e-15 or 1e-8. */
    static IterationBudget budget(SplittableRandom rng, int generous) {
        double p = rng.nextDouble();
        return p < 0.1 ? IterationBudget.exactly(0) : p < 0.2 ? IterationBudget.exactly(1) : p < 0.3
                ? IterationBudget.exactly(2) : p < 0.42 ? IterationBudget.exactly(generous) : p < 0.67
                ? IterationBudget.of(generous, 1e-15) : IterationBudget.of(generous, 1e-8);
    }

    static LinearSolver linearSolver(String name, LinearInstance in) {
        return switch (name) {
            case "fixed-point" -> RichardsonSolver.fixedPoint();
            case "neumann" -> new NeumannSolver();
            case "cg" -> new ConjugateGradientSolver();
            case "minres" -> new MinresSolver();
            case "gmres" -> new GmresSolver();
            case "cg-normal" -> new NormalEquationsSolver();
            // gradient descent on ½vᵀ(I - ∂₁Φᵀ)v - bᵀv with a step below 2/‖I - ∂₁Φ‖
            case "gd" -> RichardsonSolver.gradientDescent(1 / (1 + in.jacobianNorm));
            case "exact" -> new DenseDirectSolver();
            case "auto" -> new AutoLinearSolver();
            default -> throw new IllegalArgumentException("name: unknown solver " + name);
        };
    }

    /** Where the inner iteration starts. */
    enum Start {
        COLD, NEAR, FAR
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, INSTANCES);
    }

    @AfterAll
    static void report() {
        REPORT.write("Generated affine fixed-point and quadratic bilevel problems with exact hypergradients; every "
                + "estimator family on every instance, each run with its own budgets and start (see "
                + "AdversarialStatusTest for what is asserted and why).\n\n"
                + "- 'certified': runs whose bound is CERTIFIED (any status).\n"
                + "- 'bound checks': CONVERGED runs with an asserted bound (certified, or estimated on a correct q inside "
                + "the constants' ball); 'worst error/bound' is the true error over the bound as reported. The "
                + "library's bound includes the rounding of its residuals (which evaluate to exactly 0 at a "
                + "floating-point fixed point) and of the final sum; above 1 would mean that rounding term is too "
                + "small ('rounding-limited' counts such runs). The assertion is against the bound re-evaluated with each "
                + "residual increased by its rounding, 8√d ε × the scale of its terms, plus the rounding of the final "
                + "sum: 'worst error/(bound with rounding)' is at most 1.\n"
                + "- 'allowance checks': CONVERGED runs, true error over the allowance implied by the tolerances asked "
                + "for (at most 1).\n"
                + "- 'required divergences': runs on maps that are not contractions where the float64 step norms prove "
                + "it and DIVERGED or BREAKDOWN was asserted; 'not told apart': runs whose step norms decreased, as a "
                + "contraction's would (only 'not CONVERGED' asserted).\n"
                + "- 'residual checks': reported inner residuals, adjoint residuals and ITD remainders compared with "
                + "their float64 recomputation.");
    }

    @ParameterizedTest(name = "instance {0}")
    @MethodSource("seeds")
    void statusesAreHonest(long seed) {
        LinearInstance in = new LinearInstance(seed);
        REPORT.instance();
        List<String> failures = new ArrayList<>();
        List<Family> families = families(in);
        for (int i = 0; i < families.size(); i++) {
            Family f = families.get(i);
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + i);
            boolean expensive = f.mode() == ItdEstimator.Mode.FORWARD || f.mode() == ItdEstimator.Mode.CHECKPOINTED;
            IterationBudget innerBudget = budget(rng, expensive ? GENEROUS_INNER_EXPENSIVE : GENEROUS_INNER);
            int linearGenerous = f.solver() != null && (f.solver().equals("fixed-point") || f.solver().equals("neumann")
                    || f.solver().equals("gd")) ? GENEROUS_INNER : GENEROUS_LINEAR;
            IterationBudget linearBudget = budget(rng, linearGenerous);
            double ps = rng.nextDouble();
            Start start = ps < 0.5 ? Start.COLD : ps < 0.75 ? Start.NEAR : Start.FAR;
            int truncation = 1 + rng.nextInt(20);
            new Run(in, f, innerBudget, linearBudget, start, truncation, rng.split(), failures).check();
        }
        if (!failures.isEmpty()) {
            fail(in + ":\n  " + String.join("\n  ", failures));
        }
    }

    /** One estimator on one instance, and its checks. */
    static final class Run {
        private final LinearInstance in;
        private final Family family;
        private final IterationBudget innerBudget;
        private final IterationBudget linearBudget;
        private final Start start;
        private final int truncation;
        private final SplittableRandom rng;
        private final List<String> failures;
        private final double eps;

        Run(LinearInstance in, Family family, IterationBudget innerBudget, IterationBudget linearBudget, Start start,
                int truncation, SplittableRandom rng, List<String> failures) {
            this.in = in;
            this.family = family;
            this.innerBudget = innerBudget;
            this.linearBudget = linearBudget;
            this.start = start;
            this.truncation = truncation;
            this.rng = rng;
            this.failures = failures;
            this.eps = in.dtype.epsilon();
        }

        private HypergradientEstimator estimator() {
            boolean warm = start != Start.COLD;
            InnerPhase phase = new InnerPhase(family.inner().solver(), innerBudget, warm);
            if (!family.itd()) {
                return AidEstimator.builder().inner(phase).linearSolver(linearSolver(family.solver(), in), linearBudget)
                        .warmStart(warm, warm).build();
            }
            ItdEstimator.Builder b = ItdEstimator.builder().inner(phase);
            return switch (family.mode()) {
                case CHECKPOINTED -> b.checkpointed(0).build();
                case TRUNCATED -> b.truncated(truncation).build();
                default -> b.mode(family.mode()).build();
            };
        }

        /** @return the previous estimate a warm start reads: w₀ and, for AID, v₀ */
        private HypergradientEstimate previous() {
            if (start == Start.COLD) {
                return null;
            }
            double[] w0;
            double[] v0;
            if (in.wStar == null) {
                w0 = Dense64.gaussianVector(in.d, rng);
                v0 = Dense64.gaussianVector(in.d, rng);
            } else {
                w0 = in.wStar.clone();
                v0 = in.exactAdjoint(in.wStar);
            }
            if (start == Start.FAR) {
                double[] u = Dense64.gaussianVector(in.d, rng);
                w0 = Dense64.add(w0, Dense64.scale(u, 1e3 * (Dense64.norm(w0) + 1) / Dense64.norm(u)));
                double[] z = Dense64.gaussianVector(in.d, rng);
                v0 = Dense64.add(v0, Dense64.scale(z, 1e3 * (Dense64.norm(v0) + 1) / Dense64.norm(z)));
            }
            Tensor w = in.tensor(w0);
            Tensor v = in.tensor(v0);
            Tensor zeros = LinearInstance.B.zeros(in.lambdaTensor.shape(), in.dtype);
            LinearSolveResult solve = new LinearSolveResult(v, Status.CONVERGED, 1, 1, 0, new double[] {0, 0},
                    "given");
            return HypergradientEstimate.builder("previous", zeros, w).status(Status.CONVERGED)
                    .diagnostics(new AidDiagnostics(v, 0, solve)).build();
        }

        private String where(HypergradientEstimate e) {
            return String.format(Locale.ROOT, "%s, inner %s budget %s, linear budget %s, start %s%s: %s", family.name(),
                    family.inner(), innerBudget, family.itd() ? "-" : linearBudget, start,
                    family.mode() == ItdEstimator.Mode.TRUNCATED ? ", K=" + truncation : "", e);
        }

        private void require(boolean ok, String what, HypergradientEstimate e) {
            if (!ok) {
                failures.add(what + " [" + where(e) + "]");
            }
        }

        void check() {
            HypergradientEstimate previous = previous();
            HypergradientEstimate e;
            try {
                long t0 = System.nanoTime();
                e = estimator().estimate(in.problem, in.lambdaTensor, previous);
                REPORT.time(family.name(), System.nanoTime() - t0);
            } catch (RuntimeException ex) {
                failures.add(family.name() + " threw " + ex);
                return;
            }
            String kind = in.kind + " " + in.dtype;
            Status status = e.status();
            REPORT.run(family.name(), kind, status, e.bound().isCertified());
            double[] g = e.hypergradient().toDoubleArray();
            double[] w = e.inner().toDoubleArray();
            boolean finite = allFinite(g) && allFinite(w);
            require(finite, "NaN or infinite entries in the estimate", e);
            if (!finite) {
                return;
            }
            if (status.isFailure()) {
                require(Dense64.norm(g) == 0, "a " + status + " estimate must carry zeros", e);
            }
            double[] w0 = previous == null ? new double[in.d] : previous.inner().toDoubleArray();
            double[] b = in.outerGradientInner(w);
            double wNorm = Dense64.norm(w);
            double bNorm = Dense64.norm(b);
            double deltaIn = 8 * Math.sqrt(in.d) * eps * in.innerScale(w);

            // 2. the reported residuals are the true ones
            double trueInner = in.innerResidual(w);
            if (status != Status.DIVERGED && !Double.isNaN(e.innerResidual())) {
                REPORT.residualCheck(family.name(), kind);
                require(Math.abs(e.innerResidual() - trueInner) <= deltaIn + 1e-9 * trueInner,
                        "inner residual reported " + e.innerResidual() + ", true " + trueInner + " (rounding " + deltaIn
                                + ")", e);
            }
            double[] v = null;
            double trueAdjoint = Double.NaN;
            double deltaAdj = 0;
            if (!family.itd() && e.diagnostics() instanceof AidDiagnostics aid) {
                v = aid.adjoint().toDoubleArray();
                trueAdjoint = in.adjointResidual(w, v);
                deltaAdj = 8 * Math.sqrt(in.d) * eps * (Dense64.norm(v) * (1 + in.jacobianNorm) + bNorm);
                require(allFinite(v), "NaN in the adjoint", e);
                if (status != Status.DIVERGED) {
                    REPORT.residualCheck(family.name(), kind);
                    require(Math.abs(aid.adjointResidual() - trueAdjoint) <= deltaAdj + 1e-9 * trueAdjoint,
                            "adjoint residual reported " + aid.adjointResidual() + ", true " + trueAdjoint
                                    + " (rounding " + deltaAdj + ")", e);
                }
            }
            ItdDiagnostics itd = family.itd() && e.diagnostics() instanceof ItdDiagnostics x ? x : null;
            if (itd != null && !family.inner().momentum() && itd.steps() > 0 && status != Status.DIVERGED) {
                double trueRemainder;
                double scale;
                if (family.mode() == ItdEstimator.Mode.FORWARD) {
                    trueRemainder = in.forwardChange(itd.steps() - 1);
                    scale = in.t * Dense64.frobenius(in.r);
                } else {
                    trueRemainder = Dense64.norm(in.transposedPower(b, itd.stepsDifferentiated()));
                    scale = bNorm;
                }
                double tol = 8 * Math.sqrt(in.d) * eps * (itd.steps() + 1) * (1 + in.jacobianNorm) * scale;
                REPORT.residualCheck(family.name(), kind);
                require(Math.abs(itd.remainder() - trueRemainder) <= tol + 1e-6 * trueRemainder,
                        "ITD remainder reported " + itd.remainder() + ", true " + trueRemainder + " (rounding " + tol
                                + ")", e);
            }

            // 3. and 7. statuses on maps that are not contractions
            if (!in.kind.contraction) {
                require(status != Status.CONVERGED || (in.kind == LinearInstance.Kind.EXPANDING
                        && start == Start.NEAR), "CONVERGED on a map " + (in.kind == LinearInstance.Kind.EXPANDING
                                ? "that repels from its fixed point, from a " + start + " start" : "without a fixed point"),
                        e);
                int t = innerBudget.maxIterations();
                if (family.inner() == Inner.PICARD && t >= 2) {
                    double[] norms = in.picardStepNorms(w0, t);
                    double max = 0;
                    for (double r : norms) {
                        max = Math.max(max, r);
                    }
                    // a step norm is computed from two iterates, each rounded to ε‖w‖ in the element type: growth
                    // within that is not evidence (unit eigenvalue with nothing else: constant step norms)
                    double slack = 4 * Math.sqrt(in.d) * eps * (in.lastPicardNorm + Dense64.norm(w0) + max);
                    boolean shown = norms.length < t || norms[norms.length - 1] > norms[0] + slack
                            || max > 1e6 * norms[0];
                    if (!shown) {
                        REPORT.indistinguishable(family.name(), kind);
                    }
                    if (shown && norms[0] > 64 * eps * Math.max(1, Dense64.norm(w0))) {
                        REPORT.requiredDivergence(family.name(), kind);
                        require(status == Status.DIVERGED || status == Status.BREAKDOWN, String.format(Locale.ROOT,
                                "missed divergence: float64 Picard step norms %.3e ... %.3e (max %.3e) over %d steps",
                                norms[0], norms[norms.length - 1], max, t), e);
                    }
                }
            }
            if (in.gradient == null) {
                return;
            }
            double error = Dense64.norm(Dense64.sub(g, in.gradient));
            double gradNorm = Dense64.norm(in.gradient);
            double g2Norm = Dense64.norm(in.outerGradientOuter(w));
            double vNorm = v != null ? Dense64.norm(v) : Dense64.norm(in.exactAdjoint(w));
            int steps = itd != null ? Math.max(itd.steps(), 1) : 1;
            // the rounding of the final sum ∇₂E + ∂₂Φᵀv (for ITD, of t such sums), and of the truth (a few ulps)
            double assembly = 8 * Math.sqrt(in.n + in.d) * eps * Math.sqrt(steps)
                    * (g2Norm + in.t * Dense64.frobenius(in.r) * vNorm + Dense64.norm(g)) + 1e-13 * gradNorm;
            double sensitivity = in.sensitivity;
            double ew = Dense64.norm(Dense64.sub(w, in.wStar));
            double roundingFloor = (in.kNorm + sensitivity) * in.inverseNorm / in.t * deltaIn
                    + sensitivity * deltaAdj + assembly;

            // 4. CONVERGED: error within the tolerance allowance
            // (a repelling map warm-started at its fixed point may converge there: the fixed point and the
            // hypergradient exist, and the same allowance applies)
            if (status == Status.CONVERGED) {
                double tauIn = innerBudget.threshold(wNorm) * (1 + 1e-6) + innerBudget.threshold(0);
                double allowedEw;
                if (family.inner().momentum()) {
                    allowedEw = in.inverseNorm / in.t * trueInner;
                    REPORT.momentumResidual(family.name(), trueInner / (in.jacobianNorm * tauIn + deltaIn));
                } else {
                    allowedEw = in.inverseNorm / in.t * in.jacobianNorm * tauIn;
                }
                double allowance;
                if (!family.itd()) {
                    double tauAdj = Math.max(linearBudget.threshold(bNorm), 8 * eps * (bNorm + vNorm));
                    allowance = (in.kNorm + sensitivity) * allowedEw + sensitivity * tauAdj;
                } else {
                    double decay = innerBudget.relativeTolerance() > 0 ? innerBudget.relativeTolerance()
                            : innerBudget.absoluteTolerance() / Math.max(Dense64.norm(w0), 1.0);
                    double tail;
                    if (family.mode() == ItdEstimator.Mode.FORWARD) {
                        tail = (in.inverseNorm / in.t + Math.sqrt(in.d)) * decay * itd.remainderScale() * bNorm;
                    } else {
                        tail = (family.inner().momentum() ? Math.sqrt(2) : 1) * sensitivity * decay
                                * itd.remainderScale();
                    }
                    allowance = (in.kNorm + sensitivity) * allowedEw + tail;
                }
                allowance += roundingFloor;
                REPORT.allowance(family.name(), kind, error, allowance, where(e));
                require(error <= allowance * (1 + 1e-9), String.format(Locale.ROOT,
                        "CONVERGED but error %.3e > tolerance allowance %.3e (|e_w| %.3e, true r_in %.3e, r_adj %.3e,"
                                + " |grad f| %.3e)", error, allowance, ew, trueInner, trueAdjoint, gradNorm), e);
            }

            // 5. and 6. error bounds
            ErrorBound bound = e.bound();
            if (bound.isAvailable() && status != Status.DIVERGED) {
                boolean honest = bound.isCertified() || (in.knowledge == LinearInstance.Knowledge.ESTIMATED
                        && !bound.note().contains("left the ball"));
                ErrorBound padded = family.itd()
                        ? ErrorBounds.itd(in.problem, in.lambdaTensor, itd.steps(), in.tensor(w0), e.inner(),
                                e.innerResidual() + deltaIn, family.inner() == Inner.PICARD)
                        : ErrorBounds.aid(in.problem, in.lambdaTensor, e.inner(), e.innerResidual() + deltaIn,
                                ((AidDiagnostics) e.diagnostics()).adjointResidual() + deltaAdj);
                double limit = padded.hypergradientError() * (1 + 1e-9) + assembly;
                boolean roundingLimited = error > bound.hypergradientError();
                if (status == Status.CONVERGED && honest) {
                    REPORT.bound(family.name(), kind, error, bound.hypergradientError(), limit, roundingLimited,
                            where(e));
                }
                if (bound.isCertified()) {
                    REPORT.certified(family.name(), kind, error, bound.hypergradientError());
                }
                if ((status == Status.CONVERGED && honest) || bound.isCertified()) {
                    require(error <= limit, String.format(Locale.ROOT, "error %.6e above the %s bound %.6e (%.6e with"
                            + " rounding)", error, bound.kind(), bound.hypergradientError(), limit), e);
                }
            }
            if (bound.isCertified()) {
                boolean warranted = in.knowledge == LinearInstance.Knowledge.KNOWN && in.kind.contraction
                        && in.declaredQ < 1;
                if (family.itd()) {
                    // truncated back-propagation through every step taken is complete ITD
                    warranted &= family.inner() == Inner.PICARD && itd.stepsDifferentiated() == itd.steps()
                            && Dense64.norm(w0) <= in.radius;
                } else {
                    double reach = wNorm + Math.max(0, trueInner - deltaIn) / (1 - in.declaredQ);
                    warranted &= reach <= in.radius * (1 + 1e-9);
                }
                require(warranted, "CERTIFIED bound on inputs that do not warrant it", e);
            }
        }

        private static boolean allFinite(double[] a) {
            for (double x : a) {
                if (!Double.isFinite(x)) {
                    return false;
                }
            }
            return true;
        }
    }
}
