package dev.milab.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What a learner or trainer types after the demo's name, and what the demo makes of it. */
class DemoOptionsTest {

    private static DemoOptions onATerminal(String... args) {
        return DemoOptions.parse(args, true, null);
    }

    @Test
    void noOptionsRunTheWholeDemoOnTheLabInColourAndWriteToTarget() {
        DemoOptions options = onATerminal();

        assertThat(options).isEqualTo(new DemoOptions(false, Target.LAB, Optional.empty(), false, true,
            Path.of("target"), false));
    }

    @Test
    void timingsAskForTheDurationOfEachStep() {
        assertThat(DemoOptions.parse(new String[] {"--timings"}, false, null).timings()).isTrue();
    }

    @Test
    void stepWaitsForEnterBeforeEachStep() {
        assertThat(onATerminal("--step").pause()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--target azure", "--target=azure", "--target AZURE"})
    void targetAzureRunsAgainstARealSubscription(String line) {
        assertThat(onATerminal(line.split(" ")).target()).isEqualTo(Target.AZURE);
    }

    @Test
    void targetLabIsTheDefaultSpelledOut() {
        assertThat(onATerminal("--target", "lab").target()).isEqualTo(Target.LAB);
    }

    @Test
    void configAndOutTakeAPath() {
        DemoOptions options = onATerminal("--target", "azure", "--config", "azure.properties", "--out", "build/run");

        assertThat(options.config()).contains(Path.of("azure.properties"));
        assertThat(options.outputDirectory()).isEqualTo(Path.of("build/run"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpAsksForTheOptions(String option) {
        assertThat(onATerminal(option).help()).isTrue();
    }

    @Test
    void anUnknownOptionIsNamedInTheMessage() {
        assertThatThrownBy(() -> onATerminal("--step", "--verbose")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Unknown option '--verbose'");
    }

    @Test
    void aTargetOtherThanLabOrAzureIsRefused() {
        assertThatThrownBy(() -> onATerminal("--target", "cloud")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("--target is 'lab' or 'azure', not 'cloud'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--target", "--config", "--out"})
    void anOptionWithoutItsValueSaysSo(String option) {
        assertThatThrownBy(() -> onATerminal(option)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage(option + " needs a value");
    }

    @ParameterizedTest(name = "terminal={0}, NO_COLOR={1}, args=''{2}'' -> colour {3}")
    @CsvSource(nullValues = "null", value = {
        "true,  null, '',          true",
        "true,  '',   '',          true",
        "true,  1,    '',          false",
        "true,  true, '',          false",
        "false, null, '',          false",
        "true,  null, --no-color,  false",
        "true,  null, --no-colour, false"})
    void colourOnlyOnATerminalWithoutNoColorOrNoColorOption(boolean terminal, String noColor, String arg,
                                                            boolean colour) {
        String[] args = arg.isEmpty() ? new String[0] : new String[] {arg};

        assertThat(DemoOptions.parse(args, terminal, noColor).colour()).isEqualTo(colour);
    }

    @Test
    void theUsageTextListsEveryOption() {
        assertThat(DemoOptions.USAGE).contains("--step", "--target lab", "--target azure", "--config FILE",
            "--no-color", "--out DIR", "--help");
    }

    @Test
    void consoleAsksForTheLabConsole() {
        assertThat(DemoOptions.parse(new String[] {"--console"}, true, null).console()).isTrue();
        assertThat(DemoOptions.parse(new String[0], true, null).console()).isFalse();
        assertThat(DemoOptions.USAGE).contains("--console");
    }
}
