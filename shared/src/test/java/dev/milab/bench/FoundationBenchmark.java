package dev.milab.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

import dev.milab.lab.Lab;

/**
 * The foundation's figures, printed (not asserted):
 * <ol>
 *   <li>lab cold start until every endpoint answers, median of several starts in one JVM;</li>
 *   <li>IMDS token requests per second, 4 client threads with keep-alive, as a ratio to a trivial JDK
 *       {@code HttpServer} answering a fixed 1 KB body in the same run (the transport's limit).</li>
 * </ol>
 * Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.FoundationBenchmark}
 */
public final class FoundationBenchmark {

    private static final int THREADS = 4;
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration MEASURE = Duration.ofSeconds(5);

    private FoundationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // The baseline gets the same TCP_NODELAY setting the lab's servers use.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        System.out.println("Managed Identity Lab - foundation benchmark (" + Runtime.getRuntime().availableProcessors()
            + " cores, " + System.getProperty("java.version") + ")");
        coldStart(starts);
        imdsThroughput();
    }

    private static void coldStart(int starts) throws Exception {
        long[] millis = new long[starts];
        for (int i = 0; i < starts; i++) {
            long t0 = System.nanoTime();
            try (Lab lab = Lab.start()) {
                lab.createVirtualMachine("vm1");
                lab.enableSystemAssignedIdentity("vm1");
                HttpClient client = HttpClient.newBuilder().sslContext(lab.tls().clientContext()).build();
                HttpResponse<String> token = client.send(tokenRequest(lab.imdsAddress("vm1")),
                    HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> jwks = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                    + lab.gatewayPort() + "/common/discovery/keys")).build(), HttpResponse.BodyHandlers.ofString());
                if (token.statusCode() != 200 || jwks.statusCode() != 200) {
                    throw new IllegalStateException("lab not answering: " + token.statusCode() + "/" + jwks.statusCode());
                }
                millis[i] = (System.nanoTime() - t0) / 1_000_000;
            }
        }
        long[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf("cold start (lab up, VM created, IMDS token + JWKS answered): median %d ms over %d starts "
            + "(first %d ms, all %s)%n", sorted[sorted.length / 2], starts, millis[0], Arrays.toString(millis));
    }

    private static void imdsThroughput() throws Exception {
        HttpServer baseline = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        byte[] kilobyte = new byte[1024];
        Arrays.fill(kilobyte, (byte) 'x');
        baseline.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, kilobyte.length);
            exchange.getResponseBody().write(kilobyte);
            exchange.close();
        });
        ExecutorService serverThreads = Executors.newFixedThreadPool(8);
        baseline.setExecutor(serverThreads);
        baseline.start();
        try (Lab lab = Lab.start()) {
            lab.createVirtualMachine("vm1");
            lab.enableSystemAssignedIdentity("vm1");
            URI imds = lab.imdsAddress("vm1");
            URI base = URI.create("http://127.0.0.1:" + baseline.getAddress().getPort());
            double limit = run("baseline: JDK HttpServer, fixed 1 KB", tokenRequest(base));
            double lab1 = run("lab IMDS token endpoint (cached token)", tokenRequest(imds));
            System.out.printf("IMDS / baseline ratio: %.2f (target >= 0.50)%n", lab1 / limit);
        } finally {
            baseline.stop(0);
            serverThreads.shutdownNow();
        }
    }

    private static double run(String name, HttpRequest request) throws Exception {
        measure(request, WARM_UP);
        double perSecond = measure(request, MEASURE);
        System.out.printf("%-45s %,10.0f requests/s (%d threads, keep-alive)%n", name, perSecond, THREADS);
        return perSecond;
    }

    private static double measure(HttpRequest request, Duration duration) throws Exception {
        long t0 = System.nanoTime();
        long done = ConcurrentLoop.count(THREADS, duration, () -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            return () -> {
                HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("status " + r.statusCode());
                }
            };
        });
        return done / ((System.nanoTime() - t0) / 1e9);
    }

    private static HttpRequest tokenRequest(URI base) {
        return HttpRequest.newBuilder(URI.create(base + "/metadata/identity/oauth2/token?api-version=2018-02-01"
            + "&resource=https%3A%2F%2Fmanagement.azure.com%2F")).header("Metadata", "true").GET().build();
    }
}
