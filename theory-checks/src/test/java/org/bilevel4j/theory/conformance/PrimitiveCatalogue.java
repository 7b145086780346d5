package org.bilevel4j.theory.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Every differentiable tensor operation, each as a random instance x ↦ f(x) on a seeded random point inside
 * the operation's domain (positive arguments for log and sqrt, values kept away from kinks for abs, relu, max).
 * Binary operations appear once per argument (the other one a random constant) and once with both arguments
 * equal to x, so both partial derivatives and their sum are exercised.
 */
final class PrimitiveCatalogue {
    private PrimitiveCatalogue() {
    }

    /** A point and a function of it. */
    record Instance(Tensor x, UnaryOperator<Tensor> f) {
    }

    /** A named generator of instances. */
    interface Case {
        String name();

        Instance sample(Backend b, SplittableRandom rng);
    }

    private record Named(String name, Sampler sampler) implements Case {
        @Override
        public Instance sample(Backend b, SplittableRandom rng) {
            return sampler.sample(b, rng);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private interface Sampler {
        Instance sample(Backend b, SplittableRandom rng);
    }

    // ---------------------------------------------------------------- random data

    static Shape anyShape(SplittableRandom rng) {
        return switch (rng.nextInt(3)) {
            case 0 -> Shape.scalar();
            case 1 -> Shape.of(1 + rng.nextInt(5));
            default -> Shape.of(1 + rng.nextInt(4), 1 + rng.nextInt(4));
        };
    }

    static Shape matrixShape(SplittableRandom rng) {
        return Shape.of(1 + rng.nextInt(4), 1 + rng.nextInt(4));
    }

    static Tensor uniform(Backend b, Shape s, double lo, double hi, SplittableRandom rng) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble(lo, hi);
        }
        return b.fromArray(v, s);
    }

    /** Values with |x| in [lo, hi] and random signs (away from the kink at 0). */
    static Tensor awayFromZero(Backend b, Shape s, double lo, double hi, SplittableRandom rng) {
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rng.nextBoolean() ? 1 : -1) * rng.nextDouble(lo, hi);
        }
        return b.fromArray(v, s);
    }

    /** Values whose pairwise gaps are at least 0.2, so maxima and minima are unique and stable. */
    static Tensor distinct(Backend b, Shape s, SplittableRandom rng) {
        int n = s.size();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = -1.5 + 0.3 * i + rng.nextDouble(0, 0.1);
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return b.fromArray(v, s);
    }

    static Shape broadcastPartner(Shape s, SplittableRandom rng) {
        if (s.rank() < 2) {
            return rng.nextBoolean() ? s : Shape.scalar();
        }
        return switch (rng.nextInt(5)) {
            case 0 -> s;
            case 1 -> Shape.scalar();
            case 2 -> Shape.of(s.dim(1));
            case 3 -> Shape.of(s.dim(0), 1);
            default -> Shape.of(1, s.dim(1));
        };
    }

    // ---------------------------------------------------------------- the catalogue

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        unary(c, "neg", -2, 2, Tensor::neg);
        unary(c, "exp", -2, 2, Tensor::exp);
        unary(c, "log", 0.5, 3, Tensor::log);
        unary(c, "log1p", -0.5, 2, Tensor::log1p);
        unary(c, "expm1", -2, 2, Tensor::expm1);
        unary(c, "sqrt", 0.5, 3, Tensor::sqrt);
        unary(c, "square", -2, 2, Tensor::square);
        unary(c, "reciprocal", 0.5, 3, Tensor::reciprocal);
        unary(c, "tanh", -2, 2, Tensor::tanh);
        unary(c, "sigmoid", -3, 3, Tensor::sigmoid);
        unary(c, "softplus", -3, 3, Tensor::softplus);
        unary(c, "sin", -3, 3, Tensor::sin);
        unary(c, "cos", -3, 3, Tensor::cos);
        unary(c, "pow(3)", -2, 2, x -> x.pow(3));
        unary(c, "pow(0.5)", 0.5, 3, x -> x.pow(0.5));
        unary(c, "pow(-1.5)", 0.5, 3, x -> x.pow(-1.5));
        unary(c, "affine", -2, 2, x -> x.affine(2.5, -1));
        unary(c, "add(double)", -2, 2, x -> x.add(1.5));
        unary(c, "sub(double)", -2, 2, x -> x.sub(0.25));
        unary(c, "mul(double)", -2, 2, x -> x.mul(-0.7));
        unary(c, "div(double)", -2, 2, x -> x.div(3));
        c.add(new Named("abs", (b, r) -> new Instance(awayFromZero(b, anyShape(r), 0.2, 2, r), Tensor::abs)));
        c.add(new Named("relu", (b, r) -> new Instance(awayFromZero(b, anyShape(r), 0.2, 2, r), Tensor::relu)));
        c.add(new Named("to(float64)", (b, r) -> new Instance(uniform(b, anyShape(r), -2, 2, r),
                x -> x.to(org.bilevel4j.api.tensor.types.DType.FLOAT64).square())));

        // element-wise binary, each argument in turn, with broadcasting, and both arguments equal to x
        binary(c, "add", -2, 2, -2, 2, Tensor::add);
        binary(c, "sub", -2, 2, -2, 2, Tensor::sub);
        binary(c, "mul", -2, 2, -2, 2, Tensor::mul);
        binary(c, "div", -2, 2, 0.5, 2, Tensor::div);
        c.add(new Named("maximum(x, c)", (b, r) -> {
            Shape s = anyShape(r);
            Tensor x = awayFromZero(b, s, 0.2, 2, r);
            return new Instance(x, t -> t.maximum(b.zeros(broadcastPartner(s, r))));
        }));
        c.add(new Named("minimum(c, x)", (b, r) -> {
            Shape s = anyShape(r);
            Tensor x = awayFromZero(b, s, 0.2, 2, r);
            return new Instance(x, t -> b.zeros(broadcastPartner(s, r)).minimum(t));
        }));
        c.add(new Named("x*x/(x^2+1)", (b, r) -> new Instance(uniform(b, anyShape(r), -2, 2, r),
                x -> x.mul(x).div(x.square().add(1)))));

        // linear algebra
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                c.add(new Named("matmul(x, C, " + ta + ", " + tb + ")", (b, r) -> {
                    int m = 1 + r.nextInt(4);
                    int k = 1 + r.nextInt(4);
                    int n = 1 + r.nextInt(4);
                    Tensor x = uniform(b, ta ? Shape.of(k, m) : Shape.of(m, k), -1, 1, r);
                    Tensor cst = uniform(b, tb ? Shape.of(n, k) : Shape.of(k, n), -1, 1, r);
                    return new Instance(x, t -> t.matmul(cst, ta, tb).tanh());
                }));
                c.add(new Named("matmul(C, x, " + ta + ", " + tb + ")", (b, r) -> {
                    int m = 1 + r.nextInt(4);
                    int k = 1 + r.nextInt(4);
                    int n = 1 + r.nextInt(4);
                    Tensor cst = uniform(b, ta ? Shape.of(k, m) : Shape.of(m, k), -1, 1, r);
                    Tensor x = uniform(b, tb ? Shape.of(n, k) : Shape.of(k, n), -1, 1, r);
                    return new Instance(x, t -> cst.matmul(t, ta, tb).sin());
                }));
            }
        }
        c.add(new Named("matmul(x, x^T)", (b, r) -> new Instance(uniform(b, matrixShape(r), -1, 1, r),
                x -> x.matmul(x, false, true).tanh())));
        c.add(new Named("matrix-vector", (b, r) -> {
            int m = 1 + r.nextInt(4);
            int k = 1 + r.nextInt(4);
            Tensor a = uniform(b, Shape.of(m, k), -1, 1, r);
            return new Instance(uniform(b, Shape.of(k), -1, 1, r), x -> a.matmul(x).square());
        }));
        c.add(new Named("vector-matrix", (b, r) -> {
            int m = 1 + r.nextInt(4);
            int k = 1 + r.nextInt(4);
            Tensor a = uniform(b, Shape.of(m, k), -1, 1, r);
            return new Instance(uniform(b, Shape.of(m), -1, 1, r), x -> x.matmul(a).exp());
        }));
        c.add(new Named("vector-vector matmul", (b, r) -> {
            Tensor y = uniform(b, Shape.of(3), -1, 1, r);
            return new Instance(uniform(b, Shape.of(3), -1, 1, r), x -> x.matmul(y).mul(x.sum()));
        }));
        c.add(new Named("transpose", (b, r) -> new Instance(uniform(b, matrixShape(r), -1, 1, r),
                x -> x.transpose().exp())));
        c.add(new Named("dot", (b, r) -> {
            Shape s = anyShape(r);
            Tensor y = uniform(b, s, -1, 1, r);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.dot(y).mul(x.dot(x)));
        }));
        c.add(new Named("norm", (b, r) -> new Instance(uniform(b, anyShape(r), 0.5, 2, r), Tensor::norm)));
        c.add(new Named("solve(x, C)", (b, r) -> {
            int n = 1 + r.nextInt(4);
            Tensor base = b.identity(n).mul(3);
            Tensor rhs = uniform(b, r.nextBoolean() ? Shape.of(n) : Shape.of(n, 2), -1, 1, r);
            return new Instance(uniform(b, Shape.of(n, n), -0.5, 0.5, r), x -> base.add(x).solve(rhs));
        }));
        c.add(new Named("solve(C, x)", (b, r) -> {
            int n = 1 + r.nextInt(4);
            Tensor a = b.identity(n).mul(3).add(uniform(b, Shape.of(n, n), -0.5, 0.5, r));
            return new Instance(uniform(b, r.nextBoolean() ? Shape.of(n) : Shape.of(n, 3), -1, 1, r),
                    x -> a.solve(x).square());
        }));

        // the fused loss of a linear model, in each argument, and its gradient in w (third derivatives in the
        // Hessian-vector product check)
        for (LinearModelLoss loss : LinearModelLoss.values()) {
            for (int arg = 0; arg < 4; arg++) {
                int which = arg;
                c.add(new Named("linearModelLoss " + loss + " in " + "Xwcb".charAt(arg), (b, r) -> {
                    int n = 1 + r.nextInt(5);
                    int d = 1 + r.nextInt(4);
                    Tensor[] in = {uniform(b, Shape.of(n, d), -1, 1, r), uniform(b, Shape.of(d), -1, 1, r),
                        uniform(b, Shape.of(n), -1.5, 1.5, r), uniform(b, Shape.of(n), -0.5, 0.5, r)};
                    return new Instance(in[which], x -> {
                        Tensor[] a = in.clone();
                        a[which] = x;
                        return a[0].linearModelLoss(loss, a[1], a[2], a[3]);
                    });
                }));
            }
            c.add(new Named("linearModelLoss " + loss + " gradient in w", (b, r) -> {
                int n = 1 + r.nextInt(5);
                int d = 1 + r.nextInt(4);
                Tensor x = uniform(b, Shape.of(n, d), -1, 1, r);
                Tensor scale = uniform(b, Shape.of(n), -1.5, 1.5, r);
                return new Instance(uniform(b, Shape.of(d), -1, 1, r),
                        w -> Autodiff.grad(p -> x.linearModelLoss(loss, p, scale), w));
            }));
        }

        // reductions
        c.add(new Named("sum", (b, r) -> new Instance(uniform(b, anyShape(r), -1, 1, r), x -> x.sum().square())));
        c.add(new Named("sum(axis)", (b, r) -> {
            Shape s = matrixShape(r);
            int axis = r.nextInt(2);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.sum(axis).square());
        }));
        c.add(new Named("sum(axis, keepDims)", (b, r) -> {
            Shape s = matrixShape(r);
            int axis = r.nextInt(2);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.sum(axis, true).mul(x));
        }));
        c.add(new Named("mean", (b, r) -> new Instance(uniform(b, anyShape(r), -1, 1, r), x -> x.mean().exp())));
        c.add(new Named("mean(axis)", (b, r) -> {
            int axis = r.nextInt(2);
            return new Instance(uniform(b, matrixShape(r), -1, 1, r), x -> x.mean(axis).square());
        }));
        c.add(new Named("max", (b, r) -> new Instance(distinct(b, anyShape(r), r), x -> x.max().square())));
        c.add(new Named("max(axis)", (b, r) -> {
            int axis = r.nextInt(2);
            return new Instance(distinct(b, matrixShape(r), r), x -> x.max(axis).square());
        }));
        c.add(new Named("min", (b, r) -> new Instance(distinct(b, anyShape(r), r), x -> x.min().exp())));
        c.add(new Named("min(axis)", (b, r) -> {
            int axis = r.nextInt(2);
            return new Instance(distinct(b, matrixShape(r), r), x -> x.min(axis).exp());
        }));
        c.add(new Named("logSumExp", (b, r) -> new Instance(uniform(b, anyShape(r), -2, 2, r), Tensor::logSumExp)));
        c.add(new Named("logSumExp(axis)", (b, r) -> {
            int axis = r.nextInt(2);
            return new Instance(uniform(b, matrixShape(r), -2, 2, r), x -> x.logSumExp(axis));
        }));
        c.add(new Named("softmax(1)", (b, r) -> new Instance(uniform(b, matrixShape(r), -2, 2, r),
                x -> x.softmax(1))));
        c.add(new Named("logSoftmax(0)", (b, r) -> new Instance(uniform(b, matrixShape(r), -2, 2, r),
                x -> x.logSoftmax(0))));
        c.add(new Named("softmaxCrossEntropy(probabilities)", (b, r) -> {
            Shape s = matrixShape(r);
            Tensor labels = uniform(b, s, 0.1, 1, r);
            Tensor p = labels.div(labels.sum(1, true));
            return new Instance(uniform(b, s, -2, 2, r), x -> x.softmaxCrossEntropy(p));
        }));
        c.add(new Named("softmaxCrossEntropy(classes)", (b, r) -> {
            Shape s = matrixShape(r);
            int[] classes = r.ints(s.dim(0), 0, s.dim(1)).toArray();
            return new Instance(uniform(b, s, -2, 2, r), x -> x.softmaxCrossEntropy(classes));
        }));

        // moving values
        c.add(new Named("reshape", (b, r) -> {
            Shape s = matrixShape(r);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.reshape(s.size()).exp().reshape(s.dim(1), s.dim(0)));
        }));
        c.add(new Named("broadcastTo", (b, r) -> {
            int n = 1 + r.nextInt(4);
            return new Instance(uniform(b, Shape.of(n), -1, 1, r), x -> x.broadcastTo(Shape.of(3, n)).sin());
        }));
        c.add(new Named("slice", (b, r) -> {
            Shape s = Shape.of(2 + r.nextInt(3), 2 + r.nextInt(3));
            int axis = r.nextInt(2);
            int start = r.nextInt(s.dim(axis) - 1);
            int end = start + 1 + r.nextInt(s.dim(axis) - start);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.slice(axis, start, end).square());
        }));
        c.add(new Named("pad", (b, r) -> {
            Shape s = matrixShape(r);
            int axis = r.nextInt(2);
            int[] d = s.dims();
            d[axis] += 3;
            Shape target = Shape.of(d);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.pad(axis, 1, target).exp());
        }));
        c.add(new Named("gather", (b, r) -> {
            Shape s = r.nextBoolean() ? Shape.of(1 + r.nextInt(4)) : matrixShape(r);
            int[] idx = r.ints(5, 0, s.dim(0)).toArray();
            return new Instance(uniform(b, s, -1, 1, r), x -> x.gather(idx).square());
        }));
        c.add(new Named("scatterAdd", (b, r) -> {
            Shape s = r.nextBoolean() ? Shape.of(1 + r.nextInt(4)) : matrixShape(r);
            int[] idx = r.ints(s.dim(0), 0, 3).toArray();
            int[] d = s.dims();
            d[0] = 3;
            Shape target = Shape.of(d);
            return new Instance(uniform(b, s, -1, 1, r), x -> x.scatterAdd(idx, target).sin());
        }));
        c.add(new Named("concat", (b, r) -> {
            Shape s = matrixShape(r);
            int axis = r.nextInt(2);
            Tensor other = uniform(b, s, -1, 1, r);
            return new Instance(uniform(b, s, -1, 1, r), x -> Tensor.concat(axis, x, other, x.square()).tanh());
        }));
        c.add(new Named("where", (b, r) -> {
            Shape s = anyShape(r);
            Tensor mask = uniform(b, s, -1, 1, r).gt(b.scalar(0));
            Tensor other = uniform(b, s, -1, 1, r);
            return new Instance(uniform(b, s, -1, 1, r),
                    x -> Tensor.where(mask, x.exp(), other.mul(x)));
        }));
        return c;
    }

    private static void unary(List<Case> c, String name, double lo, double hi, UnaryOperator<Tensor> op) {
        c.add(new Named(name, (b, r) -> new Instance(uniform(b, anyShape(r), lo, hi, r), op)));
    }

    private interface BinaryTensorOp {
        Tensor apply(Tensor a, Tensor b);
    }

    private static void binary(List<Case> c, String name, double alo, double ahi, double blo, double bhi,
            BinaryTensorOp op) {
        c.add(new Named(name + "(x, c)", (b, r) -> {
            Shape s = anyShape(r);
            Tensor y = uniform(b, broadcastPartner(s, r), blo, bhi, r);
            return new Instance(uniform(b, s, alo, ahi, r), x -> op.apply(x, y).square());
        }));
        c.add(new Named(name + "(c, x)", (b, r) -> {
            Shape s = anyShape(r);
            Tensor a = uniform(b, s, alo, ahi, r);
            return new Instance(uniform(b, broadcastPartner(s, r), blo, bhi, r), x -> op.apply(a, x).square());
        }));
        c.add(new Named(name + "(x, x)", (b, r) -> new Instance(uniform(b, anyShape(r), Math.max(alo, blo),
                Math.min(ahi, bhi), r), x -> op.apply(x, x).exp())));
    }
}
