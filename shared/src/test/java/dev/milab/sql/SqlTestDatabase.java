package dev.milab.sql;

import java.sql.Connection;
import java.sql.SQLException;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * A lab SQL server with one database for a test class, its Entra admin, and connections through unmodified
 * mssql-jdbc ({@code encrypt=strict}) as the admin or as any principal with a user in the database.
 */
final class SqlTestDatabase {

    final Lab lab;
    final SqlServer server;
    final SqlDatabase database;
    final ServicePrincipal admin;

    private SqlTestDatabase(Lab lab, SqlServer server, SqlDatabase database, ServicePrincipal admin) {
        this.lab = lab;
        this.server = server;
        this.database = database;
        this.admin = admin;
    }

    /** Server {@code name}, database {@code db1}, Entra admin {@code name-admin} (a user-assigned identity). */
    static SqlTestDatabase create(String name) {
        return create(SharedLab.get(), name);
    }

    /** The same in a lab of the test's own (one whose limits it changes). */
    static SqlTestDatabase create(Lab lab, String name) {
        SqlServer server = lab.azureSql().createServer(name);
        SqlDatabase db = server.createDatabase("db1");
        ServicePrincipal admin = lab.createUserAssignedIdentity(name + "-admin").principal();
        server.setEntraAdmin(admin);
        return new SqlTestDatabase(lab, server, db, admin);
    }

    SQLServerDataSource dataSource(ServicePrincipal principal) {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, server.name(), database.name(), true);
        ds.setAccessToken(lab.tokens().issueManagedIdentityToken(principal, ResourceApplications.AZURE_SQL)
            .accessToken());
        return ds;
    }

    Connection asAdmin() throws SQLException {
        return dataSource(admin).getConnection();
    }

    Connection as(ServicePrincipal principal) throws SQLException {
        return dataSource(principal).getConnection();
    }

    /** A new user-assigned identity with a contained user in the database, in the given roles. */
    ServicePrincipal user(String name, DatabaseRole... roles) {
        ServicePrincipal p = lab.createUserAssignedIdentity(name).principal();
        database.createExternalUser(name, p.appId(), p.objectId());
        for (DatabaseRole role : roles) {
            database.addRoleMember(role, name);
        }
        return p;
    }
}
