/** Side-by-side comparison of hypergradient methods against an exact reference. */
package org.bilevel4j.apps.compare;
