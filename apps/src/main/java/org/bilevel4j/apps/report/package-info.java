/** What a person sees of a run: progress bar, run log (CSV and JSON lines), PNG plots and summary tables. */
package org.bilevel4j.apps.report;
