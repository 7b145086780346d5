/** The quick-start demonstration: one certified hypergradient of a built-in quadratic problem. */
package org.bilevel4j.apps.demo;
