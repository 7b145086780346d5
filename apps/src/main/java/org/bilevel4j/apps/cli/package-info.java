/** Options shared by the experiment commands, and the estimators and optimizers by command-line name. */
package org.bilevel4j.apps.cli;
