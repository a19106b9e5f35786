package dev.milab.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.milab.trace.Hop;

/** A demo's run: its steps in order, the first unmet expectation stops it, and the exit code says how it went. */
class DemoRunnerTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<String> ran = new ArrayList<>();
    private boolean closed;

    private DemoRunner runner() {
        return new DemoRunner("99-test", "Demo 99: a test", "one line under it")
            .out(new PrintStream(bytes, true, StandardCharsets.UTF_8))
            .environment(Map.of());
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A demo of these steps that remembers which ran and whether it was closed. */
    private DemoRunner.DemoFactory demoOf(List<Step> steps, List<Hop> hops) {
        return (options, narrator) -> new DemoRunner.Demo() {
            @Override
            public List<Step> steps() {
                return steps;
            }

            @Override
            public List<Hop> trace() {
                return hops;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    private Step passing(String title) {
        return Step.of(title, say -> {
            ran.add(title);
            say.expect(title + " worked", true, () -> "");
        });
    }

    private Step failing(String title) {
        return Step.of(title, say -> {
            ran.add(title);
            say.expect("exit code 0", false, () -> "exit code 1");
        });
    }

    @Test
    void whenEveryStepSeesWhatItExpectsTheExitCodeIsZero() {
        int exit = runner().run(new String[0], demoOf(List.of(passing("One"), passing("Two")), List.of()));

        assertThat(exit).isEqualTo(DemoRunner.OK).isZero();
        assertThat(ran).containsExactly("One", "Two");
        assertThat(printed()).contains("Demo 99: a test", "one line under it (target: lab)", "Step 1/2  One",
            "Step 2/2  Two", "Done: 2 steps, 2 expected outcomes seen");
        assertThat(closed).isTrue();
    }

    @Test
    void aStepWhoseExpectationFailsStopsTheDemoWithExitCodeOneAndWhatItExpectedAndSaw() {
        int exit = runner().run(new String[0], demoOf(List.of(passing("One"), failing("Two"), passing("Three")),
            List.of()));

        assertThat(exit).isEqualTo(DemoRunner.EXPECTATION_FAILED).isEqualTo(1);
        assertThat(ran).containsExactly("One", "Two");
        assertThat(printed()).contains("FAILED  step 2 (Two)", "expected    exit code 0", "saw         exit code 1",
            "The demo stopped at step 2").doesNotContain("Step 3/3", "Done:");
        assertThat(closed).isTrue();
    }

    @Test
    void aBadOptionExitsWithTwoAndPrintsTheProblemAndTheOptions() {
        int exit = runner().run(new String[] {"--verbose"}, (options, narrator) -> {
            throw new AssertionError("no demo starts on a bad option");
        });

        assertThat(exit).isEqualTo(DemoRunner.USAGE).isEqualTo(2);
        assertThat(printed()).startsWith("Unknown option '--verbose'").contains(DemoOptions.USAGE);
    }

    @Test
    void anOptionTheDemoDoesNotOfferExitsWithTwoAndItsReasonWithoutAStackTrace() {
        int exit = runner().run(new String[] {"--target", "azure"}, (options, narrator) -> {
            throw new UnsupportedOperationException("--target azure: run the module README's az script");
        });

        assertThat(exit).isEqualTo(DemoRunner.USAGE);
        assertThat(printed()).contains("--target azure: run the module README's az script").doesNotContain("\tat ");
    }

    @Test
    void helpPrintsTheTitleAndTheOptionsAndRunsNothing() {
        int exit = runner().run(new String[] {"--help"}, (options, narrator) -> {
            throw new AssertionError("help starts no demo");
        });

        assertThat(exit).isZero();
        assertThat(printed()).isEqualTo(String.join(System.lineSeparator(), "Demo 99: a test", "one line under it",
            "") + System.lineSeparator() + DemoOptions.USAGE);
    }

    @Test
    void anErrorOtherThanAnExpectationExitsWithThreeAndClosesTheDemo() {
        Step broken = Step.of("Broken", say -> {
            throw new IllegalStateException("the lab is gone");
        });

        int exit = runner().run(new String[0], demoOf(List.of(broken, passing("Two")), List.of()));

        assertThat(exit).isEqualTo(DemoRunner.ERROR);
        assertThat(ran).isEmpty();
        assertThat(printed()).contains("The demo could not go on: java.lang.IllegalStateException: the lab is gone");
        assertThat(closed).isTrue();
    }

    @Test
    void withStepEachStepWaitsForOneLineFromTheReader() throws Exception {
        BufferedReader in = new BufferedReader(new StringReader("\n\nnot read\n"));

        int exit = runner().in(in).run(new String[] {"--step"}, demoOf(List.of(passing("One"), passing("Two")),
            List.of()));

        assertThat(exit).isZero();
        assertThat(printed()).contains("Press Enter for step 1/2... ", "Press Enter for step 2/2... ");
        assertThat(in.readLine()).isEqualTo("not read");
    }

    @Test
    void theDemoIsCreatedWithTheParsedOptions() {
        List<DemoOptions> seen = new ArrayList<>();

        runner().run(new String[] {"--target", "azure"}, (options, narrator) -> {
            seen.add(options);
            return demoOf(List.of(), List.of()).create(options, narrator);
        });

        assertThat(seen).singleElement().extracting(DemoOptions::target).isEqualTo(Target.AZURE);
        assertThat(printed()).contains("(target: azure)");
    }

    @Test
    void theHopsOfTheRunAreWrittenAsASequenceDiagramToTheOutDirectory(@TempDir Path out) throws Exception {
        Instant at = Instant.parse("2025-01-01T12:00:00Z");
        List<Hop> hops = List.of(
            new Hop(1, at, "vm1", "IMDS (vm1)", "GET token (https://database.windows.net/)", "200", true, "vm1", null),
            new Hop(2, at, "vm1", "sql1", "login (db1)", "logged in as vm1", true, "vm1", null));

        int exit = runner().run(new String[] {"--out", out.toString()}, demoOf(List.of(passing("One")), hops));

        Path file = out.resolve("99-test-sequence.md");
        assertThat(exit).isZero();
        assertThat(file).exists();
        assertThat(Files.readString(file)).startsWith("# Demo 99: a test: the hops of one run")
            .contains("Recorded by the lab while the demo ran (2 hops).", "```mermaid", "```text", "IMDS (vm1)",
                "sql1");
        assertThat(printed()).contains("What went over the wire (2 hops;");
    }

    @Test
    void withoutHopsNoSequenceDiagramIsWritten(@TempDir Path out) {
        int exit = runner().run(new String[] {"--out", out.toString()}, demoOf(List.of(passing("One")), List.of()));

        assertThat(exit).isZero();
        assertThat(out.resolve("99-test-sequence.md")).doesNotExist();
        assertThat(printed()).doesNotContain("What went over the wire");
    }

    @Test
    void theOutputOfARunToAStreamHasNoColour() {
        runner().run(new String[0], demoOf(List.of(passing("One"), failing("Two")), List.of()));

        assertThat(printed()).doesNotContain("\u001b");
    }

    @Test
    void withConsoleTheLabConsoleIsUpDuringTheStepsAndUntilEnterThenClosed(@TempDir Path out) throws Exception {
        try (dev.milab.lab.Lab lab = dev.milab.lab.Lab.start()) {
            java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger();
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .proxy(java.net.ProxySelector.of(null)).build();
            List<java.net.URI> address = new ArrayList<>();
            Step look = Step.of("Look at the console", say -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Lab console: (\\S+)").matcher(printed());
                say.expect("the runner printed the console's address", m.find(), this::printed);
                address.add(java.net.URI.create(m.group(1)));
                status.set(http.send(java.net.http.HttpRequest.newBuilder(address.get(0)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
            });
            DemoRunner.DemoFactory factory = (options, narrator) -> new DemoRunner.Demo() {
                @Override
                public List<Step> steps() {
                    return List.of(look);
                }

                @Override
                public java.util.Optional<dev.milab.lab.Lab> lab() {
                    return java.util.Optional.of(lab);
                }
            };

            // Standard input at its end (as under CI): the console does not hold the run.
            int exit = runner().in(new BufferedReader(new StringReader("")))
                .run(new String[] {"--console", "--out", out.toString()}, factory);

            assertThat(exit).isEqualTo(DemoRunner.OK);
            assertThat(status.get()).isEqualTo(200);
            assertThat(printed()).contains("The lab console stays at " + address.get(0) + " until you press Enter.");
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> http.send(
                java.net.http.HttpRequest.newBuilder(address.get(0)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()))).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void withoutAConsoleOptionNothingWaitsForEnter() {
        int exit = runner().in(new BufferedReader(new StringReader("")))
            .run(new String[0], demoOf(List.of(passing("One")), List.of()));

        assertThat(exit).isEqualTo(DemoRunner.OK);
        assertThat(printed()).doesNotContain("Lab console", "until you press Enter");
    }
}
