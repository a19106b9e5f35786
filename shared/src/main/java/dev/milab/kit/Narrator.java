package dev.milab.kit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a demo speaks: each step prints its number and title, what it does, the evidence it saw and one sentence on
 * why. Colour only when the options allow it. An {@link #expect expectation} that is not met stops the demo.
 */
public final class Narrator {

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String GREEN = "\u001b[32m";
    private static final String RED = "\u001b[31m";
    private static final String CYAN = "\u001b[36m";
    private static final String YELLOW = "\u001b[33m";
    private static final int LABEL_WIDTH = 12;

    private final PrintStream out;
    private final boolean colour;
    private final boolean pause;
    private final BufferedReader in;
    private int expectationsMet;

    public Narrator(PrintStream out, boolean colour, boolean pause, BufferedReader in) {
        this.out = out;
        this.colour = colour;
        this.pause = pause;
        this.in = in;
    }

    /** The demo's title, once at the start. */
    public void title(String title, String subtitle) {
        out.println(paint(BOLD, title));
        if (subtitle != null && !subtitle.isBlank()) {
            out.println(subtitle);
        }
    }

    /** The heading of step {@code n} of {@code total}; with {@code --step}, waits for Enter first. */
    public void step(int n, int total, String title) {
        if (pause) {
            out.print(paint(DIM, "Press Enter for step " + n + "/" + total + "... "));
            out.flush();
            try {
                if (in != null) {
                    in.readLine();
                }
            } catch (IOException e) {
                // no input to wait for: carry on
            }
        }
        out.println();
        out.println(paint(BOLD + CYAN, "Step " + n + "/" + total + "  " + title));
    }

    /** What the step does, in a sentence or two. */
    public void say(String text) {
        out.println("  " + text);
    }

    /** A command, a line of code or of configuration, shown as the learner would type or read it. */
    public void code(String line) {
        out.println("    " + paint(DIM, "|") + " " + line);
    }

    /** A piece of evidence: a label and what was seen. */
    public void show(String label, Object value) {
        String padded = label.length() >= LABEL_WIDTH ? label + " " : label + " ".repeat(LABEL_WIDTH - label.length());
        out.println("    " + paint(YELLOW, padded) + value);
    }

    /** The one sentence on why. */
    public void why(String sentence) {
        out.println("  " + paint(BOLD, "Why:") + " " + sentence);
    }

    /** A remark about the lab itself (what differs on real Azure), so it is never mistaken for Azure's behaviour. */
    public void labNote(String text) {
        out.println("  " + paint(DIM, "(lab) " + text));
    }

    /** Records an outcome the demo expected and saw. */
    public void ok(String outcome) {
        expectationsMet++;
        out.println("  " + paint(GREEN, "ok") + "  " + outcome);
    }

    /**
     * Checks an expected outcome: prints it when met; otherwise stops the demo with what was expected and what was
     * seen.
     */
    public void expect(String expected, boolean met, Supplier<String> seen) {
        if (!met) {
            throw new ExpectationFailed(expected, seen.get());
        }
        ok(expected);
    }

    /** {@link #expect} for equality. */
    public void expectEqual(String what, Object expected, Object actual) {
        expect(what + ": " + expected, Objects.equals(expected, actual), () -> String.valueOf(actual));
    }

    /** Prints why the demo stopped. */
    public void failed(int step, String title, ExpectationFailed failure) {
        out.println("  " + paint(BOLD + RED, "FAILED") + "  step " + step + " (" + title + ")");
        out.println("    " + paint(YELLOW, pad("expected")) + failure.expected());
        out.println("    " + paint(YELLOW, pad("saw")) + failure.seen());
    }

    /** A line outside any step (summary, paths). */
    public void plain(String text) {
        out.println(text);
    }

    /** A success line outside any step. */
    public void success(String text) {
        out.println(paint(BOLD + GREEN, text));
    }

    /** A failure line outside any step. */
    public void failure(String text) {
        out.println(paint(BOLD + RED, text));
    }

    public int expectationsMet() {
        return expectationsMet;
    }

    public PrintStream out() {
        return out;
    }

    private static String pad(String label) {
        return label + " ".repeat(Math.max(1, LABEL_WIDTH - label.length()));
    }

    private String paint(String style, String text) {
        return colour ? style + text + RESET : text;
    }
}
