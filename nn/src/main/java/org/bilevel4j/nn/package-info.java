/**
 * Neural-network building blocks on the tensor API: layers ({@link org.bilevel4j.nn.Dense},
 * {@link org.bilevel4j.nn.Activation}, {@link org.bilevel4j.nn.LayerNorm},
 * {@link org.bilevel4j.nn.SpectralNormDense}), initialisers, the {@link org.bilevel4j.nn.Mlp} builder, and
 * {@link org.bilevel4j.nn.Network}s whose parameters are packed into one flat vector
 * ({@link org.bilevel4j.nn.ParameterLayout}), so that an estimator that sees one tensor can differentiate through
 * a whole network; {@link org.bilevel4j.nn.Adam} and {@link org.bilevel4j.nn.Sgd} on that vector; seeded
 * {@link org.bilevel4j.nn.Minibatches}; a minimal {@link org.bilevel4j.nn.Training} loop.
 */
package org.bilevel4j.nn;
