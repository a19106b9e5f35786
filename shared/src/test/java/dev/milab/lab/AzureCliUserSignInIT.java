package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.User;
import dev.milab.http.Json;
import dev.milab.testing.AzureCli;
import dev.milab.trace.Hop;

/**
 * The Azure CLI, unmodified, signs the learner in to the standalone lab with {@code az login --use-device-code}: az
 * prints the code and where to approve it, the test approves it on the lab's control endpoint as the learner would
 * with curl, and az finishes signing in. Then the first lines of the demos' {@code azure/setup.sh} work as written
 * ({@code az ad signed-in-user show}), the learner sees the subscription as its Owner, and becomes sql1's Microsoft
 * Entra admin with the object id az found. Skipped where {@code az} is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AzureCliUserSignInIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();

    private static LabServer.Running running;
    private static Lab lab;
    private static Path state;
    private static AzureCli cli;
    private static String printed;

    @BeforeAll
    static void startTheStandaloneLabAndSignInWithADeviceCode() throws Exception {
        assumeTrue(AzureCli.onPath("az"), "the Azure CLI (az) is not installed (apt-get install azure-cli)");
        state = Files.createDirectories(Path.of("target", "azure-cli-user-" + UUID.randomUUID())).toAbsolutePath();
        running = LabServer.start(LabServerBannerTest.freePorts(state));
        lab = running.lab();
        cli = AzureCli.forLab(lab, state.resolve("azure-cli"));
        lab.deviceCodes().pollingInterval(1); // az's MSAL waits the interval between polls: 1 s instead of 5
        printed = signInWithADeviceCode("login", "--use-device-code", "-o", "none");
    }

    @AfterAll
    static void stopTheLab() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    @Order(1)
    void azPrintedTheCodeAndWhereToApproveItAndSignedInAsTheLearner() {
        assertThat(printed).containsPattern("To sign in, approve the code [A-Z2-9]{9} on the lab: curl -X POST "
            + "http://127\\.0\\.0\\.1:\\d+/lab/device-codes/[A-Z2-9]{9}/approve \\(the lab's stand-in for "
            + "https://microsoft\\.com/devicelogin");
        JsonNode account = json(az("account", "show"));
        assertThat(account.get("id").asText()).isEqualTo(lab.subscriptionId());
        assertThat(account.get("tenantId").asText()).isEqualTo(lab.tenant().id());
        assertThat(account.at("/user/type").asText()).isEqualTo("user");
        assertThat(account.at("/user/name").asText()).isEqualTo("learner@milab.onmicrosoft.com");
        assertThat(text(az("account", "show", "--query", "tenantId", "-o", "tsv"))).containsExactly(lab.tenant().id());
        assertThat(lab.trace().hops()).filteredOn(h -> h.to().equals("Entra ID"))
            .extracting(Hop::from, Hop::request, Hop::outcome).contains(
                org.assertj.core.groups.Tuple.tuple("Microsoft Azure CLI", "POST /token (device_code)",
                    "400 authorization_pending AADSTS70016"),
                org.assertj.core.groups.Tuple.tuple("Microsoft Azure CLI", "POST /token (device_code)",
                    "200 token for Lab Learner"));
    }

    @Test
    @Order(2)
    void theSetupScriptsFirstLinesFindTheSignedInUser() {
        User learner = lab.learner();
        assertThat(text(az("ad", "signed-in-user", "show", "--query", "id", "-o", "tsv")))
            .containsExactly(learner.objectId());
        assertThat(text(az("ad", "signed-in-user", "show", "--query", "userPrincipalName", "-o", "tsv")))
            .containsExactly("learner@milab.onmicrosoft.com");
        // az got its Graph token with the refresh token of the device code sign-in.
        assertThat(lab.trace().hops()).anySatisfy(h -> {
            assertThat(h.request()).isEqualTo("POST /token (refresh_token)");
            assertThat(h.outcome()).isEqualTo("200 token for Lab Learner");
        });
    }

    @Test
    @Order(3)
    void theLearnerListsTheGroupsAsOwnerOfTheSubscription() {
        assertThat(text(az("group", "list", "--query", "[].name", "-o", "tsv"))).containsExactly("rg-lab");
    }

    @Test
    @Order(4)
    void theLearnerBecomesSql1sEntraAdminAndLogsInWithItsOwnToken() throws Exception {
        User learner = lab.learner();
        json(az("sql", "server", "ad-admin", "create", "-g", "rg-lab", "-s", "sql1", "--display-name",
            learner.userPrincipalName(), "--object-id", learner.objectId()));
        String token = text(az("account", "get-access-token", "--resource", "https://database.windows.net/",
            "--query", "accessToken", "-o", "tsv")).get(0);
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(lab.jdbcUrl("sql1", "db1"));
        ds.setAccessToken(token);
        try (Connection c = ds.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT SUSER_SNAME(), USER_NAME()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("learner@milab.onmicrosoft.com");
            assertThat(rs.getString(2)).isEqualTo("dbo");
        }
    }

    @Test
    @Order(5)
    void signingInToTheTenantByIdWorksTheSameWay() throws Exception {
        signInWithADeviceCode("login", "--tenant", lab.tenant().id(), "--use-device-code", "-o", "none");
        assertThat(text(az("account", "show", "--query", "user.name", "-o", "tsv")))
            .containsExactly("learner@milab.onmicrosoft.com");
    }

    // --- signing in ----------------------------------------------------------------------------------------------

    /** Runs {@code az login ... --use-device-code}, approves its code on the control endpoint; what az printed. */
    private static String signInWithADeviceCode(String... args) throws Exception {
        Path err = Files.createTempFile(state, "az-login", ".err");
        ProcessBuilder pb = cli.command(args).redirectErrorStream(false)
            .redirectOutput(state.resolve("az-login.out").toFile()).redirectError(err.toFile());
        Process login = pb.start();
        login.getOutputStream().close();
        try {
            JsonNode pending = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && !login.waitFor(200, TimeUnit.MILLISECONDS)) {
                JsonNode codes = Json.read(send("GET", running.controlAddress() + "/device-codes").body())
                    .get("deviceCodes");
                if (codes.size() > 0) {
                    pending = codes.get(0);
                    break;
                }
            }
            assertThat(pending).as("a device code waits on the lab; az said: " + Files.readString(err)).isNotNull();
            assertThat(pending.get("client").asText()).isEqualTo("Microsoft Azure CLI");
            assertThat(pending.has("deviceCode") || pending.has("device_code")).isFalse();
            String code = pending.get("userCode").asText();
            // Approve once az has polled and heard "pending", as a person is slower than MSAL's first poll.
            long polled = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < polled && lab.trace().hops().stream()
                    .noneMatch(h -> h.outcome().startsWith("400 authorization_pending"))) {
                Thread.sleep(50);
            }
            HttpResponse<String> approved = send("POST", running.controlAddress() + "/device-codes/" + code
                + "/approve");
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            assertThat(login.waitFor(60, TimeUnit.SECONDS)).as("az login finished").isTrue();
            String said = Files.readString(err);
            assertThat(login.exitValue()).as(said).isZero();
            assertThat(said).contains(code);
            return said;
        } finally {
            login.destroyForcibly();
        }
    }

    private static HttpResponse<String> send(String method, String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static AzureCli.Result az(String... args) {
        return cli.run(args);
    }

    private static JsonNode json(AzureCli.Result r) {
        return AzureCli.json(r);
    }

    private static List<String> text(AzureCli.Result r) {
        return AzureCli.lines(r);
    }
}
