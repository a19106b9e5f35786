package dev.milab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.arm.BuiltInRoles;
import dev.milab.entra.Application;
import dev.milab.entra.NewClientSecret;
import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/** The console's routes as a function, without sockets: what it shows, what it refuses, and that it changes nothing. */
class ConsoleEndpointTest {

    private static Lab lab;
    private static ConsoleEndpoint console;
    private static HopFeed feed;
    private static NewClientSecret secret;
    private static String vm1;

    @BeforeAll
    static void aLabWithAVmAnAppAndAnOrphan() {
        lab = Lab.start();
        lab.createVirtualMachine("vm1");
        vm1 = lab.enableSystemAssignedIdentity("vm1").systemAssigned().objectId();
        lab.createSqlServer("sql1");
        lab.createSqlDatabase("sql1", "db1");
        lab.grantRole(vm1, BuiltInRoles.CONTRIBUTOR, lab.defaultResourceGroupId());
        lab.createVirtualMachine("vm2");
        String vm2 = lab.enableSystemAssignedIdentity("vm2").systemAssigned().objectId();
        lab.grantRole(vm2, BuiltInRoles.READER, lab.defaultResourceGroupId());
        lab.deleteVirtualMachine("vm2");
        Application app = lab.directory().registerApplication("orders-api");
        secret = lab.directory().addClientSecret(app.appId(), "ci", lab.clock().instant(), java.time.Duration.ofDays(30));
        LabConsole.Sources sources = new LabConsole.Sources(lab.trace(), lab.clock(), lab.tenant(), lab.subscriptionId(),
            lab.resources(), lab.directory(), lab.signingKeys(), lab.azureSql(), lab.tokenValidator(), lab.rbac());
        feed = new HopFeed(lab.trace());
        console = new ConsoleEndpoint(new LabView(sources), feed, new TokenInspector(sources));
    }

    @AfterAll
    static void stop() {
        feed.close();
        lab.close();
    }

    private static LabHttpResponse get(String pathAndQuery) {
        return console.handle(LabHttpRequest.get("127.0.0.1", pathAndQuery, Map.of()));
    }

    private static LabHttpResponse send(String method, String host, String path, String body) {
        return console.handle(new LabHttpRequest(method, host, path, "", Map.of(),
            body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode json(LabHttpResponse response) throws Exception {
        return Json.read(response.bodyAsString());
    }

    @Test
    void thePageComesFromTheJarWithNoOutsideScriptAndNoCaching() {
        LabHttpResponse page = get("/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers()).containsEntry("Content-Type", "text/html; charset=utf-8")
            .containsEntry("Cache-Control", "no-store")
            .containsEntry("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        assertThat(page.bodyAsString()).contains("<h2 id=\"traffic-heading\">Live traffic</h2>", "role=\"log\"",
            "aria-live=\"polite\"", "<th scope=\"col\">", "id=\"large-type\"").doesNotContain("http://", "https://");
        assertThat(get("/console.js").bodyAsString()).contains("api/hops?after=").doesNotContain("innerHTML");
        assertThat(get("/console.css").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "DELETE", "PATCH", "POST"})
    void everythingButReadingAndTheInspectorIs405(String method) throws Exception {
        String before = get("/api/resources").bodyAsString();

        LabHttpResponse response = send(method, "127.0.0.1", "/api/resources", "{}");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.headers()).containsEntry("Allow", "GET, HEAD");
        assertThat(json(response).at("/error/code").asText()).isEqualTo("MethodNotAllowed");
        assertThat(get("/api/resources").bodyAsString()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example", "lab.attacker.test", "169.254.169.254"})
    void aRequestForAnotherHostNameIsRefusedSoNoOtherPageCanReadTheConsole(String host) {
        LabHttpResponse response = send("GET", host, "/api/resources", "");

        assertThat(response.status()).isEqualTo(421);
        assertThat(response.bodyAsString()).doesNotContain(lab.subscriptionId());
    }

    @Test
    void resourcesShowTheVmsIdentityAndTheOrphanAsThePortalDoes() throws Exception {
        JsonNode resources = json(get("/api/resources"));

        JsonNode vm = resources.get("virtualMachines").get(0);
        assertThat(vm.get("name").asText()).isEqualTo("vm1");
        assertThat(vm.at("/identity/type").asText()).isEqualTo("SystemAssigned");
        assertThat(vm.at("/identity/principalId").asText()).isEqualTo(vm1);
        assertThat(resources.get("roleAssignments")).extracting(a -> a.get("role").asText() + " " + a.get("principal")
            .asText() + " " + a.get("principalType").asText() + " " + a.get("orphan").asBoolean())
            .contains("Owner milab-admin ServicePrincipal false", "Contributor vm1 ServicePrincipal false",
                "Reader Identity not found Unknown true");
        assertThat(resources.at("/sqlServers/0/name").asText()).isEqualTo("sql1");
    }

    @Test
    void theDirectoryShowsCredentialsByKindAndExpiryAndNeverASecret() throws Exception {
        String body = get("/api/directory").bodyAsString();
        JsonNode app = null;
        for (JsonNode p : Json.read(body).get("servicePrincipals")) {
            if (p.get("displayName").asText().equals("orders-api")) {
                app = p;
            }
        }

        assertThat(app).isNotNull();
        assertThat(app.at("/credentials/0/kind").asText()).isEqualTo("Client secret");
        assertThat(app.at("/credentials/0/expires").asText()).isNotEmpty();
        assertThat(app.at("/credentials/0/expired").asBoolean()).isFalse();
        assertThat(body).doesNotContain(secret.value(), lab.admin().clientSecret(), "valueSha256", "hint");
        assertThat(Json.read(body).at("/signingKeys/0/signing").asBoolean()).isTrue();
    }

    @Test
    void hopsAfterAMarkComeAtOnceWithTheirTokenDecodedAndNeverTheTokenItself() throws Exception {
        ServicePrincipal identity = lab.directory().byObjectId(vm1).orElseThrow();
        String token = lab.tokens().issueManagedIdentityToken(identity, "https://database.windows.net/").accessToken();
        long mark = lab.trace().lastSequence();
        lab.trace().record("vm1", "sql1", "login (db1)", "18456 Login failed", false, "vm1", token,
            List.of(new dev.milab.trace.Decision("SQL", false, "error 18456: Login failed")));

        LabHttpResponse response = get("/api/hops?after=" + mark + "&wait=0");

        JsonNode hop = json(response).get("hops").get(0);
        assertThat(hop.get("to").asText()).isEqualTo("sql1");
        assertThat(hop.at("/decisions/0/detail").asText()).isEqualTo("error 18456: Login failed");
        assertThat(hop.at("/token/claims/oid").asText()).isEqualTo(vm1);
        assertThat(hop.at("/token/header/alg").asText()).isEqualTo("RS256");
        assertThat(response.bodyAsString()).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.')));
    }

    @Test
    void aBadMarkIs400() {
        assertThat(get("/api/hops?after=many").status()).isEqualTo(400);
        assertThat(get("/api/nothing").status()).isEqualTo(404);
    }

    @Test
    void theInspectorSaysWhichResourceWouldAcceptATokenAndWhyNot() throws Exception {
        ServicePrincipal identity = lab.directory().byObjectId(vm1).orElseThrow();
        String armToken = lab.tokens().issueManagedIdentityToken(identity, "https://management.azure.com/")
            .accessToken();

        LabHttpResponse response = send("POST", "127.0.0.1", "/api/inspect", "Bearer " + armToken);

        assertThat(response.status()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.at("/claims/aud").asText()).isEqualTo("https://management.azure.com/");
        JsonNode arm = answer.get("verdicts").get(0);
        assertThat(arm.get("resource").asText()).isEqualTo("Resource Manager");
        assertThat(arm.get("accepted").asBoolean()).isTrue();
        assertThat(arm.at("/decisions/1/detail").asText()).startsWith("Contributor at /subscriptions/");
        JsonNode sql = answer.get("verdicts").get(1);
        assertThat(sql.get("what").asText()).isEqualTo("sql1.database.windows.net login to db1");
        assertThat(sql.get("accepted").asBoolean()).isFalse();
        assertThat(sql.at("/decisions/0/detail").asText()).startsWith("aud: The token's audience"
            + " 'https://management.azure.com/' is invalid");
        assertThat(response.bodyAsString()).doesNotContain(armToken.substring(armToken.lastIndexOf('.') + 1));
    }

    @Test
    void theInspectorRefusesWhatIsNoJwtWithoutRepeatingIt() throws Exception {
        LabHttpResponse notAJwt = send("POST", "127.0.0.1", "/api/inspect", "my-password-123");
        LabHttpResponse tooLarge = send("POST", "127.0.0.1", "/api/inspect", "a".repeat(20_000));
        LabHttpResponse foreign = console.handle(new LabHttpRequest("POST", "127.0.0.1", "/api/inspect", "",
            Map.of("origin", List.of("https://evil.example")), "a.b.c".getBytes(StandardCharsets.UTF_8)));

        assertThat(notAJwt.status()).isEqualTo(400);
        assertThat(json(notAJwt).at("/error/code").asText()).isEqualTo("NotAJwt");
        assertThat(notAJwt.bodyAsString()).doesNotContain("my-password-123");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(foreign.status()).isEqualTo(403);
    }
}
