package dev.milab.systemassigned.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.milab.systemassigned.app.AppConfig.Authentication;
import dev.milab.systemassigned.app.AppConfig.Credential;

/** What the app makes of its {@code app.properties}. */
class AppConfigTest {

    private static final String URL = "jdbc:sqlserver://sql1.database.windows.net:1433;databaseName=db1;encrypt=true";

    private static AppConfig config(String... lines) {
        Properties p = new Properties();
        p.setProperty("sql.url", URL);
        for (String line : lines) {
            int eq = line.indexOf('=');
            p.setProperty(line.substring(0, eq), line.substring(eq + 1));
        }
        return AppConfig.from(p);
    }

    @Test
    void withOnlyTheUrlTheAppUsesTheManagedIdentityAndHoldsNoSecret() {
        assertThat(config()).isEqualTo(new AppConfig(URL, Authentication.MANAGED_IDENTITY, Credential.MANAGED_IDENTITY,
            Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource({
        "managed-identity,    MANAGED_IDENTITY",
        "password,            PASSWORD",
        "connection-string,   CONNECTION_STRING",
        "' Connection-String ', CONNECTION_STRING",
        "MANAGED_IDENTITY,    MANAGED_IDENTITY"})
    void sqlAuthenticationIsReadInKebabCaseOrAsTheEnumName(String value, Authentication expected) {
        assertThat(config("sql.authentication=" + value).authentication()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"managed-identity, MANAGED_IDENTITY", "default, DEFAULT", "Default, DEFAULT"})
    void azureCredentialPicksManagedIdentityOrTheDefaultChain(String value, Credential expected) {
        assertThat(config("azure.credential=" + value).credential()).isEqualTo(expected);
    }

    @Test
    void theClientIdAndTheSqlLoginAreReadTrimmedAndBlankMeansAbsent() {
        AppConfig withLogin = config("sql.authentication=password", "sql.user= orders_app ", "sql.password=s3cret",
            "azure.client-id=  ");

        assertThat(withLogin.sqlUser()).contains("orders_app");
        assertThat(withLogin.sqlPassword()).contains("s3cret");
        assertThat(withLogin.clientId()).isEmpty();
        assertThat(config("azure.client-id=1b2c").clientId()).contains("1b2c");
    }

    @Test
    void anUnknownAuthenticationIsRefused() {
        assertThatThrownBy(() -> config("sql.authentication=kerberos")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("sql.authentication is one of password, managed-identity, connection-string, not 'kerberos'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void aMissingOrBlankSqlUrlIsNamed(String url) {
        Properties p = new Properties();
        p.setProperty("sql.url", url);

        assertThatThrownBy(() -> AppConfig.from(p)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("sql.url is missing");
        assertThatThrownBy(() -> AppConfig.from(new Properties())).hasMessage("sql.url is missing");
    }

    @Test
    void loadReadsThePropertiesFileAndTrimsTheUrl(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), "# VM1's app\nsql.url = " + URL + "  \n"
            + "sql.authentication=connection-string\n", StandardCharsets.UTF_8);

        AppConfig loaded = AppConfig.load(file);

        assertThat(loaded.sqlUrl()).isEqualTo(URL);
        assertThat(loaded.authentication()).isEqualTo(Authentication.CONNECTION_STRING);
    }

    @Test
    void theConfigOptionNamesTheFile() {
        assertThat(AppConfig.locate(new String[] {"--every", "700", "--config", "/etc/orders/app.properties"}))
            .isEqualTo(Path.of("/etc/orders/app.properties"));
    }

    @Test
    @DisabledIfEnvironmentVariable(named = "APP_CONFIG", matches = ".+")
    void withoutTheOptionOrAppConfigItIsAppPropertiesHere() {
        assertThat(AppConfig.locate(new String[0])).isEqualTo(Path.of("app.properties"));
    }
}
