/** Training-data optimisation on Fashion-MNIST (seed 004, Table 1): the problem, the command, the image grid. */
package org.bilevel4j.apps.learndata;
