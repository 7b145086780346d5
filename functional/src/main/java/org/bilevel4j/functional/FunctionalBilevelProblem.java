package org.bilevel4j.functional;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A functional bilevel problem in L² (Petrulionytė, Mairal, Arbel, "Functional Bilevel Optimization for Machine
 * Learning", NeurIPS 2024, problem (6)):
 * <pre>
 *   min_w F(w) = L_out(w, h*_w) = E_Q[l_out(w, h*_w(x), x, y)]
 *   s.t.  h*_w = argmin_{h ∈ L²(P)} L_in(w, h) = E_P[l_in(w, h(x), x, y)]
 * </pre>
 * with an inner data set D_in ~ P, an outer data set D_out ~ Q, pointwise losses l_in, l_out of the prediction
 * v = h(x) ∈ ℝ^{d_v}, and w ∈ ℝᵈ. The inner variable is a function, not network weights: L_in is strongly convex in
 * h whenever v ↦ l_in is strongly convex, even when it is not convex in any network's weights.
 *
 * <p>By functional implicit differentiation (Proposition 2.3 of the paper) ∇F(w) = g_w + B_w a*_w with
 * g_w = E_Q[∂_w l_out], B_w a = E_P[∂_{w,v} l_in · a(x)], and the adjoint function a*_w minimising
 * L_adj(a) = ½E_P[a(x)ᵀ ∂²_v l_in a(x)] + E_Q[a(x)ᵀ ∂_v l_out] (eq. (7)). The Hessian there is the d_v × d_v
 * Hessian of l_in with respect to the output v, never one with respect to parameters.
 *
 * <p>This class evaluates the empirical versions on batches (eq. (9) of the paper): weighted means over a batch,
 * the per-row output derivatives by autodiff, the empirical adjoint loss, the total gradient g_Exp + g_Imp
 * (Algorithm 4), and the closed-form minimiser of the empirical adjoint loss over unrestricted functions
 * ({@link #closedFormAdjoint}). Predictions v and adjoint values a are passed in as concrete tensors: how they are
 * produced (networks, closed forms) is {@link FuncId}'s business.
 */
public final class FunctionalBilevelProblem {
    private final Dataset innerData;
    private final Dataset outerData;
    private final PointwiseLoss innerLoss;
    private final PointwiseLoss outerLoss;
    private final int outerDimension;

    private FunctionalBilevelProblem(Builder b) {
        this.innerData = Objects.requireNonNull(b.innerData, "innerData");
        this.outerData = Objects.requireNonNull(b.outerData, "outerData");
        this.innerLoss = Objects.requireNonNull(b.innerLoss, "innerLoss");
        this.outerLoss = Objects.requireNonNull(b.outerLoss, "outerLoss");
        if (b.outerDimension < 1) {
            throw new IllegalArgumentException("outerDimension: expected d ≥ 1, got " + b.outerDimension);
        }
        this.outerDimension = b.outerDimension;
        if (outerData.inputDimension() != innerData.inputDimension()) {
            throw new ShapeMismatchException("outerData: expected inputs x with " + innerData.inputDimension()
                    + " columns like innerData, got " + outerData.inputDimension());
        }
        if (outerData.targetDimension() != innerData.targetDimension()) {
            throw new ShapeMismatchException("outerData: expected targets y with " + innerData.targetDimension()
                    + " columns like innerData, got " + outerData.targetDimension());
        }
        if (outerData.x().backend() != innerData.x().backend()) {
            throw new IllegalArgumentException("outerData: expected the backend of innerData ("
                    + innerData.x().backend().name() + "), got " + outerData.x().backend().name());
        }
        if (outerLoss.outputDimension() != innerLoss.outputDimension()) {
            throw new ShapeMismatchException("outerLoss: expected d_v = " + innerLoss.outputDimension()
                    + " like innerLoss, got " + outerLoss.outputDimension());
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return D_in */
    public Dataset innerData() {
        return innerData;
    }

    /** @return D_out */
    public Dataset outerData() {
        return outerData;
    }

    /** @return l_in */
    public PointwiseLoss innerLoss() {
        return innerLoss;
    }

    /** @return l_out */
    public PointwiseLoss outerLoss() {
        return outerLoss;
    }

    /** @return d, the dimension of w */
    public int outerDimension() {
        return outerDimension;
    }

    /** @return d_v, the dimension of the predictions */
    public int outputDimension() {
        return innerLoss.outputDimension();
    }

    /**
     * @param model    a model of h or a
     * @param argument the argument's name for the message
     * @throws ShapeMismatchException if the model's input or output dimension does not fit the problem
     */
    public void requireCompatible(FunctionModel model, String argument) {
        Objects.requireNonNull(model, argument);
        if (model.outputDimension() != outputDimension()) {
            throw new ShapeMismatchException(argument + ": expected output dimension " + outputDimension()
                    + " (the losses' d_v), got " + model.outputDimension());
        }
        if (model.inputDimension() != innerData.inputDimension()) {
            throw new ShapeMismatchException(argument + ": expected input dimension " + innerData.inputDimension()
                    + " (the data's d_x), got " + model.inputDimension());
        }
    }

    /**
     * @param x    inputs to evaluate a model of h or a at
     * @param name the argument's name for the message
     * @return x, checked
     * @throws ShapeMismatchException if x is not a matrix [n, d_x] with n ≥ 1 and the data's d_x
     * @throws org.bilevel4j.api.error.NonFiniteValueException if x has a NaN or an infinity
     */
    public Tensor requireInputs(Tensor x, String name) {
        Objects.requireNonNull(x, name);
        if (x.rank() != 2 || x.dim(0) < 1 || x.dim(1) != innerData.inputDimension()) {
            throw new ShapeMismatchException(name + ": expected inputs of shape [n, " + innerData.inputDimension()
                    + "] with n ≥ 1 (the data's d_x columns), got " + x.shape());
        }
        return x.requireFinite(name);
    }

    // ---------------------------------------------------------------- objectives

    /** @param w w [d] @param v predictions on the batch [b, d_v] @param batch a batch of D_in @return L̂_in */
    public Tensor innerValue(Tensor w, Tensor v, Dataset.Batch batch) {
        return weighted(innerLoss, w, v, batch, "v");
    }

    /** @param w w [d] @param v predictions on the batch [b, d_v] @param batch a batch of D_out @return L̂_out */
    public Tensor outerValue(Tensor w, Tensor v, Dataset.Batch batch) {
        return weighted(outerLoss, w, v, batch, "v");
    }

    private Tensor weighted(PointwiseLoss loss, Tensor w, Tensor v, Dataset.Batch batch, String vName) {
        requireW(w);
        requireOutputs(v, batch, vName);
        Tensor l = loss.values(w, v, batch.x(), batch.y());
        if (!l.shape().equals(Shape.of(batch.size()))) {
            throw new ShapeMismatchException("loss: expected one value per row, shape [" + batch.size() + "], got "
                    + l.shape());
        }
        return l.dot(batch.weights());
    }

    /** @return per-row ∂_v l_in(w, vᵢ, xᵢ, yᵢ), shape [b, d_v] (unweighted) */
    public Tensor innerOutputGradients(Tensor w, Tensor v, Dataset.Batch batch) {
        requireW(w);
        requireOutputs(v, batch, "v");
        return Autodiff.grad(vv -> innerLoss.values(w, vv, batch.x(), batch.y()).sum(), v.detach());
    }

    /** @return per-row ∂_v l_out(w, vⱼ, xⱼ, yⱼ), shape [b, d_v] (unweighted) */
    public Tensor outerOutputGradients(Tensor w, Tensor v, Dataset.Batch batch) {
        requireW(w);
        requireOutputs(v, batch, "v");
        return Autodiff.grad(vv -> outerLoss.values(w, vv, batch.x(), batch.y()).sum(), v.detach());
    }

    /**
     * @return per-row output Hessian-vector products ∂²_v l_in(w, vᵢ, xᵢ, yᵢ) aᵢ, shape [b, d_v], from one
     *         Hessian-vector product of the (row-separable) summed loss
     */
    public Tensor innerOutputHessianProducts(Tensor w, Tensor v, Tensor a, Dataset.Batch batch) {
        requireW(w);
        requireOutputs(v, batch, "v");
        requireOutputs(a, batch, "a");
        return Autodiff.hvp(vv -> innerLoss.values(w, vv, batch.x(), batch.y()).sum(), v.detach(), a.detach());
    }

    /**
     * @return the per-row output Hessians ∂²_v l_in(w, vᵢ, xᵢ, yᵢ) as [b][d_v][d_v] arrays, from d_v
     *         Hessian-vector products
     */
    public double[][][] innerOutputHessians(Tensor w, Tensor v, Dataset.Batch batch) {
        int b = batch.size();
        int dv = outputDimension();
        double[][][] h = new double[b][dv][dv];
        for (int k = 0; k < dv; k++) {
            double[] e = new double[b * dv];
            for (int i = 0; i < b; i++) {
                e[i * dv + k] = 1;
            }
            double[] col = innerOutputHessianProducts(w, v, v.backend().fromArray(e, Shape.of(b, dv)), batch)
                    .toDoubleArray();
            for (int i = 0; i < b; i++) {
                for (int r = 0; r < dv; r++) {
                    h[i][r][k] = col[i * dv + r];
                }
            }
        }
        return h;
    }

    /**
     * The empirical adjoint loss (eq. (9)): ½ Σᵢ pᵢ aᵢᵀ ∂²_v l_in(w, vᵢ) aᵢ over the inner batch plus
     * Σⱼ qⱼ aⱼᵀ ∂_v l_out(w, vⱼ) over the outer batch.
     *
     * @param w        w
     * @param innerV   ĥ on the inner batch [b_in, d_v]
     * @param innerA   a on the inner batch [b_in, d_v]
     * @param inner    the inner batch
     * @param outerV   ĥ on the outer batch
     * @param outerA   a on the outer batch
     * @param outer    the outer batch
     * @return the value
     */
    public double adjointValue(Tensor w, Tensor innerV, Tensor innerA, Dataset.Batch inner, Tensor outerV,
            Tensor outerA, Dataset.Batch outer) {
        Tensor ha = innerOutputHessianProducts(w, innerV, innerA, inner);
        Tensor g = outerOutputGradients(w, outerV, outer);
        return 0.5 * ha.mul(innerA.detach()).sum(1).dotValue(inner.weights())
                + g.mul(outerA.detach()).sum(1).dotValue(outer.weights());
    }

    /**
     * The two parts of a total gradient (Algorithm 4 of the paper).
     *
     * @param explicit g_Exp = Σⱼ qⱼ ∂_w l_out(w, vⱼ, xⱼ, yⱼ)
     * @param implicit g_Imp = Σᵢ pᵢ ∂_{w,v} l_in(w, vᵢ, xᵢ, yᵢ) aᵢ
     */
    public record GradientParts(Tensor explicit, Tensor implicit) {
        /** @return g_Exp + g_Imp */
        public Tensor total() {
            return explicit.add(implicit);
        }
    }

    /**
     * TotalGrad: g_Exp + g_Imp with v and a held fixed (detached). The cross term is the gradient in w of
     * Σᵢ pᵢ ⟨∂_v l_in(w, vᵢ), aᵢ⟩ (a gradient of a gradient; no Hessian is formed).
     *
     * @param w      w
     * @param innerV ĥ on the inner batch
     * @param innerA â on the inner batch
     * @param inner  the inner batch
     * @param outerV ĥ on the outer batch
     * @param outer  the outer batch
     * @return both parts
     */
    public GradientParts totalGradient(Tensor w, Tensor innerV, Tensor innerA, Dataset.Batch inner, Tensor outerV,
            Dataset.Batch outer) {
        requireW(w);
        requireOutputs(innerV, inner, "innerV");
        requireOutputs(innerA, inner, "innerA");
        requireOutputs(outerV, outer, "outerV");
        Tensor vIn = innerV.detach();
        Tensor aIn = innerA.detach();
        Tensor vOut = outerV.detach();
        Tensor explicit = Autodiff.grad(ww -> outerLoss.values(ww, vOut, outer.x(), outer.y()).dot(outer.weights()),
                w.detach());
        Tensor implicit = Autodiff.grad(ww -> {
            Tensor gv = Autodiff.grad(vv -> innerLoss.values(ww, vv, inner.x(), inner.y()).sum(), vIn);
            return gv.mul(aIn).sum(1).dot(inner.weights());
        }, w.detach());
        return new GradientParts(explicit, implicit);
    }

    /**
     * The minimiser of the empirical adjoint loss over unrestricted functions a, on the points of the batches:
     * rows with the same input x share one value, and for every distinct x of the inner batch
     * <pre>
     *   a(x) = -( Σ_{i: xᵢ = x} pᵢ ∂²_v l_in(w, vᵢ) )⁻¹ Σ_{j: x̃ⱼ = x} qⱼ ∂_v l_out(w, ṽⱼ)
     * </pre>
     * This is the pointwise closed form a*(x) = -E_P[∂²_v l_in | x]⁻¹ r(x) E_Q[∂_v l_out | x] of the paper's
     * multiplication-operator Hessian, exact for a finite input space with full weighted batches; with
     * B_in = B_out and distinct inputs it is the batch closed form of the paper's Appendix H.1,
     * aᵢ = -∂²_v l_in(vᵢ)⁻¹ ∂_v l_out(vᵢ). Each outer input must occur in the inner batch (elsewhere the empirical
     * adjoint loss is unbounded below).
     *
     * @param w      w
     * @param innerV ĥ on the inner batch
     * @param inner  the inner batch
     * @param outerV ĥ on the outer batch
     * @param outer  the outer batch
     * @return a on the inner batch's rows [b_in, d_v] (rows with equal x carry the same value)
     * @throws IllegalArgumentException naming {@code outer} if an outer input is absent from the inner batch
     */
    public Tensor closedFormAdjoint(Tensor w, Tensor innerV, Dataset.Batch inner, Tensor outerV, Dataset.Batch outer) {
        int dv = outputDimension();
        double[][][] h = innerOutputHessians(w, innerV, inner);
        double[] p = inner.weights().toDoubleArray();
        double[] q = outer.weights().toDoubleArray();
        double[] g = outerOutputGradients(w, outerV, outer).toDoubleArray();
        double[] xin = inner.x().toDoubleArray();
        double[] xout = outer.x().toDoubleArray();
        int dx = inner.x().dim(1);
        Map<Key, Integer> groups = new HashMap<>();
        int[] groupOf = new int[inner.size()];
        for (int i = 0; i < inner.size(); i++) {
            groupOf[i] = groups.computeIfAbsent(new Key(Arrays.copyOfRange(xin, i * dx, (i + 1) * dx)),
                    k -> groups.size());
        }
        int m = groups.size();
        double[][][] hs = new double[m][dv][dv];
        double[][] rhs = new double[m][dv];
        for (int i = 0; i < inner.size(); i++) {
            for (int r = 0; r < dv; r++) {
                for (int c = 0; c < dv; c++) {
                    hs[groupOf[i]][r][c] += p[i] * h[i][r][c];
                }
            }
        }
        for (int j = 0; j < outer.size(); j++) {
            Integer grp = groups.get(new Key(Arrays.copyOfRange(xout, j * dx, (j + 1) * dx)));
            if (grp == null) {
                throw new IllegalArgumentException("outer: row " + j + " has an input x absent from the inner batch; "
                        + "the unrestricted empirical adjoint is undefined there (use the same points in both batches)");
            }
            for (int r = 0; r < dv; r++) {
                rhs[grp][r] -= q[j] * g[j * dv + r];
            }
        }
        double[][] a = new double[m][];
        for (int k = 0; k < m; k++) {
            a[k] = DenseSolve.solve(hs[k], rhs[k], "closedFormAdjoint: the output Hessian at inner point group " + k);
        }
        double[] out = new double[inner.size() * dv];
        for (int i = 0; i < inner.size(); i++) {
            System.arraycopy(a[groupOf[i]], 0, out, i * dv, dv);
        }
        return innerV.backend().fromArray(out, Shape.of(inner.size(), dv));
    }

    private record Key(double[] x) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(x, k.x);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(x);
        }
    }

    void requireW(Tensor w) {
        requireW(w, "w");
    }

    /**
     * @param w    an outer parameter
     * @param name the argument's name for the message
     * @throws ShapeMismatchException if w is not a vector [d]
     */
    public void requireW(Tensor w, String name) {
        Objects.requireNonNull(w, name);
        if (!w.shape().equals(Shape.of(outerDimension))) {
            throw new ShapeMismatchException(name + ": expected the outer parameter of shape [" + outerDimension
                    + "], got " + w.shape());
        }
    }

    void requireOutputs(Tensor v, Dataset.Batch batch, String name) {
        Objects.requireNonNull(v, name);
        if (v.rank() != 2 || v.dim(0) != batch.size() || v.dim(1) != outputDimension()) {
            throw new ShapeMismatchException(name + ": expected predictions of shape [" + batch.size() + ", "
                    + outputDimension() + "] (one row per batch row, d_v columns), got " + v.shape());
        }
    }

    /** Builds a {@link FunctionalBilevelProblem}; every field is required. */
    public static final class Builder {
        private Dataset innerData;
        private Dataset outerData;
        private PointwiseLoss innerLoss;
        private PointwiseLoss outerLoss;
        private int outerDimension;

        private Builder() {
        }

        /** @param d D_in @return this builder */
        public Builder innerData(Dataset d) {
            this.innerData = d;
            return this;
        }

        /** @param d D_out @return this builder */
        public Builder outerData(Dataset d) {
            this.outerData = d;
            return this;
        }

        /** @param l l_in @return this builder */
        public Builder innerLoss(PointwiseLoss l) {
            this.innerLoss = l;
            return this;
        }

        /** @param l l_out @return this builder */
        public Builder outerLoss(PointwiseLoss l) {
            this.outerLoss = l;
            return this;
        }

        /** @param d the dimension of w @return this builder */
        public Builder outerDimension(int d) {
            this.outerDimension = d;
            return this;
        }

        /** @return the problem, validated */
        public FunctionalBilevelProblem build() {
            return new FunctionalBilevelProblem(this);
        }
    }
}
