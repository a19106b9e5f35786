package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;

/**
 * Runs the real Azure CLI for a test with the given environment only (the lab's proxy and trust, a configuration
 * directory of its own): no {@code AZURE_*} or proxy setting of the machine's leaks in.
 */
final class AzureCli {

    record Result(int exitCode, String stdout, String stderr) {
        String text() {
            return stdout + stderr;
        }
    }

    private final Map<String, String> env;

    AzureCli(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    static boolean isInstalled() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, "az")));
    }

    /** {@code az args...} as a process to start, for a command that runs in the background. */
    ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>();
        command.add("az");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.toLowerCase().endsWith("_proxy"));
        pb.environment().putAll(env);
        return pb;
    }

    /** Runs {@code az args...} to its end (at most 60 s). */
    Result run(String... args) {
        try {
            Process p = command(args).start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("az " + String.join(" ", args) + " did not finish in 60 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static JsonNode json(Result r) {
        assertThat(r.exitCode()).as(r.text()).isZero();
        try {
            return Json.read(r.stdout());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + r.text(), e);
        }
    }

    static List<String> text(Result r) {
        assertThat(r.exitCode()).as(r.text()).isZero();
        return r.stdout().lines().filter(l -> !l.isBlank()).toList();
    }
}
