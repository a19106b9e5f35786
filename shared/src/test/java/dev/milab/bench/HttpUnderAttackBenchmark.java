package dev.milab.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import dev.milab.lab.Lab;
import dev.milab.testing.StalledClients;
import dev.milab.testing.StalledClients.Stall;

/**
 * Issue 14's figures, printed (not asserted): how long a real client waits for the lab's HTTP endpoints while N
 * clients stall or trickle, and when the lab closes them; and the lab's start-up, which the transport must not
 * slow down.
 * <ol>
 *   <li>{@code Lab.start()} plus one VM (so the gateway and one IMDS server start), median of several in one
 *       JVM;</li>
 *   <li>a real client's latency, each request on a new connection: HTTPS to the gateway (Entra ID's keys, TLS
 *       handshake included), IMDS tokens of the attacked VM and of another VM; quiet, then while N sockets stall
 *       (6 bytes of a TLS record and silence on the gateway; silence, half headers and half a body on vm1's
 *       IMDS), then while N sockets trickle a header byte every 200 ms at each (after a TLS handshake on the
 *       gateway);</li>
 *   <li>after each attack, how long until the lab closed every stalled socket (or how many were still open after
 *       {@link #WATCH}).</li>
 * </ol>
 * Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.HttpUnderAttackBenchmark [-Dexec.args=40]}
 */
public final class HttpUnderAttackBenchmark {

    private static final Duration PHASE = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WATCH = Duration.ofSeconds(15);
    private static final int STARTS = 5;

    private HttpUnderAttackBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int attackers = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        // Each request of the real client says "Connection: close", so its connections do not pile up idle and
        // count against the endpoint's connection limit (java.net.http has no close() on JDK 17).
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "connection");
        System.out.println("Managed Identity Lab - HTTP endpoints under stalled clients (" + Runtime.getRuntime()
            .availableProcessors() + " cores, " + System.getProperty("java.version") + ", " + attackers
            + " attackers per endpoint)");
        startUp();
        try (Lab lab = Lab.start()) {
            for (String vm : List.of("vm1", "vm2")) {
                lab.createVirtualMachine(vm);
                lab.enableSystemAssignedIdentity(vm);
            }
            Map<String, HttpRequest> targets = new LinkedHashMap<>();
            targets.put("gateway, new TLS connection", HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + lab.gatewayPort() + "/common/discovery/keys")).header("Connection", "close").timeout(REQUEST_TIMEOUT)
                .build());
            targets.put("vm1 IMDS (attacked), new connection", tokenRequest(lab.imdsAddress("vm1")));
            targets.put("vm2 IMDS (not attacked), new connection", tokenRequest(lab.imdsAddress("vm2")));
            SSLContext trust = lab.tls().clientContext();
            measure("warm-up", targets, trust);
            System.out.println("real client's latency per request (median / 90th percentile / max; failed of sent):");
            print("quiet", measure("quiet", targets, trust));
            try (StalledClients gateway = StalledClients.open(lab.gatewayPort(), attackers, Stall.TLS_RECORD_START,
                    Stall.SILENT);
                 StalledClients imds = StalledClients.open(lab.imdsAddress("vm1").getPort(), attackers, Stall.SILENT,
                     Stall.HALF_HEADERS, Stall.HALF_BODY)) {
                print(attackers + " stalled at each", measure("stalled", targets, trust));
                closed("stalled sockets on the gateway", gateway);
                closed("stalled sockets on vm1's IMDS", imds);
            }
            try (StalledClients gateway = StalledClients.openAfterHandshake(lab.gatewayPort(), trust, attackers,
                    Stall.TRICKLE);
                 StalledClients imds = StalledClients.open(lab.imdsAddress("vm1").getPort(), attackers,
                     Stall.TRICKLE)) {
                print(attackers + " trickling at each", measure("trickling", targets, trust));
                closed("trickling sockets on the gateway", gateway);
                closed("trickling sockets on vm1's IMDS", imds);
            } catch (java.io.IOException e) {
                System.out.println("  trickling: the attack could not even be set up: " + e.getMessage());
            }
        }
        // The stalled clients' and the HTTP clients' threads need not all be daemons.
        System.exit(0);
    }

    private static void startUp() {
        long[] millis = new long[STARTS + 1];
        for (int i = 0; i < millis.length; i++) {
            long t0 = System.nanoTime();
            try (Lab lab = Lab.start()) {
                lab.createVirtualMachine("vm1");
                millis[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        long[] warm = Arrays.copyOfRange(millis, 1, millis.length);
        Arrays.sort(warm);
        System.out.printf("Lab.start() + one VM: first %d ms in this JVM, then median %d ms of %d (%s)%n", millis[0],
            warm[warm.length / 2], STARTS, Arrays.toString(Arrays.copyOfRange(millis, 1, millis.length)));
    }

    private static HttpRequest tokenRequest(URI imds) {
        return HttpRequest.newBuilder(URI.create(imds + "/metadata/identity/oauth2/token?api-version=2018-02-01"
            + "&resource=https%3A%2F%2Fmanagement.azure.com%2F")).header("Metadata", "true")
            .header("Connection", "close").timeout(REQUEST_TIMEOUT).build();
    }

    private record Latencies(List<Long> millis, int failed) {
    }

    /** Round robin over the targets for {@link #PHASE}, each request from a new client (so a new connection). */
    private static Map<String, Latencies> measure(String phase, Map<String, HttpRequest> targets, SSLContext trust) {
        Map<String, List<Long>> millis = new LinkedHashMap<>();
        Map<String, Integer> failed = new LinkedHashMap<>();
        targets.keySet().forEach(k -> {
            millis.put(k, new ArrayList<>());
            failed.put(k, 0);
        });
        long end = System.nanoTime() + PHASE.toNanos();
        do {
            targets.forEach((name, request) -> {
                HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(REQUEST_TIMEOUT)
                    .version(HttpClient.Version.HTTP_1_1).build();
                long t0 = System.nanoTime();
                try {
                    int status = client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                    if (status != 200) {
                        throw new IllegalStateException(phase + ": " + name + " answered " + status);
                    }
                    millis.get(name).add((System.nanoTime() - t0) / 1_000_000);
                } catch (java.io.IOException e) {
                    failed.merge(name, 1, Integer::sum);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
        } while (System.nanoTime() < end);
        Map<String, Latencies> result = new LinkedHashMap<>();
        millis.forEach((k, v) -> result.put(k, new Latencies(v, failed.get(k))));
        return result;
    }

    private static void print(String phase, Map<String, Latencies> results) {
        results.forEach((name, l) -> {
            long[] sorted = l.millis().stream().mapToLong(Long::longValue).sorted().toArray();
            int sent = sorted.length + l.failed();
            String figures = sorted.length == 0 ? "no answer"
                : String.format("%d / %d / %d ms", sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.9)],
                    sorted[sorted.length - 1]);
            System.out.printf("  %-22s %-42s %-22s failed %d of %d%n", phase, name, figures, l.failed(), sent);
        });
    }

    private static void closed(String what, StalledClients clients) {
        List<Duration> after = clients.awaitServerClose(WATCH);
        long open = after.stream().filter(Objects::isNull).count();
        Duration latest = after.stream().filter(Objects::nonNull).max(Duration::compareTo).orElse(null);
        Duration earliest = after.stream().filter(Objects::nonNull).min(Duration::compareTo).orElse(null);
        System.out.printf("  %s: %d of %d closed by the lab%s; %d still open after %d s%n", what, after.size() - open,
            after.size(), latest == null ? "" : String.format(" (%.1f to %.1f s after connect)",
                earliest.toMillis() / 1000.0, latest.toMillis() / 1000.0), open, WATCH.toSeconds());
    }
}
