package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import com.azure.core.http.HttpMethod;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SQLServerException;

import dev.milab.arm.BuiltInRoles;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.sql.SqlLabClient;
import dev.milab.testing.RoutedHttp;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenSpelling;

/**
 * One token, one spelling: a real token altered into another base64url spelling of the same bytes is refused by
 * Resource Manager, Key Vault and Azure SQL with the answer each gives any malformed token, while the token as
 * issued is accepted. The rule lives in {@link JsonWebToken#parse}, so every resource gets it.
 */
class NonCanonicalTokenIT {

    private static final String VAULT = "kv-spelling";
    private static final String SQL_SERVER = "sqlspelling";
    private static final String SQL_DATABASE = "dbspelling";

    private static Lab lab;
    private static ServicePrincipal caller;

    enum Resource { RESOURCE_MANAGER, KEY_VAULT, AZURE_SQL }

    @BeforeAll
    static void aCallerEveryResourceAccepts() {
        lab = SharedLab.get();
        caller = lab.createUserAssignedIdentity("spelling-caller").principal();
        lab.grantRole(caller.objectId(), BuiltInRoles.READER, lab.defaultResourceGroupId());
        dev.milab.keyvault.KeyVault vault = lab.createKeyVault(VAULT);
        lab.grantRole(caller.objectId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
        dev.milab.sql.SqlServer server = lab.azureSql().createServer(SQL_SERVER);
        server.createDatabase(SQL_DATABASE);
        server.setEntraAdmin(caller);
    }

    static Stream<Arguments> everyResourceAndEverySpelling() {
        return Arrays.stream(Resource.values()).flatMap(resource -> Arrays.stream(TokenSpelling.values())
            .map(spelling -> Arguments.of(resource, spelling)));
    }

    @ParameterizedTest(name = "{0} accepts the token as issued")
    @EnumSource(Resource.class)
    void theTokenAsIssuedIsAccepted(Resource resource) throws Exception {
        String token = tokenFor(resource);

        switch (resource) {
            case RESOURCE_MANAGER -> assertThat(arm(token).status()).isEqualTo(200);
            case KEY_VAULT -> {
                RoutedHttp.Response r = keyVault(token);
                // authenticated and authorized: the secret is simply not there
                assertThat(r.status()).as(r.body()).isEqualTo(404);
                assertThat(r.body()).contains("SecretNotFound");
            }
            case AZURE_SQL -> {
                try (Connection c = sql(token).getConnection()) {
                    assertThat(c.isValid(5)).isTrue();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} refuses {1}")
    @MethodSource("everyResourceAndEverySpelling")
    void anotherSpellingOfTheSameTokenIsRefused(Resource resource, TokenSpelling spelling) throws Exception {
        String altered = spelling.apply(tokenFor(resource));

        switch (resource) {
            case RESOURCE_MANAGER -> {
                RoutedHttp.Response r = arm(altered);
                // what Resource Manager answers a tampered token (ResourceManagerProtocolIT)
                assertThat(r.status()).isEqualTo(401);
                assertThat(Json.read(r.body()).at("/error/code").asText()).isEqualTo("InvalidAuthenticationToken");
            }
            case KEY_VAULT -> {
                RoutedHttp.Response r = keyVault(altered);
                assertThat(r.status()).isEqualTo(401);
                assertThat(Json.read(r.body()).at("/error/code").asText()).isEqualTo("Unauthorized");
                assertThat(Json.read(r.body()).at("/error/message").asText())
                    .startsWith("Token validation failed: The token is malformed");
            }
            case AZURE_SQL -> assertThatThrownBy(() -> sql(altered).getConnection().close())
                .isInstanceOf(SQLServerException.class)
                .satisfies(e -> {
                    assertThat(((SQLException) e).getErrorCode()).isEqualTo(18456);
                    assertThat(e.getMessage()).startsWith("Login failed for user '<token-identified principal>'.");
                });
        }
    }

    private static String tokenFor(Resource resource) {
        String audience = switch (resource) {
            case RESOURCE_MANAGER -> ResourceApplications.ARM;
            case KEY_VAULT -> ResourceApplications.KEY_VAULT;
            case AZURE_SQL -> ResourceApplications.AZURE_SQL;
        };
        return lab.tokens().issueManagedIdentityToken(caller, audience).accessToken();
    }

    private static RoutedHttp.Response arm(String token) {
        return RoutedHttp.send(HttpMethod.GET, "https://management.azure.com/subscriptions/" + lab.subscriptionId()
                + "/resourceGroups/" + Lab.DEFAULT_RESOURCE_GROUP + "?api-version=2025-04-01",
            Map.of("Authorization", "Bearer " + token), null);
    }

    private static RoutedHttp.Response keyVault(String token) {
        return RoutedHttp.send(HttpMethod.GET, "https://" + VAULT + ".vault.azure.net/secrets/absent?api-version=7.6",
            Map.of("Authorization", "Bearer " + token), null);
    }

    private static SQLServerDataSource sql(String token) {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, SQL_SERVER, SQL_DATABASE, true);
        ds.setAccessToken(token);
        return ds;
    }
}
