package dev.composefs.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One contender run in a JVM of its own, on command: the parent sends {@code run}, the child runs its
 * work once and answers with the nanoseconds it took.
 *
 * <p>Why: contenders that share a JVM share its JIT profiles. Code they all pass through
 * ({@code Files.walkFileTree}, {@code Files.readAttributes}) turns megamorphic and the fastest
 * contender pays the most for its neighbours: on cs9-developer an {@code ls -lR} walk of a
 * {@code cfs:} image took several times longer next to the default provider and zipfs than alone.
 * JMH forks for the same reason. Rounds stay interleaved across the children, so a noisy neighbour
 * still slows every contender alike.
 *
 * <p>The child answers {@code run} with one timed run and {@code warmup NANOS} with runs for at least
 * that long. The work comes from a static method {@code Medians.Work contender(String name, String[] args)}
 * of a class named on the child's command line.
 */
final class ForkedWork implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;

    /** Starts a child JVM with this JVM's class path that builds contender {@code name} of {@code factory}. */
    ForkedWork(Class<?> factory, String name, List<String> args) throws IOException {
        this.name = name;
        List<String> cmd = new ArrayList<>(List.of(
                javaCommand(), "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                ForkedWork.class.getName(), factory.getName(), name));
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = answers.readLine();
        if (!"ready".equals(ready)) {
            close();
            throw new IOException("contender '" + name + "' did not start: " + ready);
        }
    }

    /** Runs the work once in the child; returns its time in seconds. */
    double run() throws IOException {
        return ask("run");
    }

    /**
     * Runs the work in the child again and again for at least {@code seconds}, so that its hot code is
     * compiled before it is measured (a few rounds are not enough for work of a few milliseconds).
     */
    void warmUp(double seconds) throws IOException {
        ask("warmup " + (long) (seconds * 1e9));
    }

    private double ask(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
        String answer = answers.readLine();
        if (answer == null || !answer.startsWith("ns ")) {
            throw new IOException("contender '" + name + "' failed: " + answer);
        }
        return Long.parseLong(answer.substring(3)) / 1e9;
    }

    @Override
    public void close() throws IOException {
        try {
            commands.close();
        } catch (IOException ignored) {
            // The child may be gone already; it is destroyed below either way.
        }
        process.destroy();
    }

    /** The child: builds the contender, then runs it once per {@code run} line read from stdin. */
    public static void main(String[] argv) throws Exception {
        PrintStream out = System.out;
        // Anything the work prints must not be taken for an answer.
        System.setOut(System.err);
        Method factory = Class.forName(argv[0]).getDeclaredMethod("contender", String.class, String[].class);
        factory.setAccessible(true);
        Medians.Work work = (Medians.Work) factory.invoke(null, argv[1], Arrays.copyOfRange(argv, 2, argv.length));
        out.println("ready");
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Object sink = null;
        for (String line; (line = in.readLine()) != null; ) {
            long warmup = line.startsWith("warmup ") ? Long.parseLong(line.substring(7)) : -1;
            if (!line.equals("run") && warmup < 0) {
                continue;
            }
            try {
                long t0 = System.nanoTime();
                do {
                    sink = work.run();
                } while (System.nanoTime() - t0 < warmup);
                out.println("ns " + (System.nanoTime() - t0));
            } catch (Exception e) {
                out.println("error " + e);
            }
            out.flush();
        }
        if (sink == in) {
            out.println();
        }
    }

    /** The running JVM's {@code java} command. */
    private static String javaCommand() {
        return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
