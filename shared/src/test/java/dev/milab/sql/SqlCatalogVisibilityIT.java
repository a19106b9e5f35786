package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.milab.entra.ServicePrincipal;

/**
 * What the catalog shows whom, over mssql-jdbc: metadata visibility as Azure SQL applies it (a user sees the
 * objects it has some permission on, the fixed schemas and principals, itself), the session DMVs (its own session,
 * all of the database's with VIEW DATABASE STATE), and never H2's own catalog, however the name is spelled.
 */
class SqlCatalogVisibilityIT {

    static final String SECRET = "s3cret-literal-of-the-admin";

    static SqlTestDatabase db;
    static ServicePrincipal nobody;
    static ServicePrincipal granted;
    static ServicePrincipal reader;
    static ServicePrincipal owner;

    @BeforeAll
    static void seed() {
        db = SqlTestDatabase.create("sqlcatalog");
        db.database.seed("""
            CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Product nvarchar(50) NOT NULL);
            CREATE TABLE dbo.Secrets (Id int PRIMARY KEY, Value nvarchar(50));
            CREATE SCHEMA sales;
            CREATE TABLE sales.Leads (Id int PRIMARY KEY, Name nvarchar(50));
            INSERT INTO dbo.Secrets VALUES (1, N'old');
            """);
        nobody = db.user("catalog-nobody");
        granted = db.user("catalog-granted");
        reader = db.user("catalog-reader", DatabaseRole.DB_DATAREADER);
        owner = db.user("catalog-owner", DatabaseRole.DB_OWNER);
        db.database.seed("GRANT SELECT ON dbo.Orders TO [catalog-granted]");
    }

    enum Who {
        NOBODY, GRANTED, READER, OWNER, ADMIN;

        ServicePrincipal principal() {
            return switch (this) {
                case NOBODY -> nobody;
                case GRANTED -> granted;
                case READER -> reader;
                case OWNER -> owner;
                case ADMIN -> db.admin;
            };
        }
    }

    static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    static final String TABLES = "SELECT TABLE_SCHEMA + '.' + TABLE_NAME FROM INFORMATION_SCHEMA.TABLES ORDER BY 1";
    static final String SECRET_COLUMNS = "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = "
        + "'Secrets' ORDER BY ORDINAL_POSITION";
    static final String SYS_TABLES = "SELECT s.name + '.' + t.name FROM sys.tables t JOIN sys.schemas s ON "
        + "s.schema_id = t.schema_id ORDER BY 1";
    static final String SYS_OBJECTS = "SELECT name FROM sys.objects WHERE type = 'U' ORDER BY name";
    static final String SYS_SECRET_COLUMNS = "SELECT c.name FROM sys.columns c JOIN sys.objects o ON o.object_id ="
        + " c.object_id WHERE o.name = 'Secrets' ORDER BY c.column_id";
    static final String SCHEMATA = "SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY 1";
    static final String USERS = "SELECT name FROM sys.database_principals WHERE type IN ('E', 'S') AND name LIKE "
        + "'catalog-%' ORDER BY name";

    static final List<String> ALL_TABLES = List.of("dbo.Orders", "dbo.Secrets", "sales.Leads");
    static final List<String> FIXED_SCHEMAS = List.of("dbo", "guest", "INFORMATION_SCHEMA", "sys");
    static final List<String> ALL_SCHEMAS = List.of("dbo", "guest", "INFORMATION_SCHEMA", "sales", "sys");
    static final List<String> ALL_USERS = List.of("catalog-granted", "catalog-nobody", "catalog-owner",
        "catalog-reader");

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        for (String sql : List.of(TABLES, SYS_TABLES)) {
            rows.add(Arguments.of(Who.NOBODY, sql, List.of()));
            rows.add(Arguments.of(Who.GRANTED, sql, List.of("dbo.Orders")));
            rows.add(Arguments.of(Who.READER, sql, ALL_TABLES));
            rows.add(Arguments.of(Who.OWNER, sql, ALL_TABLES));
            rows.add(Arguments.of(Who.ADMIN, sql, ALL_TABLES));
        }
        rows.add(Arguments.of(Who.NOBODY, SYS_OBJECTS, List.of()));
        rows.add(Arguments.of(Who.GRANTED, SYS_OBJECTS, List.of("Orders")));
        rows.add(Arguments.of(Who.READER, SYS_OBJECTS, List.of("Leads", "Orders", "Secrets")));
        for (String sql : List.of(SECRET_COLUMNS, SYS_SECRET_COLUMNS)) {
            rows.add(Arguments.of(Who.NOBODY, sql, List.of()));
            rows.add(Arguments.of(Who.GRANTED, sql, List.of()));
            rows.add(Arguments.of(Who.READER, sql, List.of("Id", "Value")));
            rows.add(Arguments.of(Who.ADMIN, sql, List.of("Id", "Value")));
        }
        rows.add(Arguments.of(Who.NOBODY, SCHEMATA, FIXED_SCHEMAS));
        rows.add(Arguments.of(Who.GRANTED, SCHEMATA, FIXED_SCHEMAS));
        rows.add(Arguments.of(Who.READER, SCHEMATA, ALL_SCHEMAS));
        rows.add(Arguments.of(Who.ADMIN, SCHEMATA, ALL_SCHEMAS));
        rows.add(Arguments.of(Who.NOBODY, USERS, List.of("catalog-nobody")));
        rows.add(Arguments.of(Who.READER, USERS, List.of("catalog-reader")));
        rows.add(Arguments.of(Who.OWNER, USERS, ALL_USERS));
        rows.add(Arguments.of(Who.ADMIN, USERS, ALL_USERS));
        return rows.stream();
    }

    /** One connection per role for the class (each login costs a TLS handshake). */
    static synchronized Connection connection(Who who) throws SQLException {
        Connection c = CONNECTIONS.get(who);
        if (c == null) {
            c = db.as(who.principal());
            CONNECTIONS.put(who, c);
        }
        return c;
    }

    static final Map<Who, Connection> CONNECTIONS = new EnumMap<>(Who.class);

    @AfterAll
    static void closeConnections() throws SQLException {
        for (Connection c : CONNECTIONS.values()) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("matrix")
    void eachRoleSeesTheMetadataItHasSomePermissionOn(Who who, String sql, List<String> expected) throws Exception {
        // as sets: H2 sorts case-sensitively where SQL_Latin1_General_CP1_CI_AS would not
        assertThat(column(connection(who), sql)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void everyoneSeesTheFixedPrincipalsAndRoles() throws Exception {
        assertThat(column(connection(Who.NOBODY), "SELECT name FROM sys.database_principals WHERE principal_id < 5 OR type = 'R' "
            + "ORDER BY principal_id")).containsExactly("public", "dbo", "guest", "INFORMATION_SCHEMA", "sys",
            "db_owner", "db_datareader", "db_datawriter");
    }

    /** H2's catalog views and SQL Server names the lab does not offer: 208 for every role, however spelled. */
    @ParameterizedTest
    @ValueSource(strings = {"INFORMATION_SCHEMA.SESSIONS", "[INFORMATION_SCHEMA].[SESSIONS]",
        "\"INFORMATION_SCHEMA\".\"SESSIONS\"", "information_schema.sessions", "db1.INFORMATION_SCHEMA.SESSIONS",
        "INFORMATION_SCHEMA.USERS", "INFORMATION_SCHEMA.SETTINGS", "INFORMATION_SCHEMA.RIGHTS",
        "INFORMATION_SCHEMA.QUERY_STATISTICS", "INFORMATION_SCHEMA.LOCKS", "sys.sql_modules"})
    void enginesOwnCatalogViewsDoNotExistForAnyone(String view) throws Exception {
        for (Who who : Who.values()) {
            try (Statement s = connection(who).createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM " + view)).as(who + " " + view)
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(208);
                        assertThat(e.getMessage()).startsWith("Invalid object name '");
                    });
            }
        }
    }

    /**
     * The case: the admin's statement runs (blocked on a lock, its secret literal in the text) while a user
     * without permissions looks at sessions and requests every way it can; it sees its own session only, and no
     * text. The owner sees the admin's request, but not its text either.
     */
    @Test
    void anotherSessionsStatementAndItsLiteralsAreInvisibleWithoutViewDatabaseState() throws Exception {
        try (Connection locker = db.asAdmin(); Connection admin = db.asAdmin(); Connection spy = db.as(nobody);
             Connection watcher = db.as(owner)) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.executeUpdate("UPDATE dbo.Secrets SET Value = N'locked' WHERE Id = 1");
            }
            int adminSpid = Integer.parseInt(SqlLabClient.single(admin, "SELECT @@SPID"));
            CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                try (Statement s = admin.createStatement()) {
                    s.executeUpdate("UPDATE dbo.Secrets SET Value = N'" + SECRET + "' WHERE Id = 1");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.currentTimeMillis() + 5_000;
            while (!column(watcher, "SELECT command FROM sys.dm_exec_requests WHERE session_id = " + adminSpid)
                .contains("UPDATE") && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(column(watcher, "SELECT command FROM sys.dm_exec_requests WHERE session_id = " + adminSpid))
                .as("the owner (VIEW DATABASE STATE) sees the admin's request").containsExactly("UPDATE");
            assertThat(Integer.parseInt(column(watcher, "SELECT COUNT(*) FROM sys.dm_exec_sessions").get(0)))
                .as("the owner sees the database's sessions").isGreaterThanOrEqualTo(4);

            String spySpid = SqlLabClient.single(spy, "SELECT @@SPID");
            assertThat(column(spy, "SELECT session_id FROM sys.dm_exec_sessions")).containsExactly(spySpid);
            assertThat(column(spy, "SELECT session_id FROM sys.dm_exec_requests")).containsExactly(spySpid);
            for (String probe : List.of(
                "SELECT * FROM sys.dm_exec_requests",
                "SELECT * FROM sys.dm_exec_sessions",
                "SELECT (SELECT COUNT(*) FROM sys.dm_exec_sessions WHERE session_id = " + adminSpid + ")",
                "SELECT * FROM INFORMATION_SCHEMA.TABLES t, sys.dm_exec_requests r")) {
                try (Statement s = spy.createStatement(); ResultSet rs = s.executeQuery(probe)) {
                    while (rs.next()) {
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            assertThat(rs.getString(i)).as(probe).doesNotContain(SECRET)
                                .isNotEqualTo(Integer.toString(adminSpid));
                        }
                    }
                }
            }
            try (Statement s = spy.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT 1 WHERE EXISTS (SELECT 1 FROM "
                    + "INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE '%secret%')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(208));
            }
            locker.rollback();
            blocked.get(10, TimeUnit.SECONDS);
        }
    }

    /** Below the front, H2 itself shows a session's connection its own session only and refuses admin functions. */
    @Test
    void theEnginesConnectionOfASessionHasNoAdminRights() throws Exception {
        try (Connection a = db.database.data().open(); Connection b = db.database.data().open();
             Statement s = a.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> {
                try (ResultSet rs = s.executeQuery("SELECT DB_OBJECT_SQL('TABLE', 'dbo', 'Secrets')")) {
                    rs.next(); // rows are computed as they are read
                }
            }).isInstanceOf(SQLException.class).hasMessageContaining("Admin rights");
            assertThatThrownBy(() -> s.execute("CREATE ALIAS EXIT_NOW FOR 'java.lang.System.exit'"))
                .isInstanceOf(SQLException.class).hasMessageContaining("Admin rights");
            assertThat(b.isValid(1)).isTrue();
        }
    }
}
