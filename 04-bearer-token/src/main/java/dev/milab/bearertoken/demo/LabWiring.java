package dev.milab.bearertoken.demo;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SSLContext;

import dev.milab.arm.UserAssignedIdentity;
import dev.milab.bearertoken.app.ApiConfig;
import dev.milab.bearertoken.app.OrdersApi;
import dev.milab.entra.Application;
import dev.milab.entra.ServicePrincipal;
import dev.milab.kit.Machine;
import dev.milab.kit.MachineRoom;
import dev.milab.lab.Lab;
import dev.milab.tls.IssuedCertificate;

/**
 * Everything that makes this demo run on the lab instead of Azure, in one place: start the lab and create what the
 * module README's az script creates on Azure (VM1 with its system-assigned identity, a second identity on VM1 that
 * the API does not allow, the API's app registration with its App ID URI), write the app's two config files with the
 * lab's addresses and trust, issue the API's TLS certificate from the lab CA, start VM1's JVM, and record the API's
 * answers in the lab's trace.
 */
final class LabWiring implements AutoCloseable {

    static final String VM = "vm1";
    /** A user-assigned identity on VM1 for another job: valid tokens, but not a caller the orders API serves. */
    static final String OTHER_IDENTITY = "reports";
    static final String API_NAME = "orders-api";
    /** The key store password of the API's TLS key (lab only: on Azure the platform or Key Vault holds the key). */
    private static final String KEY_STORE_PASSWORD = "lab-tls-key";
    /** What VM1's JVM loads while it waits for its first program. */
    private static final List<String> PRELOAD = List.of("java.net.http.HttpClient",
        "dev.milab.bearertoken.app.OrdersClient", "dev.milab.bearertoken.app.ImdsTokenClient",
        "dev.milab.bearertoken.app.ImdsToken", "com.nimbusds.jose.util.JSONObjectUtils",
        "dev.milab.bearertoken.demo.ShowImdsAnswer");

    final Lab lab;
    final MachineRoom machines;
    /** VM1's JVM, started as soon as VM1 has its identity: it boots while the rest is set up. */
    final Machine vm1;
    final ServicePrincipal vm1Identity;
    final UserAssignedIdentity otherIdentity;
    final Application api;
    /** The API's App ID URI: the resource VM1 asks for, and the audience of its tokens. */
    final String apiResource;
    private final Path apiKeyStore;
    /** Who is calling the API now, as the trace names the caller; the demo says so before each call. */
    private volatile String caller = VM;

    LabWiring() throws Exception {
        lab = Lab.start();
        // This JVM's azure-core client is the lab's: routed to the lab, trusting only its CA, loopback otherwise.
        lab.routeThisJvmAsWorkstation();
        lab.createVirtualMachine(VM);
        vm1Identity = lab.enableSystemAssignedIdentity(VM).systemAssigned();
        otherIdentity = lab.createUserAssignedIdentity(OTHER_IDENTITY);
        lab.attachUserAssignedIdentity(VM, OTHER_IDENTITY);
        machines = new MachineRoom(lab, "04", PRELOAD);
        vm1 = machines.vm(VM);
        // az ad app create --display-name orders-api; az ad app update --identifier-uris api://{appId}
        api = lab.directory().registerApplication(API_NAME);
        apiResource = "api://" + api.appId();
        lab.resourceApplications().register(apiResource);
        apiKeyStore = writeKeyStore(lab.tls().certificateAuthority().issueServerCertificate(API_NAME,
            List.of("localhost"), List.of("127.0.0.1")));
    }

    /** The settings of the API as it runs on its own host; {@code tls} false for the plain-HTTP lesson of step 5. */
    Properties apiSettings(boolean tls) {
        Properties p = new Properties();
        p.setProperty("entra.tenant-id", lab.tenant().id());
        p.setProperty("api.audience", apiResource);
        p.setProperty("api.allowed-callers", vm1Identity.objectId());
        // Zero instead of Microsoft's 5 minutes, so that a token of the lab's shortest lifetime expires in a second.
        p.setProperty("api.clock-skew-seconds", "0");
        p.setProperty("api.bind-address", "127.0.0.1");
        p.setProperty("api.port", "0");
        if (tls) {
            p.setProperty("api.tls.key-store", apiKeyStore.toString());
            p.setProperty("api.tls.key-store-password", KEY_STORE_PASSWORD);
        }
        // Entra ID's documents at the lab's gateway (which answers for 127.0.0.1 too), trusting the lab CA.
        URI tenantBase = lab.gatewayAddress().resolve("/" + lab.tenant().id() + "/");
        p.setProperty("entra.openid-configuration", tenantBase.resolve(".well-known/openid-configuration").toString());
        p.setProperty("entra.jwks-uri", tenantBase.resolve("discovery/keys").toString());
        p.setProperty("https.trust-store", lab.trustFiles().trustStore().toString());
        p.setProperty("https.trust-store-password", lab.trustFiles().trustStorePassword());
        return p;
    }

    /** Starts an API on the lab's loopback, its answers recorded in the trace as {@code name}'s. */
    OrdersApi startApi(String name, boolean tls) throws Exception {
        return OrdersApi.start(ApiConfig.from(apiSettings(tls)), access -> {
            String identity = access.callerObjectId() == null ? null : lab.directory()
                .byObjectId(access.callerObjectId()).map(ServicePrincipal::displayName).orElse(null);
            String outcome = access.status() + (access.error() != null ? " " + access.error() : "")
                + (access.status() == 200 && identity != null ? " orders for " + identity : "");
            lab.trace().record(caller, name, access.method() + " " + access.path(), outcome,
                access.status() < 400, identity, null);
        });
    }

    /** Names the next caller of the APIs in the trace. */
    void caller(String name) {
        caller = name;
    }

    /** VM1's {@code client.properties} for an API at {@code url}: its IMDS, the API's App ID URI, the lab CA. */
    Path clientConfig(String name, URI url, String... more) throws Exception {
        StringBuilder text = new StringBuilder()
            .append("imds.endpoint=").append(lab.imdsAddress(VM)).append('\n')
            .append("api.resource=").append(apiResource).append('\n')
            .append("api.url=").append(url).append('\n');
        if (url.getScheme().equals("https")) {
            text.append("api.trust-store=").append(lab.trustFiles().trustStore()).append('\n')
                .append("api.trust-store-password=").append(lab.trustFiles().trustStorePassword()).append('\n');
        }
        for (String line : more) {
            text.append(line).append('\n');
        }
        Path file = file(VM, name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** A TLS client context that trusts the lab CA, for requests the demo itself sends. */
    SSLContext clientTls() {
        return lab.tls().clientContext();
    }

    /** Entra ID's signing keys at the lab's gateway: {@code https://login.microsoftonline.com/{tenant}/discovery/keys}. */
    URI jwksAddress() {
        return lab.gatewayAddress().resolve("/" + lab.tenant().id() + "/discovery/keys");
    }

    /** A file on a machine's "disk" (a folder of this run). */
    Path file(String machine, String name) throws Exception {
        return machines.file(machine, name);
    }

    private Path writeKeyStore(IssuedCertificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(API_NAME, certificate.privateKey(), KEY_STORE_PASSWORD.toCharArray(),
            new Certificate[] {certificate.certificate(), certificate.issuer()});
        Path file = file("api-host", "tls.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, KEY_STORE_PASSWORD.toCharArray());
        }
        return file;
    }

    @Override
    public void close() {
        vm1.close();
        lab.close();
    }
}
