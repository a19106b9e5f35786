package dev.milab.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredential;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.keyvault.KeyVault;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;
import dev.milab.testing.StalledClients;
import dev.milab.testing.StalledClients.Stall;
import dev.milab.testing.TokenVerifier;

/**
 * Issue 14: stalled and trickling clients over real sockets never delay a real client, on the attacked endpoint,
 * on another VM's IMDS or on the gateway, and the lab closes them within its deadlines. Each attack is 40 sockets
 * (the endpoint's limit, {@value LabHttpServer#MAX_CONNECTIONS}, for the last test) and lasts one deadline.
 */
class StalledClientsIT {

    private static final int ATTACKERS = 40;
    /** Well below the request deadline, so an answer in time was not an answer after the attackers were closed. */
    private static final Duration ANSWER_BOUND = Duration.ofMillis(2500);
    /** The later deadline, the timer that checks it, and slack for a loaded build machine. */
    private static final Duration CLOSE_BOUND = max(LabHttpServer.REQUEST_DEADLINE, LabHttpServer.IDLE_DEADLINE)
        .plus(LabHttpServer.DEADLINE_TICK).plus(Duration.ofSeconds(3));
    private static final Stall[] EVERY_PLAIN_STALL = {Stall.SILENT, Stall.HALF_HEADERS, Stall.HALF_BODY, Stall.TRICKLE};
    private static final AtomicInteger RESOURCES = new AtomicInteger();

    private static Lab lab;
    private static ManagedIdentityCredential credential;
    private static SecretClient secrets;

    @BeforeAll
    static void twoVmsOneOfWhichReadsAVault() throws Exception {
        lab = SharedLab.get();
        lab.createVirtualMachine("stall-a");
        // A user-assigned identity of its own: MSAL caches tokens per JVM, and a system-assigned one of another
        // test's VM could answer from that cache.
        UserAssignedIdentity identity = lab.createUserAssignedIdentity("stall-identity");
        lab.attachUserAssignedIdentity("stall-a", "stall-identity");
        lab.createVirtualMachine("stall-b");
        lab.enableSystemAssignedIdentity("stall-b");
        lab.createVirtualMachine("stall-full");
        lab.enableSystemAssignedIdentity("stall-full");
        KeyVault vault = lab.createKeyVault("kv-stall");
        vault.secrets().set("greeting", "hello", null, null, null, null, null);
        lab.grantRole(identity.principalId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
        lab.routeThisJvmTo("stall-a");
        credential = new ManagedIdentityCredentialBuilder().clientId(identity.clientId()).build();
        secrets = new SecretClientBuilder().vaultUrl("https://kv-stall.vault.azure.net").credential(credential)
            .buildClient();
        // Warm: class loading and the first handshakes are not what these tests time.
        freshToken();
        assertThat(secrets.getSecret("greeting").getValue()).isEqualTo("hello");
        assertThat(imdsStatus("stall-b")).isEqualTo(200);
        assertThat(gatewayStatus()).isEqualTo(200);
    }

    @AfterAll
    static void leaveTheVm() {
        SharedLab.leaveVm();
    }

    @Test
    void managedIdentityCredentialGetsTokensWhileFortyStalledClientsHoldItsImdsAndTheyAreClosedInTime()
        throws Exception {
        try (StalledClients attack = StalledClients.open(imdsPort("stall-a"), ATTACKERS, EVERY_PLAIN_STALL)) {
            for (int i = 0; i < 2; i++) {
                assertAnsweredInTime(StalledClientsIT::freshToken);
            }
            assertThat(attack.closedByServer()).as("the attack was still held while the client got its tokens")
                .isZero();

            assertClosedInTime(attack);
        }
    }

    @Test
    void theGatewayServesKeyVaultAndNewTlsClientsWhileFortyStalledTlsClientsHoldIt() throws Exception {
        try (StalledClients inHandshake = StalledClients.open(lab.gatewayPort(), ATTACKERS / 2,
                Stall.TLS_RECORD_START, Stall.SILENT);
             StalledClients inRequest = StalledClients.openAfterHandshake(lab.gatewayPort(), lab.tls().clientContext(),
                 ATTACKERS / 2, EVERY_PLAIN_STALL)) {
            for (int i = 0; i < 2; i++) {
                assertAnsweredInTime(() -> assertThat(secrets.getSecret("greeting").getValue()).isEqualTo("hello"));
                assertAnsweredInTime(() -> assertThat(gatewayStatus()).isEqualTo(200));
            }
            assertThat(inHandshake.closedByServer() + inRequest.closedByServer())
                .as("the attack was still held while the clients got answers").isZero();

            assertClosedInTime(inHandshake);
            assertClosedInTime(inRequest);
        }
    }

    @Test
    void aVmsImdsFullOfStalledClientsClosesOneMoreAtOnceWhileAnotherVmsImdsAndTheGatewayAnswer() throws Exception {
        int full = imdsPort("stall-full");
        try (StalledClients attack = StalledClients.open(full, LabHttpServer.MAX_CONNECTIONS, EVERY_PLAIN_STALL)) {
            Thread.sleep(300); // the server has accepted them all

            assertThat(closedWithoutAnswer(full)).as("a connection beyond the limit is closed at once").isTrue();
            assertAnsweredInTime(() -> assertThat(imdsStatus("stall-b")).isEqualTo(200));
            assertAnsweredInTime(() -> assertThat(gatewayStatus()).isEqualTo(200));
            assertThat(attack.closedByServer()).isZero();

            assertClosedInTime(attack);
            assertAnsweredInTime(() -> assertThat(imdsStatus("stall-full")).isEqualTo(200));
        }
    }

    /** A token for a resource this JVM never asked for, so MSAL's cache cannot answer: IMDS must. */
    private static void freshToken() throws Exception {
        String resource = "api://stalled-clients-" + RESOURCES.incrementAndGet();
        lab.resourceApplications().register(resource);
        AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(resource + "/.default"));
        assertThat(TokenVerifier.verify(token.getToken(), lab.tenant().id(), resource).getAudience())
            .containsExactly(resource);
    }

    private static int imdsPort(String vm) {
        return lab.imdsAddress(vm).getPort();
    }

    /** A new connection each time, so each request needs the endpoint to accept and serve a new client. */
    private static int imdsStatus(String vm) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(lab.imdsAddress(vm)
                + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net"))
            .header("Metadata", "true").timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newBuilder().build().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** A new TLS connection (handshake included) to the gateway's Entra ID keys. */
    private static int gatewayStatus() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + lab.gatewayPort()
            + "/common/discovery/keys")).timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newBuilder().sslContext(lab.tls().clientContext()).build()
            .send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Sends a whole request; true if the server closed the connection without a byte of answer. */
    private static boolean closedWithoutAnswer(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) ANSWER_BOUND.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            try {
                out.write(("GET /metadata/instance?api-version=2021-02-01 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Metadata: true\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                return in.read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertAnsweredInTime(Call call) throws Exception {
        long t0 = System.nanoTime();
        call.run();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("a real client's answer").isLessThan(ANSWER_BOUND);
    }

    private static void assertClosedInTime(StalledClients attack) {
        List<Duration> closedAfter = attack.awaitServerClose(CLOSE_BOUND);
        assertThat(closedAfter).as("every stalled connection is closed by the lab within " + CLOSE_BOUND)
            .hasSize(attack.count()).allMatch(Objects::nonNull);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
