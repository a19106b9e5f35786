package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code admin.env}, which the standalone lab writes for the admin workstation, can be sourced by a shell and gives
 * every value back exactly, {@code MILAB_ROUTES} with its {@code ;} included.
 */
class AdminEnvironmentFileTest {

    @Test
    void bashSourcingAdminEnvGetsEveryValueBack(@TempDir Path state) throws Exception {
        assumeTrue(bash() != null, "bash is not installed");
        try (Lab lab = Lab.builder().stateDirectory(state).start()) {
            Path file = LabServer.writeAdminEnvironment(lab);

            for (var setting : lab.adminEnvironment().entrySet()) {
                assertThat(sourceAndEcho(file, setting.getKey())).as(setting.getKey()).isEqualTo(setting.getValue());
            }
            assertThat(sourceAndEcho(file, "MILAB_ROUTES")).contains(";")
                .isEqualTo(lab.adminEnvironment().get("MILAB_ROUTES"));
        }
    }

    @Test
    void everyLineIsACommentOrASingleQuotedAssignment(@TempDir Path state) throws Exception {
        try (Lab lab = Lab.builder().stateDirectory(state).start()) {
            List<String> lines = Files.readAllLines(LabServer.writeAdminEnvironment(lab), StandardCharsets.UTF_8);

            assertThat(lines).allMatch(line -> line.startsWith("#") || line.matches("[A-Z_][A-Z0-9_]*='.*'"));
            assertThat(lines).anyMatch(line -> line.startsWith("AZURE_CLIENT_SECRET='"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "a;b", "it's", "''", "$HOME `id` \"q\"", "back\\slash", "two  spaces", ""})
    void aQuotedValueComesBackExactlyFromTheShell(String value, @TempDir Path dir) throws Exception {
        assumeTrue(bash() != null, "bash is not installed");
        Path file = dir.resolve("one.env");
        Files.writeString(file, LabServer.shellAssignment("VALUE", value) + "\n");

        assertThat(sourceAndEcho(file, "VALUE")).isEqualTo(value);
    }

    @Test
    void aKeyThatIsNoShellVariableNameIsRefused() {
        assertThatThrownBy(() -> LabServer.shellAssignment("A-B", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    /** {@code bash -c 'set -a; . FILE; printf %s "$NAME"'}, the way a learner loads the file. */
    private static String sourceAndEcho(Path file, String name) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(bash(), "-c", "set -a; . \"$1\"; printf %s \"$" + name + "\"", "bash",
            file.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    private static String bash() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "bash");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
