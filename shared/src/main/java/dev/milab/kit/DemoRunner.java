package dev.milab.kit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.milab.console.LabConsole;
import dev.milab.lab.Lab;

import dev.milab.trace.Hop;
import dev.milab.trace.SequenceDiagram;

/**
 * Runs a demo: parses the options, runs the steps in order, stops at the first expectation that fails, and at the
 * end renders the lab's trace of the run as a sequence diagram ({@code target/<name>-sequence.md}, Mermaid and plain
 * text). Exit codes: 0 every expected outcome was seen; 1 an expectation failed; 2 bad options, or an option this
 * demo does not offer (its factory throws {@link UnsupportedOperationException}); 3 an error.
 */
public final class DemoRunner {

    /** Exit code when every expected outcome was seen. */
    public static final int OK = 0;
    public static final int EXPECTATION_FAILED = 1;
    public static final int USAGE = 2;
    public static final int ERROR = 3;

    /** A demo, created once the options are known. */
    public interface Demo extends AutoCloseable {
        List<Step> steps();

        /** The hops the lab recorded during the run (empty on real Azure, where nobody records them). */
        default List<Hop> trace() {
            return List.of();
        }

        /** The lab the demo drives, for {@code --console}; empty on real Azure. */
        default Optional<Lab> lab() {
            return Optional.empty();
        }

        @Override
        default void close() {
        }
    }

    /** Creates the demo for these options (starts the lab, or reads the Azure names). */
    @FunctionalInterface
    public interface DemoFactory {
        Demo create(DemoOptions options, Narrator narrator) throws Exception;
    }

    private final String name;
    private final String title;
    private final String subtitle;
    private PrintStream out = System.out;
    private BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    private Map<String, String> environment = System.getenv();
    private boolean terminal = System.console() != null;

    /**
     * @param name     the module's name, for example {@code 01-system-assigned} (names the diagram file)
     * @param title    the demo's title
     * @param subtitle one line under it
     */
    public DemoRunner(String name, String title, String subtitle) {
        this.name = name;
        this.title = title;
        this.subtitle = subtitle;
    }

    /** Where the demo prints (tests capture it); the default is standard output. */
    public DemoRunner out(PrintStream stream) {
        this.out = stream;
        this.terminal = false;
        return this;
    }

    /** Where {@code --step} reads Enter from. */
    public DemoRunner in(BufferedReader reader) {
        this.in = reader;
        return this;
    }

    /** The environment {@code NO_COLOR} is read from. */
    public DemoRunner environment(Map<String, String> env) {
        this.environment = env;
        return this;
    }

    /** Runs the demo and returns its exit code. */
    public int run(String[] args, DemoFactory factory) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, terminal, environment.get("NO_COLOR"));
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.print(DemoOptions.USAGE);
            return USAGE;
        }
        if (options.help()) {
            out.println(title);
            out.println(subtitle);
            out.println();
            out.print(DemoOptions.USAGE);
            return OK;
        }
        Narrator narrator = new Narrator(out, options.colour(), options.pause(), in);
        narrator.title(title, subtitle + " (target: " + options.target() + ")");
        long started = System.nanoTime();
        StringBuilder timings = new StringBuilder();
        Demo created;
        try {
            created = factory.create(options, narrator);
        } catch (UnsupportedOperationException e) {
            // An option this demo does not offer (for example --target azure): say so, no stack trace.
            narrator.failure(e.getMessage());
            return USAGE;
        } catch (Exception e) {
            narrator.failure("The demo could not start: " + e);
            e.printStackTrace(out);
            return ERROR;
        }
        try (Demo demo = created; LabConsole console = startConsole(options, demo, narrator)) {
            int exit = runSteps(demo, options, narrator, started, timings);
            holdConsole(console, narrator);
            return exit;
        } catch (Exception e) {
            narrator.failure("The demo could not go on: " + e);
            e.printStackTrace(out);
            return ERROR;
        }
    }

    /**
     * With {@code --console}, the lab console on a free loopback port, its address printed before the first step
     * (with {@code --step} the room has until Enter to open it); else null.
     */
    private static LabConsole startConsole(DemoOptions options, Demo demo, Narrator narrator) {
        if (!options.console()) {
            return null;
        }
        Optional<Lab> lab = demo.lab();
        if (lab.isEmpty()) {
            narrator.labNote("--console shows the embedded lab; on real Azure there is none to show.");
            return null;
        }
        LabConsole console = lab.get().startConsole(0);
        narrator.plain("Lab console: " + console.address() + "  (open it in a browser: the trust chain live,"
            + " read-only)");
        return console;
    }

    /**
     * Keeps the console up after the last step until Enter, so the room can look at the whole run; at once when
     * there is nothing to read Enter from (standard input closed, as under CI).
     */
    private void holdConsole(LabConsole console, Narrator narrator) {
        if (console == null) {
            return;
        }
        narrator.plain("The lab console stays at " + console.address() + " until you press Enter.");
        try {
            in.readLine();
        } catch (IOException e) {
            // nothing to wait for
        }
    }

    private int runSteps(Demo demo, DemoOptions options, Narrator narrator, long started, StringBuilder timings)
        throws Exception {
        List<Step> steps = demo.steps();
        timings.append(String.format("set-up %.2f s", (System.nanoTime() - started) / 1e9));
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            narrator.step(i + 1, steps.size(), step.title());
            long stepStarted = System.nanoTime();
            try {
                step.action().run(narrator);
                timings.append(String.format(", %d %.2f s", i + 1, (System.nanoTime() - stepStarted) / 1e9));
            } catch (ExpectationFailed e) {
                narrator.failed(i + 1, step.title(), e);
                writeTrace(demo.trace(), options, narrator);
                narrator.failure("The demo stopped at step " + (i + 1) + ": what it saw is not what Azure does"
                    + " here.");
                return EXPECTATION_FAILED;
            }
        }
        narrator.plain("");
        writeTrace(demo.trace(), options, narrator);
        if (options.timings()) {
            narrator.plain("Timings: " + timings + ".");
        }
        narrator.success("Done: " + steps.size() + " steps, " + narrator.expectationsMet()
            + " expected outcomes seen, in " + (System.nanoTime() - started) / 1_000_000_000.0 + " s.");
        return OK;
    }

    private void writeTrace(List<Hop> hops, DemoOptions options, Narrator narrator) {
        if (hops.isEmpty()) {
            return;
        }
        Path file = options.outputDirectory().resolve(name + "-sequence.md");
        String plain = SequenceDiagram.plainText(hops);
        String text = "# " + title + ": the hops of one run\n\n"
            + "Recorded by the lab while the demo ran (" + hops.size() + " hops).\n\n"
            + "```mermaid\n" + SequenceDiagram.mermaid(hops) + "```\n\n"
            + "```text\n" + plain + "```\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        Path shown = file.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        narrator.plain("What went over the wire (" + hops.size() + " hops; as a Mermaid sequence diagram in "
            + (shown.startsWith(here) ? here.relativize(shown) : shown) + "):");
        narrator.plain(plain);
    }
}
