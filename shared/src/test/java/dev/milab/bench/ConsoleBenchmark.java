package dev.milab.bench;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.console.LabConsole;
import dev.milab.lab.Lab;
import dev.milab.lab.LabServer;
import dev.milab.testing.Browser;

/**
 * The lab console in a real headless Chromium: time to interactive (navigation start until the page shows the
 * lab's resources, directory and traffic) and hop latency (the lab recorded a hop, until the page shows it), with
 * hops at a demo's pace and at full speed (IMDS token requests in a loop from two threads). Printed, not asserted.
 * Needs /usr/bin/chromium and /usr/bin/chromedriver. Run: {@code ./mvnw -q -pl shared test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=dev.milab.bench.ConsoleBenchmark}
 */
public final class ConsoleBenchmark {

    private static final int OPENINGS = 5;
    private static final Duration LOAD = Duration.ofSeconds(5);

    private ConsoleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (Browser.whyUnavailable().isPresent()) {
            System.out.println("Skipped: " + Browser.whyUnavailable().get());
            return;
        }
        System.out.println("Managed Identity Lab - console benchmark (" + Runtime.getRuntime().availableProcessors()
            + " cores, " + System.getProperty("java.version") + ")");
        try (Lab lab = Lab.start(); Browser browser = Browser.start()) {
            LabServer.seedDefaultScenario(lab);
            LabConsole console = lab.startConsole(0);
            URI imds = URI.create(lab.imdsAddress("vm1") + "/metadata/identity/oauth2/token?api-version=2018-02-01"
                + "&resource=https%3A%2F%2Fmanagement.azure.com%2F");
            HttpClient http = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();
            for (int i = 0; i < 20; i++) {
                tokenFrom(http, imds);
            }
            double[] interactive = new double[OPENINGS];
            for (int i = 0; i < OPENINGS; i++) {
                browser.open(URI.create("about:blank"));
                browser.open(console.address());
                JsonNode ready = browser.await("the page to show the lab", Duration.ofSeconds(10),
                    "return document.body.dataset.readyAt || null;", v -> !v.isNull());
                interactive[i] = Double.parseDouble(ready.asText());
            }
            System.out.printf("time to interactive (navigation start to data shown), %d openings: %s ms%n", OPENINGS,
                Arrays.toString(Arrays.stream(interactive).mapToLong(Math::round).toArray()));

            for (String pace : List.of("demo pace (one hop every 50 ms)", "full speed (2 threads, no pause)")) {
                boolean full = pace.startsWith("full");
                long firstSeq = lab.trace().lastSequence() + 1;
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> callers = new ArrayList<>();
                for (int t = 0; t < (full ? 2 : 1); t++) {
                    Thread caller = new Thread(() -> {
                        while (!stop.get()) {
                            tokenFrom(http, imds);
                            if (!full) {
                                sleep(50);
                            }
                        }
                    });
                    caller.start();
                    callers.add(caller);
                }
                Thread.sleep(LOAD.toMillis());
                stop.set(true);
                for (Thread caller : callers) {
                    caller.join();
                }
                long last = lab.trace().lastSequence();
                browser.await("the last hop on the page", Duration.ofSeconds(10),
                    "return Number(document.querySelector('#hops li.hop:last-child')?.dataset.seq || 0);",
                    v -> v.asLong() >= last);
                JsonNode latencies = browser.script("return [...document.querySelectorAll('#hops li.hop[data-at]')]"
                    + ".filter(li => Number(li.dataset.seq) >= arguments[0])"
                    + ".map(li => Number(li.dataset.shownAt) - Number(li.dataset.at));", firstSeq);
                long[] ms = new long[latencies.size()];
                for (int i = 0; i < ms.length; i++) {
                    ms[i] = latencies.get(i).asLong();
                }
                Arrays.sort(ms);
                System.out.printf("hop latency at %s: %d hops in %d s, %d shown (the page keeps the newest 1,000):"
                    + " median %d ms, 95th percentile %d ms, max %d ms%n", pace, last - firstSeq + 1,
                    LOAD.toSeconds(), ms.length, ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[ms.length - 1]);
            }
            browser.screenshot(Path.of("target", "console-benchmark.png"));
        }
    }

    private static void tokenFrom(HttpClient http, URI imds) {
        try {
            http.send(HttpRequest.newBuilder(imds).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
