package dev.milab.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLContext;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;

import dev.milab.entra.Application;
import dev.milab.entra.NewClientSecret;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.routing.LabRouting;
import dev.milab.tls.IssuedCertificate;
import dev.milab.tls.LabCertificateAuthority;
import dev.milab.tls.LabTls;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.http.NettyWrapper;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.http.Ssl;
import no.nav.security.mock.oauth2.http.SslKeystore;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import reactor.core.publisher.Mono;

/**
 * The lab's Entra ID side by side with {@code no.nav.security:mock-oauth2-server} (a widely used JVM token issuer
 * for tests), in one JVM on this machine. Printed, not asserted.
 *
 * <h2>1. Start-up</h2>
 * Median over several starts in one JVM, after one warm-up start of each, of:
 * <ul>
 *   <li>the lab: {@code Lab.start()} until its token endpoint ({@code POST /{tenant}/oauth2/v2.0/token} on the HTTPS
 *       gateway, trusting the lab CA) answers a client-credentials request with a token. This includes what every
 *       lab start does: a new CA and server certificate (EC P-256), the trust files, the directory, the resource
 *       graph, the gateway and the SQL listener. The RSA 2048 signing key is Entra ID's common first key, made
 *       once per JVM (in the warm-up start), as mock-oauth2-server reads its keys once from its jar;</li>
 *   <li>mock-oauth2-server: {@code new MockOAuth2Server()} (its default configuration: okhttp's MockWebServer,
 *       plain HTTP, RSA keys read from the jar) and {@code start(loopback, 0)} until its token endpoint answers the
 *       same form with a token;</li>
 *   <li>for reference only, not in the ratio: mock-oauth2-server serving HTTPS as it does out of the box
 *       ({@code new Ssl()} generates a self-signed RSA 2048 certificate at start), the client trusting that
 *       certificate; and serving HTTPS with a certificate made before the timer starts. The lab has no plain-HTTP
 *       token endpoint (Entra ID has none, and MSAL refuses an {@code http} authority), so these are the
 *       like-for-like lines;</li>
 *   <li>the floor: a TLS server socket already listening before the timer starts, its key and certificate made
 *       before, answering with a canned token response. What it measures (a new client, a TLS handshake, one
 *       request) is in every HTTPS issuer's start, so mock-oauth2-server's plain-HTTP start divided by it is the
 *       highest ratio any HTTPS token endpoint could reach on this machine.</li>
 * </ul>
 * Each start uses a new JDK {@code HttpClient} (the lab's CA is new every start). Stopping is not timed.
 *
 * <h2>2. Client-credentials tokens per second through {@code ClientSecretCredential}</h2>
 * The unmodified azure-identity {@code ClientSecretCredential} (MSAL4J underneath, the lab's routing
 * {@code HttpClientProvider} as its HTTP client), 4 threads. Warm-up: two passes over every side, 4 s each. Then
 * three measured passes of 4 s per side, each pass in the order of the one before rotated by a third, so no side is
 * always measured first or last while the JIT is still settling (the shared client code keeps getting faster for
 * minutes; a fixed order gave the side measured at both ends rounds 25% apart). Each figure is the mean of its
 * three rounds.
 * <p><b>Why a new credential per token.</b> {@code ClientSecretCredential} keeps MSAL's token cache for its
 * lifetime, so calling one instance in a loop measures the cache after the first token. Each iteration therefore
 * builds a new {@code ClientSecretCredential} and asks it for one token: a new MSAL application with an empty cache,
 * which makes exactly one token request. The other way to miss the cache, a different scope per request, is not
 * fair here: the lab, like Entra ID, refuses resources it does not know (AADSTS500011), so the two issuers could not
 * be given the same requests, and MSAL's cache would keep growing during the run. A new credential costs the same
 * client work on both sides (it is in both figures). The harness counts the HTTP requests the credentials send and
 * prints token requests per token (1.00 when no token came from a cache) and any other requests.
 * <p><b>How each side is reached.</b> The lab: {@code tenantId} and client id/secret of an application registered
 * for the run; the authority stays {@code https://login.microsoftonline.com}, which the lab's routing sends to the
 * gateway, and MSAL's instance discovery stays on (it answers once per JVM; MSAL keeps it in a static cache).
 * mock-oauth2-server: MSAL needs an https authority, so it serves TLS with a certificate for {@code 127.0.0.1}
 * issued by the lab CA (which the routing client trusts for loopback addresses), and the builder gets
 * {@code authorityHost("https://127.0.0.1:port")} and, for this side only, {@code disableInstanceDiscovery()}:
 * mock-oauth2-server has no instance discovery endpoint, and with discovery on MSAL would ask
 * {@code login.microsoftonline.com} (that is, the lab) to validate a foreign authority. MSAL then posts to
 * {@code /{tenant}/oauth2/v2.0/token}, which mock-oauth2-server serves as its token endpoint for the issuer
 * {@code {tenant}/oauth2/v2.0} (it routes any path ending in {@code /token}). Both issuers sign RS256 with RSA
 * 2048 keys and both serve TLS with an EC P-256 certificate from the lab CA. The lab is measured a second time with
 * exactly the mocks' client configuration ({@code https://127.0.0.1:port} of its gateway, which serves Entra ID for
 * that host too, and no instance discovery), so that the client does the same work on both sides and only the
 * issuer differs; the first lab line is the lab as the demos use it.
 * <p><b>Which mock-oauth2-server.</b> Three variants, all HTTPS, and the ratio is against the fastest:
 * <ul>
 *   <li>MockWebServer (okhttp), its library default. It writes a response's head and body separately on sockets
 *       with Nagle's algorithm on, so on a kept-alive connection (every pooling client, MSAL's own too) each body
 *       waits for the client's delayed ACK, about 40 ms;</li>
 *   <li>the same with {@code TCP_NODELAY} set on its accepted sockets by this harness (a server socket factory),
 *       as the lab's servers set it: the fair comparison of the two issuers' work;</li>
 *   <li>Netty, its standalone default. It answers without {@code Content-Length} and closes every connection, and
 *       builds a new {@code SSLContext} per connection, so each token pays a TCP and TLS handshake.</li>
 * </ul>
 * <p><b>The ceiling.</b> The same credentials against a canned token endpoint (TLS, keep-alive, the same response
 * to every request, no client authentication and no signing) show what the client side alone allows on this
 * machine; each issuer's share of it is how much its own work costs. A client-bound figure cannot go above it.
 * <p>Client, servers and JIT share this machine's cores, so the figures are for comparison within one run.
 * <p>Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.TokenIssuerBenchmark
 * -DAZURE_HTTP_CLIENT_IMPLEMENTATION=dev.milab.routing.LabHttpClientProvider} (an optional argument: the number of
 * measured starts, 7 by default).
 */
public final class TokenIssuerBenchmark {

    static final String SCOPE = "https://management.azure.com/.default";
    private static final int THREADS = 4;
    private static final Duration WARM_UP = Duration.ofSeconds(4);
    private static final int WARM_UP_PASSES = 2;
    private static final Duration MEASURE = Duration.ofSeconds(4);
    private static final int MEASURED_PASSES = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final String COLD_START_ARGUMENT = "--first-start-in-this-jvm=";
    private static final int COLD_STARTS = 3;

    private TokenIssuerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].startsWith(COLD_START_ARGUMENT)) {
            // A child JVM of coldStarts(): one first start, its time on standard output.
            boolean lab = args[0].equals(COLD_START_ARGUMENT + "lab");
            System.out.println("elapsed=" + (lab ? labStart() : mockStart()));
            System.exit(0);
        }
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        System.out.println("Managed Identity Lab - token issuer benchmark, lab vs mock-oauth2-server ("
            + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.version") + ")");
        startUp(starts);
        coldStarts();
        throughput();
        // mock-oauth2-server's Netty event loops and okhttp's threads are not all daemons.
        System.exit(0);
    }

    // ---------------------------------------------------------------- start-up

    private static void startUp(int starts) throws Exception {
        long[] lab = measureStarts(starts, TokenIssuerBenchmark::labStart);
        long[] mock = measureStarts(starts, TokenIssuerBenchmark::mockStart);
        long[] mockTls = measureStarts(starts, TokenIssuerBenchmark::mockTlsStart);
        long[] mockReadyTls;
        long[] floor;
        LabTls tls = LabTls.create(LabCertificateAuthority.create());
        try (CannedTokenEndpoint server = new CannedTokenEndpoint(tls.serverContext())) {
            floor = measureStarts(starts, () -> server.firstAnswer(tls.clientContext()));
            mockReadyTls = measureStarts(starts, () -> mockReadyTlsStart(tls));
        }
        System.out.printf("start until the token endpoint answers a client-credentials request (median of %d starts "
            + "in one JVM, after one warm-up start):%n", starts);
        print("lab: Lab.start(), HTTPS", lab);
        print("mock-oauth2-server: new MockOAuth2Server(), HTTP", mock);
        print("(reference) mock-oauth2-server, HTTPS with new Ssl()", mockTls);
        print("(reference) mock-oauth2-server, HTTPS, premade certificate", mockReadyTls);
        print("(floor) canned HTTPS token endpoint already running", floor);
        System.out.printf("mock-oauth2-server / lab start-up time: %.2f (target >= 3.00: the lab starts 3x faster)%n",
            (double) median(mock) / median(lab));
        System.out.printf("mock-oauth2-server (HTTPS, certificate made before) / lab: %.2f%n",
            (double) median(mockReadyTls) / median(lab));
        System.out.printf("mock-oauth2-server (HTTP) / floor: %.2f, the most any HTTPS token endpoint could reach "
            + "here: its client's TLS handshake and first request alone%n", (double) median(mock) / median(floor));
    }

    /**
     * The first start in a new JVM, where class loading and an unwarmed JIT dominate: each side in a child JVM of
     * its own (this class path, default JVM options), timed from {@code main()} until the token came back, so the
     * JVM's own launch is not counted; alternating, three of each.
     */
    private static void coldStarts() throws Exception {
        long[] lab = new long[COLD_STARTS];
        long[] mock = new long[COLD_STARTS];
        for (int i = 0; i < COLD_STARTS; i++) {
            lab[i] = coldStart("lab");
            mock[i] = coldStart("mock");
        }
        System.out.printf("the first start in a new JVM, from main() until the token came back (%d of each, "
            + "alternating):%n", COLD_STARTS);
        print("lab: Lab.start(), HTTPS", lab);
        print("mock-oauth2-server: new MockOAuth2Server(), HTTP", mock);
        System.out.printf("mock-oauth2-server / lab, first start in a new JVM: %.2f%n",
            (double) median(mock) / median(lab));
    }

    private static long coldStart(String side) throws IOException, InterruptedException {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            VmProcess.currentClassPath(), TokenIssuerBenchmark.class.getName(), COLD_START_ARGUMENT + side)
            .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        java.util.regex.Matcher elapsed = java.util.regex.Pattern.compile("elapsed=(\\d+)").matcher(output);
        if (child.waitFor() != 0 || !elapsed.find()) {
            throw new IllegalStateException("cold start of the " + side + " failed:\n" + output);
        }
        return Long.parseLong(elapsed.group(1));
    }

    private interface Start {
        /** One start, until a token came back; returns the elapsed milliseconds and stops what it started. */
        long run() throws Exception;
    }

    private static long[] measureStarts(int starts, Start start) throws Exception {
        start.run();
        long[] millis = new long[starts];
        for (int i = 0; i < starts; i++) {
            millis[i] = start.run();
        }
        return millis;
    }

    private static long labStart() throws Exception {
        long t0 = System.nanoTime();
        Lab lab = Lab.start();
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(lab.tls().clientContext())
                .version(HttpClient.Version.HTTP_1_1).build();
            requireToken(client, URI.create("https://127.0.0.1:" + lab.gatewayPort() + "/" + lab.tenant().id()
                + "/oauth2/v2.0/token"), lab.admin().clientId(), lab.admin().clientSecret());
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            lab.close();
            deleteTree(lab.trustFiles().caPem().getParent());
        }
    }

    private static long mockStart() throws Exception {
        long t0 = System.nanoTime();
        return untilToken(t0, new MockOAuth2Server(), () -> null);
    }

    private static long mockTlsStart() throws Exception {
        long t0 = System.nanoTime();
        MockWebServerWrapper http = new MockWebServerWrapper(new Ssl());
        return untilToken(t0, new MockOAuth2Server(config(http)), () -> {
            KeyStore keys = http.getSsl().getSslKeystore().getKeyStore();
            return LabTls.clientContextTrusting((X509Certificate) keys.getCertificate(keys.aliases().nextElement()));
        });
    }

    /** mock-oauth2-server serving HTTPS with a certificate from a CA made before the timer starts. */
    private static long mockReadyTlsStart(LabTls tls) throws Exception {
        KeyStore keys = loopbackKeyStore(tls);
        long t0 = System.nanoTime();
        return untilToken(t0, new MockOAuth2Server(config(new MockWebServerWrapper(tlsFrom(keys)))),
            tls::clientContext);
    }

    /**
     * Starts {@code server} and asks it for a token through a new client; returns the milliseconds since {@code t0}.
     *
     * @param trust the client's TLS context, or null for plain HTTP
     */
    private static long untilToken(long t0, MockOAuth2Server server, Callable<SSLContext> trust) throws Exception {
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
            SSLContext context = trust.call();
            HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
            if (context != null) {
                client.sslContext(context);
            }
            requireToken(client.build(), URI.create((context == null ? "http" : "https") + "://127.0.0.1:"
                + server.baseUrl().port() + "/tenant/oauth2/v2.0/token"), "bench-client", "bench-secret");
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            server.shutdown();
        }
    }

    /**
     * A canned HTTPS token endpoint: a TLS server socket, its key and certificate made before it starts, a thread
     * per connection answering every request with the same token response in one write, connections kept alive. It
     * does none of an issuer's work (no client authentication, no signing), so it marks what the client side and
     * TLS alone cost on this machine: for start-up, a new client, a TLS handshake and one request (the least any
     * HTTPS issuer's start can take); for tokens per second, the most this client can take from any issuer.
     */
    private static final class CannedTokenEndpoint implements AutoCloseable {
        private static final String BODY = "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
            + "\"access_token\":\"canned\"}";
        private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII);
        private final ServerSocket socket;

        CannedTokenEndpoint(SSLContext context) throws IOException {
            socket = context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon("canned-token-accept", this::accept);
        }

        int port() {
            return socket.getLocalPort();
        }

        long firstAnswer(SSLContext clientContext) throws Exception {
            long t0 = System.nanoTime();
            HttpClient client = HttpClient.newBuilder().sslContext(clientContext).version(HttpClient.Version.HTTP_1_1)
                .build();
            requireToken(client, URI.create("https://127.0.0.1:" + port() + "/tenant/oauth2/v2.0/token"),
                "bench-client", "bench-secret");
            return (System.nanoTime() - t0) / 1_000_000;
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    connection.setTcpNoDelay(true);
                    daemon("canned-token", () -> answer(connection));
                } catch (IOException e) {
                    // closed: the loop ends
                }
            }
        }

        private static void answer(Socket connection) {
            try (connection) {
                java.io.InputStream in = new java.io.BufferedInputStream(connection.getInputStream());
                java.io.OutputStream out = connection.getOutputStream();
                String head;
                while ((head = readHead(in)) != null) {
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    in.readNBytes(length);
                    out.write(ANSWER);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** A request's head up to the blank line, or null at the end of the stream. */
        private static String readHead(java.io.InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                    return head.toString();
                }
            }
            return null;
        }

        private static void daemon(String name, Runnable work) {
            Thread t = new Thread(work, name);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** POSTs a client-credentials request (client_secret_post) and fails unless a token comes back. */
    private static void requireToken(HttpClient client, URI tokenEndpoint, String clientId, String secret)
        throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
            + "&scope=" + enc(SCOPE);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(tokenEndpoint).timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("\"access_token\"")) {
            throw new IllegalStateException(tokenEndpoint + " answered " + response.statusCode() + ": "
                + response.body());
        }
    }

    private static void print(String name, long[] millis) {
        System.out.printf("  %-55s median %4d ms (all %s)%n", name, median(millis), Arrays.toString(millis));
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    // ---------------------------------------------------------------- tokens per second

    private static void throughput() throws Exception {
        try (Lab lab = Lab.start()) {
            // This JVM is a workstation: Azure's host names lead to the lab, and the lab CA is trusted for loopback.
            LabRouting.install(lab.routesForWorkstation());
            Application app = lab.directory().registerApplication("token-issuer-benchmark");
            NewClientSecret secret = lab.directory().addClientSecret(app.appId(), "benchmark", lab.clock().instant(),
                Duration.ofDays(1));
            String tenantId = lab.tenant().id();
            KeyStore mockKeys = loopbackKeyStore(lab.tls());
            MockWebServerWrapper noDelay = new MockWebServerWrapper(tlsFrom(mockKeys));
            noDelay.getMockWebServer().setServerSocketFactory(new NoDelayServerSocketFactory());
            List<MockOAuth2Server> mocks = List.of(
                new MockOAuth2Server(config(new MockWebServerWrapper(tlsFrom(mockKeys)))),
                new MockOAuth2Server(config(noDelay)),
                new MockOAuth2Server(config(new NettyWrapper(tlsFrom(mockKeys)))));
            try (CannedTokenEndpoint canned = new CannedTokenEndpoint(lab.tls().serverContext())) {
                for (MockOAuth2Server mock : mocks) {
                    mock.start(InetAddress.getLoopbackAddress(), 0);
                }
                Side labSide = new Side("lab Entra ID (gateway)",
                    counter -> labCredential(tenantId, app.appId(), secret.value(), counter));
                Side labLikeMock = new Side("lab, client configured as for the mocks",
                    counter -> loopbackCredential(lab.gatewayPort(), tenantId, app.appId(), secret.value(),
                        counter));
                List<Side> mockSides = List.of(
                    new Side("mock-oauth2-server, MockWebServer (default)",
                        counter -> loopbackCredential(port(mocks.get(0)), tenantId, app.appId(), secret.value(),
                            counter)),
                    new Side("mock-oauth2-server, MockWebServer + TCP_NODELAY",
                        counter -> loopbackCredential(port(mocks.get(1)), tenantId, app.appId(), secret.value(),
                            counter)),
                    new Side("mock-oauth2-server, Netty",
                        counter -> loopbackCredential(port(mocks.get(2)), tenantId, app.appId(), secret.value(),
                            counter)));
                Side ceiling = new Side("(ceiling) canned token endpoint, no issuer work",
                    counter -> loopbackCredential(canned.port(), tenantId, app.appId(), secret.value(), counter));
                List<Side> all = new ArrayList<>();
                all.add(labSide);
                all.add(labLikeMock);
                all.addAll(mockSides);
                all.add(ceiling);
                System.out.println("client-credentials tokens through ClientSecretCredential, a new credential per "
                    + "token, " + THREADS + " threads, all HTTPS:");
                System.out.println("  a lab token:  " + describe(labSide.oneToken()));
                System.out.println("  a mock token: " + describe(mockSides.get(0).oneToken()));
                for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
                    for (Side side : all) {
                        side.measure(WARM_UP);
                    }
                }
                for (int pass = 0; pass < MEASURED_PASSES; pass++) {
                    List<Side> order = new ArrayList<>(all);
                    Collections.rotate(order, -pass * all.size() / MEASURED_PASSES);
                    for (Side side : order) {
                        side.record(side.measure(MEASURE));
                    }
                }
                for (Side side : all) {
                    System.out.printf("  %-48s %,6.0f tokens/s (rounds %s; %s)%n", side.name, side.mean(),
                        side.rounds(), side.requestsPerToken());
                }
                Side fastestMock = mockSides.stream().max(Comparator.comparingDouble(Side::mean)).orElseThrow();
                System.out.printf("lab / fastest mock-oauth2-server variant (%s) tokens per second: %.2f "
                    + "(target >= 1.00)%n", fastestMock.name.substring(fastestMock.name.indexOf(',') + 2),
                    labSide.mean() / fastestMock.mean());
                System.out.printf("the same with the lab's client configured as for the mocks (authority "
                    + "https://127.0.0.1:port, no instance discovery): %.2f%n",
                    labLikeMock.mean() / fastestMock.mean());
                System.out.printf("lab / mock-oauth2-server as configured by default (MockWebServer): %.2f%n",
                    labSide.mean() / mockSides.get(0).mean());
                System.out.printf("share of the ceiling (what this client takes from an endpoint that does no work): "
                    + "lab %.2f, fastest mock-oauth2-server variant %.2f%n", labSide.mean() / ceiling.mean(),
                    fastestMock.mean() / ceiling.mean());
            } finally {
                mocks.forEach(MockOAuth2Server::shutdown);
                LabRouting.uninstall(LabRouting.current().orElse(null));
                deleteTree(lab.trustFiles().caPem().getParent());
            }
        }
    }

    /**
     * The lab side of the harness: a new {@code ClientSecretCredential} for an application of the lab's tenant, with
     * the default authority ({@code login.microsoftonline.com}, routed to the lab) and instance discovery on.
     *
     * @param policy counts requests; null for none
     */
    static TokenCredential labCredential(String tenantId, String clientId, String clientSecret,
                                         HttpPipelinePolicy policy) {
        ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().tenantId(tenantId)
            .clientId(clientId).clientSecret(clientSecret);
        if (policy != null) {
            builder.addPolicy(policy);
        }
        return builder.build();
    }

    private static int port(MockOAuth2Server server) {
        return server.baseUrl().port();
    }

    /**
     * A token endpoint on a loopback port (mock-oauth2-server, the canned endpoint): its https address as the
     * authority host, and no instance discovery.
     */
    private static TokenCredential loopbackCredential(int port, String tenantId, String clientId,
                                                      String clientSecret, HttpPipelinePolicy policy) {
        return new ClientSecretCredentialBuilder().authorityHost("https://127.0.0.1:" + port)
            .tenantId(tenantId).clientId(clientId).clientSecret(clientSecret).disableInstanceDiscovery()
            .addPolicy(policy).build();
    }

    private static OAuth2Config config(OAuth2HttpServer http) {
        return new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(), Set.of(), http);
    }

    private static Ssl tlsFrom(KeyStore keys) {
        return new Ssl(new SslKeystore("", keys));
    }

    /**
     * A key store with a server certificate for 127.0.0.1 (and localhost) from the lab CA. JKS, whose key protection
     * is cheap to open: mock-oauth2-server's Netty server builds a new {@code SSLContext} from it for every
     * connection, and a PKCS12 store would add a PBKDF2 derivation to each.
     */
    private static KeyStore loopbackKeyStore(LabTls tls) throws IOException, GeneralSecurityException {
        IssuedCertificate cert = tls.certificateAuthority().issueServerCertificate("mock-oauth2-server",
            List.of("localhost"), List.of("127.0.0.1"));
        KeyStore keys = KeyStore.getInstance("JKS");
        keys.load(null, null);
        keys.setKeyEntry("mock-oauth2-server", cert.privateKey(), new char[0],
            new Certificate[] {cert.certificate(), cert.issuer()});
        return keys;
    }

    private static String describe(AccessToken token) throws java.text.ParseException {
        JWTClaimsSet claims = JWTParser.parse(token.getToken()).getJWTClaimsSet();
        return "iss=" + claims.getIssuer() + " aud=" + claims.getAudience() + " sub=" + claims.getSubject()
            + (claims.getClaim("appid") != null ? " appid=" + claims.getClaim("appid") : "");
    }

    private interface CredentialFactory {
        TokenCredential create(HttpPipelinePolicy counter);
    }

    /** One issuer: how to make a fresh credential for it, and what was measured. */
    private static final class Side {
        final String name;
        final CredentialFactory credentials;
        final RequestCounter counter = new RequestCounter();
        final List<Double> rounds = new ArrayList<>();
        long tokens;

        Side(String name, CredentialFactory credentials) {
            this.name = name;
            this.credentials = credentials;
        }

        AccessToken oneToken() {
            AccessToken token = credentials.create(counter)
                .getTokenSync(new TokenRequestContext().addScopes(SCOPE));
            if (token == null || token.getToken() == null) {
                throw new IllegalStateException(name + ": no token");
            }
            return token;
        }

        double measure(Duration duration) throws Exception {
            // Each round starts without the garbage of the one before.
            System.gc();
            counter.reset();
            long t0 = System.nanoTime();
            tokens = ConcurrentLoop.count(THREADS, duration, () -> this::oneToken);
            return tokens / ((System.nanoTime() - t0) / 1e9);
        }

        void record(double perSecond) {
            rounds.add(perSecond);
        }

        double mean() {
            return rounds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        String rounds() {
            return String.join(", ", rounds.stream().map(r -> String.format("%,.0f", r)).toList());
        }

        String requestsPerToken() {
            return String.format("last round: %.2f token requests per token, %d other requests", (double) counter
                .tokenRequests.sum() / tokens, counter.otherRequests.sum());
        }
    }

    /** Counts the requests a credential's pipeline sends: token requests, and anything else (discovery). */
    static final class RequestCounter implements HttpPipelinePolicy {
        final LongAdder tokenRequests = new LongAdder();
        final LongAdder otherRequests = new LongAdder();

        long tokenRequests() {
            return tokenRequests.sum();
        }

        void reset() {
            tokenRequests.reset();
            otherRequests.reset();
        }

        private void count(HttpPipelineCallContext context) {
            if (context.getHttpRequest().getUrl().getPath().endsWith("/token")) {
                tokenRequests.increment();
            } else {
                otherRequests.increment();
            }
        }

        @Override
        public Mono<com.azure.core.http.HttpResponse> process(HttpPipelineCallContext context,
                                                              HttpPipelineNextPolicy next) {
            count(context);
            return next.process();
        }

        @Override
        public com.azure.core.http.HttpResponse processSync(HttpPipelineCallContext context,
                                                            HttpPipelineNextSyncPolicy next) {
            count(context);
            return next.processSync();
        }
    }

    /**
     * Server sockets whose accepted connections have {@code TCP_NODELAY} on. MockWebServer writes a response's head
     * and body separately on a socket with Nagle's algorithm on, so on a kept-alive connection the body waits for
     * the client's delayed ACK (about 40 ms here). The lab's servers set {@code TCP_NODELAY}; this variant gives
     * mock-oauth2-server the same.
     */
    private static final class NoDelayServerSocketFactory extends ServerSocketFactory {
        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new NoDelayServerSocket();
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = new NoDelayServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            ServerSocket socket = new NoDelayServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
            return socket;
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            ServerSocket socket = new NoDelayServerSocket();
            socket.bind(new InetSocketAddress(address, port), backlog);
            return socket;
        }
    }

    private static final class NoDelayServerSocket extends ServerSocket {
        NoDelayServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            Socket socket = super.accept();
            socket.setTcpNoDelay(true);
            return socket;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
