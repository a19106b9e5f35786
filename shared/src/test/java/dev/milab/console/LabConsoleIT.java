package dev.milab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.arm.BuiltInRoles;
import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.sql.SqlLabClient;
import dev.milab.testing.RoutedHttp;
import dev.milab.testing.SharedLab;

/**
 * The lab console over a real socket while real clients call the lab: a waiting request gets a hop as soon as the lab
 * records it, and each hop says what decided its answer (the token's claim, the role and scope that allowed, the
 * data action no role grants, the SQL error number).
 */
class LabConsoleIT {

    private static final String VM = "console-vm";
    private static final String SERVER = "sqlconsole";
    private static final String VAULT = "kvconsole";

    private static Lab lab;
    private static LabConsole console;
    private static ServicePrincipal identity;
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();

    @BeforeAll
    static void aVmASqlServerAndAVault() {
        lab = SharedLab.get();
        console = lab.startConsole(0);
        lab.createVirtualMachine(VM);
        identity = lab.enableSystemAssignedIdentity(VM).systemAssigned();
        lab.createSqlServer(SERVER);
        lab.createSqlDatabase(SERVER, "dbc");
        lab.resources().setSqlEntraAdmin(Lab.DEFAULT_RESOURCE_GROUP, SERVER, new dev.milab.arm.SqlServer
            .SqlEntraAdmin(Lab.ADMIN_APPLICATION_NAME, lab.admin().clientId(), lab.tenant().id(), "Application", false));
        lab.createKeyVault(VAULT);
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    private static String token(String resource) {
        return lab.tokens().issueManagedIdentityToken(identity, resource).accessToken();
    }

    private static JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(console.address().resolve(pathAndQuery))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.read(response.body());
    }

    /** The hops recorded since {@code mark}, as the page gets them. */
    private static List<JsonNode> hopsSince(long mark) throws Exception {
        List<JsonNode> hops = new ArrayList<>();
        get("api/hops?after=" + mark + "&wait=0").get("hops").forEach(hops::add);
        return hops;
    }

    private static List<String> decisions(JsonNode hop) {
        List<String> list = new ArrayList<>();
        hop.get("decisions").forEach(d -> list.add(d.get("check").asText() + (d.get("passed").asBoolean() ? " ✓ "
            : " ✗ ") + d.get("detail").asText()));
        return list;
    }

    private static RoutedHttp.Response call(String url, String token) {
        return RoutedHttp.send(HttpMethod.GET, url, Map.of("Authorization", "Bearer " + token), null);
    }

    @Test
    void aWaitingRequestGetsAHopAsSoonAsTheLabRecordsIt() throws Exception {
        // A lab of its own: in the shared one, another test's client could record a hop while this one waits.
        try (Lab quiet = Lab.start()) {
            quiet.createVirtualMachine("vm1");
            quiet.enableSystemAssignedIdentity("vm1");
            LabConsole own = quiet.startConsole(0);
            long mark = quiet.trace().lastSequence();
            CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(HttpRequest.newBuilder(own.address()
                .resolve("api/hops?after=" + mark + "&wait=20000")).build(), HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertThat(waiting).as("nothing happened yet, so it waits").isNotDone();

            HTTP.send(HttpRequest.newBuilder(URI.create(quiet.imdsAddress("vm1") + "/metadata/identity/oauth2/token"
                + "?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net")).header("Metadata", "true").build(),
                HttpResponse.BodyHandlers.discarding());

            JsonNode answer = Json.read(waiting.get(10, TimeUnit.SECONDS).body());
            // The first hop of that request wakes it: IMDS getting the token from Entra ID, or vm1's request.
            assertThat(answer.get("hops")).isNotEmpty().extracting(h -> h.get("from").asText() + " -> "
                + h.get("to").asText()).isSubsetOf("IMDS (vm1) -> Entra ID", "vm1 -> IMDS (vm1)");
        }
    }

    @Test
    void resourceManagerHopsNameTheRoleAndScopeThatAllowedOrWhatNoRoleAllows() throws Exception {
        String server = lab.resources().sqlServer(Lab.DEFAULT_RESOURCE_GROUP, SERVER).orElseThrow().id();
        String url = "https://management.azure.com" + server + "?api-version=2021-11-01";
        String armToken = token("https://management.azure.com/");
        long mark = lab.trace().lastSequence();
        assertThat(call(url, armToken).status()).isEqualTo(403);
        lab.grantRole(identity.objectId(), BuiltInRoles.READER, server);
        assertThat(call(url, armToken).status()).isEqualTo(200);

        List<JsonNode> hops = hopsSince(mark);

        assertThat(hops).hasSize(2);
        assertThat(decisions(hops.get(0)).get(0)).startsWith("token ✓ aud https://management.azure.com/ is this"
            + " service's; signature, iss and times check out");
        assertThat(decisions(hops.get(0)).get(1)).isEqualTo("RBAC ✗ no role at " + server
            + " or above allows Microsoft.Sql/servers/read");
        assertThat(decisions(hops.get(1)).get(1)).isEqualTo("RBAC ✓ Reader at " + server
            + " allows Microsoft.Sql/servers/read");
    }

    @Test
    void aKeyVaultRefusalNamesTheMissingDataAction() throws Exception {
        String vault = lab.resources().keyVaultByName(VAULT).orElseThrow().id();
        long mark = lab.trace().lastSequence();

        assertThat(call("https://" + VAULT + ".vault.azure.net/secrets/db-password?api-version=7.4",
            token("https://vault.azure.net")).status()).isEqualTo(403);

        JsonNode hop = hopsSince(mark).get(0);
        assertThat(hop.get("to").asText()).isEqualTo("Key Vault (" + VAULT + ")");
        assertThat(decisions(hop)).last().isEqualTo("RBAC ✗ missing data action"
            + " Microsoft.KeyVault/vaults/secrets/getSecret/action at " + vault + "/secrets/db-password: no role there or"
            + " above grants it");
    }

    @Test
    void aTokenForAnotherResourceNamesTheClaimThatDecided() throws Exception {
        long mark = lab.trace().lastSequence();

        assertThat(call("https://management.azure.com/subscriptions/" + lab.subscriptionId()
            + "/resourcegroups?api-version=2025-04-01", token("https://vault.azure.net")).status()).isEqualTo(401);

        assertThat(decisions(hopsSince(mark).get(0))).containsExactly(
            "token ✗ aud: The token's audience 'https://vault.azure.net' is invalid.");
    }

    @Test
    void sqlLoginHopsCarryTheErrorNumberAndTheDatabaseUserThatLetIn() throws Exception {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, SERVER, "dbc", true);
        ds.setAccessToken(token("https://database.windows.net/"));
        long mark = lab.trace().lastSequence();
        assertThatThrownBy(() -> ds.getConnection().close()).isInstanceOf(SQLException.class)
            .hasMessageContaining("Login failed");
        lab.sqlServer(SERVER).database("dbc").orElseThrow().createExternalUser(VM, identity.appId(),
            identity.objectId());
        ds.getConnection().close();

        List<JsonNode> logins = hopsSince(mark).stream().filter(h -> h.get("to").asText().equals(SERVER)).toList();

        assertThat(logins).hasSize(2);
        assertThat(decisions(logins.get(0))).hasSize(2).last().isEqualTo(
            "SQL ✗ error 18456: Login failed for user '<token-identified principal>'.");
        assertThat(decisions(logins.get(0)).get(0)).startsWith("token ✓ aud https://database.windows.net/ is this"
            + " service's");
        assertThat(decisions(logins.get(1))).last().isEqualTo("SQL ✓ database user " + VM + " in dbc");
    }

    @Test
    void theDiagramIsTheSequenceDiagramsOwnLayout() throws Exception {
        JsonNode diagram = get("api/diagram");

        assertThat(diagram.get("participants").size()).isPositive();
        JsonNode first = diagram.get("arrows").get(0);
        assertThat(first.get("kind").asText()).isIn("request", "answer", "refusal");
        assertThat(first.get("seq").asLong()).isPositive();
    }
}
