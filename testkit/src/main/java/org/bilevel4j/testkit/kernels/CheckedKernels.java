package org.bilevel4j.testkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A {@link Kernels} wrapper for tests that fails when a kernel modifies its arguments: it delegates every kernel
 * and asserts (with JUnit) that every storage argument has the same shape, dtype and values after the call as
 * before it, and that index arrays and the list of concatenated parts are unchanged. Values are compared as
 * the doubles {@link Kernels#toDoubles} reads back, bit for bit (NaN equal to NaN), so the check works for
 * storages in native memory (DJL, TensorFlow) as well as on the heap.
 *
 * <p>Creation kernels ({@code fromDoubles}, {@code full}, {@code identity}) have no storage arguments and are
 * passed through. Thread-safe when the wrapped kernels are.
 */
public final class CheckedKernels implements Kernels {
    private final Kernels k;

    /** @param k the kernels under test */
    public CheckedKernels(Kernels k) {
        this.k = k;
    }

    private record Snap(Storage s, Shape shape, DType dtype, double[] values) {
    }

    private <R> R check(String method, Supplier<R> call, Storage... args) {
        List<Snap> snaps = new ArrayList<>();
        StringBuilder sig = new StringBuilder(method).append('(');
        for (int i = 0; i < args.length; i++) {
            Storage s = args[i];
            snaps.add(new Snap(s, s.shape(), s.dtype(), k.toDoubles(s)));
            sig.append(i == 0 ? "" : ", ").append(s.shape()).append(' ').append(s.dtype());
        }
        sig.append(')');
        R result = call.get();
        for (int i = 0; i < snaps.size(); i++) {
            Snap sn = snaps.get(i);
            String msg = sig + " modified argument #" + i;
            assertEquals(sn.shape(), sn.s().shape(), msg + " (shape)");
            assertEquals(sn.dtype(), sn.s().dtype(), msg + " (dtype)");
            assertArrayEquals(sn.values(), k.toDoubles(sn.s()), msg + " (values)");
        }
        return result;
    }

    private static void checkIndices(String method, int[] before, int[] after) {
        assertArrayEquals(before, after, method + " modified its indices");
    }

    @Override
    public Storage fromDoubles(double[] values, Shape shape, DType dtype) {
        return k.fromDoubles(values, shape, dtype);
    }

    @Override
    public Storage full(Shape shape, DType dtype, double value) {
        return k.full(shape, dtype, value);
    }

    @Override
    public Storage identity(int n, DType dtype) {
        return k.identity(n, dtype);
    }

    @Override
    public double[] toDoubles(Storage a) {
        return check("toDoubles", () -> k.toDoubles(a), a);
    }

    @Override
    public double get(Storage a, int index) {
        return check("get", () -> k.get(a, index), a);
    }

    @Override
    public Storage cast(Storage a, DType dtype) {
        return check("cast to " + dtype, () -> k.cast(a, dtype), a);
    }

    @Override
    public Storage unary(UnaryOp op, Storage a) {
        return check("unary " + op, () -> k.unary(op, a), a);
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Storage b, Shape outShape) {
        return check("binary " + op, () -> k.binary(op, a, b, outShape), a, b);
    }

    @Override
    public Storage affine(Storage a, double scale, double shift) {
        return check("affine", () -> k.affine(a, scale, shift), a);
    }

    @Override
    public Storage pow(Storage a, double exponent) {
        return check("pow " + exponent, () -> k.pow(a, exponent), a);
    }

    @Override
    public Storage where(Storage mask, Storage a, Storage b, Shape outShape) {
        return check("where", () -> k.where(mask, a, b, outShape), mask, a, b);
    }

    @Override
    public Storage matmul(Storage a, boolean transposeA, Storage b, boolean transposeB) {
        return check("matmul ta=" + transposeA + " tb=" + transposeB, () -> k.matmul(a, transposeA, b, transposeB),
                a, b);
    }

    @Override
    public Storage transpose(Storage a) {
        return check("transpose", () -> k.transpose(a), a);
    }

    @Override
    public Storage dot(Storage a, Storage b) {
        return check("dot", () -> k.dot(a, b), a, b);
    }

    @Override
    public Storage solve(Storage a, Storage b) {
        return check("solve", () -> k.solve(a, b), a, b);
    }

    @Override
    public Storage reduce(ReduceOp op, Storage a, int axis, Shape outShape) {
        return check("reduce " + op + " axis " + axis, () -> k.reduce(op, a, axis, outShape), a);
    }

    @Override
    public Storage reshape(Storage a, Shape shape) {
        return check("reshape to " + shape, () -> k.reshape(a, shape), a);
    }

    @Override
    public Storage broadcastTo(Storage a, Shape shape) {
        return check("broadcastTo " + shape, () -> k.broadcastTo(a, shape), a);
    }

    @Override
    public Storage slice(Storage a, int axis, int start, int end) {
        return check("slice axis " + axis, () -> k.slice(a, axis, start, end), a);
    }

    @Override
    public Storage pad(Storage a, int axis, int offset, Shape outShape) {
        return check("pad axis " + axis, () -> k.pad(a, axis, offset, outShape), a);
    }

    @Override
    public Storage gather(Storage a, int[] indices) {
        int[] before = indices.clone();
        Storage s = check("gather", () -> k.gather(a, indices), a);
        checkIndices("gather", before, indices);
        return s;
    }

    @Override
    public Storage scatterAdd(Storage a, int[] indices, Shape outShape) {
        int[] before = indices.clone();
        Storage s = check("scatterAdd", () -> k.scatterAdd(a, indices, outShape), a);
        checkIndices("scatterAdd", before, indices);
        return s;
    }

    @Override
    public Storage concat(List<Storage> parts, int axis, Shape outShape) {
        List<Storage> copy = List.copyOf(parts);
        Storage s = check("concat axis " + axis, () -> k.concat(parts, axis, outShape),
                parts.toArray(new Storage[0]));
        assertEquals(copy, parts, "concat modified its list of parts");
        return s;
    }
}
