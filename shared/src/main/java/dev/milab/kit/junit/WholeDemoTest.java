package dev.milab.kit.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.milab.kit.DemoRun;

/**
 * What every module's whole-demo test checks, once: the demo runs to the end against the lab with every expected
 * outcome seen, and the module README's expected output and sequence diagram fit this run. A subclass says how to
 * run its demo and how many steps it has, and adds the tests of its own outcomes, reading {@link #output}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class WholeDemoTest {

    /** The run every test of the class reads. */
    protected DemoRun run;
    /** Its exit code. */
    protected int exitCode;
    /** What it printed. */
    protected String output;

    /** Runs the demo, usually {@code DemoRun.of(Demo.NAME, Demo.TITLE, Demo.SUBTITLE, Demo::create)}. */
    protected abstract DemoRun runTheDemo();

    /** How many steps the demo has. */
    protected abstract int steps();

    /** Whether this run is the one the README shows (false where the machine makes a step skip). */
    protected Optional<String> whyTheReadmeDoesNotApply() {
        return Optional.empty();
    }

    @BeforeAll
    final void runItOnce() {
        run = runTheDemo();
        exitCode = run.exitCode();
        output = run.output();
    }

    @Test
    void everyStepSeesWhatAzureDoes() {
        assertEquals(0, exitCode, output);
        assertFalse(output.contains("FAILED"), output);
        assertTrue(output.contains("Done: " + steps() + " steps"), output);
    }

    @Test
    void theReadmesExpectedOutputIsWhatARunPrints() {
        whyTheReadmeDoesNotApply().ifPresent(why -> Assumptions.abort(why));
        run.readmeOutputMismatch().ifPresent(why -> {
            throw new AssertionError(why);
        });
    }

    @Test
    void theReadmesSequenceDiagramHasTheParticipantsOfARealRun() {
        whyTheReadmeDoesNotApply().ifPresent(why -> Assumptions.abort(why));
        run.readmeParticipantsMismatch().ifPresent(why -> {
            throw new AssertionError(why);
        });
    }
}
