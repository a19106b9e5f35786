package dev.milab.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.lab.Lab;

/**
 * How a client reaches a lab SQL server with unmodified mssql-jdbc: loopback address and the lab's port, the
 * server named as an instance (LOGIN7 carries it), the lab CA as trust store, and Azure's host name for the
 * certificate check. Everything else is what a learner writes for Azure.
 */
public final class SqlLabClient {

    private SqlLabClient() {
    }

    /** A data source for {@code server}/{@code database}; {@code strict} picks TDS 8.0, else TDS 7.4. */
    public static SQLServerDataSource dataSource(Lab lab, String server, String database, boolean strict) {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setServerName("127.0.0.1");
        ds.setInstanceName(server);
        ds.setPortNumber(lab.sqlPort());
        ds.setDatabaseName(database);
        ds.setEncrypt(strict ? "strict" : "true");
        ds.setTrustStore(lab.trustFiles().trustStore().toString());
        ds.setTrustStorePassword(lab.trustFiles().trustStorePassword());
        ds.setHostNameInCertificate(server + ".database.windows.net");
        ds.setLoginTimeout(15);
        return ds;
    }

    /** The same, logging in with a token from {@code callback} (library MSAL, FEDAUTHINFO, token message). */
    static SQLServerDataSource withCallback(Lab lab, String server, String database, boolean strict,
                                            SQLServerAccessTokenCallback callback) {
        SQLServerDataSource ds = dataSource(lab, server, database, strict);
        ds.setAccessTokenCallback(callback);
        return ds;
    }

    static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
