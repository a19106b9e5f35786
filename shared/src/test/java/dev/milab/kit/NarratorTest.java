package dev.milab.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** How a demo speaks, and how an expectation that is not met stops it. */
class NarratorTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Every kind of line a narrator prints, once. */
    private static void speakEveryKindOfLine(Narrator say) {
        say.title("Demo 99", "a subtitle");
        say.step(1, 2, "A step");
        say.say("what it does");
        say.code("az vm identity assign");
        say.show("oid", "1234");
        say.why("because");
        say.labNote("a lab remark");
        say.ok("an outcome");
        say.failed(2, "Another step", new ExpectationFailed("this", "that"));
        say.plain("plain");
        say.success("done");
        say.failure("stopped");
    }

    @Test
    void withoutColourNothingPrintedHoldsAnAnsiEscape() {
        speakEveryKindOfLine(new Narrator(out, false, false, null));

        assertThat(printed()).doesNotContain("\u001b").contains("Step 1/2  A step", "(lab) a lab remark",
            "ok  an outcome", "FAILED  step 2 (Another step)");
    }

    @Test
    void withColourTheHeadingsArePainted() {
        speakEveryKindOfLine(new Narrator(out, true, false, null));

        assertThat(printed()).contains("\u001b[1m\u001b[36mStep 1/2  A step\u001b[0m");
    }

    @Test
    void anExpectationNotMetThrowsWithWhatWasExpectedAndWhatWasSeen() {
        Narrator say = new Narrator(out, false, false, null);

        assertThatThrownBy(() -> say.expect("exit code 0", false, () -> "exit code 1"))
            .isInstanceOfSatisfying(ExpectationFailed.class, e -> {
                assertThat(e.expected()).isEqualTo("exit code 0");
                assertThat(e.seen()).isEqualTo("exit code 1");
                assertThat(e).hasMessage("expected exit code 0, saw exit code 1");
            });
        assertThat(say.expectationsMet()).isZero();
        assertThat(printed()).doesNotContain("ok");
    }

    @Test
    void anExpectationMetIsPrintedAndCountedWithoutAskingWhatWasSeen() {
        Narrator say = new Narrator(out, false, false, null);

        say.expect("the app read 3 orders", true, () -> {
            throw new AssertionError("only asked when the expectation fails");
        });

        assertThat(say.expectationsMet()).isEqualTo(1);
        assertThat(printed()).isEqualTo("  ok  the app read 3 orders" + System.lineSeparator());
    }

    @Test
    void expectEqualShowsTheExpectedValueAndWhatWasSeenInstead() {
        Narrator say = new Narrator(out, false, false, null);

        say.expectEqual("oid", "abc", "abc");
        assertThatThrownBy(() -> say.expectEqual("oid", "abc", "xyz")).isInstanceOfSatisfying(
            ExpectationFailed.class, e -> {
                assertThat(e.expected()).isEqualTo("oid: abc");
                assertThat(e.seen()).isEqualTo("xyz");
            });
    }

    @Test
    void aFailureIsPrintedWithExpectedAndSawAligned() {
        new Narrator(out, false, false, null).failed(4, "Log in", new ExpectationFailed("18456", "0"));

        assertThat(printed().lines()).containsExactly("  FAILED  step 4 (Log in)", "    expected    18456",
            "    saw         0");
    }

    @Test
    void evidenceLabelsArePaddedToOneColumn() {
        Narrator say = new Narrator(out, false, false, null);
        say.show("aud", "https://database.windows.net/");
        say.show("a-very-long-label", "x");

        assertThat(printed().lines()).containsExactly("    aud         https://database.windows.net/",
            "    a-very-long-label x");
    }

    @Test
    void withPauseEachStepWaitsForOneLineOfInput() throws Exception {
        BufferedReader in = new BufferedReader(new StringReader("\nleft over\n"));
        Narrator say = new Narrator(out, false, true, in);

        say.step(1, 3, "First");

        assertThat(printed()).startsWith("Press Enter for step 1/3... ");
        assertThat(in.readLine()).isEqualTo("left over");
    }
}
