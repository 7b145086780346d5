/**
 * The test kit: bilevel problems with closed-form solutions and exactly known constants (the catalogue of seed
 * 004's digest, §3.1: affine contractions, per-coordinate ridge, tanh equilibrium maps, biased regularisation,
 * logistic regression), and the small dense linear algebra used to build them.
 */
package org.bilevel4j.theory.testkit;
