package dev.milab.kit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

/**
 * T-SQL as a Microsoft Entra principal, the way a database admin runs it from a workstation: mssql-jdbc asks the
 * credential (for example {@code DefaultAzureCredential} after {@code az login}) for a token for Azure SQL on every
 * connection. No password.
 */
public final class EntraSql {

    private static final TokenRequestContext AZURE_SQL =
        new TokenRequestContext().addScopes("https://database.windows.net/.default");

    private final TokenCredential credential;
    private final String jdbcUrl;

    public EntraSql(TokenCredential credential, String jdbcUrl) {
        this.credential = credential;
        this.jdbcUrl = jdbcUrl;
    }

    /** Runs {@code tsql} (one batch) as the credential's principal. */
    public void execute(String tsql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(tsql);
        }
    }

    /** A connection as the credential's principal. */
    public Connection connect() throws SQLException {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(jdbcUrl);
        ds.setAccessTokenCallback((spn, sts) -> {
            AccessToken token = credential.getTokenSync(AZURE_SQL);
            return new SqlAuthenticationToken(token.getToken(), token.getExpiresAt().toInstant().toEpochMilli());
        });
        return ds.getConnection();
    }
}
