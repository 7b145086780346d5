package org.bilevel4j.api.backend;

import java.util.List;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * The primitive kernels a backend implements: the whole of the backend SPI below {@link Tensor}.
 *
 * <p>Automatic differentiation, validation and everything else live above this interface, so a backend only
 * computes values. The caller has already validated every argument: shapes agree, indices are in range,
 * element types are equal and supported. Kernels never modify their arguments (every storage is immutable
 * once returned) and may return storages that share memory with their arguments.
 *
 * <p>Shapes are logical (rank 0, 1 or 2). Where a kernel is described on the <em>matrix view</em>, a scalar is
 * 1×1 and a vector {@code [n]} is the row 1×n (see {@link Shape}).
 *
 * <p>Implementations must be thread-safe: kernels are called concurrently from several threads.
 */
public interface Kernels {

    // ---------------------------------------------------------------- creation and copy-out

    /**
     * @param values row-major values, {@code shape.size()} of them; ownership passes to the kernel, which may
     *               keep the array (callers pass a fresh array)
     * @param shape  the shape
     * @param dtype  the element type (float32 values are rounded)
     * @return a storage holding the values
     */
    Storage fromDoubles(double[] values, Shape shape, DType dtype);

    /**
     * @param shape the shape
     * @param dtype the element type
     * @param value the value of every element
     * @return a storage filled with {@code value}
     */
    Storage full(Shape shape, DType dtype, double value);

    /**
     * @param n     the order
     * @param dtype the element type
     * @return the n×n identity matrix
     */
    Storage identity(int n, DType dtype);

    /**
     * @param a a storage; not modified
     * @return a fresh row-major copy of its values
     */
    double[] toDoubles(Storage a);

    /**
     * @param a     a storage; not modified
     * @param index a row-major index below {@code a.shape().size()}
     * @return the value at that index
     */
    double get(Storage a, int index);

    /**
     * @param a     a storage; not modified
     * @param dtype the target element type
     * @return the values converted (rounded to float32, or widened to float64)
     */
    Storage cast(Storage a, DType dtype);

    // ---------------------------------------------------------------- element-wise

    /**
     * @param op the function
     * @param a  the argument; not modified
     * @return {@code op} applied to every element
     */
    Storage unary(UnaryOp op, Storage a);

    /**
     * Element-wise binary function with broadcasting on the matrix views: an operand axis of length 1 is
     * repeated along that axis of {@code outShape}.
     *
     * @param op       the function
     * @param a        left operand; not modified
     * @param b        right operand; not modified
     * @param outShape {@code Shape.broadcast(a.shape(), b.shape())}
     * @return the result, of shape {@code outShape}
     */
    Storage binary(BinaryOp op, Storage a, Storage b, Shape outShape);

    /**
     * @param a     the argument; not modified
     * @param scale multiplier
     * @param shift offset
     * @return {@code scale * a + shift}, element-wise
     */
    Storage affine(Storage a, double scale, double shift);

    /**
     * @param a        the argument; not modified
     * @param exponent a real exponent
     * @return {@code a^exponent}, element-wise
     */
    Storage pow(Storage a, double exponent);

    /**
     * Element-wise selection with broadcasting: {@code mask != 0 ? a : b}.
     *
     * @param mask     selector; not modified
     * @param a        chosen where the mask is non-zero; not modified
     * @param b        chosen where the mask is zero; not modified
     * @param outShape the broadcast shape of the three operands
     * @return the selection
     */
    Storage where(Storage mask, Storage a, Storage b, Shape outShape);

    // ---------------------------------------------------------------- linear algebra

    /**
     * Matrix product of rank-2 operands, {@code op(a) op(b)}, where {@code op} transposes when asked. Backends
     * should not copy a transposed operand.
     *
     * @param a          left factor, rank 2; not modified
     * @param transposeA use {@code a}ᵀ
     * @param b          right factor, rank 2; not modified
     * @param transposeB use {@code b}ᵀ
     * @return the product, rank 2
     */
    Storage matmul(Storage a, boolean transposeA, Storage b, boolean transposeB);

    /**
     * @param a a rank-2 storage; not modified
     * @return its transpose
     */
    Storage transpose(Storage a);

    /**
     * @param a left operand; not modified
     * @param b right operand of the same shape; not modified
     * @return the scalar Σ a·b (shape {@code []})
     */
    Storage dot(Storage a, Storage b);

    /**
     * Dense direct solve of {@code a x = b} (LU with partial pivoting), a reference for small problems.
     * Optional: backends without {@link Capability#DENSE_SOLVE} throw {@link UnsupportedOperationException}.
     *
     * @param a square rank-2 matrix; not modified
     * @param b right-hand side, rank 1 (length n) or rank 2 (n rows); not modified
     * @return x, of the shape of {@code b}; NaN or infinite entries if {@code a} is singular
     */
    Storage solve(Storage a, Storage b);

    // ---------------------------------------------------------------- fused losses of linear models

    /**
     * The loss of a linear model and, if asked, its gradient in w: with a = c ⊙ (X w) + b,
     * value = Σᵢ φ(aᵢ) and gradient = Xᵀ(c ⊙ φ′(a)). A fused implementation reads each row of X once for both
     * (its dot product with w, then its contribution to the gradient while it is in cache); the default composes
     * the other kernels and reads X twice. {@code Tensor.linearModelLoss} calls this kernel only on backends with
     * {@link Capability#FUSED_LINEAR_MODEL}, for float64. Sums may be taken in any fixed order that does not depend on the
     * number of threads.
     *
     * @param loss     φ
     * @param x        X, n×d; not modified
     * @param w        [d]; not modified
     * @param c        the per-sample scale, [n]; not modified
     * @param b        the per-sample offset, [n], or null for zero; not modified
     * @param gradient whether to compute the gradient
     * @return {value (shape []), gradient ([d]) or null when not asked}
     */
    default Storage[] linearModelLoss(LinearModelLoss loss, Storage x, Storage w, Storage c, Storage b,
            boolean gradient) {
        return ComposedLinearModel.lossAndGradient(this, loss, x, w, c, b, gradient);
    }

    /**
     * The Hessian-vector product of {@link #linearModelLoss}: with a = c ⊙ (X w) + b, Xᵀ(c² ⊙ φ″(a) ⊙ X v). A fused
     * implementation reads each row of X once (its dot products with w and v, then its contribution); the default
     * composes the other kernels (X w, X v and Xᵀ: three passes).
     *
     * @param loss φ
     * @param x    X, n×d; not modified
     * @param w    the point, [d]; not modified
     * @param c    the per-sample scale, [n]; not modified
     * @param b    the per-sample offset, [n], or null for zero; not modified
     * @param v    the direction, [d]; not modified
     * @return the product, [d]
     */
    default Storage linearModelHvp(LinearModelLoss loss, Storage x, Storage w, Storage c, Storage b, Storage v) {
        return ComposedLinearModel.hvp(this, loss, x, w, c, b, v);
    }

    // ---------------------------------------------------------------- reductions

    /**
     * @param op       the reduction
     * @param a        the argument; not modified
     * @param axis     the logical axis to reduce, or -1 for all elements
     * @param outShape the result shape: {@code []} for all elements, else {@code a}'s shape without {@code axis}
     * @return the reduction
     */
    Storage reduce(ReduceOp op, Storage a, int axis, Shape outShape);

    // ---------------------------------------------------------------- shape

    /**
     * @param a     the argument; not modified
     * @param shape a shape of the same size
     * @return the same row-major values with the new shape (may share memory)
     */
    Storage reshape(Storage a, Shape shape);

    /**
     * @param a     the argument; not modified
     * @param shape a shape that {@code a}'s shape broadcasts to
     * @return {@code a} repeated along the broadcast axes
     */
    Storage broadcastTo(Storage a, Shape shape);

    /**
     * @param a     the argument; not modified
     * @param axis  the logical axis
     * @param start first index, inclusive
     * @param end   last index, exclusive
     * @return the slice {@code start <= i < end} along {@code axis}
     */
    Storage slice(Storage a, int axis, int start, int end);

    /**
     * Zero padding, the adjoint of {@link #slice}: a zero storage of {@code outShape} into which {@code a} is
     * copied at {@code offset} along {@code axis}.
     *
     * @param a        the block; not modified
     * @param axis     the logical axis
     * @param offset   position of {@code a}'s first index along {@code axis}
     * @param outShape the full shape
     * @return the padded storage
     */
    Storage pad(Storage a, int axis, int offset, Shape outShape);

    /**
     * @param a       a vector (gathers elements) or a matrix (gathers rows); not modified
     * @param indices indices along axis 0, may repeat; not modified
     * @return the gathered elements or rows, in the order of {@code indices}
     */
    Storage gather(Storage a, int[] indices);

    /**
     * Scatter-add, the adjoint of {@link #gather}: a zero storage of {@code outShape} to which element or row
     * {@code i} of {@code a} is added at position {@code indices[i]} (repeated indices accumulate).
     *
     * @param a        the values; not modified
     * @param indices  target positions along axis 0; not modified
     * @param outShape the result shape
     * @return the accumulated storage
     */
    Storage scatterAdd(Storage a, int[] indices, Shape outShape);

    /**
     * @param parts    storages of equal rank whose shapes agree except along {@code axis}; not modified
     * @param axis     the logical axis to join along
     * @param outShape the joined shape
     * @return the concatenation
     */
    Storage concat(List<Storage> parts, int axis, Shape outShape);
}
