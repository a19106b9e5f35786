package dev.milab.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.routing.LabRouting;
import dev.milab.routing.Route;
import dev.milab.routing.RouteTable;

/**
 * {@code SecretClient.getSecret} per second from 4 threads against the lab's Key Vault (challenge, token validation,
 * RBAC, store), as a ratio to the same client against a trivial HTTPS endpoint that returns the same JSON with no
 * checks, in the same run. Printed, not asserted.
 * Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.KeyVaultBenchmark -DAZURE_HTTP_CLIENT_IMPLEMENTATION=dev.milab.routing.LabHttpClientProvider}
 */
public final class KeyVaultBenchmark {

    private static final int THREADS = 4;
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration MEASURE = Duration.ofSeconds(5);

    private KeyVaultBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try (Lab lab = Lab.start()) {
            lab.createVirtualMachine("vm1");
            String vmPrincipal = lab.enableSystemAssignedIdentity("vm1").systemAssigned().objectId();
            dev.milab.keyvault.KeyVault vault = lab.createKeyVault("kv1");
            vault.secrets().set("db-password", "s3cr3t", null, null, null, null, null);
            lab.grantRole(vmPrincipal, dev.milab.arm.BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
            RouteTable vm1 = lab.routeThisJvmTo("vm1");
            SecretClient labClient = client("https://kv1.vault.azure.net");
            String json = Json.write(java.util.Map.of("value", "s3cr3t", "id",
                "https://bench.vault.azure.net/secrets/db-password/0123456789abcdef0123456789abcdef",
                "attributes", java.util.Map.of("enabled", true, "created", 1, "updated", 1,
                    "recoveryLevel", "Recoverable+Purgeable", "recoverableDays", 90)));
            // The server's pool has non-daemon threads: exec:java waits for them, so they must end with the run.
            ExecutorService serverThreads = Executors.newFixedThreadPool(16);
            HttpsServer trivial = trivialServer(lab, json.getBytes(StandardCharsets.UTF_8), serverThreads);
            try {
                LabRouting.install(vm1.with(new Route("bench.vault.azure.net", 443, "127.0.0.1",
                    trivial.getAddress().getPort())));
                SecretClient trivialClient = client("https://bench.vault.azure.net");
                System.out.println("Managed Identity Lab - Key Vault benchmark (" + Runtime.getRuntime()
                    .availableProcessors() + " cores, " + System.getProperty("java.version") + ")");
                double limit = run("baseline: trivial HTTPS, same JSON", trivialClient);
                double labRate = run("lab Key Vault getSecret", labClient);
                System.out.printf("Key Vault / baseline ratio: %.2f (target >= 0.50)%n", labRate / limit);
            } finally {
                trivial.stop(0);
                serverThreads.shutdownNow();
            }
        }
    }

    private static SecretClient client(String vaultUrl) {
        return new SecretClientBuilder().vaultUrl(vaultUrl).credential(new ManagedIdentityCredentialBuilder().build())
            .buildClient();
    }

    private static HttpsServer trivialServer(Lab lab, byte[] body, ExecutorService threads) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        server.setHttpsConfigurator(new HttpsConfigurator(lab.tls().serverContext()));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
        return server;
    }

    private static double run(String name, SecretClient client) throws Exception {
        measure(client, WARM_UP);
        double perSecond = measure(client, MEASURE);
        System.out.printf("%-40s %,10.0f getSecret/s (%d threads)%n", name, perSecond, THREADS);
        return perSecond;
    }

    private static double measure(SecretClient client, Duration duration) throws Exception {
        long t0 = System.nanoTime();
        long done = ConcurrentLoop.count(THREADS, duration, () -> () -> {
            if (!"s3cr3t".equals(client.getSecret("db-password").getValue())) {
                throw new IllegalStateException("wrong value");
            }
        });
        return done / ((System.nanoTime() - t0) / 1e9);
    }
}
