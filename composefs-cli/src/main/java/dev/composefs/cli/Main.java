package dev.composefs.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Entry point of the one CLI jar: the first argument names the tool ({@code fsverity},
 * {@code mkcomposefs}, ...), the rest are that tool's arguments. The {@code bin/} scripts pass
 * their own name, so each behaves as its own program.
 */
public final class Main {
    private static final Map<String, Supplier<Object>> TOOLS = new TreeMap<>(Map.of(
            "fsverity", FsVerityCommand::new,
            "mkcomposefs", MkComposefsCommand::new,
            "composefs-info", ComposefsInfoCommand::new,
            "composefs-dump", ComposefsDumpCommand::new,
            "composefs-ls", ComposefsLsCommand::new));

    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() {
    }

    /** Runs the named tool and exits with its status. */
    public static void main(String[] args) {
        // The tools report failures themselves, one line each; library warnings would repeat them.
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "error");
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the named tool with the given output streams and returns its exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0 || !TOOLS.containsKey(args[0])) {
            err.println("usage: composefs-cli TOOL [ARGS...], TOOL one of " + String.join(", ", TOOLS.keySet()));
            return 2;
        }
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        return commandLine(args[0], TOOLS.get(args[0]).get(), out, err).execute(rest);
    }

    /**
     * A picocli command line for {@code tool} whose failures print one line ({@code tool: reason})
     * instead of a stack trace.
     */
    static CommandLine commandLine(String tool, Object command, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(command);
        cl.setCommandName(tool);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(tool + ": " + describe(e));
            commandLine.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(tool + ": " + e.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            c.getErr().flush();
            return 2;
        });
        return cl;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        // The JDK leaves the reason out of these when the OS gave the usual one: say it, as the C tools do.
        boolean bare = e instanceof java.nio.file.FileSystemException f && f.getReason() == null;
        if (bare && e instanceof java.nio.file.NoSuchFileException) {
            return message + ": No such file or directory";
        }
        if (bare && e instanceof java.nio.file.AccessDeniedException) {
            return message + ": Permission denied";
        }
        return message != null ? message : e.getClass().getSimpleName();
    }
}
