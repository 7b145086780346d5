package org.bilevel4j.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The tool's top level: every failure, running out of memory included, is one line on stderr and exit code 1. */
class MainTest {

    /** A command that runs out of memory, as a too large allocation would. */
    @Command(name = "exhaust")
    static final class Exhaust implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void runningOutOfMemoryIsOneLineOnStderrAndExitCodeOne() {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand(new Exhaust());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(1, cli.execute("exhaust"));
        assertEquals("bilevel4j: out of memory (Java heap space); use smaller sizes or give the JVM more heap (-Xmx "
                + "through BILEVEL4J_JAVA_OPTS)", err.toString().strip());
    }
}
