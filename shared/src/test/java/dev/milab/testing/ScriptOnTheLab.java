package dev.milab.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import dev.milab.lab.Lab;
import dev.milab.lab.LabServer;

/**
 * A demo's {@code azure/setup.sh} run as a learner would rehearse it: a lab with the standalone server's default
 * scenario, az signed in as its learner ({@code az login --use-device-code}), the script run unchanged (with the
 * stand-ins where the installed az is Debian's 2.45). The test then reads {@link #lab()} and {@link #result()}.
 * Aborts the test (a JUnit assumption) where az is not installed.
 */
public final class ScriptOnTheLab implements AutoCloseable {

    private final Lab lab;
    private final AzureCli.Result result;

    private ScriptOnTheLab(Lab lab, AzureCli.Result result) {
        this.lab = lab;
        this.result = result;
    }

    /** Runs {@code script} with {@code input} on standard input and {@code variables} set, within 5 minutes. */
    public static ScriptOnTheLab run(Path script, String input, Map<String, String> variables) throws IOException {
        assumeTrue(AzureCli.installed(), "the Azure CLI (az) is not installed (apt-get install azure-cli)");
        Path state = Files.createDirectories(Path.of("target", "setup-script-" + UUID.randomUUID())).toAbsolutePath();
        Lab lab = Lab.builder().stateDirectory(state).start();
        try {
            LabServer.seedDefaultScenario(lab);
            AzureCli az = AzureCli.signedInAsLearner(lab, state.resolve("azure-cli"));
            return new ScriptOnTheLab(lab, az.runScript(script, input, variables, AzureCli.needsStandIns(), 300));
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    public Lab lab() {
        return lab;
    }

    public AzureCli.Result result() {
        return result;
    }

    @Override
    public void close() {
        lab.close();
    }
}
