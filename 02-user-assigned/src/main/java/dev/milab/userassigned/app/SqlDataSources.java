package dev.milab.userassigned.app;

import java.time.Duration;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The one place that decides how the app logs in to Azure SQL: a HikariCP pool over mssql-jdbc's
 * {@link SQLServerDataSource}, signed in as the user-assigned identity that {@code azure.client-id} names.
 */
public final class SqlDataSources {

    /** The scope of Azure SQL's access tokens: the audience {@code https://database.windows.net/}. */
    public static final String AZURE_SQL_SCOPE = "https://database.windows.net/.default";

    private SqlDataSources() {
    }

    /** A pool that logs in as this configuration says. Close it when done. */
    public static HikariDataSource create(AppConfig config) {
        SQLServerDataSource driver = new SQLServerDataSource();
        switch (config.authentication()) {
            case MANAGED_IDENTITY -> {
                // The driver asks for a token each time it opens a connection; azure-identity caches it and gets a
                // new one from IMDS before it expires.
                TokenCredential credential = credential(config);
                TokenRequestContext scope = new TokenRequestContext().addScopes(AZURE_SQL_SCOPE);
                // The first token now: a VM that cannot get one fails at start, with IMDS's reason, instead of
                // inside the pool's first connection (where HikariCP waits a second before it gives up).
                credential.getTokenSync(scope);
                driver.setURL(config.sqlUrl());
                driver.setAccessTokenCallback((spn, stsUrl) -> {
                    AccessToken token = credential.getTokenSync(scope);
                    return new SqlAuthenticationToken(token.getToken(), token.getExpiresAt().toInstant().toEpochMilli());
                });
            }
            case CONNECTION_STRING -> driver.setURL(connectionString(config));
            default -> throw new IllegalStateException();
        }
        HikariConfig pool = new HikariConfig();
        pool.setDataSource(driver);
        pool.setPoolName("inventory");
        pool.setMaximumPoolSize(4);
        // The pool opens its first connection as it starts, so a login that cannot work fails at once, with why.
        pool.setMinimumIdle(1);
        pool.setConnectionTimeout(Duration.ofSeconds(15).toMillis());
        return new HikariDataSource(pool);
    }

    /**
     * The JDBC URL with which mssql-jdbc gets the token itself (it uses azure-identity's ManagedIdentityCredential):
     * {@code authentication=ActiveDirectoryManagedIdentity}, and {@code msiClientId} for a user-assigned identity.
     */
    public static String connectionString(AppConfig config) {
        return config.sqlUrl() + ";authentication=ActiveDirectoryManagedIdentity"
            + config.clientId().map(id -> ";msiClientId=" + id).orElse("");
    }

    /** The VM's managed identity that {@code azure.client-id} names (IMDS's choice when it is not set). */
    public static TokenCredential credential(AppConfig config) {
        ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
        config.clientId().ifPresent(builder::clientId);
        return builder.build();
    }
}
