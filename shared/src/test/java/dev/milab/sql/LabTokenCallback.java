package dev.milab.sql;

import java.util.Date;

import com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

/**
 * A token callback class as mssql-jdbc's {@code accessTokenCallbackClass} needs it (public, no-argument
 * constructor). In an app it would call azure-identity; in this test it hands out the token the test put here.
 */
public final class LabTokenCallback implements SQLServerAccessTokenCallback {

    static volatile String token;
    static volatile String lastSpn;

    @Override
    public SqlAuthenticationToken getAccessToken(String spn, String stsurl) {
        lastSpn = spn;
        return new SqlAuthenticationToken(token, new Date(System.currentTimeMillis() + 3_600_000));
    }
}
