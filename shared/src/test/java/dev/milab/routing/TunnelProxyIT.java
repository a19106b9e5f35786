package dev.milab.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.milab.lab.Lab;

/**
 * The proxy for clients outside a JVM: a real client's tunnel reaches the gateway with Azure's host name and the
 * lab's certificate; every other destination and every non-tunnel request is refused, and the proxy keeps serving.
 */
class TunnelProxyIT {

    private static Lab lab;
    private static TunnelProxy proxy;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        lab = Lab.start();
        proxy = TunnelProxy.start(0, lab.routesForWorkstation());
        client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxy.port())))
            .sslContext(lab.routesForWorkstation().tls()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        proxy.close();
        lab.close();
    }

    @Test
    void aTunnelToLoginMicrosoftonlineComReachesTheLabsEntraId() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
            "https://login.microsoftonline.com/" + lab.tenant().id() + "/v2.0/.well-known/openid-configuration"))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"issuer\"", lab.tenant().id());
    }

    @Test
    void aTunnelToAVaultKeepsItsHostNameForTheGateway() throws Exception {
        lab.createKeyVault("kv-proxy");
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(
            "https://kv-proxy.vault.azure.net/secrets/x?api-version=2026-04-01")).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
            .contains("resource=\"https://vault.azure.net\"");
    }

    @Test
    void aRealClientCannotTunnelAnywhereElse() {
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("https://example.com/")).build(),
            HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class).hasMessageContaining("403");
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com:443", "169.254.169.254:80", "login.microsoftonline.com:80",
        "management.azure.com:8443", "127.0.0.1:22", "evil.vault.azure.net.example.com:443",
        "user@kv1.vault.azure.net:443"})
    void aTunnelThatNoRouteNamesIsForbidden(String target) throws IOException {
        String answer = exchange("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 403 Forbidden").contains("refused " + target);
    }

    @Test
    void aPlainProxyRequestIsNotForwarded() throws IOException {
        String answer = exchange("GET http://169.254.169.254/metadata/identity/oauth2/token HTTP/1.1\r\n"
            + "Host: 169.254.169.254\r\nMetadata: true\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 405 Method Not Allowed").contains("only tunnels");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage\r\n\r\n", "CONNECT\r\n\r\n", "CONNECT kv1.vault.azure.net:443 SPDY/3\r\n\r\n"})
    void aMalformedRequestIsBadRequestAndTheProxyKeepsServing(String request) throws Exception {
        assertThat(exchange(request)).startsWith("HTTP/1.1 400 Bad Request");

        aTunnelToLoginMicrosoftonlineComReachesTheLabsEntraId();
    }

    @Test
    void aHeadThatDoesNotEndWithinItsLimitIsBadRequest() throws IOException {
        String start = "CONNECT login.microsoftonline.com:443 HTTP/1.1\r\nX: ";
        String answer = exchange(start + "a".repeat(TunnelProxy.MAX_HEAD_BYTES - start.length()));

        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("longer than 8192 bytes");
    }

    @Test
    void aTricklingHeadIsRefusedAtItsDeadlineWhileOtherClientsTunnel() throws Exception {
        try (Socket trickler = new Socket("127.0.0.1", proxy.port())) {
            trickler.setSoTimeout(15_000);
            OutputStream out = trickler.getOutputStream();
            long t0 = System.nanoTime();
            java.util.concurrent.CompletableFuture<String> answer = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return new String(trickler.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        return "closed: " + e;
                    }
                });
            // one byte every 400 ms: each read comes well inside any per-read timeout, the head never ends
            for (int i = 0; i < 40 && !answer.isDone(); i++) {
                try {
                    out.write('C');
                    out.flush();
                } catch (IOException e) {
                    break;
                }
                if (i == 2) {
                    aTunnelToLoginMicrosoftonlineComReachesTheLabsEntraId();
                }
                Thread.sleep(400);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;

            assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .startsWith("HTTP/1.1 400 Bad Request").contains("not complete within 5 s");
            assertThat(seconds).isBetween(4.5, 8.0);
        }
    }

    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
