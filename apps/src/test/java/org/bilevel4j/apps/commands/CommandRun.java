package org.bilevel4j.apps.commands;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.bilevel4j.apps.Main;
import picocli.CommandLine;

/** Runs the tool in-process and captures its output and exit code. */
record CommandRun(int exitCode, String out, String err) {

    static CommandRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }
}
