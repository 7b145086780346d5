package org.bilevel4j.testkit.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.ReferenceKernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Runs a representative set of kernels of a backend once each (every unary, binary and reduction operation, the
 * broadcasting patterns, every transpose flag of the matrix product, solve, slicing, padding, gather,
 * scatter-add, concatenation, casts) on shared inputs, through {@link CheckedKernels}, so that a kernel that
 * modifies an argument fails; compares each result with {@link ReferenceKernels} on the same inputs; and finally
 * checks that every input still holds the values it was created with.
 *
 * <p>The comparison is a smoke check of values (shape and dtype exactly; values to 1e-12 in float64 and 1e-5 in
 * float32, relative to the largest expected value plus one): the detailed accuracy of every kernel is the subject
 * of each backend's kernel tests and of the conformance suite.
 */
public final class KernelExercise {
    private static final ReferenceKernels REFERENCE = new ReferenceKernels();

    private final Kernels raw;
    private final Kernels checked;
    private final DType dtype;
    private final List<Input> inputs = new ArrayList<>();
    private int calls;

    /** An input as the backend holds it, with the same values in the reference kernels. */
    private record Input(String name, Storage backend, Storage reference) {
    }

    private KernelExercise(Kernels kernels, DType dtype) {
        this.raw = kernels;
        this.checked = new CheckedKernels(kernels);
        this.dtype = dtype;
    }

    /**
     * @param kernels     the kernels under test
     * @param dtype       the element type of every input
     * @param largeOrder  the order of one larger square matrix multiplied in all four transpose combinations (a
     *                    backend's blocked or multi-threaded paths start at some size; at least 4)
     * @return how many kernel calls were checked
     */
    public static int run(Kernels kernels, DType dtype, int largeOrder) {
        if (largeOrder < 4) {
            throw new IllegalArgumentException("largeOrder: expected at least 4, got " + largeOrder);
        }
        KernelExercise e = new KernelExercise(kernels, dtype);
        e.exercise(largeOrder);
        return e.calls;
    }

    private Input input(String name, double[] values, Shape shape) {
        Input in = new Input(name + " " + shape + " [" + dtype + "]", raw.fromDoubles(values.clone(), shape, dtype),
                REFERENCE.fromDoubles(values.clone(), shape, dtype));
        inputs.add(in);
        return in;
    }

    private static double[] uniform(SplittableRandom r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble(lo, hi);
        }
        return v;
    }

    /** Compares one result of the kernels under test with the reference's result on the same inputs. */
    private void compare(String what, Storage actual, Storage expected) {
        calls++;
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        double[] a = raw.toDoubles(actual);
        double[] e = REFERENCE.toDoubles(expected);
        double scale = 1;
        for (double x : e) {
            if (Double.isFinite(x)) {
                scale = Math.max(scale, Math.abs(x));
            }
        }
        double tol = (dtype == DType.FLOAT64 ? 1e-12 : 1e-5) * scale;
        for (int i = 0; i < e.length; i++) {
            String msg = what + " [" + dtype + "]: element " + i + " expected " + e[i] + " got " + a[i];
            if (Double.isNaN(e[i]) || Double.isInfinite(e[i])) {
                assertEquals(e[i], a[i], msg);
            } else {
                assertTrue(Math.abs(a[i] - e[i]) <= tol, msg);
            }
        }
    }

    private void exercise(int large) {
        SplittableRandom r = new SplittableRandom(61 + dtype.ordinal());
        Input mat = input("matrix", uniform(r, 16, -3, 3), Shape.of(4, 4));
        Input pos = input("positive matrix", uniform(r, 16, 0.1, 3), Shape.of(4, 4));
        Input vec = input("vector", uniform(r, 4, -3, 3), Shape.of(4));
        Input col = input("column", uniform(r, 4, -3, 3), Shape.of(4, 1));
        Input sc = input("scalar", uniform(r, 1, -3, 3), Shape.scalar());
        Input big = input("large matrix", uniform(r, large * large, -1, 1), Shape.of(large, large));
        double[] diagonal = uniform(r, 36, -0.1, 0.1);
        for (int i = 0; i < 6; i++) {
            diagonal[i * 6 + i] += 2;
        }
        Input solveA = input("diagonally dominant matrix", diagonal, Shape.of(6, 6));
        Input solveB = input("right-hand sides", uniform(r, 12, -1, 1), Shape.of(6, 2));
        Kernels k = checked;
        Kernels ref = REFERENCE;

        for (UnaryOp op : UnaryOp.values()) {
            compare("unary " + op + " on " + pos.name(), k.unary(op, pos.backend()), ref.unary(op, pos.reference()));
            compare("unary " + op + " on " + mat.name(), k.unary(op, mat.backend()), ref.unary(op, mat.reference()));
        }
        Input[][] pairs = {{mat, vec}, {col, vec}, {sc, mat}, {mat, mat}};
        for (BinaryOp op : BinaryOp.values()) {
            for (Input[] p : pairs) {
                Shape out = Shape.of(4, 4);
                compare("binary " + op + " " + p[0].name() + " with " + p[1].name(),
                        k.binary(op, p[0].backend(), p[1].backend(), out),
                        ref.binary(op, p[0].reference(), p[1].reference(), out));
            }
        }
        compare("affine", k.affine(mat.backend(), 2, 1), ref.affine(mat.reference(), 2, 1));
        compare("pow 0.5", k.pow(pos.backend(), 0.5), ref.pow(pos.reference(), 0.5));
        compare("where", k.where(col.backend(), mat.backend(), vec.backend(), Shape.of(4, 4)),
                ref.where(col.reference(), mat.reference(), vec.reference(), Shape.of(4, 4)));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                String flags = " ta=" + ta + " tb=" + tb;
                compare("matmul 4x4" + flags, k.matmul(mat.backend(), ta, pos.backend(), tb),
                        ref.matmul(mat.reference(), ta, pos.reference(), tb));
                compare("matmul " + large + "x" + large + flags, k.matmul(big.backend(), ta, big.backend(), tb),
                        ref.matmul(big.reference(), ta, big.reference(), tb));
            }
        }
        compare("transpose", k.transpose(mat.backend()), ref.transpose(mat.reference()));
        compare("dot", k.dot(mat.backend(), pos.backend()), ref.dot(mat.reference(), pos.reference()));
        compare("solve with a vector", k.solve(solveA.backend(), k.slice(solveB.backend(), 1, 0, 1)),
                ref.solve(solveA.reference(), ref.slice(solveB.reference(), 1, 0, 1)));
        compare("solve", k.solve(solveA.backend(), solveB.backend()),
                ref.solve(solveA.reference(), solveB.reference()));
        for (ReduceOp op : ReduceOp.values()) {
            compare("reduce " + op + " all", k.reduce(op, mat.backend(), -1, Shape.scalar()),
                    ref.reduce(op, mat.reference(), -1, Shape.scalar()));
            compare("reduce " + op + " axis 0", k.reduce(op, mat.backend(), 0, Shape.of(4)),
                    ref.reduce(op, mat.reference(), 0, Shape.of(4)));
            compare("reduce " + op + " axis 1", k.reduce(op, mat.backend(), 1, Shape.of(4)),
                    ref.reduce(op, mat.reference(), 1, Shape.of(4)));
            compare("reduce " + op + " vector", k.reduce(op, vec.backend(), 0, Shape.scalar()),
                    ref.reduce(op, vec.reference(), 0, Shape.scalar()));
        }
        compare("reshape", k.reshape(mat.backend(), Shape.of(16)), ref.reshape(mat.reference(), Shape.of(16)));
        compare("broadcastTo vector", k.broadcastTo(vec.backend(), Shape.of(4, 4)),
                ref.broadcastTo(vec.reference(), Shape.of(4, 4)));
        compare("broadcastTo column", k.broadcastTo(col.backend(), Shape.of(4, 4)),
                ref.broadcastTo(col.reference(), Shape.of(4, 4)));
        compare("slice rows", k.slice(mat.backend(), 0, 1, 3), ref.slice(mat.reference(), 0, 1, 3));
        compare("slice columns", k.slice(mat.backend(), 1, 1, 3), ref.slice(mat.reference(), 1, 1, 3));
        compare("slice vector", k.slice(vec.backend(), 0, 0, 2), ref.slice(vec.reference(), 0, 0, 2));
        compare("pad rows", k.pad(mat.backend(), 0, 1, Shape.of(6, 4)), ref.pad(mat.reference(), 0, 1, Shape.of(6, 4)));
        compare("pad columns", k.pad(mat.backend(), 1, 1, Shape.of(4, 6)),
                ref.pad(mat.reference(), 1, 1, Shape.of(4, 6)));
        compare("pad vector", k.pad(vec.backend(), 0, 2, Shape.of(7)), ref.pad(vec.reference(), 0, 2, Shape.of(7)));
        int[] rows = {1, 1, 3};
        compare("gather rows", k.gather(mat.backend(), rows), ref.gather(mat.reference(), rows));
        compare("gather elements", k.gather(vec.backend(), rows), ref.gather(vec.reference(), rows));
        int[] targets = {1, 1, 0, 1};
        compare("scatterAdd rows", k.scatterAdd(mat.backend(), targets, Shape.of(2, 4)),
                ref.scatterAdd(mat.reference(), targets, Shape.of(2, 4)));
        compare("scatterAdd elements", k.scatterAdd(vec.backend(), targets, Shape.of(2)),
                ref.scatterAdd(vec.reference(), targets, Shape.of(2)));
        compare("concat columns", k.concat(List.of(mat.backend(), col.backend(), mat.backend()), 1, Shape.of(4, 9)),
                ref.concat(List.of(mat.reference(), col.reference(), mat.reference()), 1, Shape.of(4, 9)));
        compare("concat rows", k.concat(List.of(mat.backend(), mat.backend()), 0, Shape.of(8, 4)),
                ref.concat(List.of(mat.reference(), mat.reference()), 0, Shape.of(8, 4)));
        compare("concat vectors", k.concat(List.of(vec.backend(), vec.backend()), 0, Shape.of(8)),
                ref.concat(List.of(vec.reference(), vec.reference()), 0, Shape.of(8)));
        for (DType target : DType.values()) {
            compare("cast to " + target, k.cast(mat.backend(), target), ref.cast(mat.reference(), target));
        }
        assertArrayEquals(ref.toDoubles(mat.reference()), k.toDoubles(mat.backend()), "toDoubles");
        assertEquals(ref.get(mat.reference(), 3), k.get(mat.backend(), 3), "get(3)");
        for (Input in : inputs) {
            assertArrayEquals(REFERENCE.toDoubles(in.reference()), raw.toDoubles(in.backend()),
                    in.name() + ": values after all kernels differ from the values it was created with");
        }
    }
}
