package dev.milab.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.lab.AdminPrincipal;
import dev.milab.lab.Lab;

/**
 * The Azure CLI, unmodified, against a lab: Azure's URLs through the lab's proxy, the lab CA as the only trust, a
 * configuration directory of its own, signed in as the lab's admin principal.
 */
public final class AzureCli {

    /** What one {@code az} run printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String text() {
            return stdout + stderr;
        }
    }

    private final Map<String, String> env;

    private AzureCli(Map<String, String> env) {
        this.env = env;
    }

    /** Whether a program is on the PATH (for JUnit assumptions). */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** Signs in to {@code lab} as its admin ({@code az login --service-principal}) with {@code configDir} as home. */
    public static AzureCli signedInAsAdmin(Lab lab, Path configDir) {
        Map<String, String> env = new LinkedHashMap<>(lab.proxyEnvironment());
        env.put("AZURE_CONFIG_DIR", configDir.toAbsolutePath().toString());
        env.put("AZURE_CORE_COLLECT_TELEMETRY", "false");
        env.put("AZURE_CORE_NO_COLOR", "true");
        AzureCli az = new AzureCli(env);
        AdminPrincipal admin = lab.admin();
        Result login = az.run("login", "--service-principal", "-u", admin.clientId(), "-p", admin.clientSecret(),
            "--tenant", admin.tenantId(), "-o", "none");
        assertThat(login.exitCode()).as(login.text()).isZero();
        return az;
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("az");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.toLowerCase().endsWith("_proxy"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var err = new java.util.concurrent.CompletableFuture<byte[]>();
            Thread drain = new Thread(() -> {
                try {
                    err.complete(p.getErrorStream().readAllBytes());
                } catch (IOException e) {
                    err.completeExceptionally(e);
                }
            });
            drain.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("az " + String.join(" ", args) + " did not finish in 90 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
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
