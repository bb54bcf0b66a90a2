package dev.composefs.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of a CLI tool: its exit status and what it printed. Tools that print bytes
 * (dumps, listings) write to {@code System.out}, which is captured too.
 */
record CliRun(int status, String out, String err, byte[] stdout) {
    /** Runs {@code args} (the tool name first) through {@link Main#run}. */
    static CliRun of(String... args) {
        return withInput(new byte[0], args);
    }

    /** Runs {@code args} with {@code stdin} as standard input. */
    static synchronized CliRun withInput(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        java.io.InputStream savedIn = System.in;
        int status;
        try {
            System.setIn(new java.io.ByteArrayInputStream(stdin));
            System.setOut(new PrintStream(bytes, true));
            status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        } finally {
            System.out.flush();
            System.setOut(saved);
            System.setIn(savedIn);
        }
        return new CliRun(status, out.toString(), err.toString(), bytes.toByteArray());
    }

    /** What went to {@code System.out}, as text. */
    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
