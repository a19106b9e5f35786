package dev.milab.kit;

import java.io.PrintStream;

/** A program for a {@link Machine}: says which machine it runs on and repeats its arguments. */
public final class GreetFromTheMachine {

    private GreetFromTheMachine() {
    }

    public static int run(String[] args, PrintStream out) {
        out.println("on " + System.getenv("MILAB_VM_NAME"));
        for (String arg : args) {
            out.println("arg " + arg);
        }
        return 0;
    }
}
