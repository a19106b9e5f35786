package dev.milab.kit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One whole run of a demo with what it printed, for a module's whole-demo test: run as a learner runs it (plain
 * text, sequence diagram to {@code target}), and the checks that keep the module's README true to it.
 *
 * @param exitCode what the demo's main would exit with
 * @param output   everything it printed
 * @param sequence the sequence diagram file it wrote ({@code target/<name>-sequence.md})
 */
public record DemoRun(int exitCode, String output, Path sequence) {

    /** Runs the demo in this JVM with {@code --no-color --out target}; echoes its output to standard output. */
    public static DemoRun of(String name, String title, String subtitle, DemoRunner.DemoFactory factory) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path out = Path.of("target");
        int exit;
        try (PrintStream print = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            exit = new DemoRunner(name, title, subtitle).out(print)
                .run(new String[] {"--no-color", "--out", out.toString()}, factory);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(output);
        return new DemoRun(exit, output, out.resolve(name + "-sequence.md"));
    }

    /**
     * Why the block after {@code <!-- output -->} in {@code README.md} does not fit this run (with the run, masked,
     * to paste in), or empty if it does.
     */
    public Optional<String> readmeOutputMismatch() {
        String expected = Transcript.fencedBlockAfter(readme(), "<!-- output -->");
        return Transcript.mismatch(expected, output).map(why -> "README.md's expected output differs from this run: "
            + why + "\nThe run, masked:\n" + Transcript.mask(output));
    }

    /**
     * Why the participants of the diagram after {@code <!-- sequence -->} in {@code README.md} are not this run's,
     * or empty if they are.
     */
    public Optional<String> readmeParticipantsMismatch() {
        List<String> ran = participants(read(sequence));
        List<String> documented = participants(Transcript.fencedBlockAfter(readme(), "<!-- sequence -->"));
        if (ran.isEmpty()) {
            return Optional.of("the run wrote no participants to " + sequence);
        }
        return ran.equals(documented) ? Optional.empty() : Optional.of("README.md's diagram has participants "
            + documented + ", this run " + ran + " (see " + sequence + ")");
    }

    private static List<String> participants(String diagram) {
        return diagram.lines().map(String::strip).filter(l -> l.startsWith("participant ")).toList();
    }

    private static String readme() {
        return read(Path.of("README.md"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
