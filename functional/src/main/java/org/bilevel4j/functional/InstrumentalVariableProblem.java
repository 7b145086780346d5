package org.bilevel4j.functional;

import java.util.Objects;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Instrumental-variable regression (two-stage least squares) as a functional bilevel problem (Petrulionytė,
 * Mairal, Arbel, "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024, eqs. (10)–(11)): learn a
 * structural function f_w : t ↦ o from samples (x, t, o), x an instrument, by
 * <pre>
 *   min_w E[(o − h*_w(x))²]   s.t.   h*_w = argmin_h E[(f_w(t) − h(x))²] = E[f_w(t) | x]
 * </pre>
 * that is, l_in(w, v, x, (t, o)) = (f_w(t) − v)², l_out(w, v, x, (t, o)) = (o − v)², d_v = 1, with D_in the
 * stage-1 sample and D_out the stage-2 sample. The data sets hold the instrument as x [n, d_x] and y = [t, o]
 * [n, d_t + 1] (treatment columns first, the outcome last). The outer parameter w is the flat parameter vector of
 * the structural model f ({@link FunctionModel} on t, one output), so every method — FuncID, AID, ITD, the penalty
 * methods, and the DFIV-style closed-form heads (which need f to be a {@link FunctionModel#linearHead}) — returns
 * a w that predicts with {@link #structural(Tensor, Tensor)}.
 */
public final class InstrumentalVariableProblem {
    private final Dataset stage1;
    private final Dataset stage2;
    private final int treatmentDimension;
    private final FunctionModel structural;
    private final FunctionalBilevelProblem functional;

    private InstrumentalVariableProblem(Dataset stage1, Dataset stage2, int treatmentDimension,
            FunctionModel structural) {
        this.stage1 = Objects.requireNonNull(stage1, "stage1");
        this.stage2 = Objects.requireNonNull(stage2, "stage2");
        this.structural = Objects.requireNonNull(structural, "structural");
        if (treatmentDimension < 1) {
            throw new IllegalArgumentException("treatmentDimension: expected d_t ≥ 1, got " + treatmentDimension);
        }
        this.treatmentDimension = treatmentDimension;
        if (stage1.targetDimension() != treatmentDimension + 1) {
            throw new ShapeMismatchException("stage1: expected targets y = [t, o] with d_t + 1 = "
                    + (treatmentDimension + 1) + " columns, got " + stage1.targetDimension());
        }
        if (stage2.targetDimension() != treatmentDimension + 1) {
            throw new ShapeMismatchException("stage2: expected targets y = [t, o] with d_t + 1 = "
                    + (treatmentDimension + 1) + " columns, got " + stage2.targetDimension());
        }
        if (structural.inputDimension() != treatmentDimension) {
            throw new ShapeMismatchException("structural: expected a model of the treatment with input dimension "
                    + treatmentDimension + ", got " + structural.inputDimension());
        }
        if (structural.outputDimension() != 1) {
            throw new ShapeMismatchException("structural: expected a model with output dimension 1 (the losses' "
                    + "d_v), got " + structural.outputDimension());
        }
        int dt = treatmentDimension;
        PointwiseLoss lIn = PointwiseLoss.of(1, (w, v, x, y) -> structural.apply(w, y.sliceColumns(0, dt)).sub(v)
                .square().reshape(v.dim(0)));
        PointwiseLoss lOut = PointwiseLoss.of(1, (w, v, x, y) -> y.sliceColumns(dt, dt + 1).sub(v).square()
                .reshape(v.dim(0)));
        this.functional = FunctionalBilevelProblem.builder().innerData(stage1).outerData(stage2).innerLoss(lIn)
                .outerLoss(lOut).outerDimension(structural.parameterCount()).build();
    }

    /**
     * @param stage1             D_in: instrument x, targets [t, o]
     * @param stage2             D_out: instrument x, targets [t, o] (same column counts as stage1)
     * @param treatmentDimension d_t
     * @param structural         f_w, a model of t with one output
     * @return the problem
     * @throws IllegalArgumentException naming the argument on inconsistent shapes
     */
    public static InstrumentalVariableProblem of(Dataset stage1, Dataset stage2, int treatmentDimension,
            FunctionModel structural) {
        return new InstrumentalVariableProblem(stage1, stage2, treatmentDimension, structural);
    }

    /** @return the stage-1 sample D_in */
    public Dataset stage1() {
        return stage1;
    }

    /** @return the stage-2 sample D_out */
    public Dataset stage2() {
        return stage2;
    }

    /** @return d_t */
    public int treatmentDimension() {
        return treatmentDimension;
    }

    /** @return the model of f_w */
    public FunctionModel structural() {
        return structural;
    }

    /** @return the functional bilevel problem, for FuncID, AID, ITD and the penalty methods */
    public FunctionalBilevelProblem functional() {
        return functional;
    }

    /** @param y targets [n, d_t + 1] @return the treatments t [n, d_t] */
    public Tensor treatments(Tensor y) {
        return y.sliceColumns(0, treatmentDimension);
    }

    /** @param y targets [n, d_t + 1] @return the outcomes o [n, 1] */
    public Tensor outcomes(Tensor y) {
        return y.sliceColumns(treatmentDimension, treatmentDimension + 1);
    }

    /**
     * @param w the structural model's parameters [d]
     * @param t treatments [n, d_t], finite
     * @return f_w(t) [n, 1]
     */
    public Tensor structural(Tensor w, Tensor t) {
        functional.requireW(w);
        Objects.requireNonNull(t, "t");
        if (t.rank() != 2 || t.dim(0) < 1 || t.dim(1) != treatmentDimension) {
            throw new ShapeMismatchException("t: expected treatments of shape [n, " + treatmentDimension
                    + "] with n ≥ 1, got " + t.shape());
        }
        return structural.apply(w, t.requireFinite("t"));
    }

    /**
     * The out-of-sample error of the paper's experiment: mean (f_w(tₖ) − f_struct(tₖ))² over a test set.
     *
     * @param w     the structural model's parameters
     * @param t     test treatments [n, d_t]
     * @param truth f_struct(t) [n] or [n, 1]
     * @return the mean squared error
     */
    public double testError(Tensor w, Tensor t, Tensor truth) {
        Tensor f = structural(w, t);
        Objects.requireNonNull(truth, "truth");
        if (truth.size() != f.dim(0) || truth.rank() > 2) {
            throw new ShapeMismatchException("truth: expected " + f.dim(0) + " values (one per test treatment), got "
                    + truth.shape());
        }
        return f.reshape(f.dim(0)).sub(truth.requireFinite("truth").reshape(f.dim(0))).square().mean().item();
    }
}
