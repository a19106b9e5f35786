package dev.milab.kit;

/** A program for a {@link Machine} with only a {@code main}: the shell calls it, and the exit code is 0. */
public final class PrintWithMainOnly {

    private PrintWithMainOnly() {
    }

    public static void main(String[] args) {
        System.out.println("main ran with " + args.length + " arguments");
    }
}
