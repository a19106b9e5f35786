package dev.milab.systemassigned.app;

import java.time.Duration;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The one place that decides how the app logs in to Azure SQL. Every variant is a HikariCP pool over mssql-jdbc's
 * {@link SQLServerDataSource}; they differ only in what proves the app's identity.
 */
public final class SqlDataSources {

    /** The scope of Azure SQL's access tokens: the audience {@code https://database.windows.net/}. */
    public static final String AZURE_SQL_SCOPE = "https://database.windows.net/.default";

    private SqlDataSources() {
    }

    /** A pool that logs in as this file says. Close it when done. */
    public static HikariDataSource create(AppConfig config) {
        SQLServerDataSource driver = new SQLServerDataSource();
        switch (config.authentication()) {
            case PASSWORD -> {
                // The "before" state: a SQL login whose password sits in a file on the VM.
                driver.setURL(config.sqlUrl());
                driver.setUser(config.sqlUser().orElseThrow(() -> new IllegalArgumentException("sql.user is missing")));
                driver.setPassword(config.sqlPassword()
                    .orElseThrow(() -> new IllegalArgumentException("sql.password is missing")));
            }
            case MANAGED_IDENTITY -> {
                // No secret: the driver asks for a token each time it opens a connection. azure-identity caches the
                // token and gets a new one from IMDS before it expires, so a pool never holds an expired token.
                TokenCredential credential = credential(config);
                TokenRequestContext scope = new TokenRequestContext().addScopes(AZURE_SQL_SCOPE);
                driver.setURL(config.sqlUrl());
                driver.setAccessTokenCallback((spn, stsUrl) -> {
                    AccessToken token = credential.getTokenSync(scope);
                    return new SqlAuthenticationToken(token.getToken(), token.getExpiresAt().toInstant().toEpochMilli());
                });
            }
            case CONNECTION_STRING -> {
                // The driver does the same itself (it uses azure-identity's ManagedIdentityCredential too).
                String url = config.sqlUrl() + ";authentication=ActiveDirectoryManagedIdentity"
                    + config.clientId().map(id -> ";msiClientId=" + id).orElse("");
                driver.setURL(url);
            }
            default -> throw new IllegalStateException();
        }
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(driver);
        pool.setPoolName("orders");
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(Duration.ofSeconds(15).toMillis());
        return new HikariDataSource(pool);
    }

    /** The credential that gets tokens: the managed identity, or the chain that also finds a developer's sign-in. */
    public static TokenCredential credential(AppConfig config) {
        return switch (config.credential()) {
            case MANAGED_IDENTITY -> {
                ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
                config.clientId().ifPresent(builder::clientId);
                yield builder.build();
            }
            case DEFAULT -> {
                DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
                config.clientId().ifPresent(builder::managedIdentityClientId);
                yield builder.build();
            }
        };
    }
}
