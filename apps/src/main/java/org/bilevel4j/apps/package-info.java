/**
 * The {@code bilevel4j} command-line tool ({@link org.bilevel4j.apps.Main}). Sees the api and the algorithms only;
 * backends are found at run time.
 */
package org.bilevel4j.apps;
