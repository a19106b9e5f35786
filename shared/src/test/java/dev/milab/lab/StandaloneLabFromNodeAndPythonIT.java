package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.milab.arm.BuiltInRoles;
import dev.milab.keyvault.KeyVault;
import dev.milab.kit.Transcript;
import dev.milab.routing.Loopback;
import dev.milab.routing.TunnelProxy;

/**
 * shared/README.md's "Use the standalone lab from JavaScript and Python", run as written: its shell blocks, with the
 * standalone lab's default ports and {@code ~/.milab} replaced by this lab's, run in bash from the repository's root;
 * what they print must fit the README's output blocks. The clients are the official ones, unmodified:
 * {@code @azure/identity} ({@code DefaultAzureCredential}, {@code ManagedIdentityCredential} through msal-node),
 * {@code @azure/keyvault-secrets} with its default api-version, three {@code @azure/arm-*} clients, tedious
 * (service principal and {@code azure-active-directory-msi-vm} logins), and Python's standard library.
 *
 * <p>Skipped, with the reason, where {@code node} or {@code python3} is missing or {@code npm ci} has not been run
 * in {@code shared/src/test/js}. Before anything runs, the blocks' settings must send every connection to loopback:
 * the proxy, the VM's IMDS and the SQL host.
 */
class StandaloneLabFromNodeAndPythonIT {

    private static final Path README = Path.of("README.md");
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path JS_PROJECT = Path.of("src", "test", "js");
    private static final Pattern EXPORT = Pattern.compile("(?m)^export (.+?)(?:\\s+#.*)?$");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Z_]+)=(\\S+)");

    private Lab lab;
    private Path state;

    @BeforeEach
    void startTheStandaloneScenario(@TempDir Path directory) {
        state = directory;
        lab = Lab.builder().stateDirectory(state).start();
        LabServer.seedDefaultScenario(lab);
        LabServer.writeAdminEnvironment(lab);
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void nodeAsTheAdminGrantsVm1ThenVm1ReadsTheSecretAndSignsInToAzureSql() throws Exception {
        assumeTrue(works("node", "--version"), "node is not installed");
        assumeTrue(Files.isDirectory(JS_PROJECT.resolve("node_modules/@azure/identity"))
                && Files.isDirectory(JS_PROJECT.resolve("node_modules/tedious")),
            "run npm ci in shared/src/test/js first (.ci/run does)");
        String readme = Files.readString(README, StandardCharsets.UTF_8);

        String admin = runBlock(readme, "<!-- js-admin -->", List.of("HTTPS_PROXY", "SQL_HOST"));
        assertFits(readme, "<!-- js-admin-output -->", admin);

        String vm1 = runBlock(readme, "<!-- js-vm1 -->", List.of("HTTPS_PROXY", "SQL_HOST",
            "AZURE_POD_IDENTITY_AUTHORITY_HOST"));
        assertFits(readme, "<!-- js-vm1-output -->", vm1);
        String vm1AppId = lab.virtualMachine("vm1").orElseThrow().systemAssigned().appId();
        assertThat(vm1).contains("appid " + vm1AppId, "signed in as " + vm1AppId + "@" + lab.tenant().id());
    }

    @Test
    void pythonOnVm1ReadsTheSecretWithTheStandardLibraryOnly() throws Exception {
        assumeTrue(works("python3", "--version"), "python3 is not installed");
        KeyVault kv1 = lab.keyVault("kv1").orElseThrow();
        lab.grantRole(lab.virtualMachine("vm1").orElseThrow().systemAssigned().objectId(),
            BuiltInRoles.KEY_VAULT_SECRETS_USER, kv1.resourceId());
        kv1.secrets().set("greeting", "Hello from kv1", null, true, null, null, Map.of()); // what the admin script sets
        String readme = Files.readString(README, StandardCharsets.UTF_8);

        String vm1 = runBlock(readme, "<!-- py-vm1 -->", List.of("HTTPS_PROXY", "AZURE_POD_IDENTITY_AUTHORITY_HOST"));

        assertFits(readme, "<!-- py-vm1-output -->", vm1);
    }

    /**
     * Runs a README shell block with this lab's ports and state directory. The settings named in {@code loopback}
     * must be exported and lead to loopback, or nothing runs: the scripts would otherwise reach Azure.
     */
    private String runBlock(String readme, String marker, List<String> loopback) throws IOException,
        InterruptedException {
        String script = Transcript.fencedBlockAfter(readme, marker)
            .replace("~/.milab", state.toString())
            .replaceAll("\\b" + TunnelProxy.DEFAULT_PORT + "\\b", String.valueOf(lab.proxyAddress().getPort()))
            .replaceAll("\\b" + (LabServer.DEFAULT_IMDS_PORT_BASE + 1) + "\\b",
                String.valueOf(lab.imdsAddress("vm1").getPort()))
            .replaceAll("\\b" + LabServer.DEFAULT_SQL_PORT + "\\b", String.valueOf(lab.sqlPort()));
        Map<String, String> exported = exports(script);
        for (String name : loopback) {
            assertThat(exported).as(marker + " exports " + name).containsKey(name);
            String value = exported.get(name).replaceFirst("^https?://", "").replaceFirst(":\\d+/?$", "");
            assertThat(Loopback.isLoopbackLiteral(value)).as(name + "=" + exported.get(name) + " is loopback")
                .isTrue();
        }
        ProcessBuilder bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
            .directory(REPOSITORY.toFile()).redirectErrorStream(true);
        clean(bash.environment());
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
        assertThat(process.exitValue()).as(marker + " exit code; output:\n" + output).isZero();
        return output;
    }

    private static Map<String, String> exports(String script) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher line = EXPORT.matcher(script);
        while (line.find()) {
            Matcher a = ASSIGNMENT.matcher(line.group(1));
            while (a.find()) {
                env.put(a.group(1), a.group(2));
            }
        }
        return env;
    }

    /** What the build's own environment must not lend the scripts: only the README's settings count. */
    private static void clean(Map<String, String> env) {
        env.keySet().removeIf(k -> {
            String key = k.toUpperCase(Locale.ROOT);
            return key.endsWith("_PROXY") || key.startsWith("AZURE_") || key.startsWith("MILAB_")
                || key.startsWith("SQL_") || key.startsWith("NODE_") || key.equals("SSL_CERT_FILE")
                || key.equals("REQUESTS_CA_BUNDLE");
        });
    }

    private static void assertFits(String readme, String marker, String output) {
        assertThat(Transcript.mismatch(Transcript.fencedBlockAfter(readme, marker), output))
            .as("README's " + marker + " against the run, masked:\n" + Transcript.mask(output)).isEmpty();
    }

    private static boolean works(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
