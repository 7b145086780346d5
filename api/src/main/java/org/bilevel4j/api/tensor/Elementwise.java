package org.bilevel4j.api.tensor;

import java.util.EnumMap;
import java.util.Map;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/** Element-wise primitives and their vector-Jacobian products. */
final class Elementwise {
    private Elementwise() {
    }

    private static final Map<UnaryOp, Primitive> UNARY = new EnumMap<>(UnaryOp.class);
    private static final Map<BinaryOp, Primitive> BINARY = new EnumMap<>(BinaryOp.class);

    static {
        for (UnaryOp op : UnaryOp.values()) {
            UNARY.put(op, new Unary(op));
        }
        for (BinaryOp op : BinaryOp.values()) {
            BINARY.put(op, new Binary(op));
        }
    }

    static Primitive unary(UnaryOp op) {
        return UNARY.get(op);
    }

    static Primitive binary(BinaryOp op) {
        return BINARY.get(op);
    }

    /**
     * Sums a broadcast cotangent back to the shape of the operand that was broadcast (the adjoint of
     * broadcasting).
     */
    static Tensor sumTo(Tensor g, Shape target) {
        Shape gs = g.shape();
        if (gs.equals(target)) {
            return g;
        }
        Tensor m = gs.rank() == 2 ? g : g.reshape(Shape.of(gs.rows(), gs.cols()));
        if (target.rows() == 1 && gs.rows() > 1) {
            m = m.sum(0, true);
        }
        if (target.cols() == 1 && gs.cols() > 1) {
            m = m.sum(1, true);
        }
        return m.reshape(target);
    }

    private static final class Unary extends Primitive {
        private final UnaryOp op;

        Unary(UnaryOp op) {
            super(op.name().toLowerCase(java.util.Locale.ROOT));
            this.op = op;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.unary(op, in[0]);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor x = in[0];
            Tensor g = switch (op) {
                case NEG -> ct.neg();
                case EXP -> ct.mul(out);
                case LOG -> ct.div(x);
                case LOG1P -> ct.div(x.add(1.0));
                case EXPM1 -> ct.mul(out.add(1.0));
                case SQRT -> ct.div(out.mul(2.0));
                case SQUARE -> ct.mul(x.mul(2.0));
                case RECIPROCAL -> ct.mul(out.square()).neg();
                case ABS -> ct.mul(x.sign());
                case TANH -> ct.mul(out.square().neg().add(1.0));
                case SIGMOID -> ct.mul(out.mul(out.neg().add(1.0)));
                case RELU -> ct.mul(x.step());
                case SOFTPLUS -> ct.mul(x.sigmoid());
                case SIN -> ct.mul(x.cos());
                case COS -> ct.mul(x.sin()).neg();
                case SIGN, STEP -> throw new IllegalStateException(op + " is piecewise constant and never recorded");
            };
            return new Tensor[] {g};
        }
    }

    private static final class Binary extends Primitive {
        private final BinaryOp op;

        Binary(BinaryOp op) {
            super(op.name().toLowerCase(java.util.Locale.ROOT));
            this.op = op;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.binary(op, in[0], in[1], Shape.broadcast(name(), in[0].shape(), in[1].shape()));
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor a = in[0];
            Tensor b = in[1];
            Tensor ga = null;
            Tensor gb = null;
            switch (op) {
                case ADD -> {
                    ga = need[0] ? ct : null;
                    gb = need[1] ? ct : null;
                }
                case SUB -> {
                    ga = need[0] ? ct : null;
                    gb = need[1] ? ct.neg() : null;
                }
                case MUL -> {
                    ga = need[0] ? ct.mul(b) : null;
                    gb = need[1] ? ct.mul(a) : null;
                }
                case DIV -> {
                    ga = need[0] ? ct.div(b) : null;
                    gb = need[1] ? ct.mul(out).div(b).neg() : null;
                }
                case MAX, MIN -> {
                    Tensor mask = op == BinaryOp.MAX ? a.ge(b) : a.le(b);
                    ga = need[0] ? ct.mul(mask) : null;
                    gb = need[1] ? ct.mul(mask.neg().add(1.0)) : null;
                }
                default -> throw new IllegalStateException(op + " is a comparison and never recorded");
            }
            return new Tensor[] {
                ga == null ? null : sumTo(ga, a.shape()), gb == null ? null : sumTo(gb, b.shape())
            };
        }
    }

    /** {@code scale * x + shift}. */
    static final class Affine extends Primitive {
        private final double scale;
        private final double shift;

        Affine(double scale, double shift) {
            super("affine");
            this.scale = scale;
            this.shift = shift;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.affine(in[0], scale, shift);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {scale == 1.0 ? ct : ct.mul(scale)};
        }
    }

    /** {@code x^p} for a real constant p. */
    static final class Pow extends Primitive {
        private final double exponent;

        Pow(double exponent) {
            super("pow");
            this.exponent = exponent;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.pow(in[0], exponent);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor d = exponent == 2.0 ? in[0].mul(2.0) : in[0].pow(exponent - 1.0).mul(exponent);
            return new Tensor[] {ct.mul(d)};
        }
    }

    /** {@code mask != 0 ? a : b}; the mask is constant. */
    static final class Where extends Primitive {
        static final Where INSTANCE = new Where();

        private Where() {
            super("where");
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            Shape s = Shape.broadcast("where", Shape.broadcast("where", in[0].shape(), in[1].shape()), in[2].shape());
            return k.where(in[0], in[1], in[2], s);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor mask = in[0];
            Tensor zero = ct.backend().zeros(Shape.scalar(), ct.dtype());
            return new Tensor[] {
                null,
                need[1] ? sumTo(Tensor.where(mask, ct, zero), in[1].shape()) : null,
                need[2] ? sumTo(Tensor.where(mask, zero, ct), in[2].shape()) : null
            };
        }
    }

    /** Conversion between float32 and float64. */
    static final class Cast extends Primitive {
        private final DType dtype;

        Cast(DType dtype) {
            super("cast");
            this.dtype = dtype;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.cast(in[0], dtype);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            return new Tensor[] {ct.to(in[0].dtype())};
        }
    }
}
