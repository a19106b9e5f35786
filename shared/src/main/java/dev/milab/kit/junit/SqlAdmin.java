package dev.milab.kit.junit;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneOffset;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;

import reactor.core.publisher.Mono;

import dev.milab.entra.IssuedToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.kit.EntraSql;
import dev.milab.lab.Lab;

/**
 * A lab database's Microsoft Entra admin, for a test: the lab's admin principal, logging in with mssql-jdbc and an
 * access token (no password), as the admin does on Azure from a workstation. What it runs is plain T-SQL, the same
 * a learner runs on Azure: {@code CREATE TABLE}, {@code CREATE USER [vm1] FROM EXTERNAL PROVIDER},
 * {@code ALTER ROLE db_datareader ADD MEMBER [vm1]}.
 */
public final class SqlAdmin {

    private final ServicePrincipal admin;
    private final EntraSql database;

    SqlAdmin(Lab lab, ServicePrincipal admin, String jdbcUrl) {
        this.admin = admin;
        // The token Entra ID gives the admin application for Azure SQL (client credentials, a secret: appidacr 1),
        // issued straight from the lab's token service: the test JVM keeps no MSAL cache to go stale across labs.
        TokenCredential fromTheLab = request -> Mono.fromSupplier(() -> {
            IssuedToken issued = lab.tokens().issueApplicationToken(admin, ResourceApplications.AZURE_SQL, "1");
            return new AccessToken(issued.accessToken(), issued.expiresOn().atOffset(ZoneOffset.UTC));
        });
        this.database = new EntraSql(fromTheLab, jdbcUrl);
    }

    /** Runs a batch of T-SQL (one or more statements) in the database, as its Entra admin. */
    public void execute(String tsql) throws SQLException {
        database.execute(tsql);
    }

    /** A connection to the database as its Entra admin (the server maps the admin to {@code dbo}); close it. */
    public Connection connect() throws SQLException {
        return database.connect();
    }

    /** The admin's login name on the server (the admin application's display name). */
    public String login() {
        return admin.displayName();
    }
}
