/**
 * Reproduction of Figure 1 of Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient
 * Computation", ICML 2020: the four synthetic problems LR, KRR, BR and HR
 * exactly as the paper describes them, the experiment, and its command.
 */
package org.bilevel4j.apps.figure1;
