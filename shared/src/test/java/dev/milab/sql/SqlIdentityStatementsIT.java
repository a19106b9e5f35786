package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.arm.BuiltInRoles;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The Entra admin grants and revokes database access with Azure SQL's statements; the principals it names log in
 * (or no longer do) with unmodified mssql-jdbc.
 */
class SqlIdentityStatementsIT {

    static Lab lab;
    static ServicePrincipal admin;

    @BeforeAll
    static void createServer() {
        lab = SharedLab.get();
        SqlServer server = lab.azureSql().createServer("sqlids");
        server.createDatabase("dbids");
        server.setSqlAdministrator("sqladmin", "Adm1n-Passw0rd!");
        admin = lab.createUserAssignedIdentity("sqlids-admin").principal();
        server.setEntraAdmin(admin);
    }

    static SQLServerDataSource as(ServicePrincipal principal) {
        return as(principal, "sqlids", "dbids");
    }

    static SQLServerDataSource as(ServicePrincipal principal, String server, String database) {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, server, database, true);
        ds.setAccessToken(lab.tokens().issueManagedIdentityToken(principal, ResourceApplications.AZURE_SQL)
            .accessToken());
        return ds;
    }

    static void run(ServicePrincipal who, String sql) throws SQLException {
        try (Connection c = as(who).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static void assertFails(ServicePrincipal who, String sql, int number, String message) {
        assertThatThrownBy(() -> run(who, sql)).isInstanceOf(SQLException.class).satisfies(e -> {
            assertThat(((SQLException) e).getErrorCode()).isEqualTo(number);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void aVmsSystemAssignedIdentityIsAUserNamedAfterTheVm() throws Exception {
        lab.createVirtualMachine("sqlids-vm1");
        ServicePrincipal vm = lab.enableSystemAssignedIdentity("sqlids-vm1").systemAssigned();
        assertThatThrownBy(() -> as(vm).getConnection().close()).hasMessageStartingWith(
            "Login failed for user '<token-identified principal>'.");

        run(admin, "CREATE USER [sqlids-vm1] FROM EXTERNAL PROVIDER;");
        run(admin, "ALTER ROLE db_datareader ADD MEMBER [sqlids-vm1]");
        try (Connection c = as(vm).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("sqlids-vm1");
        }
        assertThat(lab.sqlServer("sqlids").database("dbids").orElseThrow().user("sqlids-vm1").orElseThrow()
            .roles()).containsExactly(DatabaseRole.DB_DATAREADER);

        run(admin, "DROP USER [sqlids-vm1]");
        assertThatThrownBy(() -> as(vm).getConnection().close()).hasMessageStartingWith(
            "Login failed for user '<token-identified principal>'.");
    }

    /**
     * Azure RBAC roles act on the control plane (Resource Manager); a database lets in only its own users. Owner of
     * the resource group and Contributor on the server may manage the server, yet the identity's login fails until
     * a database user exists for it: that grant is what opens the database.
     */
    @Test
    void ownerAndContributorRolesDoNotOpenTheDatabaseADatabaseUserDoes() throws Exception {
        String serverId = lab.createSqlServer("sqlids-rbac").id();
        lab.createSqlDatabase("sqlids-rbac", "dbrbac");
        lab.sqlServer("sqlids-rbac").setEntraAdmin(admin);
        lab.createVirtualMachine("sqlids-vm-rbac");
        ServicePrincipal vm = lab.enableSystemAssignedIdentity("sqlids-vm-rbac").systemAssigned();
        lab.grantRole(vm.objectId(), BuiltInRoles.OWNER, lab.defaultResourceGroupId());
        lab.grantRole(vm.objectId(), BuiltInRoles.CONTRIBUTOR, serverId);
        assertThat(lab.rbac().isAllowed(vm.objectId(), "Microsoft.Sql/servers/databases/write", serverId)).isTrue();

        assertThatThrownBy(() -> as(vm, "sqlids-rbac", "dbrbac").getConnection().close())
            .isInstanceOf(SQLException.class)
            .hasMessageStartingWith("Login failed for user '<token-identified principal>'.")
            .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(18456));

        try (Connection c = as(admin, "sqlids-rbac", "dbrbac").getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER [sqlids-vm-rbac] FROM EXTERNAL PROVIDER");
        }
        try (Connection c = as(vm, "sqlids-rbac", "dbrbac").getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("sqlids-vm-rbac");
        }
    }

    /**
     * Demo 01's last step: a system-assigned identity is deleted with its VM. A VM created again under the same name
     * gets a new identity (new object and client ids); the database user named after the VM still holds the old
     * identity's SID, so the new one is refused, and the name is taken until the admin drops the orphan.
     */
    @Test
    void aVmCreatedAgainGetsANewIdentityThatTheOrphanedDatabaseUserDoesNotLetIn() throws Exception {
        lab.createVirtualMachine("sqlids-vm-again");
        ServicePrincipal first = lab.enableSystemAssignedIdentity("sqlids-vm-again").systemAssigned();
        addReaderAndLogIn("sqlids-vm-again", first);

        lab.deleteVirtualMachine("sqlids-vm-again");
        lab.createVirtualMachine("sqlids-vm-again");
        ServicePrincipal second = lab.enableSystemAssignedIdentity("sqlids-vm-again").systemAssigned();

        assertThat(second.objectId()).isNotEqualTo(first.objectId());
        assertThat(second.appId()).isNotEqualTo(first.appId());
        assertThatThrownBy(() -> as(second).getConnection().close()).hasMessageStartingWith(
            "Login failed for user '<token-identified principal>'.");
        assertFails(admin, "CREATE USER [sqlids-vm-again] FROM EXTERNAL PROVIDER", 15023,
            "User, group, or role 'sqlids-vm-again' already exists in the current database.");

        run(admin, "DROP USER [sqlids-vm-again]");
        addReaderAndLogIn("sqlids-vm-again", second);
    }

    /** The admin makes {@code name} a database user and a reader; {@code who} then logs in as that user. */
    private static void addReaderAndLogIn(String name, ServicePrincipal who) throws SQLException {
        run(admin, "CREATE USER [" + name + "] FROM EXTERNAL PROVIDER");
        run(admin, "ALTER ROLE db_datareader ADD MEMBER [" + name + "]");
        try (Connection c = as(who).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo(name);
        }
    }

    @Test
    void aUserAssignedIdentityIsAUserNamedAfterItsResource() throws Exception {
        ServicePrincipal mi = lab.createUserAssignedIdentity("sqlids-shared-id").principal();
        run(admin, "CREATE USER [sqlids-shared-id] FROM EXTERNAL PROVIDER");
        try (Connection c = as(mi).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT CURRENT_USER")).isEqualTo("sqlids-shared-id");
        }
    }

    @Test
    void duplicateDisplayNamesNeedAnObjectId() throws Exception {
        ServicePrincipal first = lab.createUserAssignedIdentity("sqlids-twin").principal();
        lab.resources().createResourceGroup("rg-other", "westeurope");
        ServicePrincipal second = lab.resources().createUserAssignedIdentity("rg-other", "sqlids-twin").principal();
        assertFails(admin, "CREATE USER [sqlids-twin] FROM EXTERNAL PROVIDER", 33131, "Principal 'sqlids-twin' has a"
            + " duplicate display name. Make the display name unique in Microsoft Entra ID or use the WITH OBJECT_ID"
            + " option, and execute this statement again.");

        run(admin, "CREATE USER [sqlids-twin-2] FROM EXTERNAL PROVIDER WITH OBJECT_ID = '" + second.objectId() + "'");
        try (Connection c = as(second).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("sqlids-twin-2");
        }
        assertThatThrownBy(() -> as(first).getConnection().close()).hasMessageStartingWith("Login failed");
    }

    @Test
    void anUnknownNameIsNotFound() {
        assertFails(admin, "CREATE USER [nobody-here] FROM EXTERNAL PROVIDER", 33130,
            "Principal 'nobody-here' could not be found or this principal type is not supported.");
    }

    @Test
    void onlyTheAdminOrADbOwnerManagesUsers() throws Exception {
        ServicePrincipal app = lab.createUserAssignedIdentity("sqlids-app").principal();
        lab.createUserAssignedIdentity("sqlids-other");
        run(admin, "CREATE USER [sqlids-app] FROM EXTERNAL PROVIDER");
        assertFails(app, "CREATE USER [sqlids-other] FROM EXTERNAL PROVIDER", 15247,
            "User does not have permission to perform this action.");
        assertFails(app, "ALTER ROLE db_owner ADD MEMBER [sqlids-app]", 15151,
            "Cannot alter the role 'db_owner', because it does not exist or you do not have permission.");

        run(admin, "ALTER ROLE db_owner ADD MEMBER [sqlids-app]");
        run(app, "CREATE USER [sqlids-other] FROM EXTERNAL PROVIDER");
        run(app, "ALTER ROLE db_datawriter ADD MEMBER [sqlids-other]; ALTER ROLE db_datawriter DROP MEMBER"
            + " [sqlids-other]");
        assertFails(app, "DROP USER [not-a-user]", 15151,
            "Cannot drop the user 'not-a-user', because it does not exist or you do not have permission.");
    }

    @Test
    void containedSqlUsersNeedAComplexPasswordAndThenLogIn() throws Exception {
        assertFails(admin, "CREATE USER [report] WITH PASSWORD = 'simple'", 15118, "Password validation failed. The"
            + " password does not meet policy requirements because it is not complex enough.");
        run(admin, "CREATE USER [report] WITH PASSWORD = N'Rep0rt-Passw0rd!'");
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sqlids", "dbids", false);
        ds.setUser("report");
        ds.setPassword("Rep0rt-Passw0rd!");
        try (Connection c = ds.getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("report");
        }
    }

    @Test
    void aSqlLoginCannotCreateEntraUsers() {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sqlids", "dbids", true);
        ds.setUser("sqladmin");
        ds.setPassword("Adm1n-Passw0rd!");
        assertThatThrownBy(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE USER [sqlids-admin] FROM EXTERNAL PROVIDER");
            }
        }).isInstanceOf(SQLException.class).hasMessage("Principal 'sqlids-admin' could not be created. Only"
            + " connections established with Active Directory accounts can create other Active Directory users.");
    }

    @Test
    void otherStatementsRunOnTheDatabaseAndIdentitySyntaxErrorsAre102() throws Exception {
        run(admin, "CREATE TABLE t (id int)");
        assertThatThrownBy(() -> run(admin, "CREATE USER [x] FROM EXTERNAL")).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(102));
    }
}
