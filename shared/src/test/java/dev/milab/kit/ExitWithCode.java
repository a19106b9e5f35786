package dev.milab.kit;

import java.io.PrintStream;

/** A program for a {@link Machine}: ends with the exit code it is given, or throws if asked to. */
public final class ExitWithCode {

    private ExitWithCode() {
    }

    public static int run(String[] args, PrintStream out) {
        if (args[0].equals("throw")) {
            throw new IllegalStateException("asked to fail");
        }
        out.println("exiting with " + args[0]);
        return Integer.parseInt(args[0]);
    }
}
