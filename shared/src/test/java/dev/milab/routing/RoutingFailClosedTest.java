package dev.milab.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketPermission;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpRequest;
import com.azure.core.util.Configuration;
import com.azure.core.util.Context;

import dev.milab.testing.LoopbackGuard;
import dev.milab.testing.LoopbackGuardInstaller;
import dev.milab.tls.LabCertificateAuthority;

/**
 * The first wall: the lab's azure-core HTTP client refuses every non-loopback destination it has no lab route for,
 * before it opens a socket. The second wall, {@link LoopbackGuard}, is tested by calling its checks directly; no
 * test here ever attempts a connection that is not to loopback.
 *
 * <p>Tests run without a route table: whatever table this JVM had is put back afterwards.
 */
class RoutingFailClosedTest {

    private static final X509Certificate SOME_CA = LabCertificateAuthority.create().certificate();

    private RouteTable previous;

    @BeforeEach
    @SuppressWarnings("deprecation")
    void removeAnyRouteTable() {
        // MILAB_ROUTES (and MILAB_CA_FILE) from this JVM's environment or system properties would route these
        // requests; an explicit blank value, which azure-core's Configuration reads before either, hides them.
        Configuration.getGlobalConfiguration().put(RouteTable.ROUTES_SETTING, "");
        Configuration.getGlobalConfiguration().put(RouteTable.CA_FILE_SETTING, "");
        previous = LabRouting.current().orElse(null);
        if (previous != null) {
            LabRouting.uninstall(previous);
        }
        assertThat(LabRouting.current()).as("no route table, whatever " + RouteTable.ROUTES_SETTING + " says")
            .isEmpty();
    }

    @AfterEach
    @SuppressWarnings("deprecation")
    void restoreRouteTable() {
        Configuration.getGlobalConfiguration().remove(RouteTable.ROUTES_SETTING);
        Configuration.getGlobalConfiguration().remove(RouteTable.CA_FILE_SETTING);
        if (previous != null) {
            LabRouting.install(previous);
        }
    }

    // ---------------------------------------------------------------------------------- the routing HTTP client

    @Test
    void theDefaultAzureHttpClientInTestsIsTheLabsRoutingClient() {
        assertThat(Configuration.getGlobalConfiguration().get("AZURE_HTTP_CLIENT_IMPLEMENTATION"))
            .isEqualTo(LabHttpClientProvider.class.getName());

        HttpClient client = HttpClient.createDefault();

        assertThat(client.getClass().getName()).isEqualTo("dev.milab.routing.LabHttpClient");
        assertThat(client.getClass().getPackageName()).isEqualTo("dev.milab.routing");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/",
        "https://login.microsoftonline.com/common/.well-known/openid-configuration",
        "https://example.com/",
        "http://203.0.113.7/"})
    void withoutARouteTableEveryNonLoopbackRequestIsRefusedBeforeAnySocket(String url) throws Exception {
        URL target = new URL(url);
        int port = target.getPort() < 0 ? target.getDefaultPort() : target.getPort();
        HttpRequest request = new HttpRequest(HttpMethod.GET, url).setHeader("Metadata", "true");
        HttpClient client = HttpClient.createDefault();

        // A LabRoutingException, not the LoopbackGuard's SecurityException: the client decided, no socket was tried.
        assertThatThrownBy(() -> client.sendSync(request, Context.NONE))
            .isExactlyInstanceOf(LabRoutingException.class)
            .hasMessageStartingWith("Refused to connect to " + target.getHost() + ":" + port)
            .hasMessageContaining("(no lab in this JVM and MILAB_ROUTES is not set)")
            .hasMessageEndingWith("Nothing leaves this machine.");
        assertThatThrownBy(() -> client.send(request).block())
            .isExactlyInstanceOf(LabRoutingException.class)
            .hasMessageStartingWith("Refused to connect to " + target.getHost() + ":" + port);
    }

    @Test
    void httpsToLoopbackWithoutALabCaIsRefused() {
        assertThatThrownBy(() -> LabHttpClient.resolve(new URL("https://127.0.0.1:1/")))
            .isExactlyInstanceOf(LabRoutingException.class)
            .hasMessageContaining("No lab CA to trust for https://127.0.0.1");
    }

    @Test
    void plainHttpToLoopbackGoesThereDirectly() throws Exception {
        LabHttpClient.Destination d = LabHttpClient.resolve(new URL("http://127.0.0.1:12345/x"));

        assertThat(d.host()).isEqualTo("127.0.0.1");
        assertThat(d.port()).isEqualTo(12345);
        assertThat(d.tlsName()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/", "file:///etc/passwd", "jar:file:/x.jar!/y"})
    void schemesOtherThanHttpAndHttpsAreRefused(String url) {
        assertThatThrownBy(() -> LabHttpClient.resolve(new URL(url)))
            .isExactlyInstanceOf(LabRoutingException.class)
            .hasMessageContaining("only http and https");
    }

    @Test
    void withARouteTableAzureHostsGoToLoopbackKeepingTheirTlsName() throws Exception {
        RouteTable table = new RouteTable(List.of(
            new Route("169.254.169.254", 80, "127.0.0.1", 47001),
            new Route("login.microsoftonline.com", 443, "127.0.0.1", 47443),
            new Route("*.vault.azure.net", 443, "127.0.0.1", 47443)), SOME_CA);
        LabRouting.install(table);
        try {
            LabHttpClient.Destination imds = LabHttpClient.resolve(
                new URL("http://169.254.169.254/metadata/identity/oauth2/token"));
            assertThat(imds.host()).isEqualTo("127.0.0.1");
            assertThat(imds.port()).isEqualTo(47001);
            assertThat(imds.tlsName()).isNull();

            LabHttpClient.Destination vault = LabHttpClient.resolve(new URL("https://kv1.vault.azure.net/secrets/s"));
            assertThat(vault.host()).isEqualTo("127.0.0.1");
            assertThat(vault.port()).isEqualTo(47443);
            assertThat(vault.tlsName()).isEqualTo("kv1.vault.azure.net");
            assertThat(vault.tls()).isSameAs(table.tls());

            // routed hosts on another port, or other hosts, are still refused
            for (String url : List.of("http://169.254.169.254:8080/", "https://vault.azure.net/",
                "https://a.b.vault.azure.net/", "https://example.com/", "http://203.0.113.7/")) {
                assertThatThrownBy(() -> LabHttpClient.resolve(new URL(url))).as(url)
                    .isExactlyInstanceOf(LabRoutingException.class)
                    .hasMessageContaining("(routed hosts: " + table.routesSetting() + ")");
            }
        } finally {
            LabRouting.uninstall(table);
        }
        assertThat(LabRouting.current()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------ Route, RouteTable

    @Test
    void aRouteParsesFromAndPrintsToTheSettingForm() {
        Route route = Route.parse(" 169.254.169.254:80=127.0.0.1:47001 ");

        assertThat(route).isEqualTo(new Route("169.254.169.254", 80, "127.0.0.1", 47001));
        assertThat(route.toString()).isEqualTo("169.254.169.254:80=127.0.0.1:47001");
        assertThat(Route.parse(route.toString())).isEqualTo(route);
        assertThat(Route.parse("*.Vault.Azure.NET:443=127.0.0.1:1").hostPattern()).isEqualTo("*.vault.azure.net");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "host", "host:80", "host=127.0.0.1:1", "host:80=127.0.0.1", "host:x=127.0.0.1:1",
        "host:80=127.0.0.1:y"})
    void aMalformedRouteIsRefused(String text) {
        assertThatThrownBy(() -> Route.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "203.0.113.7", "0.0.0.0", "198.51.100.1", "example.com",
        "localhost.example.com", "::ffff:169.254.169.254"})
    void aRouteToANonLoopbackTargetIsRefused(String target) {
        assertThatThrownBy(() -> new Route("login.microsoftonline.com", 443, target, 443))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must lead to loopback");
        assertThatThrownBy(() -> Route.parse("login.microsoftonline.com:443=" + target + ":443"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    /** A wildcard route matches exactly one label; an exact route only its host; both only their port. */
    @ParameterizedTest(name = "{0} ~ {1}:{2} -> {3}")
    @CsvSource({
        "*.vault.azure.net, kv1.vault.azure.net, 443, true",
        "*.vault.azure.net, KV1.Vault.Azure.NET, 443, true",
        "*.vault.azure.net, my-vault-01.vault.azure.net, 443, true",
        "*.vault.azure.net, vault.azure.net, 443, false",
        "*.vault.azure.net, .vault.azure.net, 443, false",
        "*.vault.azure.net, a.b.vault.azure.net, 443, false",
        "*.vault.azure.net, kv1.vault.azure.net.evil.example, 443, false",
        "*.vault.azure.net, kv1vault.azure.net, 443, false",
        "*.vault.azure.net, kv1.vault.azure.net, 80, false",
        "login.microsoftonline.com, login.microsoftonline.com, 443, true",
        "login.microsoftonline.com, LOGIN.microsoftonline.com, 443, true",
        "login.microsoftonline.com, login.microsoftonline.com, 80, false",
        "login.microsoftonline.com, login.microsoftonline.com.evil.example, 443, false",
        "login.microsoftonline.com, x.login.microsoftonline.com, 443, false"})
    void aRouteMatchesItsHostPatternAndPortOnly(String pattern, String host, int port, boolean matches) {
        Route route = new Route(pattern, 443, "127.0.0.1", 1);

        assertThat(route.matches(host, port)).isEqualTo(matches);
    }

    @Test
    void aRouteTableReadsTheRoutesSettingAndTheCaFile(@TempDir Path dir) throws Exception {
        LabCertificateAuthority ca = LabCertificateAuthority.create();
        Path pem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        String setting = "169.254.169.254:80=127.0.0.1:47001;login.microsoftonline.com:443=127.0.0.1:47443;"
            + "*.vault.azure.net:443=127.0.0.1:47443;";

        RouteTable table = RouteTable.fromSettings(setting, pem.toString()).orElseThrow();

        assertThat(table.routes()).containsExactly(Route.parse("169.254.169.254:80=127.0.0.1:47001"),
            Route.parse("login.microsoftonline.com:443=127.0.0.1:47443"),
            Route.parse("*.vault.azure.net:443=127.0.0.1:47443"));
        assertThat(table.labCa()).isEqualTo(ca.certificate());
        assertThat(table.tls()).isNotNull();
        assertThat(table.routesSetting()).isEqualTo(setting.substring(0, setting.length() - 1));
        assertThat(table.find("kv1.vault.azure.net", 443)).map(Route::targetPort).contains(47443);
        assertThat(table.find("169.254.169.254", 443)).isEmpty();
        assertThat(RouteTable.fromSettings(table.routesSetting(), null).orElseThrow().routes())
            .isEqualTo(table.routes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void aBlankRoutesSettingMeansNoTable(String value) {
        assertThat(RouteTable.fromSettings(value, null)).isEmpty();
        assertThat(RouteTable.fromSettings(null, null)).isEmpty();
    }

    @Test
    void aRoutesSettingWithoutCaHasNoTls() {
        RouteTable table = RouteTable.fromSettings("169.254.169.254:80=127.0.0.1:1", null).orElseThrow();

        assertThat(table.tls()).isNull();
        assertThat(table.labCa()).isNull();
    }

    @Test
    void aRoutesSettingWithANonLoopbackTargetIsRefused() {
        assertThatThrownBy(() -> RouteTable.fromSettings("169.254.169.254:80=169.254.169.254:80", null))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRouteAddedWithWithWinsOverTheOthers() {
        RouteTable table = new RouteTable(List.of(new Route("*.vault.azure.net", 443, "127.0.0.1", 1)), null);

        RouteTable more = table.with(new Route("kv1.vault.azure.net", 443, "127.0.0.1", 2));

        assertThat(more.find("kv1.vault.azure.net", 443)).map(Route::targetPort).contains(2);
        assertThat(more.find("kv2.vault.azure.net", 443)).map(Route::targetPort).contains(1);
        assertThat(table.routes()).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------------- Loopback

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "localhost, true",
        "LOCALHOST, true",
        "127.0.0.1, true",
        "127.1.2.3, true",
        "127.255.255.255, true",
        "::1, true",
        "[::1], true",
        "0:0:0:0:0:0:0:1, true",
        "NULL, false",
        "'', false",
        "169.254.169.254, false",
        "203.0.113.7, false",
        "0.0.0.0, false",
        "128.0.0.1, false",
        "126.0.0.1, false",
        "127.0.0.256, false",
        "127.0.0, false",
        "127.0.0.1.1, false",
        "127.0.0.1x, false",
        "127..0.1, false",
        "127.-1.0.1, false",
        "localhost.example.com, false",
        "127.0.0.1.nip.io, false",
        "::ffff:169.254.169.254, false",
        "[::1, false",
        "example.com, false"})
    void loopbackIsJudgedFromTheTextAlone(String host, boolean loopback) {
        assertThat(Loopback.isLoopbackLiteral(host)).isEqualTo(loopback);
    }

    // ------------------------------------------------------------------------------------------- LoopbackGuard

    /** JDK 17 to 23 run every test behind the guard; JDK 24 and later have no security manager to install. */
    @Test
    void theLoopbackGuardIsActiveInThisTestJvmWhereverTheJdkHasASecurityManager() {
        assertThat(LoopbackGuardInstaller.active()).isEqualTo(Runtime.version().feature() < 24);
    }

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource({"169.254.169.254, 80", "203.0.113.7, 443", "example.com, 443", "0.0.0.0, 80"})
    void theGuardRefusesConnectingToNonLoopbackAddresses(String host, int port) {
        LoopbackGuard guard = new LoopbackGuard();

        assertThatThrownBy(() -> guard.checkConnect(host, port))
            .isInstanceOf(SecurityException.class)
            .hasMessageContaining("refused a connection to " + host + ":" + port);
        assertThatThrownBy(() -> guard.checkConnect(host, port, null)).isInstanceOf(SecurityException.class);
    }

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource({"127.0.0.1, 80", "localhost, 443", "::1, 8080", "169.254.169.254, -1", "example.com, -1"})
    void theGuardAllowsLoopbackConnectionsAndNameResolution(String host, int port) {
        LoopbackGuard guard = new LoopbackGuard();

        assertThatCode(() -> guard.checkConnect(host, port)).doesNotThrowAnyException();
    }

    @Test
    void theGuardChecksSocketConnectPermissions() {
        LoopbackGuard guard = new LoopbackGuard();

        assertThatThrownBy(() -> guard.checkPermission(new SocketPermission("169.254.169.254:80", "connect")))
            .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> guard.checkPermission(new SocketPermission("203.0.113.7:1-65535", "connect,resolve")))
            .isInstanceOf(SecurityException.class);
        assertThatCode(() -> guard.checkPermission(new SocketPermission("127.0.0.1:80", "connect")))
            .doesNotThrowAnyException();
        assertThatCode(() -> guard.checkPermission(new SocketPermission("[::1]:80", "connect")))
            .doesNotThrowAnyException();
        assertThatCode(() -> guard.checkPermission(new SocketPermission("example.com", "resolve")))
            .doesNotThrowAnyException();
        assertThatCode(() -> guard.checkPermission(new RuntimePermission("getenv.*"))).doesNotThrowAnyException();
    }
}
