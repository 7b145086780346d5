package org.bilevel4j.apps.cli;

/**
 * An experiment ran to its end but failed (an estimate diverged, a run broke down, a check did not hold): the tool
 * prints the message as its one-line cause and exits with code 1, after the command has written its report.
 */
public final class ExperimentFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, in one line */
    public ExperimentFailure(String message) {
        super(message);
    }
}
