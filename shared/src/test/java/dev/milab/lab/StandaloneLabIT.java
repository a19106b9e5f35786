package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.http.Json;
import dev.milab.sql.PrintSqlIdentity;

/**
 * The standalone lab as a client in another language meets it: over its sockets only. The banner's JDBC URL logs in
 * as printed once {@code --sql-user vm1} made vm1's user, and the control endpoint shortens token lifetimes and moves
 * the clock so that such a client can watch a token expire.
 */
class StandaloneLabIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(ProxySelector.of(null)).build();

    @Test
    void theBannersJdbcUrlLogsInAsVm1FromVm1WhenStartedWithSqlUserVm1(@TempDir Path state) {
        try (LabServer.Running running = LabServer.start(LabServerBannerTest.freePorts(state, "vm1"))) {
            String banner = LabServerBannerTest.banner(running);
            Matcher url = Pattern.compile("  (jdbc:sqlserver://\\S+)").matcher(banner);
            assertThat(url.find()).isTrue();
            assertThat(banner).contains("vm1 has a user in db1 (db_datareader), so this logs in as vm1.");

            Lab lab = running.lab();
            try (VmProcess vm1 = lab.launchOnVm("vm1", PrintSqlIdentity.class.getName(), List.of(url.group(1)),
                null)) {
                assertThat(vm1.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", vm1.output())).isZero();
                assertThat(vm1.output()).contains("login=" + lab.virtualMachine("vm1").orElseThrow().systemAssigned()
                    .appId() + "@" + lab.tenant().id() + " user=vm1 db=db1");
            }
        }
    }

    @Test
    void aClientOfTheControlEndpointSeesATokenExpireAtAzureSql(@TempDir Path state) throws Exception {
        try (LabServer.Running running = LabServer.start(LabServerBannerTest.freePorts(state, "vm1"))) {
            URI control = running.controlAddress();
            HttpResponse<String> patched = send(HttpRequest.newBuilder(URI.create(control + "/settings"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                    "{\"managedIdentityTokenLifetime\": \"5m\", \"validationClockSkew\": \"0\"}")));
            assertThat(patched.statusCode()).isEqualTo(200);
            assertThat(patched.body()).contains("\"name\":\"managedIdentityTokenLifetime\",\"value\":\"PT5M\"",
                "\"name\":\"validationClockSkew\",\"value\":\"PT0S\"");

            Lab lab = running.lab();
            JsonNode token = Json.read(send(HttpRequest.newBuilder(URI.create(lab.imdsAddress("vm1")
                + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
                + URLEncoder.encode("https://database.windows.net/", StandardCharsets.UTF_8)))
                .header("Metadata", "true")).body());
            assertThat(token.get("expires_in").asInt()).isBetween(290, 300);
            String accessToken = token.get("access_token").asText();

            assertThat(userName(lab, accessToken)).isEqualTo("vm1");

            HttpResponse<String> advanced = send(HttpRequest.newBuilder(URI.create(control + "/clock/advance?by=6m"))
                .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(advanced.statusCode()).isEqualTo(200);
            assertThat(Json.read(advanced.body()).get("offset").asText()).startsWith("PT6M");

            assertThatThrownBy(() -> userName(lab, accessToken)).isInstanceOf(SQLException.class)
                .hasMessageContaining("Token is expired.");

            send(HttpRequest.newBuilder(URI.create(control + "/clock/reset")).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(userName(lab, accessToken)).isEqualTo("vm1");
        }
    }

    @Test
    void aRefusedSettingAtStartLeavesNothingRunning(@TempDir Path state) {
        LabServer.Options options = new LabServer.Options(0, 0, 0, 0, 0, 0, List.of("managedIdentityTokenLifetime=0"),
            List.of(), state, false);

        assertThatThrownBy(() -> LabServer.start(options)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Setting 'managedIdentityTokenLifetime' cannot be '0': A token lifetime must be positive");
    }

    @Test
    void aSqlUserForAnUnknownNameIsRefusedWithWhatExists(@TempDir Path state) {
        assertThatThrownBy(() -> LabServer.start(LabServerBannerTest.freePorts(state, "vm9")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--sql-user vm9: no VM with a system-assigned identity");
    }

    private static String userName(Lab lab, String accessToken) throws SQLException {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(lab.jdbcUrl("sql1", "db1"));
        ds.setAccessToken(accessToken);
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT USER_NAME()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
