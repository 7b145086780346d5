package org.bilevel4j.apps.cli;

import java.nio.file.Path;
import java.util.List;

/** A command or mixin whose runs write {@code run.txt} files; the tool appends its exit code to each. */
public interface RunRecords {
    /** @return the run.txt files written by this invocation's runs */
    List<Path> runRecords();
}
