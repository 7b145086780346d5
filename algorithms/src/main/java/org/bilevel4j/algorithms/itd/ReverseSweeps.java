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
        return new Stored(problem, solver, step, outer, Storage.TRAJECTORY, 1, null);
    }

    /** Records every step's linearization in the forward pass: t map evaluations, every step's intermediates kept. */
    static Sweep tape(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer) {
        return new Stored(problem, solver, step, outer, Storage.TAPE, 1, null);
    }

    /**
     * Keeps every c-th state and recomputes each segment of c states from its checkpoint before sweeping back
     * through it (one-level checkpointing, Griewank): t/c + c states, about 3t map evaluations.
     */
    static Sweep checkpointed(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer,
            int interval) {
        return new Stored(problem, solver, step, outer, Storage.CHECKPOINTS, interval, null);
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
        return new Stored(problem, solver, step, outer, null, interval, new Budget(maxSteps, budget));
    }

    /** The automatic choice's inputs and, once the first step is linearized, its estimates. */
    private static final class Budget {
        final int maxSteps;
        final long bytes;
        long estimate = -1;
        long trajectoryBytes;
        boolean sizeKnown;

        Budget(int maxSteps, long bytes) {
            this.maxSteps = maxSteps;
            this.bytes = bytes;
        }

        /** Estimates from the first step's linearization and the first state, and chooses what to keep. */
        Storage choose(Linearization first, Tensor state) {
            long perStep = first.retainedBytes();
            sizeKnown = perStep >= 0;
            trajectoryBytes = saturatingProduct(bytes(state), maxSteps + 1L);
            estimate = sizeKnown ? saturatingProduct(perStep, maxSteps) : trajectoryBytes;
            return sizeKnown && estimate <= bytes ? Storage.TAPE
                    : trajectoryBytes <= bytes ? Storage.TRAJECTORY : Storage.CHECKPOINTS;
        }

        /** @return why {@code kept} was chosen, in words */
        String why(Storage kept) {
            String tapeSize = sizeKnown ? "the tape through " + maxSteps + " steps takes an estimated "
                    + inBytes(estimate) + (estimate > bytes ? ", above" : ", within") + " the memory budget of "
                    + inBytes(bytes)
                    : "the linearization does not report its size, so no tape";
            return kept == Storage.TAPE ? tapeSize : tapeSize + "; the trajectory of " + (maxSteps + 1L)
                    + " states takes " + inBytes(trajectoryBytes) + (trajectoryBytes > bytes ? ", above" : ", within")
                    + (sizeKnown ? " it" : " the memory budget of " + inBytes(bytes));
        }
    }

    /**
     * The sweeps that keep the whole forward pass in some form: the tape (each step's linearization), the
     * trajectory (every state), or checkpoints (every c-th state). The form is given, or chosen at the first step
     * by a {@link Budget}.
     */
    private static final class Stored extends Reverse {
        private final List<Linearization> tape = new ArrayList<>();
        private final List<Tensor> states = new ArrayList<>();
        private final int interval;
        private final Budget budget; // null: the form was given
        private Storage kept; // null until the automatic choice is made

        Stored(BilevelProblem problem, InnerSolver solver, FixedPointOperator step, Tensor outer, Storage kept,
                int interval, Budget budget) {
            super(problem, solver, step, outer);
            this.kept = kept;
            this.interval = interval;
            this.budget = budget;
        }

        @Override
        public Tensor next(int i, Tensor state) {
            if (kept == null) {
                Linearization first = step.linearize(state, outer);
                kept = budget.choose(first, state);
                if (kept == Storage.TAPE) {
                    tape.add(first);
                } else {
                    states.add(state);
                }
                return first.value();
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
            switch (kept) {
                case TAPE -> {
                    for (int i = steps; i >= 1; i--) {
                        through(tape.get(i - 1));
                    }
                }
                case TRAJECTORY -> {
                    for (int i = steps; i >= 1; i--) {
                        through(states.get(i - 1));
                    }
                }
                default -> sweepCheckpoints(steps);
            }
            return steps;
        }

        /** Back through the segments that start at the checkpoints, recomputing each segment's states first. */
        private void sweepCheckpoints(int steps) {
            for (int segment = (steps - 1) / interval; segment >= 0; segment--) {
                int from = segment * interval;
                Tensor[] segmentStates = new Tensor[Math.min(from + interval, steps) - from];
                segmentStates[0] = states.get(segment);
                for (int i = 1; i < segmentStates.length; i++) {
                    segmentStates[i] = step.apply(segmentStates[i - 1], outer);
                }
                for (int i = segmentStates.length - 1; i >= 0; i--) {
                    through(segmentStates[i]);
                }
            }
        }

        @Override
        public Storage kept() {
            return kept == null ? Storage.TAPE : kept;
        }

        @Override
        public long retainedBytes() {
            return budget == null ? -1 : budget.estimate;
        }

        @Override
        public long memoryBudget() {
            return budget == null ? -1 : budget.bytes;
        }

        @Override
        public String storage() {
            if (kept == null) {
                return "nothing kept (no step taken)";
            }
            String what = switch (kept) {
                case TAPE -> "tape of " + tape.size() + " linearizations kept";
                case TRAJECTORY -> "trajectory of " + (states.size() + 1) + " states stored";
                default -> states.size() + " checkpoints every " + interval + " steps";
            };
            return budget == null ? what : what + ": " + budget.why(kept);
        }
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
