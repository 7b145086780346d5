/** Equilibrium models on Fashion-MNIST (Grazzi et al., ICML 2020, Figure 2): the problem and the command. */
package org.bilevel4j.apps.equilibrium;
