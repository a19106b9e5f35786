package dev.milab.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.milab.lab.Lab;
import dev.milab.lab.LabServer;

/**
 * A demo's {@code azure/setup.sh} run as a learner would rehearse it, as a JUnit extension
 * ({@code @RegisterExtension static final ScriptOnTheLab SCRIPT = ScriptOnTheLab.of(...)}): before the class's tests,
 * a lab with the standalone server's default scenario, az signed in as its learner ({@code az login
 * --use-device-code}), the script run unchanged in a directory of its own (with the stand-ins where the installed
 * az is Debian's 2.45); after them, the lab stops. The tests read {@link #lab()}, {@link #result()} and
 * {@link #directory()}. The tests are skipped (a JUnit assumption) where az, or a program the script needs, is
 * not installed.
 */
public final class ScriptOnTheLab implements BeforeAllCallback, AfterAllCallback {

    private final Path script;
    private final String input;
    private final Map<String, String> variables;
    private final List<String> programs = new ArrayList<>();
    private Lab lab;
    private Path directory;
    private AzureCli.Result result;

    private ScriptOnTheLab(Path script, String input, Map<String, String> variables) {
        this.script = script;
        this.input = input;
        this.variables = Map.copyOf(variables);
    }

    /** {@code script} with {@code input} on its standard input and {@code variables} set. */
    public static ScriptOnTheLab of(Path script, String input, Map<String, String> variables) {
        return new ScriptOnTheLab(script, input, variables);
    }

    /** Skips the tests where {@code program}, which the script runs, is not on the PATH. */
    public ScriptOnTheLab requiring(String program) {
        programs.add(program);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(AzureCli.installed(), "the Azure CLI (az) is not installed (apt-get install azure-cli)");
        for (String program : programs) {
            assumeTrue(AzureCli.onPath(program), program + " is not installed (the script runs it)");
        }
        Path state = Files.createDirectories(Path.of("target", "setup-script-" + UUID.randomUUID())).toAbsolutePath();
        // The script writes what it makes (keys, certificates) where it runs: a copy of it in a directory of its own.
        directory = Files.createDirectories(state.resolve("azure"));
        Path copy = Files.copy(script, directory.resolve(script.getFileName()));
        lab = Lab.builder().stateDirectory(state).start();
        LabServer.seedDefaultScenario(lab);
        AzureCli az = AzureCli.signedInAsLearner(lab, state.resolve("azure-cli"));
        result = az.runScript(copy, input, variables, AzureCli.needsStandIns(), 300);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (lab != null) {
            lab.close();
        }
    }

    public Lab lab() {
        return lab;
    }

    /** What the script printed and its exit code. */
    public AzureCli.Result result() {
        return result;
    }

    /** Where the script ran (its copy is there, with what it wrote). */
    public Path directory() {
        return directory;
    }
}
