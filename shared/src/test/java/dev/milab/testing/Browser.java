package dev.milab.testing;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;

/**
 * A headless Chromium driven through chromedriver's W3C WebDriver protocol (JSON over HTTP on loopback), with no
 * client library: start a session, open a page, run a script in it, take a screenshot. Debian's {@code chromium} and
 * {@code chromium-driver} packages provide both programs; {@link #whyUnavailable()} says what is missing, for a test
 * to skip with.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Flags that work in a container with no GPU, no sandbox and no network beyond loopback. */
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1600,1000");

    private final Process driver;
    private final Path profile;
    private final URI base;
    private final String session;
    private final HttpClient http = HttpClient.newBuilder().proxy(ProxySelector.of(null))
        .connectTimeout(Duration.ofSeconds(5)).build();

    private Browser(Process driver, Path profile, URI base) throws IOException, InterruptedException {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
        Map<String, Object> chrome = new LinkedHashMap<>();
        chrome.put("binary", CHROMIUM.toString());
        List<String> args = new ArrayList<>(FLAGS);
        args.add("--user-data-dir=" + profile);
        chrome.put("args", args);
        Map<String, Object> capabilities = Map.of("capabilities", Map.of("alwaysMatch", Map.of(
            "browserName", "chrome", "goog:chromeOptions", chrome)));
        this.session = call("POST", "/session", capabilities).get("sessionId").asText();
    }

    /** Why no browser can start here (Chromium or chromedriver missing), or empty if one can. */
    public static Optional<String> whyUnavailable() {
        for (Path program : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(program)) {
                return Optional.of(program + " is not installed (Debian: apt-get install chromium chromium-driver);"
                    + " the lab console's browser test needs it");
            }
        }
        return Optional.empty();
    }

    /** Starts chromedriver on a free loopback port and a headless Chromium with an empty profile. */
    public static Browser start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path profile = Files.createTempDirectory("milab-chromium-");
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
            .redirectErrorStream(true).redirectOutput(profile.resolve("chromedriver.log").toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        HttpClient probe = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                probe.send(HttpRequest.newBuilder(base.resolve("/status")).build(), HttpResponse.BodyHandlers.ofString());
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !driver.isAlive()) {
                    driver.destroyForcibly();
                    throw new IOException("chromedriver did not start; see " + profile.resolve("chromedriver.log"), e);
                }
                Thread.sleep(50);
            }
        }
        try {
            return new Browser(driver, profile, base);
        } catch (IOException | RuntimeException e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    /** Opens {@code url} and returns when the page has loaded. */
    public void open(URI url) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/url", Map.of("url", url.toString()));
    }

    /** Runs {@code script} (a function body; {@code arguments[i]} are {@code args}) in the page; its return value. */
    public JsonNode script(String script, Object... args) throws IOException, InterruptedException {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", script, "args", List.of(args)))
            .get("value");
    }

    /**
     * Runs {@code script} every 50 ms until {@code done} holds for its value, and returns that value.
     *
     * @throws AssertionError with {@code what} and the last value if {@code timeout} passes first
     */
    public JsonNode await(String what, Duration timeout, String script, Predicate<JsonNode> done)
        throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode value;
        while (true) {
            value = script(script);
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Waited " + timeout.toSeconds() + " s for " + what + "; the page said: "
                    + value);
            }
            Thread.sleep(50);
        }
    }

    /** A PNG of the whole viewport, written to {@code file}. */
    public Path screenshot(Path file) throws IOException, InterruptedException {
        JsonNode value = call("GET", "/session/" + session + "/screenshot", null).get("value");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(value.asText()));
        return file;
    }

    /** Sets the window's size (the screenshot's). */
    public void windowSize(int width, int height) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/window/rect", Map.of("width", width, "height", height));
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = Json.read(response.body());
        if (response.statusCode() != 200) {
            throw new IOException("WebDriver " + method + " " + path + " answered " + response.statusCode() + ": "
                + json.path("value").path("message").asText(response.body()));
        }
        return json.has("sessionId") ? json : json.has("value") && json.get("value").has("sessionId")
            ? json.get("value") : json;
    }

    @Override
    public void close() {
        try {
            call("DELETE", "/session/" + session, null);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the browser is going anyway
        }
        driver.destroy();
        try {
            if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            driver.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
