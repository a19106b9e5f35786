package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.entra.ServicePrincipal;

/**
 * Who may do what, decided per statement from the objects it reads and writes: database roles (db_datareader,
 * db_datawriter, db_owner, the Entra admin), then GRANT/DENY/REVOKE on objects and schemas. Refusals carry SQL
 * Server's numbers and words.
 */
class SqlPermissionsIT {

    static SqlTestDatabase db;
    static ServicePrincipal reader;
    static ServicePrincipal writer;
    static ServicePrincipal readerWriter;
    static ServicePrincipal owner;
    static ServicePrincipal nobody;

    @BeforeAll
    static void seed() {
        db = SqlTestDatabase.create("sqlperm");
        db.database.seed("""
            CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Product nvarchar(50), Quantity int);
            CREATE TABLE dbo.Secrets (Id int PRIMARY KEY, Value nvarchar(50));
            CREATE SCHEMA sales;
            CREATE TABLE sales.Leads (Id int PRIMARY KEY, Name nvarchar(50));
            INSERT INTO dbo.Orders VALUES (1, N'Tea', 2), (2, N'Coffee', 1);
            INSERT INTO dbo.Secrets VALUES (1, N'hunter2');
            INSERT INTO sales.Leads VALUES (1, N'Ana');
            """);
        reader = db.user("sqlperm-reader", DatabaseRole.DB_DATAREADER);
        writer = db.user("sqlperm-writer", DatabaseRole.DB_DATAWRITER);
        readerWriter = db.user("sqlperm-rw", DatabaseRole.DB_DATAREADER, DatabaseRole.DB_DATAWRITER);
        owner = db.user("sqlperm-owner", DatabaseRole.DB_OWNER);
        nobody = db.user("sqlperm-nobody");
    }

    static void run(ServicePrincipal who, String sql) throws SQLException {
        try (Connection c = db.as(who); Statement s = c.createStatement()) {
            boolean isResultSet = s.execute(sql);
            while (isResultSet || s.getUpdateCount() != -1) {
                if (isResultSet) {
                    try (ResultSet rs = s.getResultSet()) {
                        while (rs.next()) {
                            rs.getObject(1);
                        }
                    }
                }
                isResultSet = s.getMoreResults();
            }
        }
    }

    static void assertDenied(ServicePrincipal who, String sql, int number, String message) {
        assertThatThrownBy(() -> run(who, sql)).as(sql).isInstanceOf(SQLException.class).satisfies(e -> {
            assertThat(((SQLException) e).getErrorCode()).isEqualTo(number);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    static String denied(String permission, String object) {
        return denied(permission, object, "dbo");
    }

    static String denied(String permission, String object, String schema) {
        return "The " + permission + " permission was denied on the object '" + object + "', database 'db1', schema '"
            + schema + "'.";
    }

    @Test
    void dbDatareaderReadsEverythingAndWritesNothing() throws Exception {
        run(reader, "SELECT o.Product, s.Value FROM dbo.Orders o JOIN dbo.Secrets s ON s.Id = o.Id");
        run(reader, "SELECT * FROM sales.Leads");
        assertDenied(reader, "INSERT INTO dbo.Orders VALUES (9, N'x', 1)", 229, denied("INSERT", "Orders"));
        assertDenied(reader, "UPDATE dbo.Orders SET Quantity = 0", 229, denied("UPDATE", "Orders"));
        assertDenied(reader, "DELETE FROM Orders WHERE Id = 1", 229, denied("DELETE", "Orders"));
    }

    @Test
    void dbDatawriterWritesButAWhereClauseAlsoNeedsSelect() throws Exception {
        run(writer, "INSERT INTO dbo.Orders VALUES (10, N'Juice', 1)");
        run(writer, "UPDATE dbo.Orders SET Quantity = Quantity");
        assertDenied(writer, "SELECT * FROM dbo.Orders", 229, denied("SELECT", "Orders"));
        assertDenied(writer, "UPDATE dbo.Orders SET Quantity = 3 WHERE Id = 10", 229, denied("SELECT", "Orders"));
        assertDenied(writer, "INSERT INTO dbo.Orders SELECT Id + 100, Value, 1 FROM dbo.Secrets", 229,
            denied("SELECT", "Secrets"));
        run(readerWriter, "UPDATE dbo.Orders SET Quantity = 3 WHERE Id = 10");
        run(readerWriter, "DELETE FROM dbo.Orders WHERE Id = 10");
    }

    @Test
    void onlyOwnersAndTheAdminRunDdl() throws Exception {
        assertDenied(readerWriter, "CREATE TABLE dbo.Mine (Id int)", 262,
            "CREATE TABLE permission denied in database 'db1'.");
        assertDenied(readerWriter, "DROP TABLE dbo.Orders", 3701,
            "Cannot drop the table 'dbo.Orders', because it does not exist or you do not have permission.");
        assertDenied(readerWriter, "ALTER TABLE dbo.Orders ADD Note nvarchar(10)", 1088,
            "Cannot find the object \"dbo.Orders\" because it does not exist or you do not have permissions.");
        assertDenied(readerWriter, "TRUNCATE TABLE dbo.Orders", 1088,
            "Cannot find the object \"dbo.Orders\" because it does not exist or you do not have permissions.");
        assertDenied(readerWriter, "CREATE USER [sqlperm-nobody] FROM EXTERNAL PROVIDER", 15247,
            "User does not have permission to perform this action.");
        run(owner, "CREATE TABLE dbo.OwnersTable (Id int PRIMARY KEY); DROP TABLE dbo.OwnersTable");
        run(db.admin, "CREATE VIEW dbo.BigOrders AS SELECT * FROM dbo.Orders WHERE Quantity > 1");
        run(reader, "SELECT * FROM dbo.BigOrders");
    }

    @Test
    void grantAndRevokeOnAnObject() throws Exception {
        assertDenied(nobody, "SELECT * FROM dbo.Orders", 229, denied("SELECT", "Orders"));
        run(db.admin, "GRANT SELECT ON dbo.Orders TO [sqlperm-nobody]");
        assertThat(db.database.permissions().entries()).contains(new ObjectPermissions.Entry("sqlperm-nobody",
            ObjectPermissions.Securable.object("dbo", "Orders"),
            dev.milab.sql.tsql.StatementAnalysis.Permission.SELECT, ObjectPermissions.State.GRANT));
        run(nobody, "SELECT * FROM dbo.Orders");
        assertDenied(nobody, "SELECT * FROM dbo.Secrets", 229, denied("SELECT", "Secrets"));
        assertDenied(nobody, "SELECT * FROM dbo.Orders WHERE Id IN (SELECT Id FROM dbo.Secrets)", 229,
            denied("SELECT", "Secrets"));
        run(db.admin, "REVOKE SELECT ON OBJECT::dbo.Orders FROM [sqlperm-nobody]");
        assertDenied(nobody, "SELECT * FROM dbo.Orders", 229, denied("SELECT", "Orders"));
    }

    @Test
    void denyWinsOverRolesAndGrantsUntilRevoked() throws Exception {
        run(db.admin, "DENY SELECT ON dbo.Secrets TO [sqlperm-reader]");
        assertDenied(reader, "SELECT Value FROM dbo.Secrets", 229, denied("SELECT", "Secrets"));
        assertDenied(reader, "SELECT o.Id FROM dbo.Orders o, dbo.Secrets s", 229, denied("SELECT", "Secrets"));
        run(reader, "SELECT * FROM dbo.Orders");
        run(db.admin, "REVOKE SELECT ON dbo.Secrets TO [sqlperm-reader]");
        run(reader, "SELECT Value FROM dbo.Secrets");
    }

    @Test
    void schemaGrantsAndPublic() throws Exception {
        ServicePrincipal analyst = db.user("sqlperm-analyst");
        assertDenied(analyst, "SELECT * FROM sales.Leads", 229, denied("SELECT", "Leads", "sales"));
        run(db.admin, "GRANT SELECT ON SCHEMA::sales TO [sqlperm-analyst]");
        run(analyst, "SELECT * FROM sales.Leads");
        run(db.admin, "GRANT INSERT, SELECT ON dbo.Orders TO public");
        run(analyst, "INSERT INTO dbo.Orders VALUES (20, N'Water', 1); SELECT * FROM dbo.Orders");
        run(db.admin, "REVOKE INSERT, SELECT ON dbo.Orders FROM public");
        assertDenied(analyst, "SELECT * FROM dbo.Orders", 229, denied("SELECT", "Orders"));
    }

    @Test
    void grantsNeedAnOwnerAnObjectAndAUser() {
        assertDenied(reader, "GRANT SELECT ON dbo.Orders TO [sqlperm-nobody]", 15151,
            "Cannot find the object 'Orders', because it does not exist or you do not have permission.");
        assertDenied(db.admin, "GRANT SELECT ON dbo.Nothing TO [sqlperm-nobody]", 15151,
            "Cannot find the object 'dbo.Nothing', because it does not exist or you do not have permission.");
        assertDenied(db.admin, "GRANT SELECT ON dbo.Orders TO [no-such-user]", 15151,
            "Cannot find the user 'no-such-user', because it does not exist or you do not have permission.");
    }

    @Test
    void aMissingObjectIsInvalidBeforeItIsDenied() {
        assertDenied(nobody, "SELECT * FROM dbo.Nothing", 208, "Invalid object name 'dbo.Nothing'.");
    }

    @Test
    void roleChangesCountFromTheNextStatement() throws Exception {
        ServicePrincipal promoted = db.user("sqlperm-promoted");
        try (Connection c = db.as(promoted); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM dbo.Orders")).isInstanceOf(SQLException.class);
            run(db.admin, "ALTER ROLE db_datareader ADD MEMBER [sqlperm-promoted]");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Orders")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }
}
