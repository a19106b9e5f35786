package dev.milab.userassigned.demo;

import java.sql.SQLException;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.msi.MsiManager;
import com.azure.resourcemanager.sql.SqlServerManager;

import dev.milab.kit.EntraSql;

/**
 * The admin's workstation: you, signed in (DefaultAzureCredential finds {@code az login}, or in the lab the admin
 * principal's settings), managing Azure through Resource Manager and the database as its Microsoft Entra admin.
 */
final class AdminWorkstation {

    private final EntraSql database;
    final MsiManager msi;
    final ComputeManager compute;
    final AuthorizationManager authorization;
    final SqlServerManager sql;

    AdminWorkstation(TokenCredential credential, AzureProfile profile, String sqlUrl) {
        this.database = new EntraSql(credential, sqlUrl);
        this.msi = MsiManager.authenticate(credential, profile);
        this.compute = ComputeManager.authenticate(credential, profile);
        this.authorization = AuthorizationManager.authenticate(credential, profile);
        this.sql = SqlServerManager.authenticate(credential, profile);
    }

    /** Runs T-SQL as the server's Entra admin: a token for the admin, no password. */
    void execute(String tsql) throws SQLException {
        database.execute(tsql);
    }
}
