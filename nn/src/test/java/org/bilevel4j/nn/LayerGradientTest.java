package org.bilevel4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.DerivativeCheck;
import org.bilevel4j.api.autodiff.GradientCheck;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every layer's reverse-mode derivatives, with respect to its parameters and to its input, against central finite
 * differences and the Taylor-remainder test of {@link GradientCheck}, at several seeded points.
 */
class LayerGradientTest {
    static final Backend B = Backends.get("ejml");

    /** A batch whose entries are bounded away from 0 (|x| in [0.3, 1.3]), so that ReLU kinks are not crossed. */
    static Tensor batch(int n, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[n * d];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rng.nextBoolean() ? 1 : -1) * (0.3 + rng.nextDouble());
        }
        return B.fromArray(v, Shape.of(n, d));
    }

    static void checkNetwork(Network net, long seed) {
        Tensor theta = net.initialParameters(B, seed);
        Tensor x = batch(5, net.inputDimension(), seed + 100);
        UnaryOperator<Tensor> inTheta = t -> net.forward(t, x);
        UnaryOperator<Tensor> inX = z -> net.forward(theta, z);
        for (long s = 0; s < 3; s++) {
            DerivativeCheck c1 = GradientCheck.defaults().withSeed(s)
                    .vjp(inTheta, (t, c) -> Autodiff.vjp(inTheta, t, c), theta).requirePassed();
            DerivativeCheck c2 = GradientCheck.defaults().withSeed(s)
                    .vjp(inX, (z, c) -> Autodiff.vjp(inX, z, c), x).requirePassed();
            assertTrue(c1.relativeError() < 1e-6 && c2.relativeError() < 1e-6, c1 + " / " + c2);
        }
    }

    @Test
    void denseWithAndWithoutBias() {
        checkNetwork(new Network(List.of(new Dense(4, 3, true, Initializer.kaiming(1)))), 1);
        checkNetwork(new Network(List.of(new Dense(4, 3, false, Initializer.orthogonal(1)))), 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RELU", "TANH", "SOFTPLUS", "IDENTITY"})
    void activations(String kind) {
        // the activation directly on the bounded-away-from-zero batch, then behind a dense layer (smooth kinds only)
        Activation a = new Activation(Activation.Kind.valueOf(kind), 4);
        Tensor x = batch(6, 4, 7);
        UnaryOperator<Tensor> f = z -> a.forward(name -> null, z);
        GradientCheck.defaults().vjp(f, (z, c) -> Autodiff.vjp(f, z, c), x).requirePassed();
        if (!kind.equals("RELU")) {
            checkNetwork(new Network(List.of(Dense.of(3, 4), a)), 3);
        }
    }

    @Test
    void reluDerivativeIsTheStepFunction() {
        Tensor x = batch(4, 3, 11);
        Tensor g = Autodiff.grad(z -> z.relu().sum(), x);
        double[] xv = x.toDoubleArray();
        double[] gv = g.toDoubleArray();
        for (int i = 0; i < xv.length; i++) {
            assertEquals(xv[i] > 0 ? 1.0 : 0.0, gv[i], 0.0);
        }
    }

    @Test
    void layerNormAffineAndPlain() {
        checkNetwork(new Network(List.of(Dense.of(3, 5), LayerNorm.of(5))), 4);
        checkNetwork(new Network(List.of(Dense.of(3, 5), new LayerNorm(5, 1e-5, false))), 5);
    }

    @Test
    void layerNormOutputRowsHaveZeroMeanAndUnitVariance() {
        LayerNorm ln = new LayerNorm(6, 1e-12, false);
        Tensor y = ln.forward(name -> null, batch(4, 6, 3));
        for (int i = 0; i < 4; i++) {
            double m = 0;
            double s = 0;
            for (int j = 0; j < 6; j++) {
                m += y.get(i, j) / 6;
            }
            for (int j = 0; j < 6; j++) {
                s += (y.get(i, j) - m) * (y.get(i, j) - m) / 6;
            }
            assertEquals(0, m, 1e-12);
            assertEquals(1, s, 1e-9);
        }
    }

    @Test
    void spectralNormLayer() {
        checkNetwork(new Network(List.of(new SpectralNormDense(Dense.of(4, 3), 1, 0))), 6);
        checkNetwork(new Network(List.of(new SpectralNormDense(Dense.of(4, 3), 5, 1))), 7);
    }

    @Test
    void fullSmoothMlp() {
        Network net = Mlp.input(3).spectralDense(8).activation(Activation.Kind.SOFTPLUS).layerNorm().dense(6)
                .activation(Activation.Kind.TANH).dense(2).build();
        checkNetwork(net, 8);
    }

    @Test
    void parameterGradientOfALossComesBackPackedLikeTheta() {
        Network net = Mlp.of(2, new int[] {4}, 1, Activation.Kind.TANH);
        Tensor theta = net.initialParameters(B, 3);
        Tensor x = batch(7, 2, 4);
        UnaryOperator<Tensor> loss = t -> net.forward(t, x).square().mean();
        GradientCheck.defaults().gradient(loss, t -> Autodiff.grad(loss, t), theta).requirePassed();
        // d loss / d bias of the output layer = mean of 2 h(x) over the batch, read from its packed position
        Tensor g = Autodiff.grad(loss, theta);
        double expected = net.forward(theta, x).mul(2).mean().item();
        assertEquals(expected, net.layout().view(g, "2.bias").item(), 1e-14);
    }
}
