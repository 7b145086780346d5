package org.bilevel4j.api.tensor;

import java.util.Arrays;
import java.util.Locale;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.error.BackendMismatchException;
import org.bilevel4j.api.error.DTypeMismatchException;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * An immutable tensor of rank 0, 1 or 2 on one {@link Backend}, with element type float64 (default) or float32.
 *
 * <p>Every operation returns a new tensor and validates its arguments: shapes, backends and element types must
 * agree, and errors name the operation, the argument, what was expected and what was found
 * ({@code "matmul: rhs: expected 3 rows to match lhs [4, 3], got shape [2, 5]"}). Binary element-wise operations
 * broadcast like NumPy (see {@link Shape}). In an operation {@code a.op(b)}, {@code a} is called {@code lhs} and
 * {@code b} {@code rhs} in messages.
 *
 * <h2>Differentiation</h2>
 * A tensor is either <em>concrete</em> (values held by the backend) or <em>traced</em>: it depends on a variable
 * of an active {@link Trace}, and every operation on it is recorded so that the trace can compute gradients.
 * Recording happens per trace level, which is what allows gradients of gradients (Hessian-vector products) and
 * differentiating a computation that itself differentiates, with no global state: see {@link Trace} for the
 * low-level interface and {@code org.bilevel4j.api.autodiff.Autodiff} for {@code grad}, {@code vjp},
 * {@code jvp}, {@code hvp}. Operations with zero derivative (comparisons, {@link #sign()}, {@link #step()})
 * return concrete tensors.
 *
 * <p>Tensors are thread-safe: they are immutable, and the recorded graph is never mutated.
 */
public final class Tensor {
    final Backend backend;
    final Shape shape;
    final DType dtype;
    /** The values; non-null exactly when {@code level == 0}. */
    final Storage storage;
    /** 0 for a concrete tensor, else the level of the innermost trace it is recorded on. */
    final long level;
    /** The same value with this level's recording removed (level below {@link #level}); null when concrete. */
    final Tensor primal;
    /** The node that produced this tensor at {@link #level}; null when concrete. */
    final Node node;

    Tensor(Backend backend, Storage storage) {
        this.backend = backend;
        this.storage = storage;
        this.shape = storage.shape();
        this.dtype = storage.dtype();
        this.level = 0;
        this.primal = null;
        this.node = null;
    }

    Tensor(long level, Tensor primal, Node node) {
        this.backend = primal.backend;
        this.shape = primal.shape;
        this.dtype = primal.dtype;
        this.storage = null;
        this.level = level;
        this.primal = primal;
        this.node = node;
    }

    // ================================================================ metadata

    /** @return the shape */
    public Shape shape() {
        return shape;
    }

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return the backend holding the values */
    public Backend backend() {
        return backend;
    }

    /** @return 0, 1 or 2 */
    public int rank() {
        return shape.rank();
    }

    /** @return the number of elements */
    public int size() {
        return shape.size();
    }

    /**
     * @param axis an axis below the rank
     * @return the length along that axis
     */
    public int dim(int axis) {
        return shape.dim(axis);
    }

    /** @return true if this tensor is recorded on an active {@link Trace} */
    public boolean isTraced() {
        return level != 0;
    }

    /** @return the same values with every recording removed: a concrete tensor (a stop-gradient) */
    public Tensor detach() {
        return concrete();
    }

    Tensor concrete() {
        Tensor t = this;
        while (t.level != 0) {
            t = t.primal;
        }
        return t;
    }

    Kernels kernels() {
        return backend.kernels();
    }

    // ================================================================ values

    /** @return a fresh row-major copy of the values */
    public double[] toDoubleArray() {
        Tensor c = concrete();
        return c.kernels().toDoubles(c.storage);
    }

    /**
     * @return the single value of a tensor with one element
     * @throws ShapeMismatchException if the tensor has more than one element
     */
    public double item() {
        if (shape.size() != 1) {
            throw new ShapeMismatchException("item: expected a tensor with one element, got shape " + shape);
        }
        Tensor c = concrete();
        return c.kernels().get(c.storage, 0);
    }

    /**
     * @param index a row-major index
     * @return the value at that index (one element is copied from the backend)
     */
    public double get(int index) {
        if (index < 0 || index >= shape.size()) {
            throw new IndexOutOfBoundsException("index: expected 0.." + (shape.size() - 1) + " for shape " + shape
                    + ", got " + index);
        }
        Tensor c = concrete();
        return c.kernels().get(c.storage, index);
    }

    /**
     * @param row    row index
     * @param column column index
     * @return the element of a matrix
     */
    public double get(int row, int column) {
        requireRank("get", "this", 2);
        if (row < 0 || row >= shape.dim(0) || column < 0 || column >= shape.dim(1)) {
            throw new IndexOutOfBoundsException("(row, column): expected within " + shape + ", got (" + row + ", "
                    + column + ")");
        }
        return get(row * shape.dim(1) + column);
    }

    /** @return true if no element is NaN or infinite (one kernel pass, no copy of the values) */
    public boolean isFinite() {
        Tensor c = concrete();
        // 0 * x is NaN exactly where x is NaN or infinite, and the sum propagates NaN
        return Double.isFinite(c.affine(0.0, 0.0).sum().item());
    }

    /**
     * @param name the argument name for the message
     * @return this tensor
     * @throws NonFiniteValueException naming the argument and the first offending element
     */
    public Tensor requireFinite(String name) {
        if (isFinite()) {
            return this;
        }
        double[] v = toDoubleArray();
        int i = 0;
        while (Double.isFinite(v[i])) {
            i++;
        }
        throw new NonFiniteValueException(name + ": expected finite values, got " + v[i] + " at index " + i
                + " of a tensor of shape " + shape);
    }

    /**
     * @param other a tensor of the same shape (on any backend)
     * @param rtol  relative tolerance
     * @param atol  absolute tolerance
     * @return true if |a - b| ≤ atol + rtol |b| for every element
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        requireShape("allClose", "other", other.shape);
        double[] a = toDoubleArray();
        double[] b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]))) {
                return false;
            }
        }
        return true;
    }

    // ================================================================ conversion

    /**
     * @param target element type
     * @return this tensor converted (differentiable); this tensor if the type is already {@code target}
     */
    public Tensor to(DType target) {
        if (target == dtype) {
            return this;
        }
        backend.requireDType(target);
        return Recorder.apply(new Elementwise.Cast(target), this);
    }

    /**
     * Copies the values to another backend. The copy is concrete: differentiation does not cross backends.
     *
     * @param target the backend
     * @return a concrete tensor on {@code target}; this tensor's values if it is already there
     */
    public Tensor to(Backend target) {
        if (target == backend) {
            return this;
        }
        target.requireDType(dtype);
        return target.wrap(target.kernels().fromDoubles(toDoubleArray(), shape, dtype));
    }

    // ================================================================ element-wise arithmetic

    /** @param rhs broadcastable operand @return {@code this + rhs} */
    public Tensor add(Tensor rhs) {
        return binary(BinaryOp.ADD, "add", rhs);
    }

    /** @param rhs broadcastable operand @return {@code this - rhs} */
    public Tensor sub(Tensor rhs) {
        return binary(BinaryOp.SUB, "sub", rhs);
    }

    /** @param rhs broadcastable operand @return {@code this * rhs}, element-wise */
    public Tensor mul(Tensor rhs) {
        return binary(BinaryOp.MUL, "mul", rhs);
    }

    /** @param rhs broadcastable operand @return {@code this / rhs}, element-wise */
    public Tensor div(Tensor rhs) {
        return binary(BinaryOp.DIV, "div", rhs);
    }

    /** @param rhs broadcastable operand @return the element-wise maximum */
    public Tensor maximum(Tensor rhs) {
        return binary(BinaryOp.MAX, "maximum", rhs);
    }

    /** @param rhs broadcastable operand @return the element-wise minimum */
    public Tensor minimum(Tensor rhs) {
        return binary(BinaryOp.MIN, "minimum", rhs);
    }

    /** @param value a scalar @return {@code this + value} */
    public Tensor add(double value) {
        return affine(1.0, value);
    }

    /** @param value a scalar @return {@code this - value} */
    public Tensor sub(double value) {
        return affine(1.0, -value);
    }

    /** @param value a scalar @return {@code this * value} */
    public Tensor mul(double value) {
        return affine(value, 0.0);
    }

    /** @param value a finite non-zero scalar @return {@code this / value} */
    public Tensor div(double value) {
        if (value == 0 || !Double.isFinite(value)) {
            throw new NonFiniteValueException("div: value: expected a finite non-zero scalar, got " + value);
        }
        return affine(1.0 / value, 0.0);
    }

    /** @return {@code -this} */
    public Tensor neg() {
        return affine(-1.0, 0.0);
    }

    /**
     * @param scale multiplier
     * @param shift offset
     * @return {@code scale * this + shift} in one kernel
     */
    public Tensor affine(double scale, double shift) {
        if (!Double.isFinite(scale) || !Double.isFinite(shift)) {
            throw new NonFiniteValueException("affine: expected a finite scale and shift, got scale " + scale
                    + " and shift " + shift);
        }
        return Recorder.apply(new Elementwise.Affine(scale, shift), this);
    }

    /**
     * @param exponent a real exponent
     * @return {@code this^exponent}, element-wise
     */
    public Tensor pow(double exponent) {
        if (!Double.isFinite(exponent)) {
            throw new NonFiniteValueException("pow: exponent: expected a finite value, got " + exponent);
        }
        return Recorder.apply(new Elementwise.Pow(exponent), this);
    }

    // ================================================================ comparisons (constant masks)

    /** @param rhs broadcastable operand @return 1 where {@code this > rhs}, else 0 */
    public Tensor gt(Tensor rhs) {
        return compare(BinaryOp.GT, "gt", rhs);
    }

    /** @param rhs broadcastable operand @return 1 where {@code this >= rhs}, else 0 */
    public Tensor ge(Tensor rhs) {
        return compare(BinaryOp.GE, "ge", rhs);
    }

    /** @param rhs broadcastable operand @return 1 where {@code this < rhs}, else 0 */
    public Tensor lt(Tensor rhs) {
        return compare(BinaryOp.LT, "lt", rhs);
    }

    /** @param rhs broadcastable operand @return 1 where {@code this <= rhs}, else 0 */
    public Tensor le(Tensor rhs) {
        return compare(BinaryOp.LE, "le", rhs);
    }

    /** @param rhs broadcastable operand @return 1 where {@code this == rhs}, else 0 */
    public Tensor eq(Tensor rhs) {
        return compare(BinaryOp.EQ, "eq", rhs);
    }

    /** @param value a scalar @return 1 where {@code this > value}, else 0 */
    public Tensor gt(double value) {
        return gt(backend.scalar(value, dtype));
    }

    /** @param value a scalar @return 1 where {@code this < value}, else 0 */
    public Tensor lt(double value) {
        return lt(backend.scalar(value, dtype));
    }

    /**
     * Element-wise selection, differentiable in {@code a} and {@code b} (the mask is treated as a constant).
     *
     * @param mask selector: non-zero picks {@code a}
     * @param a    values where the mask is non-zero
     * @param b    values where the mask is zero
     * @return the broadcast selection
     */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) {
        mask.requireCompatible("where", "a", a);
        mask.requireCompatible("where", "b", b);
        Shape.broadcast("where", Shape.broadcast("where", mask.shape, a.shape), b.shape);
        return Recorder.apply(Elementwise.Where.INSTANCE, mask.concrete(), a, b);
    }

    // ================================================================ element-wise functions

    /** @return e^x */
    public Tensor exp() {
        return unary(UnaryOp.EXP);
    }

    /** @return ln x */
    public Tensor log() {
        return unary(UnaryOp.LOG);
    }

    /** @return ln(1 + x) */
    public Tensor log1p() {
        return unary(UnaryOp.LOG1P);
    }

    /** @return e^x - 1 */
    public Tensor expm1() {
        return unary(UnaryOp.EXPM1);
    }

    /** @return √x */
    public Tensor sqrt() {
        return unary(UnaryOp.SQRT);
    }

    /** @return x² */
    public Tensor square() {
        return unary(UnaryOp.SQUARE);
    }

    /** @return 1 / x */
    public Tensor reciprocal() {
        return unary(UnaryOp.RECIPROCAL);
    }

    /** @return |x| (derivative sign(x), 0 at 0) */
    public Tensor abs() {
        return unary(UnaryOp.ABS);
    }

    /** @return sign(x) as a constant tensor */
    public Tensor sign() {
        return Recorder.constant(Elementwise.unary(UnaryOp.SIGN), this);
    }

    /** @return 1 where x &gt; 0, else 0, as a constant tensor */
    public Tensor step() {
        return Recorder.constant(Elementwise.unary(UnaryOp.STEP), this);
    }

    /** @return tanh x */
    public Tensor tanh() {
        return unary(UnaryOp.TANH);
    }

    /** @return the logistic function 1 / (1 + e^-x) */
    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID);
    }

    /** @return max(x, 0) (derivative 0 at 0) */
    public Tensor relu() {
        return unary(UnaryOp.RELU);
    }

    /** @return ln(1 + e^x), without overflow */
    public Tensor softplus() {
        return unary(UnaryOp.SOFTPLUS);
    }

    /** @return sin x */
    public Tensor sin() {
        return unary(UnaryOp.SIN);
    }

    /** @return cos x */
    public Tensor cos() {
        return unary(UnaryOp.COS);
    }

    // ================================================================ linear algebra

    /**
     * Matrix product with NumPy's rules for vectors: {@code [m, k]·[k, n] -> [m, n]}, {@code [m, k]·[k] -> [m]},
     * {@code [k]·[k, n] -> [n]}, {@code [k]·[k] -> []}.
     *
     * @param rhs right factor
     * @return the product
     */
    public Tensor matmul(Tensor rhs) {
        return matmul(rhs, false, false);
    }

    /**
     * Matrix product {@code op(this) op(rhs)} where {@code op} transposes a matrix when asked, without copying
     * it where the backend allows. Vectors follow {@link #matmul(Tensor)}; they cannot be transposed.
     *
     * @param rhs           right factor
     * @param transposeThis use this matrix transposed
     * @param transposeRhs  use {@code rhs} transposed
     * @return the product
     */
    public Tensor matmul(Tensor rhs, boolean transposeThis, boolean transposeRhs) {
        requireCompatible("matmul", "rhs", rhs);
        if (rank() == 0 || rhs.rank() == 0) {
            throw new ShapeMismatchException("matmul: " + (rank() == 0 ? "lhs" : "rhs")
                    + ": expected a vector or a matrix, got a scalar; use mul for scalars");
        }
        if (transposeThis && rank() != 2) {
            throw new ShapeMismatchException("matmul: transposeThis: lhs of shape " + shape + " is not a matrix");
        }
        if (transposeRhs && rhs.rank() != 2) {
            throw new ShapeMismatchException("matmul: transposeRhs: rhs of shape " + rhs.shape + " is not a matrix");
        }
        int inner = rank() == 1 ? shape.dim(0) : shape.dim(transposeThis ? 0 : 1);
        int rhsInner = rhs.rank() == 1 ? rhs.shape.dim(0) : rhs.shape.dim(transposeRhs ? 1 : 0);
        if (inner != rhsInner) {
            throw new ShapeMismatchException("matmul: rhs: expected " + inner + (rhs.rank() == 1 ? " elements" : " rows")
                    + " to match lhs " + shape + (transposeThis ? " (transposed)" : "") + ", got shape " + rhs.shape
                    + (transposeRhs ? " (transposed)" : ""));
        }
        if (rank() == 1 && rhs.rank() == 1) {
            return dot(rhs);
        }
        Tensor a = rank() == 2 ? this : reshape(1, inner);
        Tensor b = rhs.rank() == 2 ? rhs : rhs.reshape(inner, 1);
        Tensor c = Recorder.apply(LinearAlgebra.matmul(transposeThis, transposeRhs), a, b);
        if (rank() == 1) {
            return c.reshape(c.shape.dim(1));
        }
        if (rhs.rank() == 1) {
            return c.reshape(c.shape.dim(0));
        }
        return c;
    }

    /**
     * The loss of a linear model with this matrix as the data X (n×d), fused: Σᵢ φ(cᵢ·(X w)ᵢ) with no offset. See
     * {@link #linearModelLoss(LinearModelLoss, Tensor, Tensor, Tensor)}.
     *
     * @param loss  φ
     * @param w     the weights, [d]
     * @param scale c, [n]
     * @return the scalar loss
     */
    public Tensor linearModelLoss(LinearModelLoss loss, Tensor w, Tensor scale) {
        checkLinearModel(loss, w, scale, null, false);
        return fusedLinearModel() ? LinearModel.loss(loss, false, this, w, scale)
                : LinearModel.composed(loss, this, w, scale, null);
    }

    /**
     * The loss of a linear model with this matrix as the data X (n×d), fused: S = Σᵢ φ(aᵢ) with a = c ⊙ (X w) + b.
     * The value equals {@code matmul(w).mul(scale).add(offset)} followed by φ and {@code sum()}, up to the order
     * of the sums, and so do all its derivatives; but where the composition reads X twice per gradient (X w, then
     * Xᵀ of the per-sample factor) and twice per Hessian-vector product, a backend with
     * {@link Capability#FUSED_LINEAR_MODEL} reads it once for float64: the gradient Xᵀ(c ⊙ φ′(a)) is computed with
     * the value when w is traced, and the Hessian-vector product Xᵀ(c² ⊙ φ″(a) ⊙ X v) in one pass of its own. On
     * other backends and for float32 this records the composition itself. Differentiable to any order in every
     * argument.
     *
     * <pre>{@code
     * Tensor loss = x.linearModelLoss(LinearModelLoss.LOGISTIC, w, y.neg()).div(n);  // logistic regression
     * Tensor sq = x.linearModelLoss(LinearModelLoss.SQUARED, w, ones, y.neg());  // ½‖X w − y‖²
     * }</pre>
     *
     * @param loss   φ
     * @param w      the weights, [d]
     * @param scale  c, [n]
     * @param offset b, [n]
     * @return the scalar loss
     */
    public Tensor linearModelLoss(LinearModelLoss loss, Tensor w, Tensor scale, Tensor offset) {
        checkLinearModel(loss, w, scale, offset, true);
        return fusedLinearModel() ? LinearModel.loss(loss, true, this, w, scale, offset)
                : LinearModel.composed(loss, this, w, scale, offset);
    }

    private boolean fusedLinearModel() {
        return dtype == DType.FLOAT64 && backend.supports(Capability.FUSED_LINEAR_MODEL);
    }

    private void checkLinearModel(LinearModelLoss loss, Tensor w, Tensor scale, Tensor offset, boolean withOffset) {
        if (loss == null) {
            throw new NullPointerException("linearModelLoss: loss: expected LOGISTIC or SQUARED, got null");
        }
        if (rank() != 2) {
            throw new ShapeMismatchException("linearModelLoss: lhs: expected the data matrix X (rank 2), got shape "
                    + shape);
        }
        if (w == null || scale == null) {
            throw new NullPointerException("linearModelLoss: " + (w == null ? "w" : "scale") + ": expected a vector "
                    + "of shape [" + shape.dim(w == null ? 1 : 0) + "], got null");
        }
        requireCompatible("linearModelLoss", "w", w);
        requireCompatible("linearModelLoss", "scale", scale);
        Shape weights = Shape.of(shape.dim(1));
        Shape samples = Shape.of(shape.dim(0));
        if (!w.shape.equals(weights)) {
            throw new ShapeMismatchException("linearModelLoss: w: expected shape " + weights + " (the columns of X "
                    + shape + "), got " + w.shape);
        }
        if (!scale.shape.equals(samples)) {
            throw new ShapeMismatchException("linearModelLoss: scale: expected shape " + samples + " (the rows of X "
                    + shape + "), got " + scale.shape);
        }
        if (withOffset) {
            if (offset == null) {
                throw new NullPointerException("linearModelLoss: offset: expected a tensor of shape " + samples
                        + ", got null; the three-argument form has no offset");
            }
            requireCompatible("linearModelLoss", "offset", offset);
            if (!offset.shape.equals(samples)) {
                throw new ShapeMismatchException("linearModelLoss: offset: expected shape " + samples
                        + " (the rows of X " + shape + "), got " + offset.shape);
            }
        }
    }

    /** @return the transpose of a matrix; a scalar or vector is returned unchanged */
    public Tensor transpose() {
        return rank() < 2 ? this : Recorder.apply(LinearAlgebra.Transpose.INSTANCE, this);
    }

    /**
     * @param rhs a tensor of the same shape
     * @return the scalar Σ this·rhs
     */
    public Tensor dot(Tensor rhs) {
        requireCompatible("dot", "rhs", rhs);
        requireShape("dot", "rhs", rhs.shape);
        return Recorder.apply(LinearAlgebra.Dot.INSTANCE, this, rhs);
    }

    /**
     * @param rhs a tensor of the same shape
     * @return Σ this·rhs as a double (not differentiable)
     */
    public double dotValue(Tensor rhs) {
        return concrete().dot(rhs.concrete()).item();
    }

    /** @return the Euclidean (Frobenius) norm as a scalar tensor; its gradient is undefined at 0 */
    public Tensor norm() {
        return dot(this).sqrt();
    }

    /** @return the Euclidean (Frobenius) norm as a double (not differentiable) */
    public double normValue() {
        return Math.sqrt(dotValue(this));
    }

    /**
     * Dense direct solve {@code this · x = rhs} by LU with partial pivoting; differentiable in both arguments.
     * Needs a backend with {@link Capability#DENSE_SOLVE}.
     *
     * @param rhs a vector of length n or a matrix with n rows
     * @return x, of the shape of {@code rhs}
     */
    public Tensor solve(Tensor rhs) {
        requireCompatible("solve", "rhs", rhs);
        if (rank() != 2 || shape.dim(0) != shape.dim(1)) {
            throw new ShapeMismatchException("solve: lhs: expected a square matrix, got shape " + shape);
        }
        if (rhs.rank() == 0 || rhs.shape.dim(0) != shape.dim(0)) {
            throw new ShapeMismatchException("solve: rhs: expected " + shape.dim(0) + " rows to match lhs " + shape
                    + ", got shape " + rhs.shape);
        }
        if (!backend.supports(Capability.DENSE_SOLVE)) {
            throw new org.bilevel4j.api.error.UnsupportedCapabilityException(
                    "solve: backend '" + backend.name() + "' has no DENSE_SOLVE kernel");
        }
        return Recorder.apply(LinearAlgebra.Solve.INSTANCE, this, rhs);
    }

    // ================================================================ shape

    /**
     * @param dims the new dimensions, of the same total size
     * @return the same row-major values with a new shape
     */
    public Tensor reshape(int... dims) {
        return reshape(Shape.of(dims));
    }

    /**
     * @param newShape a shape of the same size
     * @return the same row-major values with a new shape
     */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new ShapeMismatchException("reshape: newShape: expected " + shape.size() + " elements (from "
                    + shape + "), got " + newShape + " with " + newShape.size());
        }
        if (newShape.equals(shape)) {
            return this;
        }
        return Recorder.apply(new Reshaping.Reshape(newShape), this);
    }

    /** @return the values as a vector */
    public Tensor flatten() {
        return reshape(shape.size());
    }

    /**
     * @param target a shape this tensor broadcasts to
     * @return the values repeated along the broadcast axes
     */
    public Tensor broadcastTo(Shape target) {
        if (!shape.broadcastsTo(target)) {
            throw new ShapeMismatchException("broadcastTo: target: expected a shape that " + shape
                    + " broadcasts to, got " + target);
        }
        if (target.equals(shape)) {
            return this;
        }
        return Recorder.apply(new Reshaping.BroadcastTo(target), this);
    }

    /**
     * @param axis  the axis
     * @param start first index, inclusive
     * @param end   last index, exclusive
     * @return indices {@code start <= i < end} along {@code axis}
     */
    public Tensor slice(int axis, int start, int end) {
        requireAxis("slice", axis);
        int n = shape.dim(axis);
        if (start < 0 || end > n || start > end) {
            throw new IndexOutOfBoundsException("slice: [start, end): expected 0 <= start <= end <= " + n
                    + " along axis " + axis + " of " + shape + ", got [" + start + ", " + end + ")");
        }
        if (start == 0 && end == n) {
            return this;
        }
        return Recorder.apply(new Reshaping.Slice(axis, start, end), this);
    }

    /** @param start first row, inclusive @param end last row, exclusive @return rows of a matrix */
    public Tensor sliceRows(int start, int end) {
        requireRank("sliceRows", "this", 2);
        return slice(0, start, end);
    }

    /** @param start first column, inclusive @param end last column, exclusive @return columns of a matrix */
    public Tensor sliceColumns(int start, int end) {
        requireRank("sliceColumns", "this", 2);
        return slice(1, start, end);
    }

    /**
     * Zero padding: the adjoint of {@link #slice}.
     *
     * @param axis   the axis
     * @param offset where this tensor starts along {@code axis} in the result
     * @param target the result shape; equal to this shape except along {@code axis}
     * @return a tensor of shape {@code target}, zero outside the copied block
     */
    public Tensor pad(int axis, int offset, Shape target) {
        requireAxis("pad", axis);
        if (target.rank() != rank()) {
            throw new ShapeMismatchException("pad: target: expected rank " + rank() + ", got " + target);
        }
        for (int i = 0; i < rank(); i++) {
            if (i != axis && target.dim(i) != shape.dim(i)) {
                throw new ShapeMismatchException("pad: target: expected length " + shape.dim(i) + " on axis " + i
                        + " (from " + shape + "), got " + target);
            }
        }
        if (offset < 0 || offset + shape.dim(axis) > target.dim(axis)) {
            throw new IndexOutOfBoundsException("pad: offset: expected 0.." + (target.dim(axis) - shape.dim(axis))
                    + ", got " + offset);
        }
        return target.equals(shape) ? this : Recorder.apply(new Reshaping.Pad(axis, offset, target), this);
    }

    /**
     * Gathers elements of a vector or rows of a matrix (minibatches).
     *
     * @param indices indices along axis 0, repeats allowed; copied
     * @return the gathered elements or rows
     */
    public Tensor gather(int... indices) {
        if (rank() == 0) {
            throw new ShapeMismatchException("gather: lhs: expected a vector or a matrix, got a scalar");
        }
        int n = shape.dim(0);
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IndexOutOfBoundsException("gather: indices[" + i + "]: expected 0.." + (n - 1)
                        + " for shape " + shape + ", got " + indices[i]);
            }
        }
        return Recorder.apply(new Reshaping.Gather(indices.clone()), this);
    }

    /**
     * Scatter-add, the adjoint of {@link #gather}: element or row i is added at position {@code indices[i]} of a
     * zero tensor of shape {@code target}.
     *
     * @param indices one target position per element (vector) or row (matrix); copied
     * @param target  the result shape
     * @return the accumulated tensor
     */
    public Tensor scatterAdd(int[] indices, Shape target) {
        if (rank() == 0 || target.rank() != rank() || indices.length != shape.dim(0)
                || (rank() == 2 && target.dim(1) != shape.dim(1))) {
            throw new ShapeMismatchException("scatterAdd: target: expected rank " + rank() + (rank() == 2
                    ? " with " + shape.cols() + " columns" : "") + " and " + shape.dim(0)
                    + " indices, got target " + target + " and " + indices.length + " indices");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= target.dim(0)) {
                throw new IndexOutOfBoundsException("scatterAdd: indices[" + i + "]: expected 0.."
                        + (target.dim(0) - 1) + ", got " + indices[i]);
            }
        }
        return Recorder.apply(new Reshaping.ScatterAdd(indices.clone(), target), this);
    }

    /**
     * @param axis  the axis to join along
     * @param parts tensors of equal rank and backend whose shapes agree except along {@code axis}
     * @return the concatenation
     */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("parts: expected at least one tensor, got none");
        }
        Tensor first = parts[0];
        first.requireAxis("concat", axis);
        int[] dims = first.shape.dims();
        int total = 0;
        for (int i = 0; i < parts.length; i++) {
            Tensor p = parts[i];
            first.requireCompatible("concat", "parts[" + i + "]", p);
            boolean ok = p.rank() == first.rank();
            for (int d = 0; ok && d < dims.length; d++) {
                ok = d == axis || p.shape.dim(d) == dims[d];
            }
            if (!ok) {
                throw new ShapeMismatchException("concat: parts[" + i + "]: expected a shape equal to " + first.shape
                        + " except along axis " + axis + ", got " + p.shape);
            }
            total += p.shape.dim(axis);
        }
        if (parts.length == 1) {
            return first;
        }
        dims[axis] = total;
        return Recorder.apply(new Reshaping.Concat(axis, Shape.of(dims)), parts);
    }

    // ================================================================ reductions

    /** @return the sum of all elements (shape {@code []}) */
    public Tensor sum() {
        return reduce(ReduceOp.SUM, -1);
    }

    /** @param axis the axis to sum over @return the sums along {@code axis} (the axis is removed) */
    public Tensor sum(int axis) {
        return reduce(ReduceOp.SUM, axis);
    }

    /**
     * @param axis     the axis to sum over
     * @param keepDims keep the axis with length 1
     * @return the sums along {@code axis}
     */
    public Tensor sum(int axis, boolean keepDims) {
        Tensor s = sum(axis);
        return keepDims ? s.reshape(keptShape(axis)) : s;
    }

    /** @return the mean of all elements */
    public Tensor mean() {
        return sum().mul(1.0 / shape.size());
    }

    /** @param axis the axis @return the means along {@code axis} */
    public Tensor mean(int axis) {
        return sum(axis).mul(1.0 / shape.dim(axis));
    }

    /** @return the largest element; ties share the derivative equally */
    public Tensor max() {
        return reduce(ReduceOp.MAX, -1);
    }

    /** @param axis the axis @return the largest elements along {@code axis} */
    public Tensor max(int axis) {
        return reduce(ReduceOp.MAX, axis);
    }

    /** @return the smallest element; ties share the derivative equally */
    public Tensor min() {
        return reduce(ReduceOp.MIN, -1);
    }

    /** @param axis the axis @return the smallest elements along {@code axis} */
    public Tensor min(int axis) {
        return reduce(ReduceOp.MIN, axis);
    }

    /** @return ln Σ e^x over all elements, computed without overflow */
    public Tensor logSumExp() {
        return reduce(ReduceOp.LOG_SUM_EXP, -1);
    }

    /** @param axis the axis @return ln Σ e^x along {@code axis}, without overflow */
    public Tensor logSumExp(int axis) {
        return reduce(ReduceOp.LOG_SUM_EXP, axis);
    }

    /** @param axis the axis @return log-probabilities x - logSumExp(x) along {@code axis} */
    public Tensor logSoftmax(int axis) {
        return sub(Reduction.keepDims(logSumExp(axis), shape, axis));
    }

    /** @param axis the axis @return probabilities e^x / Σ e^x along {@code axis} */
    public Tensor softmax(int axis) {
        return logSoftmax(axis).exp();
    }

    /**
     * Softmax cross-entropy of logits against target distributions, per row: logSumExp(z_i) - ⟨y_i, z_i⟩.
     *
     * @param labels one-hot rows or probability rows, of this shape [n, k]
     * @return the n losses
     */
    public Tensor softmaxCrossEntropy(Tensor labels) {
        requireRank("softmaxCrossEntropy", "logits", 2);
        requireCompatible("softmaxCrossEntropy", "labels", labels);
        requireShape("softmaxCrossEntropy", "labels", labels.shape);
        return logSumExp(1).sub(labels.mul(this).sum(1));
    }

    /**
     * Softmax cross-entropy of logits against class indices, per row: logSumExp(z_i) - z_{i, c_i}.
     *
     * @param classes one class index in [0, k) per row
     * @return the n losses
     */
    public Tensor softmaxCrossEntropy(int[] classes) {
        requireRank("softmaxCrossEntropy", "logits", 2);
        int n = shape.dim(0);
        int k = shape.dim(1);
        if (classes.length != n) {
            throw new ShapeMismatchException("softmaxCrossEntropy: classes: expected " + n + " labels (one per row of "
                    + shape + "), got " + classes.length);
        }
        double[] oneHot = new double[n * k];
        for (int i = 0; i < n; i++) {
            if (classes[i] < 0 || classes[i] >= k) {
                throw new IndexOutOfBoundsException("softmaxCrossEntropy: classes[" + i + "]: expected 0.." + (k - 1)
                        + ", got " + classes[i]);
            }
            oneHot[i * k + classes[i]] = 1.0;
        }
        return softmaxCrossEntropy(backend.wrap(kernels().fromDoubles(oneHot, shape, dtype)));
    }

    // ================================================================ internals

    private Tensor unary(UnaryOp op) {
        return Recorder.apply(Elementwise.unary(op), this);
    }

    private Tensor binary(BinaryOp op, String name, Tensor rhs) {
        requireCompatible(name, "rhs", rhs);
        Shape.broadcast(name, shape, rhs.shape);
        return Recorder.apply(Elementwise.binary(op), this, rhs);
    }

    private Tensor compare(BinaryOp op, String name, Tensor rhs) {
        requireCompatible(name, "rhs", rhs);
        Shape.broadcast(name, shape, rhs.shape);
        return Recorder.constant(Elementwise.binary(op), this, rhs);
    }

    private Tensor reduce(ReduceOp op, int axis) {
        if (axis >= 0) {
            requireAxis(op.name().toLowerCase(Locale.ROOT), axis);
        }
        return Recorder.apply(new Reduction(op, axis), this);
    }

    private Shape keptShape(int axis) {
        int[] d = shape.dims();
        d[axis] = 1;
        return Shape.of(d);
    }

    void requireCompatible(String op, String arg, Tensor other) {
        if (other.backend != backend) {
            throw new BackendMismatchException(op + ": " + arg + ": expected a tensor on backend '" + backend.name()
                    + "' (like lhs), got one on backend '" + other.backend.name()
                    + "'; copy it explicitly with tensor.to(backend)");
        }
        if (other.dtype != dtype) {
            throw new DTypeMismatchException(op + ": " + arg + ": expected " + dtype + " (like lhs), got " + other.dtype
                    + "; convert explicitly with tensor.to(DType." + dtype.name() + ")");
        }
    }

    private void requireShape(String op, String arg, Shape other) {
        if (!other.equals(shape)) {
            throw new ShapeMismatchException(op + ": " + arg + ": expected shape " + shape + ", got " + other);
        }
    }

    private void requireRank(String op, String arg, int rank) {
        if (rank() != rank) {
            throw new ShapeMismatchException(op + ": " + arg + ": expected rank " + rank + ", got shape " + shape);
        }
    }

    private void requireAxis(String op, int axis) {
        if (axis < 0 || axis >= rank()) {
            throw new IllegalArgumentException(op + ": axis: expected 0.." + (rank() - 1) + " for shape " + shape
                    + ", got " + axis);
        }
    }

    /** @return dtype, shape, backend, and the values of tensors with at most 64 elements */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor[").append(dtype).append(' ').append(shape).append(" on ")
                .append(backend.name());
        if (level != 0) {
            sb.append(", traced");
        }
        sb.append(']');
        if (shape.size() <= 64) {
            double[] v = toDoubleArray();
            if (rank() < 2) {
                sb.append(' ').append(rank() == 0 ? String.valueOf(v[0]) : Arrays.toString(v));
            } else {
                int n = shape.dim(1);
                sb.append(" [");
                for (int i = 0; i < shape.dim(0); i++) {
                    sb.append(i == 0 ? "" : ", ").append(Arrays.toString(Arrays.copyOfRange(v, i * n, i * n + n)));
                }
                sb.append(']');
            }
        }
        return sb.toString();
    }
}
