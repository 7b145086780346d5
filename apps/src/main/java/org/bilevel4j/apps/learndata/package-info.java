/**
 * Training-data optimisation on Fashion-MNIST (Grazzi et al., ICML 2020, Table 1): the problem, the command, the image
 * grid.
 */
package org.bilevel4j.apps.learndata;
