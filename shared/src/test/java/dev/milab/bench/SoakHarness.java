package dev.milab.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.arm.BuiltInRoles;
import dev.milab.entra.ResourceApplications;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.routing.LabHttpClientProvider;

/**
 * The lab under a steady mixed load for minutes, to see whether it holds: IMDS token requests, Key Vault reads and
 * Resource Manager reads (bearer tokens, RBAC) over the lab's routing client, and Azure SQL logins with a query over
 * mssql-jdbc, from N concurrent clients. Each minute it prints throughput, p50/p99 latency per kind, errors, the
 * heap after a full GC and the resident size; at the end, the figures against the targets (0 errors, HTTP p99 under
 * 100 ms, heap after GC flat over the last 5 minutes). Not part of {@code verify}; the clients run in this JVM, so
 * the heap includes their (bounded) data and the CPU is shared with them.
 *
 * <p>Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.SoakHarness -Dexec.args="--minutes 10 --clients 100 --think-ms 100"}
 * (options: {@code --minutes N}, {@code --clients N}, {@code --think-ms N} pause after each answer, default 100
 * (0 makes a closed loop that saturates the machine);
 * {@code --interval-seconds N} shortens a "minute" for a quick look).
 */
public final class SoakHarness {

    /** What a client does, with the share of requests it gets. */
    enum Kind {
        IMDS_TOKEN(30), KEY_VAULT_READ(30), ARM_READ(30), SQL_LOGIN_AND_QUERY(10);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }

        boolean http() {
            return this != SQL_LOGIN_AND_QUERY;
        }
    }

    private SoakHarness() {
    }

    public static void main(String[] args) throws Exception {
        int minutes = option(args, "--minutes", 10);
        int clients = option(args, "--clients", 100);
        int thinkMs = option(args, "--think-ms", 100);
        int intervalSeconds = option(args, "--interval-seconds", 60);
        System.setProperty("AZURE_HTTP_CLIENT_IMPLEMENTATION", LabHttpClientProvider.class.getName());
        try (Lab lab = Lab.start()) {
            Fixture fixture = Fixture.seed(lab);
            System.out.printf("Managed Identity Lab - soak: %d clients, %d min, think %d ms, %d cores, Java %s%n",
                clients, minutes, thinkMs, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
            System.out.println("min  req/s  errors  p50/p99 ms: imds  keyvault      arm           sql            "
                + "heap-after-gc  rss");
            List<double[]> heap = new ArrayList<>();
            Window window = new Window();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> firstError = new AtomicReference<>();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> workers = new ArrayList<>();
            long totalErrors = 0;
            double lastRate = 0;
            double worstHttpP99 = 0;
            try {
                for (int c = 0; c < clients; c++) {
                    workers.add(pool.submit(() -> {
                        while (!stop.get()) {
                            Kind kind = pick();
                            long t0 = System.nanoTime();
                            try {
                                fixture.run(kind);
                                window.record(kind, System.nanoTime() - t0);
                            } catch (Exception | AssertionError e) {
                                window.errors.increment();
                                firstError.compareAndSet(null, e);
                            }
                            if (thinkMs > 0) {
                                Thread.sleep(thinkMs);
                            }
                        }
                        return null;
                    }));
                }
                for (int m = 1; m <= minutes; m++) {
                    Thread.sleep(Duration.ofSeconds(intervalSeconds).toMillis());
                    Window.Snapshot s = window.drain();
                    double heapMb = heapAfterGcMb();
                    heap.add(new double[] {m, heapMb});
                    totalErrors += s.errors();
                    lastRate = s.count() / (double) intervalSeconds;
                    for (Kind k : Kind.values()) {
                        if (k.http()) {
                            worstHttpP99 = Math.max(worstHttpP99, s.p99Ms(k));
                        }
                    }
                    System.out.printf("%3d  %5.0f  %6d  %s  %9.1f MB  %s%n", m, s.count() / (double) intervalSeconds, s.errors(),
                        s.table(), heapMb, residentSize());
                    if (s.errors() > 0 && firstError.get() != null) {
                        System.out.println("     first error: " + firstError.getAndSet(null));
                    }
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            System.out.println();
            System.out.printf("errors: %d (target 0)%n", totalErrors);
            System.out.printf("worst HTTP p99 in a minute: %.1f ms (target under 100 ms)%n", worstHttpP99);
            // Little's law for a closed loop: N clients that each wait for their answer, at X requests/s, spend
            // N / X seconds per request on average, think time included; no server can do better at that rate.
            System.out.printf("closed loop: %d clients at %.0f req/s spend %.1f ms per request on average (Little's "
                + "law: %d / %.0f, think time %d ms of it); the mean latency no server could beat at this rate: "
                + "%.1f ms%n", clients, lastRate, 1000.0 * clients / lastRate, clients, lastRate, thinkMs,
                Math.max(0, 1000.0 * clients / lastRate - thinkMs));
            List<double[]> last = heap.subList(Math.max(0, heap.size() - 5), heap.size());
            double min = last.stream().mapToDouble(h -> h[1]).min().orElse(0);
            double max = last.stream().mapToDouble(h -> h[1]).max().orElse(0);
            System.out.printf("heap after GC over the last %d minutes: %.1f to %.1f MB, slope %+.2f MB/min "
                + "(target: flat)%n", last.size(), min, max, slope(last));
        }
    }

    /** The lab's state the load reads: vm1 with Reader on the resource group, a secret, a database user. */
    private record Fixture(Lab lab, HttpClient http, SQLServerDataSource sql, String armUrl, String secretUrl,
                           String imdsUrl, Map<String, String> tokens) {

        static Fixture seed(Lab lab) throws Exception {
            lab.createVirtualMachine("vm1");
            var vm1 = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
            lab.grantRole(vm1.objectId(), BuiltInRoles.READER, lab.defaultResourceGroupId());
            var vault = lab.createKeyVault("kv1");
            vault.secrets().set("soak", "value", null, null, null, null, null);
            lab.grantRole(vm1.objectId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
            lab.createSqlServer("sql1");
            lab.createSqlDatabase("sql1", "db1");
            // Azure SQL takes tokens only once the server has a Microsoft Entra admin.
            lab.sqlServer("sql1").setEntraAdmin(lab.directory().byObjectId(lab.admin().objectId()).orElseThrow());
            lab.sqlServer("sql1").database("db1").orElseThrow()
                .seed("CREATE TABLE dbo.Items (Id INT PRIMARY KEY, Name NVARCHAR(40));"
                    + " INSERT INTO dbo.Items VALUES (1, N'one'), (2, N'two');")
                .createExternalUser("vm1", vm1.appId(), vm1.objectId());
            lab.sqlServer("sql1").database("db1").orElseThrow()
                .addRoleMember(dev.milab.sql.DatabaseRole.DB_DATAREADER, "vm1");
            lab.routeThisJvmTo("vm1");
            HttpClient http = new LabHttpClientProvider().createInstance();
            return new Fixture(lab, http, LabSqlClient.strict(lab),
                "https://management.azure.com/subscriptions/" + lab.subscriptionId()
                    + "/resourceGroups/rg-lab?api-version=2021-04-01",
                "https://kv1.vault.azure.net/secrets/soak?api-version=7.5",
                "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=",
                new java.util.concurrent.ConcurrentHashMap<>());
        }

        void run(Kind kind) throws Exception {
            switch (kind) {
                case IMDS_TOKEN -> token("https://management.azure.com/");
                case KEY_VAULT_READ -> expect(get(secretUrl, cached("https://vault.azure.net")), "\"value\":\"value\"");
                case ARM_READ -> expect(get(armUrl, cached("https://management.azure.com/")), "\"name\":\"rg-lab\"");
                case SQL_LOGIN_AND_QUERY -> {
                    SQLServerDataSource ds = LabSqlClient.strict(lab);
                    ds.setAccessToken(cached(ResourceApplications.AZURE_SQL));
                    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Items")) {
                        if (!rs.next() || rs.getInt(1) != 2) {
                            throw new AssertionError("wrong count");
                        }
                    }
                }
                default -> throw new IllegalStateException(kind.name());
            }
        }

        /** A token as an SDK holds it (the lab's tokens live a day): reads measure the resource, not IMDS. */
        private String cached(String resource) throws Exception {
            String token = tokens.get(resource);
            if (token == null) {
                token = token(resource);
                tokens.put(resource, token);
            }
            return token;
        }

        /** A token from vm1's IMDS, asked for every time (IMDS_TOKEN's load is IMDS's own). */
        private String token(String resource) throws Exception {
            HttpRequest request = new HttpRequest(HttpMethod.GET, imdsUrl
                + java.net.URLEncoder.encode(resource, java.nio.charset.StandardCharsets.UTF_8))
                .setHeader("Metadata", "true");
            String body = body(request, 200);
            return Json.read(body).get("access_token").asText();
        }

        private String get(String url, String token) throws Exception {
            return body(new HttpRequest(HttpMethod.GET, url).setHeader("Authorization", "Bearer " + token), 200);
        }

        private String body(HttpRequest request, int status) {
            try (HttpResponse response = http.sendSync(request, Context.NONE)) {
                String text = response.getBodyAsBinaryData().toString();
                if (response.getStatusCode() != status) {
                    throw new AssertionError(request.getUrl().getHost() + " answered " + response.getStatusCode()
                        + ": " + text);
                }
                return text;
            }
        }

        private static void expect(String body, String part) {
            if (!body.contains(part)) {
                throw new AssertionError("unexpected body: " + body);
            }
        }
    }

    /** Latencies of the current minute, per kind; drained once a minute. */
    private static final class Window {
        private final Map<Kind, LongList> latencies = new EnumMap<>(Kind.class);
        final LongAdder errors = new LongAdder();

        Window() {
            for (Kind k : Kind.values()) {
                latencies.put(k, new LongList());
            }
        }

        void record(Kind kind, long nanos) {
            latencies.get(kind).add(nanos);
        }

        Snapshot drain() {
            Map<Kind, long[]> taken = new EnumMap<>(Kind.class);
            latencies.forEach((k, list) -> taken.put(k, list.drain()));
            return new Snapshot(taken, errors.sumThenReset());
        }

        record Snapshot(Map<Kind, long[]> latencies, long errors) {
            long count() {
                return latencies.values().stream().mapToLong(a -> a.length).sum();
            }

            double p50Ms(Kind k) {
                return percentile(latencies.get(k), 0.50);
            }

            double p99Ms(Kind k) {
                return percentile(latencies.get(k), 0.99);
            }

            String table() {
                StringBuilder text = new StringBuilder();
                for (Kind k : Kind.values()) {
                    text.append(String.format("%-14s", String.format("%.1f/%.1f", p50Ms(k), p99Ms(k))));
                }
                return text.toString();
            }

            private static double percentile(long[] sorted, double q) {
                if (sorted.length == 0) {
                    return 0;
                }
                return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
            }
        }
    }

    /** A growable array of longs, for a minute's latencies of one kind. */
    private static final class LongList {
        private long[] values = new long[4096];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized long[] drain() {
            long[] out = Arrays.copyOf(values, size);
            size = 0;
            values = new long[4096];
            Arrays.sort(out);
            return out;
        }
    }

    private static Kind pick() {
        int r = ThreadLocalRandom.current().nextInt(100);
        for (Kind k : Kind.values()) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        return Kind.IMDS_TOKEN;
    }

    private static double heapAfterGcMb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
    }

    private static String residentSize() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    /** Least-squares slope of heap (MB) over minutes. */
    private static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return num / den;
    }

    private static int option(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
