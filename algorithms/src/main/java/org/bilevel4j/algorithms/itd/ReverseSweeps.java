package org.bilevel4j.algorithms.itd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics.Storage;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The reverse-mode sweeps: the backward recursion a ← ∂₁Ψ(s_{i-1}, λ)ᵀa, g ← g + ∂₂Ψ(s_{i-1}, λ)ᵀa for
 * i = t, ..., 1, seeded with a = ∇_s E(w(s_t), λ) and g = ∇₂E, differing only in how the states s_{i-1} are
 * made available to it.
 */
final class ReverseSweeps {
    private ReverseSweeps() {
    }

    /** The adjoint of the state and the accumulated derivative during a backward pass. */
    private abstract static class Reverse implements Sweep {
        final BilevelProblem problem;
        final InnerSolver solver;
        final FixedPointOperator step;
        final Tensor outer;
        private Tensor adjoint;
        private Tensor derivative;

        Reverse(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer) {
            this.problem = problem;
            this.solver = solver;
            this.step = step;
            this.outer = outer;
        }

        /** One backward step through s_i = Ψ(s_{i-1}, λ) linearized at s_{i-1}. */
        final void through(Linearization lin) {
            PartialGradients p = lin.vjp(adjoint);
            adjoint = p.inner();
            derivative = derivative.add(p.outer());
        }

        final void through(Tensor previousState) {
            through(step.linearize(previousState, outer));
        }

        /** Back through the stored states s₀, ..., s_{steps-1}, re-linearizing each. */
        final int sweepStates(List<Tensor> states, int steps) {
            for (int i = steps; i >= 1; i--) {
                through(states.get(i - 1));
            }
            return steps;
        }

        /** Back through the recorded linearizations of the steps. */
        final int sweepTape(List<Linearization> tape, int steps) {
            for (int i = steps; i >= 1; i--) {
                through(tape.get(i - 1));
            }
            return steps;
        }

        /** Back through the segments that start at the checkpoints, recomputing each segment's states first. */
        final int sweepCheckpoints(List<Tensor> checkpoints, int interval, int steps) {
            for (int segment = (steps - 1) / interval; segment >= 0 && steps > 0; segment--) {
                int from = segment * interval;
                Tensor[] states = new Tensor[Math.min(from + interval, steps) - from];
                states[0] = checkpoints.get(segment);
                for (int i = 1; i < states.length; i++) {
                    states[i] = step.apply(states[i - 1], outer);
                }
                for (int i = states.length - 1; i >= 0; i--) {
                    through(states[i]);
                }
            }
            return steps;
        }

        /** Sweeps back through the recorded steps, calling {@link #through} once per step differentiated. */
        abstract int sweep(int steps);

        @Override
        public final Result backward(Tensor finalState, ValueAndPartials grad, int steps) {
            adjoint = Autodiff.vjp(s -> solver.inner(problem, s), finalState, grad.inner());
            derivative = grad.outer();
            double scale = adjoint.normValue();
            int differentiated = sweep(steps);
            return new Result(derivative, differentiated, adjoint.normValue(), scale);
        }
    }

    /** Stores s₀, ..., s_{t-1} and re-linearizes each on the way back: 2t map evaluations, O(t·d) memory. */
    static Sweep trajectory(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer) {
        return new Reverse(problem, solver, step, outer) {
            private final List<Tensor> states = new ArrayList<>();

            @Override
            public Tensor next(int i, Tensor state) {
                states.add(state);
                return step.apply(state, outer);
            }

            @Override
            int sweep(int steps) {
                return sweepStates(states, steps);
            }

            @Override
            public Storage kept() {
                return Storage.TRAJECTORY;
            }

            @Override
            public String storage() {
                return "trajectory of " + (states.size() + 1) + " states stored";
            }
        };
    }

    /** Records every step's linearization in the forward pass: t map evaluations, every step's intermediates kept. */
    static Sweep tape(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer) {
        return new Reverse(problem, solver, step, outer) {
            private final List<Linearization> tape = new ArrayList<>();

            @Override
            public Tensor next(int i, Tensor state) {
                Linearization lin = step.linearize(state, outer);
                tape.add(lin);
                return lin.value();
            }

            @Override
            int sweep(int steps) {
                return sweepTape(tape, steps);
            }

            @Override
            public Storage kept() {
                return Storage.TAPE;
            }

            @Override
            public String storage() {
                return "tape of " + tape.size() + " linearizations kept";
            }
        };
    }

    /**
     * Keeps every c-th state and recomputes each segment of c states from its checkpoint before sweeping back
     * through it (one-level checkpointing, Griewank): t/c + c states, about 3t map evaluations.
     */
    static Sweep checkpointed(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer,
            int interval) {
        return new Reverse(problem, solver, step, outer) {
            private final List<Tensor> checkpoints = new ArrayList<>();

            @Override
            public Tensor next(int i, Tensor state) {
                if ((i - 1) % interval == 0) {
                    checkpoints.add(state);
                }
                return step.apply(state, outer);
            }

            @Override
            int sweep(int steps) {
                return sweepCheckpoints(checkpoints, interval, steps);
            }

            @Override
            public Storage kept() {
                return Storage.CHECKPOINTS;
            }

            @Override
            public String storage() {
                return checkpoints.size() + " checkpoints every " + interval + " steps";
            }
        };
    }

    /**
     * The default: linearizes the first step and estimates the tape through {@code maxSteps} steps as that step's
     * retained bytes times {@code maxSteps}. Keeps the tape if the estimate fits {@code budget} (t evaluations);
     * otherwise the trajectory, maxSteps + 1 states, if that fits (2t evaluations); otherwise checkpoints every
     * {@code interval} steps (about 3t evaluations). Where the linearization does not report its size, the tape
     * is not considered.
     */
    static Sweep automatic(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer,
            int maxSteps, long budget, int interval) {
        return new Reverse(problem, solver, step, outer) {
            private final List<Linearization> tape = new ArrayList<>();
            private final List<Tensor> states = new ArrayList<>();
            private Storage kept;
            private long estimate = -1;
            private long trajectoryBytes;
            private boolean sizeKnown;

            @Override
            public Tensor next(int i, Tensor state) {
                if (kept == null) {
                    Linearization lin = step.linearize(state, outer);
                    long perStep = lin.retainedBytes();
                    sizeKnown = perStep >= 0;
                    trajectoryBytes = saturatingProduct(bytes(state), maxSteps + 1L);
                    estimate = sizeKnown ? saturatingProduct(perStep, maxSteps) : trajectoryBytes;
                    kept = sizeKnown && estimate <= budget ? Storage.TAPE
                            : trajectoryBytes <= budget ? Storage.TRAJECTORY : Storage.CHECKPOINTS;
                    if (kept == Storage.TAPE) {
                        tape.add(lin);
                    } else {
                        states.add(state);
                    }
                    return lin.value();
                }
                switch (kept) {
                    case TAPE -> {
                        Linearization lin = step.linearize(state, outer);
                        tape.add(lin);
                        return lin.value();
                    }
                    case TRAJECTORY -> states.add(state);
                    default -> {
                        if ((i - 1) % interval == 0) {
                            states.add(state);
                        }
                    }
                }
                return step.apply(state, outer);
            }

            @Override
            int sweep(int steps) {
                if (kept == null || steps == 0) {
                    return 0;
                }
                return switch (kept) {
                    case TAPE -> sweepTape(tape, steps);
                    case TRAJECTORY -> sweepStates(states, steps);
                    default -> sweepCheckpoints(states, interval, steps);
                };
            }

            @Override
            public Storage kept() {
                return kept == null ? Storage.TAPE : kept;
            }

            @Override
            public long retainedBytes() {
                return estimate;
            }

            @Override
            public long memoryBudget() {
                return budget;
            }

            @Override
            public String storage() {
                if (kept == null) {
                    return "nothing kept (no step taken)";
                }
                String tapeSize = sizeKnown ? "the tape through " + maxSteps + " steps takes an estimated "
                        + inBytes(estimate) + (estimate > budget ? ", above" : ", within") + " the memory budget of "
                        + inBytes(budget)
                        : "the linearization does not report its size, so no tape";
                String why = kept == Storage.TAPE ? tapeSize : tapeSize + "; the trajectory of " + (maxSteps + 1L)
                        + " states takes " + inBytes(trajectoryBytes)
                        + (trajectoryBytes > budget ? ", above" : ", within")
                        + (sizeKnown ? " it" : " the memory budget of " + inBytes(budget));
                return switch (kept) {
                    case TAPE -> "tape of " + tape.size() + " linearizations kept: " + why;
                    case TRAJECTORY -> "trajectory of " + (states.size() + 1) + " states stored: " + why;
                    default -> states.size() + " checkpoints every " + interval + " steps: " + why;
                };
            }
        };
    }

    private static long bytes(Tensor t) {
        return (long) t.size() * t.dtype().bytes();
    }

    private static long saturatingProduct(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi != 0 || lo < 0 ? Long.MAX_VALUE : lo;
    }

    private static String inBytes(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "more than 9e18 bytes";
        }
        return bytes < 1_000_000 ? String.format(Locale.ROOT, "%,d bytes", bytes)
                : String.format(Locale.ROOT, "%,d bytes (%.1f MB)", bytes, bytes / 1e6);
    }

    /** Keeps the last K states only and back-propagates through them (K-RMAD): O(K·d) memory. */
    static Sweep truncated(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer,
            int truncation) {
        return new Reverse(problem, solver, step, outer) {
            private final Deque<Tensor> window = new ArrayDeque<>(truncation + 1);

            @Override
            public Tensor next(int i, Tensor state) {
                window.addLast(state);
                if (window.size() > truncation) {
                    window.removeFirst();
                }
                return step.apply(state, outer);
            }

            @Override
            int sweep(int steps) {
                int differentiated = window.size();
                while (!window.isEmpty()) {
                    through(window.removeLast());
                }
                return differentiated;
            }

            @Override
            public Storage kept() {
                return Storage.WINDOW;
            }

            @Override
            public String storage() {
                return "window of the last " + truncation + " states";
            }
        };
    }
}
