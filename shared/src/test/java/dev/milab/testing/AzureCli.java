package dev.milab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.lab.AdminPrincipal;
import dev.milab.lab.Lab;

/**
 * The Azure CLI, unmodified, against a lab: Azure's URLs through the lab's proxy, the lab CA as the only trust, a
 * configuration directory of its own (never the user's real az profile), no telemetry. Tests run az commands and
 * whole scripts with it, signed in as the lab's admin principal or as the learner.
 *
 * <p>Debian's {@code azure-cli} 2.45 package fails inside az, before it sends a request, for {@code az vm},
 * {@code az role assignment create} and {@code az keyvault secret set} (its CLI expects SDK versions the package
 * does not ship). {@link #runScript} can put {@code shared/src/test/azure-cli/az_standins.py} in front of az for
 * those commands only: it sends the requests a working az sends. {@link #needsStandIns()} says whether the
 * installed az is that package.
 */
public final class AzureCli {

    /** What one {@code az} run printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String text() {
            return stdout + stderr;
        }
    }

    private static final String AZ = "/usr/bin/az";

    private final Map<String, String> env;

    private AzureCli(Map<String, String> env) {
        this.env = env;
    }

    /** az for {@code lab}, signed in as nobody yet, with {@code configDir} as its home. */
    public static AzureCli forLab(Lab lab, Path configDir) {
        Map<String, String> env = new LinkedHashMap<>(lab.proxyEnvironment());
        env.put("AZURE_CONFIG_DIR", configDir.toAbsolutePath().toString());
        env.put("AZURE_CORE_COLLECT_TELEMETRY", "false");
        env.put("AZURE_CORE_NO_COLOR", "true");
        return new AzureCli(env);
    }

    /** Whether az is installed where Debian puts it. */
    public static boolean installed() {
        return Files.isExecutable(Path.of(AZ));
    }

    /** Whether the installed az is Debian's 2.45 package, which needs the stand-ins (see the class comment). */
    public static boolean needsStandIns() {
        return installed() && Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/azure_cli-2.45.0.egg-info"));
    }

    /** {@code shared/src/test/azure-cli/az_standins.py}, found from the module the test runs in. */
    public static Path standInProgram() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared/src/test/azure-cli/az_standins.py");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/src/test/azure-cli/az_standins.py not found above the working "
            + "directory");
    }

    /** Whether a program is on the PATH (for JUnit assumptions). */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** Signs in to {@code lab} as its admin ({@code az login --service-principal}) with {@code configDir} as home. */
    public static AzureCli signedInAsAdmin(Lab lab, Path configDir) {
        AzureCli az = forLab(lab, configDir);
        AdminPrincipal admin = lab.admin();
        // -p=secret: a secret that starts with '-' would be taken for an option (az's own advice).
        Result login = az.run("login", "--service-principal", "-u", admin.clientId(), "-p=" + admin.clientSecret(),
            "--tenant", admin.tenantId(), "-o", "none");
        assertThat(login.exitCode()).as(login.text()).isZero();
        return az;
    }

    /** A lab and the az signed in to it. */
    public record OnLab(Lab lab, AzureCli az) {
    }

    /**
     * A lab with the standalone server's default scenario (state under {@code target/name-...}) and az signed in
     * as its admin; skips the test (a JUnit assumption) where az is not installed.
     */
    public static OnLab defaultLabSignedInAsAdmin(String name) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(onPath("az"),
            "the Azure CLI (az) is not installed (apt-get install azure-cli)");
        Path state = Files.createDirectories(Path.of("target", name + "-" + java.util.UUID.randomUUID()))
            .toAbsolutePath();
        Lab lab = Lab.builder().stateDirectory(state).start();
        try {
            dev.milab.lab.LabServer.seedDefaultScenario(lab);
            return new OnLab(lab, signedInAsAdmin(lab, state.resolve("azure-cli")));
        } catch (RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /**
     * Signs in to {@code lab} as its learner ({@code az login --use-device-code}), approving the code az waits on
     * with {@code lab.deviceCodes()} where a person would enter it at microsoft.com/devicelogin. The lab's polling
     * interval is shortened to a second: az waits that long between polls.
     */
    public static AzureCli signedInAsLearner(Lab lab, Path configDir) {
        AzureCli az = forLab(lab, configDir);
        lab.deviceCodes().pollingInterval(1);
        CompletableFuture<Result> login = az.start("login", "--use-device-code", "-o", "none");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lab.deviceCodes().pending().isEmpty() && !login.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("az login --use-device-code left no code on the lab within 60 s");
            }
            sleep(100);
        }
        lab.deviceCodes().pending().forEach(code -> lab.deviceCodes().approve(code.userCode(), lab.learner()));
        Result done = login.join();
        assertThat(done.exitCode()).as(done.text()).isZero();
        return az;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code az args...} as a process to start, with this az's environment only. */
    public ProcessBuilder command(String... args) {
        return withEnvironment(new ProcessBuilder(az(args)));
    }

    private ProcessBuilder withEnvironment(ProcessBuilder pb) {
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.toLowerCase().endsWith("_proxy"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs az with these arguments, standard input closed, within 90 s. */
    public Result run(String... args) {
        return execute(az(args), "", Map.of(), null, 90);
    }

    /** Starts az with these arguments; the future completes when it ends (for a command that waits, a login). */
    public CompletableFuture<Result> start(String... args) {
        return CompletableFuture.supplyAsync(() -> execute(az(args), "", Map.of(), null, 180));
    }

    /**
     * Runs a bash script unchanged ({@code bash script}) in its own directory, with {@code input} on standard input
     * and {@code variables} added to the environment; with {@code standIns}, the commands Debian's az 2.45 cannot
     * run go to the stand-ins (the class comment says which) and every other az command to the real az.
     */
    public Result runScript(Path script, String input, Map<String, String> variables, boolean standIns,
            int timeoutSeconds) {
        Path absolute = script.toAbsolutePath().normalize();
        String launcher = standIns
            ? "az() { /usr/bin/python3 " + quote(standInProgram().toString()) + " \"$@\"; }; export -f az; "
            : "";
        return execute(List.of("bash", "-c", launcher + "exec bash " + quote(absolute.toString())), input, variables,
            absolute.getParent(), timeoutSeconds);
    }

    private static List<String> az(String... args) {
        List<String> command = new ArrayList<>();
        command.add(AZ);
        command.addAll(List.of(args));
        return command;
    }

    private Result execute(List<String> command, String input, Map<String, String> variables, Path directory,
            int timeoutSeconds) {
        ProcessBuilder pb = withEnvironment(new ProcessBuilder(command));
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        pb.environment().putAll(variables);
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
                new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The JSON az printed; fails if it failed. */
    public JsonNode json(String... args) {
        return json(run(args));
    }

    /** The lines az printed ({@code -o tsv}); fails if it failed. */
    public List<String> lines(String... args) {
        return lines(run(args));
    }

    public static JsonNode json(Result r) {
        assertThat(r.exitCode()).as(r.text()).isZero();
        try {
            return Json.read(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }

    public static List<String> lines(Result r) {
        assertThat(r.exitCode()).as(r.text()).isZero();
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }
}
