package org.bilevel4j.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * A 1-32-32-1 tanh MLP fits y = sin(πx) on 200 points of [-1, 1] with Adam on minibatches of 50: the full-data
 * mean squared error falls from the initial value (about ½, the variance of sin(πx)) below 5e-4 (measured: 0.42 → 5.8e-5).
 */
class MlpRegressionTest {
    static final Backend B = LayerGradientTest.B;

    @Test
    void smallMlpRegressionTrainsToTheStatedLoss() {
        int n = 200;
        SplittableRandom rng = new SplittableRandom(1);
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -1 + 2 * rng.nextDouble();
            ys[i] = Math.sin(Math.PI * xs[i]);
        }
        Tensor x = B.fromArray(xs, Shape.of(n, 1));
        Tensor y = B.fromArray(ys, Shape.of(n, 1));
        Network net = Mlp.of(1, new int[] {32, 32}, 1, Activation.Kind.TANH);
        Tensor theta0 = net.initialParameters(B, 7);
        double initial = net.forward(theta0, x).sub(y).square().mean().item();
        Minibatches batches = new Minibatches(n, 50, 3);
        Training.Result r = Training.minimize(t -> {
            int[] idx = batches.next();
            Tensor xb = x.gather(idx);
            Tensor yb = y.gather(idx);
            return th -> net.forward(th, xb).sub(yb).square().mean();
        }, theta0, Adam.of(1e-2), 1500);
        assertFalse(r.diverged());
        double mse = net.forward(r.params(), x).sub(y).square().mean().item();
        assertTrue(initial > 0.1, "initial MSE " + initial);
        assertTrue(mse < 5e-4, "final full-data MSE " + mse + " (initial " + initial + ")");
    }
}
