package dev.milab.userassigned.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.exception.ClientAuthenticationException;

/** The app's own logic, with no network: configuration, the connection string, and how it explains a refusal. */
class InventoryAppTest {

    private static final String URL = "jdbc:sqlserver://sql1.database.windows.net:1433;databaseName=db1;encrypt=true";
    private static final String CLIENT_ID = "6c1a8d36-8bb3-4e9b-9b7e-1f0b8f0f4a11";

    @Test
    void aConfigurationNamesTheUserAssignedIdentityByItsClientId() {
        AppConfig config = AppConfig.from(properties("sql.url", URL, "azure.client-id", " " + CLIENT_ID + " "));

        assertThat(config.sqlUrl()).isEqualTo(URL);
        assertThat(config.authentication()).isEqualTo(AppConfig.Authentication.MANAGED_IDENTITY);
        assertThat(config.clientId()).contains(CLIENT_ID);
    }

    @Test
    void aBlankClientIdMeansNone() {
        assertThat(AppConfig.from(properties("sql.url", URL, "azure.client-id", "  ")).clientId()).isEmpty();
    }

    @Test
    void theConnectionStringVariantAsksTheDriverForTheNamedIdentity() {
        AppConfig config = AppConfig.from(properties("sql.url", URL, "sql.authentication", "connection-string",
            "azure.client-id", CLIENT_ID));

        assertThat(SqlDataSources.connectionString(config)).isEqualTo(URL
            + ";authentication=ActiveDirectoryManagedIdentity;msiClientId=" + CLIENT_ID);
    }

    @Test
    void withoutAClientIdTheConnectionStringLeavesTheChoiceToImds() {
        AppConfig config = AppConfig.from(properties("sql.url", URL, "sql.authentication", "connection-string"));

        assertThat(SqlDataSources.connectionString(config)).endsWith(";authentication=ActiveDirectoryManagedIdentity");
    }

    @Test
    void anUnknownAuthenticationIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> AppConfig.from(properties("sql.url", URL, "sql.authentication", "password")))
            .hasMessageContaining("managed-identity or connection-string");
    }

    @Test
    void aMissingConfigurationFileExitsWithTwo(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = InventoryApp.run(new String[] {"--config", dir.resolve("none.properties").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Cannot read ");
    }

    @Test
    void noTokenIsExplainedInImdsOwnWords() {
        ClientAuthenticationException e = new ClientAuthenticationException("Managed Identity authentication failed,"
            + " see inner exception for more information.", null, new IllegalStateException("[Managed Identity]"
            + " Error Code: invalid_request Error Message: Identity not found"));

        assertThat(explain(new RuntimeException(e))).isEqualTo("2 Cannot read stock: no token: Identity not found");
    }

    @Test
    void aRefusedLoginIsExplainedWithTheServersNumber() {
        SQLException e = new SQLException("Login failed for user '<token-identified principal>'.", "S0001", 18456);

        assertThat(explain(e)).isEqualTo("1 Cannot read stock: SQL error 18456: Login failed for user"
            + " '<token-identified principal>'.");
    }

    @Test
    void aConfigurationFileIsReadAsUtf8(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), "sql.url=" + URL + "\nazure.client-id="
            + CLIENT_ID + "\n", StandardCharsets.UTF_8);

        assertThat(AppConfig.load(file).clientId()).contains(CLIENT_ID);
        assertThat(AppConfig.locate(new String[] {"--config", file.toString()})).isEqualTo(file);
    }

    private static String explain(Exception e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = InventoryApp.explain(e, new PrintStream(out, true, StandardCharsets.UTF_8));
        return exit + " " + out.toString(StandardCharsets.UTF_8).strip();
    }

    private static Properties properties(String... pairs) {
        Properties p = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            p.setProperty(pairs[i], pairs[i + 1]);
        }
        return p;
    }
}
