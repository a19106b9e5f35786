package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SQLServerException;

import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;

/**
 * Memory bombs from a user without permissions, over mssql-jdbc: a value one call would make, what a query builds
 * up before its next row, what a session keeps in prepared statements. Each is answered with SQL Server's 701 (class
 * 17) before it is built, the session stays usable, and others are served meanwhile. The bounds are lowered (4 MB a
 * query, 256 KB a session) so the bombs cost the test megabytes, not gigabytes.
 */
class SqlMemoryBoundsIT {

    static final long QUERY_BOUND = 4L << 20;
    static final long SESSION_BOUND = 256L << 10;
    static final String INSUFFICIENT_MEMORY = "There is insufficient system memory in resource pool 'default' to run"
        + " this query.";
    /** 10^n rows from n joined 10-row tables, with no table: what any user may select. */
    static final String TEN = "(VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9))";

    static Lab lab;
    static SQLServerDataSource nobody;
    static SQLServerDataSource bystander;
    static ServicePrincipal user;
    static SqlTestDatabase database;

    @BeforeAll
    static void start() {
        lab = Lab.start();
        database = SqlTestDatabase.create(lab, "sqlmemory");
        user = database.user("sqlmemory-nobody");
        database.database.seed("CREATE TABLE dbo.Numbers (n int PRIMARY KEY); INSERT INTO dbo.Numbers SELECT x0 + x1 * 10 + x2 * 100"
            + " + x3 * 1000 + x4 * 10000 FROM " + crossJoin(5) + "; GRANT SELECT ON dbo.Numbers TO [sqlmemory-nobody]");
        lab.azureSql().limits().maxQueryMemoryBytes(QUERY_BOUND).maxSessionMemoryBytes(SESSION_BOUND);
        nobody = database.dataSource(user);
        bystander = database.dataSource(database.admin);
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    static String crossJoin(int tables) {
        return IntStream.range(0, tables).mapToObj(i -> TEN + " t" + i + "(x" + i + ")")
            .collect(Collectors.joining(", "));
    }

    static void assertInsufficientMemory(Connection c, String sql) {
        assertThatThrownBy(() -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    rs.getString(1);
                }
            }
        }).as(sql).isInstanceOfSatisfying(SQLServerException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(701);
            assertThat(e.getSQLServerError().getErrorSeverity()).isEqualTo(17);
            assertThat(e.getMessage()).isEqualTo(INSUFFICIENT_MEMORY);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT REPLICATE(N'a', 1500000000)", "SELECT SPACE(1500000000)",
        "SELECT LEN(REPLICATE(CAST(N'ab' AS nvarchar(max)), 750000000))", "SELECT REPLICATE(N'a', 2100000) + N'!'"})
    void aValueOneCallWouldMakeOverTheBoundIs701BeforeItIsMade(String bomb) throws Exception {
        try (Connection c = nobody.getConnection()) {
            assertInsufficientMemory(c, bomb);
            assertThat(SqlLabClient.single(c, "SELECT LEN(REPLICATE(N'ab', 1000)) + LEN(SPACE(10) + N'x')"))
                .as("the same session, after the bomb").isEqualTo("2011");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT REPEAT('a', 1500000000)", "SELECT LPAD('a', 1500000000, 'b')",
        "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 2000000000)", "SELECT EXPAND(COMPRESS(REPLICATE(N'a', 100)))"})
    void h2sOwnGeneratorsAreUnknownFunctionsAsInSqlServer(String bomb) throws Exception {
        try (Connection c = nobody.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery(bomb)).as(bomb)
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(195);
                    assertThat(e.getMessage()).endsWith("is not a recognized built-in function name.");
                });
        }
    }

    @Test
    void whatAQueryBuildsUpBeforeItsNextRowIsBoundedButAStreamedResultIsNot() throws Exception {
        try (Connection c = nobody.getConnection()) {
            assertInsufficientMemory(c, "SELECT LEN(REPLICATE(N'a', 1000000) + REPLICATE(N'b', 1000000) "
                + "+ REPLICATE(N'c', 1000000))");
            assertInsufficientMemory(c, "SELECT LEN(STRING_AGG(CAST(N'0123456789' AS nvarchar(max)), N',')) FROM "
                + crossJoin(6));
            assertInsufficientMemory(c, "SELECT x0 FROM " + crossJoin(6) + " ORDER BY x5, x4, x3, x2, x1, x0");
            assertInsufficientMemory(c, "IF (SELECT LEN(STRING_AGG(CAST(N'0123456789' AS nvarchar(max)), N',')) "
                + "FROM " + crossJoin(6) + ") > 0 SELECT 1");
            assertInsufficientMemory(c, "PRINT REPLICATE(N'a', 2000000) + REPLICATE(N'b', 2000000); SELECT 1");
            int rows = 0;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n, N'" + "n".repeat(100)
                + "' FROM dbo.Numbers")) {
                while (rs.next()) {
                    rows++;
                }
            }
            assertThat(rows).as("rows of a result streamed to the client (some 30 MB), each small")
                .isEqualTo(100_000);
        }
    }

    @Test
    void fourConcurrentBombsGet701WhileABystanderIsServed() throws Exception {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();
        ExecutorService bombers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> refusals = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                refusals.add(bombers.submit(() -> {
                    int refused = 0;
                    try (Connection c = nobody.getConnection()) {
                        for (int round = 0; round < 3; round++) {
                            for (String bomb : List.of("SELECT REPLICATE(N'a', 1500000000)", "SELECT LEN(REPLICATE("
                                + "N'a', 2000000) + REPLICATE(N'a', 2000000))", "SELECT x0 FROM " + crossJoin(6)
                                + " ORDER BY x5, x4, x3, x2, x1, x0")) {
                                assertInsufficientMemory(c, bomb);
                                refused++;
                            }
                        }
                    }
                    return refused;
                }));
            }
            long peakUsed = usedBefore;
            long slowest = 0;
            try (Connection c = bystander.getConnection()) {
                while (refusals.stream().anyMatch(f -> !f.isDone())) {
                    long start = System.nanoTime();
                    assertThat(SqlLabClient.single(c, "SELECT 1")).isEqualTo("1");
                    slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                    peakUsed = Math.max(peakUsed, runtime.totalMemory() - runtime.freeMemory());
                    Thread.sleep(10);
                }
            }
            for (Future<Integer> f : refusals) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(9);
            }
            System.out.printf("4 sessions x 9 bombs refused with 701; bystander's SELECT 1 took %d ms at most; heap"
                + " used %d MB before, %d MB at most meanwhile (max heap %d MB)%n", slowest, usedBefore >> 20,
                peakUsed >> 20, runtime.maxMemory() >> 20);
            assertThat(slowest).as("the bystander's slowest SELECT 1, ms").isLessThan(3_000);
            assertThat(peakUsed - usedBefore).as("heap the bombs took, bytes").isLessThan(512L << 20);
        } finally {
            bombers.shutdownNow();
        }
    }

    @Test
    void aSessionsPreparedStatementsAreBoundedAndTheSessionGoesOn() throws Exception {
        SQLServerDataSource ds = database.dataSource(user);
        ds.setEnablePrepareOnFirstPreparedStatementCall(true);
        String padding = "x".repeat(2_000);
        List<PreparedStatement> kept = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            SQLException refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                PreparedStatement ps = c.prepareStatement("SELECT ? + " + i + " AS n -- " + padding);
                kept.add(ps);
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                } catch (SQLException e) {
                    refused = e;
                }
            }
            assertThat((Object) refused).as("a prepare past the session's bound").isNotNull();
            assertThat(refused.getErrorCode()).isEqualTo(701);
            assertThat(kept.size()).as("statements prepared before the bound").isBetween(3, 10);
            assertThat(SqlLabClient.single(c, "SELECT 7")).isEqualTo("7");
            for (PreparedStatement ps : kept) {
                ps.close();
            }
        }
    }
}
