/** Per-feature L2 tuning of multinomial logistic regression: the problem, its synthetic data and the command. */
package org.bilevel4j.apps.tunel2;
