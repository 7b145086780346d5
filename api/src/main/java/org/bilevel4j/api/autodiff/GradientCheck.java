package org.bilevel4j.api.autodiff;

import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;

/**
 * Checks a claimed derivative (gradient, Hessian-vector product, VJP or JVP, hand-written or from autodiff)
 * against the function itself, in two independent ways:
 * <ol>
 *   <li><b>central finite differences</b> along a random unit direction u, with step
 *       h = ε^(1/3) max(1, ‖x‖) (the step that balances truncation and rounding error), accepted when
 *       the error is below the relative tolerance (default 1e-6 in float64, 1e-2 in float32) plus the rounding
 *       error of the difference quotient, 16ε(|F(x + hu)| + |F(x - hu)|)/(2h), which matters only when the
 *       derivative itself is close to zero;</li>
 *   <li>a <b>Taylor-remainder test</b>: r(h) = ‖F(x + hu) - F(x) - h D(u)‖ must shrink as h², i.e. with
 *       observed order about 2 over a sequence of halving steps (see {@link DerivativeCheck}).</li>
 * </ol>
 * A check passes when both agree. Directions and cotangents come from a seeded generator, so checks are
 * reproducible. Functions are called on concrete tensors only; arguments are not modified.
 *
 * <pre>{@code
 * GradientCheck.defaults().gradient(loss, myGradient, w).requirePassed();
 * }</pre>
 */
public final class GradientCheck {
    private static final int TAYLOR_STEPS = 10;

    private final long seed;
    private final double tolerance;

    private GradientCheck(long seed, double tolerance) {
        this.seed = seed;
        this.tolerance = tolerance;
    }

    /** @return a check with seed 0 and the default tolerance for the element type */
    public static GradientCheck defaults() {
        return new GradientCheck(0L, Double.NaN);
    }

    /** @param newSeed the seed of directions and cotangents @return a check with that seed */
    public GradientCheck withSeed(long newSeed) {
        return new GradientCheck(newSeed, tolerance);
    }

    /** @param relativeTolerance largest accepted relative error, in (0, 1) @return a check with that tolerance */
    public GradientCheck withTolerance(double relativeTolerance) {
        if (!(relativeTolerance > 0 && relativeTolerance < 1)) {
            throw new IllegalArgumentException("relativeTolerance: expected a value in (0, 1), got " + relativeTolerance);
        }
        return new GradientCheck(seed, relativeTolerance);
    }

    /**
     * @param f        a scalar function
     * @param gradient the claimed gradient x ↦ ∇f(x)
     * @param x        the point
     * @return the verdict
     */
    public DerivativeCheck gradient(UnaryOperator<Tensor> f, UnaryOperator<Tensor> gradient, Tensor x) {
        Tensor u = direction(x, 0);
        double claimed = gradient.apply(x).dotValue(u);
        return scalar("gradient", t -> f.apply(t).item(), claimed, x, u);
    }

    /**
     * @param f   a vector function
     * @param vjp the claimed VJP (x, c) ↦ J(x)ᵀc
     * @param x   the point
     * @return the verdict (checked as the gradient of ⟨c, f(x)⟩ for a random cotangent c)
     */
    public DerivativeCheck vjp(UnaryOperator<Tensor> f, BinaryOperator<Tensor> vjp, Tensor x) {
        Tensor u = direction(x, 0);
        Tensor c = direction(f.apply(x), 1);
        double claimed = vjp.apply(x, c).dotValue(u);
        return scalar("vjp", t -> f.apply(t).dotValue(c), claimed, x, u);
    }

    /**
     * @param f   a vector function
     * @param jvp the claimed JVP (x, u) ↦ J(x) u
     * @param x   the point
     * @return the verdict
     */
    public DerivativeCheck jvp(UnaryOperator<Tensor> f, BinaryOperator<Tensor> jvp, Tensor x) {
        Tensor u = direction(x, 0);
        return vector("jvp", f, jvp.apply(x, u), x, u);
    }

    /**
     * @param gradient the gradient x ↦ ∇f(x) (itself correct, e.g. checked first)
     * @param hvp      the claimed Hessian-vector product (x, v) ↦ ∇²f(x) v
     * @param x        the point
     * @return the verdict (checked as the JVP of the gradient)
     */
    public DerivativeCheck hvp(UnaryOperator<Tensor> gradient, BinaryOperator<Tensor> hvp, Tensor x) {
        Tensor u = direction(x, 0);
        return vector("hvp", gradient, hvp.apply(x, u), x, u);
    }

    // ---------------------------------------------------------------- internals

    private interface ScalarFunction {
        double apply(Tensor x);
    }

    private DerivativeCheck scalar(String what, ScalarFunction f, double claimed, Tensor x, Tensor u) {
        double eps = x.dtype().epsilon();
        double h = Math.cbrt(eps) * Math.max(1.0, x.normValue());
        double fPlus = f.apply(x.add(u.mul(h)));
        double fMinus = f.apply(x.sub(u.mul(h)));
        double fd = (fPlus - fMinus) / (2 * h);
        double rounding = 16 * eps * (Math.abs(fPlus) + Math.abs(fMinus)) / (2 * h);
        double f0 = f.apply(x);
        double[] steps = taylorSteps(x);
        double[] r = new double[steps.length];
        double[] floor = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            double fh = f.apply(x.add(u.mul(steps[i])));
            r[i] = Math.abs(fh - f0 - steps[i] * claimed);
            floor[i] = 64 * eps * (Math.abs(f0) + Math.abs(fh) + Math.abs(steps[i] * claimed));
        }
        return verdict(what, x.dtype(), claimed, fd, Math.abs(fd - claimed), rounding, h, steps, r, floor);
    }

    private DerivativeCheck vector(String what, UnaryOperator<Tensor> f, Tensor claimed, Tensor x, Tensor u) {
        double eps = x.dtype().epsilon();
        double h = Math.cbrt(eps) * Math.max(1.0, x.normValue());
        Tensor fPlus = f.apply(x.add(u.mul(h)));
        Tensor fMinus = f.apply(x.sub(u.mul(h)));
        Tensor fd = fPlus.sub(fMinus).div(2 * h);
        double rounding = 16 * eps * (fPlus.normValue() + fMinus.normValue()) / (2 * h);
        Tensor f0 = f.apply(x);
        double f0Norm = f0.normValue();
        double[] steps = taylorSteps(x);
        double[] r = new double[steps.length];
        double[] floor = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            Tensor fh = f.apply(x.add(u.mul(steps[i])));
            Tensor linear = claimed.mul(steps[i]);
            r[i] = fh.sub(f0).sub(linear).normValue();
            floor[i] = 64 * eps * (f0Norm + fh.normValue() + linear.normValue());
        }
        return verdict(what, x.dtype(), claimed.normValue(), fd.normValue(), fd.sub(claimed).normValue(), rounding, h,
                steps, r, floor);
    }

    private DerivativeCheck verdict(String what, DType dtype, double claimed, double fd, double error,
            double rounding, double h, double[] steps, double[] r, double[] floor) {
        double tol = Double.isNaN(tolerance) ? (dtype == DType.FLOAT32 ? 1e-2 : 1e-6) : tolerance;
        double[] orders = new double[steps.length - 1];
        int valid = 0;
        int good = 0;
        for (int i = 0; i + 1 < steps.length; i++) {
            boolean aboveFloor = r[i] > floor[i] && r[i + 1] > floor[i + 1];
            orders[i] = aboveFloor ? Math.log(r[i] / r[i + 1]) / Math.log(2) : Double.NaN;
            if (aboveFloor) {
                valid++;
                if (orders[i] > 1.7) {
                    good++;
                }
            }
        }
        // every remainder at rounding level means the linear model is exact to rounding; otherwise most orders ~2
        boolean taylorOk = valid == 0 || good * 2 > valid;
        double scale = Math.max(Math.abs(fd), Math.abs(claimed));
        boolean fdOk = error <= tol * scale + rounding;
        double rel = scale == 0 ? 0 : error / scale;
        return new DerivativeCheck(what, claimed, fd, rel, rounding, h, tol, steps, r, orders,
                fdOk && taylorOk && Double.isFinite(claimed));
    }

    private static double[] taylorSteps(Tensor x) {
        double h0 = 1e-2 * Math.max(1.0, x.normValue());
        double[] steps = new double[TAYLOR_STEPS];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = h0 / (1L << i);
        }
        return steps;
    }

    /** A random unit-norm tensor shaped like {@code like}. */
    private Tensor direction(Tensor like, int stream) {
        Tensor d = like.backend().randomNormal(like.shape(), like.dtype(), new SplittableRandom(seed * 31 + stream));
        double n = d.normValue();
        return n == 0 ? d : d.div(n);
    }
}
