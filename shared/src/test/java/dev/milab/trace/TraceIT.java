package dev.milab.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpMethod;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.sql.SqlLabClient;
import dev.milab.testing.RoutedHttp;
import dev.milab.testing.SharedLab;

/**
 * The lab's trace over real sockets and real clients: a VM asking its IMDS (as curl would), the admin's
 * azure-identity credential and a Resource Manager call, and mssql-jdbc logging in with a VM's token. Other tests
 * share the lab, so each test reads only the hops of its own VMs and server.
 */
class TraceIT {

    private static final String VM = "trace-vm";
    private static final String STRANGER = "trace-stranger-vm";
    private static final String SERVER = "trace-sql";
    private static final String DATABASE = "tracedb";
    private static final String SQL = "https://database.windows.net/";
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5)).build();

    private static Lab lab;

    @BeforeAll
    static void aServerWhereOneVmHasAUserAndAnotherHasNone() {
        lab = SharedLab.get();
        lab.createVirtualMachine(VM);
        ServicePrincipal vm = lab.enableSystemAssignedIdentity(VM).systemAssigned();
        lab.createVirtualMachine(STRANGER);
        lab.enableSystemAssignedIdentity(STRANGER);
        lab.createSqlServer(SERVER);
        lab.createSqlDatabase(SERVER, DATABASE);
        lab.sqlServer(SERVER).setEntraAdmin(lab.createUserAssignedIdentity("trace-sql-admin").principal());
        lab.sqlServer(SERVER).database(DATABASE).orElseThrow().createExternalUser(VM, vm.appId(), vm.objectId());
    }

    @Test
    void aVmsTokenRequestsAreHopsToItsImdsAndOnlyTheFirstIsIssuedByEntraId() throws Exception {
        long mark = lab.trace().lastSequence();
        String first = imdsToken(VM);
        String second = imdsToken(VM);

        List<Hop> hops = hopsOf(mark, "IMDS (" + VM + ")");
        assertThat(second).isEqualTo(first);
        assertThat(hops).extracting(Hop::from, Hop::to, Hop::request, Hop::outcome).containsExactly(
            tuple("IMDS (" + VM + ")", "Entra ID",
                "issue token for " + VM + " (aud " + SQL + ")", "token issued"),
            tuple(VM, "IMDS (" + VM + ")", "GET token resource=" + SQL,
                "200 token for " + VM),
            tuple(VM, "IMDS (" + VM + ")", "GET token resource=" + SQL,
                "200 token for " + VM));
        assertThat(hops).allSatisfy(h -> {
            assertThat(h.ok()).isTrue();
            assertThat(h.identity()).isEqualTo(VM);
            assertThat(h.token()).isEqualTo(first);
        });
        assertThat(SequenceDiagram.plainText(hops)).contains(VM + " -> IMDS (" + VM + "): GET token resource="
            + SQL + " -> 200 token for " + VM + "\n");
    }

    @Test
    void aRefusedTokenRequestShowsImdsStatusAndError() throws Exception {
        long mark = lab.trace().lastSequence();
        HttpResponse<String> response = imds(VM, SQL + "&client_id=00000000-0000-0000-0000-000000000000");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(hopsOf(mark, "IMDS (" + VM + ")")).singleElement().satisfies(h -> {
            assertThat(h.request()).isEqualTo("GET token resource=" + SQL
                + " client_id=00000000-0000-0000-0000-000000000000");
            assertThat(h.outcome()).isEqualTo("400 identity not found");
            assertThat(h.ok()).isFalse();
            assertThat(h.token()).isNull();
        });
    }

    /**
     * A process the lab started for a machine (a laptop here) sends its name with every request through the lab's
     * HTTP client, so the trace names the machine even where a token or client id would say someone else.
     */
    @Test
    void aRequestFromALabMachineIsTheMachines() {
        long mark = lab.trace().lastSequence();
        String keys = "https://login.microsoftonline.com/" + lab.tenant().id() + "/discovery/v2.0/keys";

        RoutedHttp.Response named = RoutedHttp.send(HttpMethod.GET, keys, Map.of("x-milab-machine", "laptop"), null);
        RoutedHttp.Response forged = RoutedHttp.send(HttpMethod.GET, keys,
            Map.of("x-milab-machine", "laptop: rm -rf /"), null);

        assertThat(named.status()).isEqualTo(200);
        assertThat(forged.status()).isEqualTo(200);
        // other tests share this lab: their key fetches may be in the window too, from "client"
        assertThat(lab.trace().since(mark)).filteredOn(h -> h.request().equals("GET signing keys"))
            .extracting(Hop::from).contains("laptop", "client").doesNotContain("laptop: rm -rf /");
    }

    @Test
    void theAdminsTokenAndResourceManagerCallComeFromTheWorkstation() {
        long mark = lab.trace().lastSequence();
        String token = new ClientSecretCredentialBuilder().tenantId(lab.tenant().id())
            .clientId(lab.admin().clientId()).clientSecret(lab.admin().clientSecret()).build()
            .getTokenSync(new TokenRequestContext().addScopes("https://management.azure.com/.default")).getToken();
        String server = "https://management.azure.com/subscriptions/" + lab.subscriptionId() + "/resourceGroups/"
            + Lab.DEFAULT_RESOURCE_GROUP + "/providers/Microsoft.Sql/servers/" + SERVER + "?api-version=2021-11-01";
        RoutedHttp.Response withToken = RoutedHttp.send(HttpMethod.GET, server,
            Map.of("Authorization", "Bearer " + token), null);
        RoutedHttp.Response withoutToken = RoutedHttp.send(HttpMethod.GET, server, Map.of(), null);

        assertThat(withToken.status()).isEqualTo(200);
        assertThat(withoutToken.status()).isEqualTo(401);
        List<Hop> hops = lab.trace().since(mark);
        assertThat(hops).filteredOn(h -> token.equals(h.token()) && h.to().equals("Entra ID")).singleElement()
            .satisfies(h -> {
                assertThat(h.from()).isEqualTo("workstation");
                assertThat(h.request()).isEqualTo("POST /token (client_credentials)");
                assertThat(h.outcome()).isEqualTo("200 token for " + Lab.ADMIN_APPLICATION_NAME);
                assertThat(h.identity()).isEqualTo(Lab.ADMIN_APPLICATION_NAME);
            });
        List<Hop> armCalls = hops.stream().filter(h -> h.to().equals("Resource Manager")
            && h.request().equals("GET …/servers/" + SERVER)).toList();
        assertThat(armCalls).extracting(Hop::from, Hop::outcome, Hop::ok, Hop::identity).containsExactly(
            tuple("workstation", "200", true, Lab.ADMIN_APPLICATION_NAME),
            tuple("client", "401 AuthenticationFailed", false, null));
    }

    @Test
    void sqlLoginsShowTheTokensHolderAndAzureSqlsAnswer() throws Exception {
        String vmToken = imdsToken(VM);
        String strangerToken = imdsToken(STRANGER);
        long mark = lab.trace().lastSequence();

        try (Connection c = dataSource(vmToken).getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> dataSource(strangerToken).getConnection().close())
            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(18456));

        List<Hop> logins = lab.trace().since(mark).stream().filter(h -> h.to().equals(SERVER)).toList();
        assertThat(logins).filteredOn(h -> h.from().equals(VM)).first().satisfies(h -> {
            assertThat(h.request()).isEqualTo("login (" + DATABASE + ")");
            assertThat(h.outcome()).isEqualTo("logged in as " + VM);
            assertThat(h.ok()).isTrue();
            assertThat(h.identity()).isEqualTo(VM);
            assertThat(h.token()).isEqualTo(vmToken);
        });
        assertThat(logins).filteredOn(h -> h.from().equals(STRANGER)).first().satisfies(h -> {
            assertThat(h.request()).isEqualTo("login (" + DATABASE + ")");
            assertThat(h.outcome()).isEqualTo("18456 Login failed for user '<token-identified principal>'");
            assertThat(h.ok()).isFalse();
            assertThat(h.identity()).isEqualTo(STRANGER);
        });
        // callers first, in natural order (trace-stranger-vm, trace-vm), then the server
        assertThat(SequenceDiagram.mermaid(logins)).contains("participant P2 as " + VM, "participant P3 as " + SERVER,
            "--xP", ": 18456 Login failed for user '#60;token-identified principal#62;'");
    }

    /** The hops since {@code mark} that have {@code participant} at either end. */
    private static List<Hop> hopsOf(long mark, String participant) {
        return lab.trace().since(mark).stream().filter(h -> h.from().equals(participant)
            || h.to().equals(participant)).toList();
    }

    private static SQLServerDataSource dataSource(String token) {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, SERVER, DATABASE, true);
        ds.setAccessToken(token);
        return ds;
    }

    private static String imdsToken(String vm) throws Exception {
        HttpResponse<String> response = imds(vm, SQL);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.read(response.body()).get("access_token").asText();
    }

    /** The VM's IMDS token endpoint on loopback, as Microsoft Learn's curl example asks it. */
    private static HttpResponse<String> imds(String vm, String resourceAndMore) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(lab.imdsAddress(vm)
                + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + resourceAndMore))
            .header("Metadata", "true").timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
