/** Equilibrium models on Fashion-MNIST (seed 004, Figure 2): the problem and the command. */
package org.bilevel4j.apps.equilibrium;
