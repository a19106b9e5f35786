package dev.milab.systemassigned.demo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.sql.SqlServerManager;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.kit.EntraSql;

/**
 * The admin's workstation: you, signed in (DefaultAzureCredential finds {@code az login}, or in the lab the admin
 * principal's settings), managing Azure through Resource Manager and the database as its Microsoft Entra admin.
 */
final class AdminWorkstation {

    private final String sqlUrl;
    private final EntraSql database;
    final ComputeManager compute;
    final AuthorizationManager authorization;
    final SqlServerManager sql;

    AdminWorkstation(TokenCredential credential, AzureProfile profile, String sqlUrl) {
        this.sqlUrl = sqlUrl;
        this.database = new EntraSql(credential, sqlUrl);
        this.compute = ComputeManager.authenticate(credential, profile);
        this.authorization = AuthorizationManager.authenticate(credential, profile);
        this.sql = SqlServerManager.authenticate(credential, profile);
    }

    /** Runs T-SQL as the server's Entra admin: a token for the admin, no password. */
    void execute(String tsql) throws SQLException {
        database.execute(tsql);
    }

    /** Logs in with a token someone holds (what a stolen token does) and returns {@code SUSER_SNAME()}. */
    String loginWith(String accessToken) throws SQLException {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(sqlUrl);
        ds.setAccessToken(accessToken);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SUSER_SNAME()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
