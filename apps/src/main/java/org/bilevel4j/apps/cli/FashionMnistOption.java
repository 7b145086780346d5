package org.bilevel4j.apps.cli;

import java.nio.file.Path;
import org.bilevel4j.apps.data.FashionMnist;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option of the commands that read Fashion-MNIST (a picocli mixin). */
public final class FashionMnistOption {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST directory with the four IDX files "
            + "(default: " + FashionMnist.DEFAULT_DIR_NAME + ", from Debian's dataset-fashion-mnist)")
    Path dir;

    /** @return the directory given, or Debian's default */
    public Path dir() {
        return dir != null ? dir : FashionMnist.DEFAULT_DIR;
    }
}
