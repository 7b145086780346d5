/**
 * Bilevel problems in the two forms of the papers: fixed-point form (outer objective E, inner map Φ;
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020)
 * and optimization form (outer objective f, inner objective g with a derived gradient-step map).
 */
package org.bilevel4j.api.problem;
