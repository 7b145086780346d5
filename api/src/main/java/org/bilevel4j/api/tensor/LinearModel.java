package org.bilevel4j.api.tensor;

import java.util.Arrays;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.LinearModelLoss;

/**
 * The fused loss of a linear model, S = Σᵢ φ(aᵢ) with a = c ⊙ (X w) + b, as three primitives whose vector-Jacobian
 * products chain: the loss, its gradient in w, G = Xᵀ(c ⊙ φ′(a)), and the Hessian-vector product
 * H v = Xᵀ(c² ⊙ φ″(a) ⊙ X v). The derivatives in w (and in v) are the fused kernels again, each one pass over X;
 * the derivatives in X, c and b, and those of third order in w, are composed of ordinary recorded operations, so
 * every order is available.
 *
 * <p>When w is traced, the loss's kernel computes the gradient in the same pass as the value and keeps it,
 * so a gradient taken right after (the backward pass of {@code Autodiff.grad}) costs no second pass.
 *
 * <p>Inputs of each primitive: X, w, c, then b when there is an offset, then v for the Hessian-vector product.
 * Recorded for float64 on backends with {@link org.bilevel4j.api.backend.Capability#FUSED_LINEAR_MODEL}; elsewhere
 * {@link #composed} records the composition, whose backward pass reuses the forward pass's per-sample values
 * (the primitives' Hessian-vector product recomputes X w, which only pays when it shares the pass over X).
 */
final class LinearModel {
    private LinearModel() {
    }

    /**
     * @param offset whether b is among the inputs
     * @param in     X, w, c and b (if {@code offset}), validated
     * @return the loss, recorded
     */
    static Tensor loss(LinearModelLoss phi, boolean offset, Tensor... in) {
        // the gradient in w is kept for a backward pass only if there can be one that asks for it
        return Recorder.apply(new Loss(phi, offset, in[1].isTraced()), in);
    }

    /** The same loss as the composition of ordinary operations, for backends without fused kernels. */
    static Tensor composed(LinearModelLoss phi, Tensor x, Tensor w, Tensor c, Tensor b) {
        Tensor a = x.matmul(w).mul(c);
        if (b != null) {
            a = a.add(b);
        }
        return switch (phi) {
            case LOGISTIC -> a.softplus().sum();
            case SQUARED -> a.square().mul(0.5).sum();
        };
    }

    /** φ′(a), element-wise, with recorded operations (differentiable again). */
    private static Tensor first(LinearModelLoss phi, Tensor a) {
        return switch (phi) {
            case LOGISTIC -> a.sigmoid();
            case SQUARED -> a;
        };
    }

    /** φ″(a), element-wise, with recorded operations. */
    private static Tensor second(LinearModelLoss phi, Tensor a) {
        return switch (phi) {
            case LOGISTIC -> {
                Tensor s = a.sigmoid();
                yield s.mul(s.affine(-1, 1));
            }
            case SQUARED -> a.backend().full(a.shape(), a.dtype(), 1.0);
        };
    }

    /** φ‴(a), element-wise, with recorded operations. */
    private static Tensor third(LinearModelLoss phi, Tensor a) {
        return switch (phi) {
            case LOGISTIC -> {
                Tensor s = a.sigmoid();
                yield s.mul(s.affine(-1, 1)).mul(s.affine(-2, 1));
            }
            case SQUARED -> a.backend().zeros(a.shape(), a.dtype());
        };
    }

    private static Storage offset(Storage[] in, boolean offset) {
        return offset ? in[3] : null;
    }

    /** The quantities of the composed derivatives, as recorded tensors. */
    private static final class Parts {
        final Tensor x;
        final Tensor w;
        final Tensor c;
        final Tensor b;
        final Tensor z;
        final Tensor a;

        Parts(Tensor[] in, boolean offset) {
            x = in[0];
            w = in[1];
            c = in[2];
            b = offset ? in[3] : null;
            z = x.matmul(w);
            a = b == null ? z.mul(c) : z.mul(c).add(b);
        }

        /** u ⊗ v, n×d. */
        static Tensor outer(Tensor u, Tensor v) {
            return u.reshape(u.size(), 1).matmul(v.reshape(1, v.size()));
        }
    }

    /** S = Σᵢ φ(aᵢ). */
    private static final class Loss extends Primitive {
        private final LinearModelLoss phi;
        private final boolean offset;
        private final boolean fuse;
        /** What the forward pass computed with the value when {@link #fuse}: inputs then gradient. */
        private volatile Storage[] kept;

        Loss(LinearModelLoss phi, boolean offset, boolean fuse) {
            super("linearModelLoss");
            this.phi = phi;
            this.offset = offset;
            this.fuse = fuse;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            Storage[] r = k.linearModelLoss(phi, in[0], in[1], in[2], offset(in, offset), fuse);
            if (fuse) {
                kept = new Storage[] {in[0], in[1], in[2], offset(in, offset), r[1]};
            }
            return r[0];
        }

        /** @return the gradient computed with the value from exactly these inputs, or null */
        Storage keptGradient(Storage[] in) {
            Storage[] s = kept;
            if (s == null || s[0] != in[0] || s[1] != in[1] || s[2] != in[2] || s[3] != offset(in, offset)) {
                return null;
            }
            return s[4];
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor[] g = new Tensor[in.length];
            if (need[1]) {
                g[1] = Recorder.apply(new Gradient(phi, offset, this), in).mul(ct);
            }
            if (need[0] || need[2] || (offset && need[3])) {
                Parts p = new Parts(in, offset);
                Tensor r = first(phi, p.a).mul(ct);
                if (need[0]) {
                    g[0] = Parts.outer(r.mul(p.c), p.w);
                }
                if (need[2]) {
                    g[2] = r.mul(p.z);
                }
                if (offset && need[3]) {
                    g[3] = r;
                }
            }
            return g;
        }
    }

    /** G = Xᵀ(c ⊙ φ′(a)), the gradient of S in w. */
    private static final class Gradient extends Primitive {
        private final LinearModelLoss phi;
        private final boolean offset;
        /** The loss this is the gradient of, whose forward pass may have computed it already. */
        private final Loss source;

        Gradient(LinearModelLoss phi, boolean offset, Loss source) {
            super("linearModelGradient");
            this.phi = phi;
            this.offset = offset;
            this.source = source;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            Storage kept = source.keptGradient(in);
            return kept != null ? kept : k.linearModelLoss(phi, in[0], in[1], in[2], offset(in, offset), true)[1];
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            Tensor[] g = new Tensor[in.length];
            if (need[1]) {
                g[1] = hvp(phi, offset, in, ct);
            }
            if (need[0] || need[2] || (offset && need[3])) {
                Parts p = new Parts(in, offset);
                Tensor q = p.x.matmul(ct);
                Tensor slope = first(phi, p.a);
                Tensor cmq = p.c.mul(second(phi, p.a)).mul(q);
                if (need[0]) {
                    g[0] = Parts.outer(p.c.mul(slope), ct).add(Parts.outer(cmq.mul(p.c), p.w));
                }
                if (need[2]) {
                    g[2] = slope.mul(q).add(cmq.mul(p.z));
                }
                if (offset && need[3]) {
                    g[3] = cmq;
                }
            }
            return g;
        }
    }

    /** H v = Xᵀ(c² ⊙ φ″(a) ⊙ X v) applied to the inputs X, w, c, [b] and a direction v. */
    private static Tensor hvp(LinearModelLoss phi, boolean offset, Tensor[] in, Tensor v) {
        Tensor[] args = Arrays.copyOf(in, in.length + 1);
        args[in.length] = v;
        return Recorder.apply(new Hvp(phi, offset), args);
    }

    /** H v, the Hessian of S in w times v. */
    private static final class Hvp extends Primitive {
        private final LinearModelLoss phi;
        private final boolean offset;

        Hvp(LinearModelLoss phi, boolean offset) {
            super("linearModelHvp");
            this.phi = phi;
            this.offset = offset;
        }

        @Override
        Storage forward(Kernels k, Storage[] in) {
            return k.linearModelHvp(phi, in[0], in[1], in[2], offset(in, offset), in[in.length - 1]);
        }

        @Override
        Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
            int iv = in.length - 1;
            Tensor[] g = new Tensor[in.length];
            if (need[iv]) { // the Hessian is symmetric
                g[iv] = hvp(phi, offset, Arrays.copyOf(in, iv), ct);
            }
            if (need[0] || need[1] || need[2] || (offset && need[3])) {
                Parts p = new Parts(in, offset);
                Tensor v = in[iv];
                Tensor q = p.x.matmul(v);
                Tensor r = p.x.matmul(ct);
                Tensor cc = p.c.square();
                Tensor curvature = second(phi, p.a);
                // φ‴(a) ⊙ q ⊙ r: along a, the derivative of the curvature weight times the two projections
                Tensor base = third(phi, p.a).mul(q).mul(r);
                Tensor third = cc.mul(p.c).mul(base);
                if (need[1]) {
                    g[1] = p.x.matmul(third, true, false);
                }
                if (need[0]) {
                    Tensor weight = cc.mul(curvature);
                    g[0] = Parts.outer(weight.mul(q), ct).add(Parts.outer(weight.mul(r), v))
                            .add(Parts.outer(third, p.w));
                }
                if (need[2]) {
                    g[2] = p.c.mul(curvature).mul(q).mul(r).mul(2.0).add(cc.mul(base).mul(p.z));
                }
                if (offset && need[3]) {
                    g[3] = cc.mul(base);
                }
            }
            return g;
        }
    }
}
