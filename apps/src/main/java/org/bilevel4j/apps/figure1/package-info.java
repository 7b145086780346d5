/**
 * Reproduction of Figure 1 of seed 004 (Grazzi et al., 2020): the four synthetic problems LR, KRR, BR and HR
 * exactly as the paper describes them, the experiment, and its command.
 */
package org.bilevel4j.apps.figure1;
