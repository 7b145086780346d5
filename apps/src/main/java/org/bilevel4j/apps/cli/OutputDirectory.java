package org.bilevel4j.apps.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The output directory of a command ({@code --out}). A reused directory is cleared of the files an earlier run of the
 * tool wrote there — only the {@link #FILES known names}, in the directory and in the per-run subdirectories the
 * tool makes (named after a method, e.g. {@code aid-cg}, {@code itd-projected}, {@code itd-t5-k5}) — so that a run's
 * directory never mixes its files with stale ones. Any other file is kept; a subdirectory is removed only when it
 * is empty afterwards.
 */
public final class OutputDirectory {
    /** Every file name the tool writes in a run directory. */
    public static final Set<String> FILES = Set.of("run.txt", "iterations.csv", "iterations.jsonl", "objective.png",
            "hypergradient.png", "train_loss.png", "norm_A.png", "lambda.csv", "table.csv", "learned-images.png",
            "compare.csv", "error-vs-time.png", "error-vs-cost.png", "objective-vs-time.png", "objective-vs-cost.png",
            "training-objective.png", "figure1.csv", "validation-loss.png",
            "results.csv", "test-mse.png", "outer-loss.png", "inner-loss.png", "toy-estimate.png");

    /** Names of the per-run subdirectories: a method, optionally with the projection mode or t and k. */
    private static final Pattern RUN_DIRECTORY = Pattern.compile("(" + Stream.of(Method.values())
            .map(m -> Pattern.quote(m.cliName())).collect(Collectors.joining("|"))
            + ")(-projected|-free|-t\\d+-k\\d+)?");

    private OutputDirectory() {
    }

    /**
     * Removes the tool's files of an earlier run from {@code dir} and its run subdirectories, and creates it.
     *
     * @param dir the output directory; need not exist
     * @throws IOException if a file cannot be removed or the directory cannot be created
     */
    public static void clear(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            for (Path p : list(dir)) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && RUN_DIRECTORY.matcher(name).matches()) {
                    for (Path f : list(p)) {
                        deleteIfKnown(f);
                    }
                    if (list(p).isEmpty()) {
                        Files.delete(p);
                    }
                } else {
                    deleteIfKnown(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static void deleteIfKnown(Path file) throws IOException {
        if (Files.isRegularFile(file) && FILES.contains(file.getFileName().toString())) {
            Files.delete(file);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
