package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

import dev.milab.lab.Lab;

/**
 * Cancel through the attention packet: Statement.cancel() from another thread and the driver's query timeout stop
 * a running request (a WAITFOR in the front, a long query in H2), and the connection stays usable.
 */
class SqlCancelIT {

    static Lab lab;
    static SqlTestDatabase db;
    static ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void seed() {
        // A lab of its own, whose per-query memory bound the long query cannot reach: the bound counts what a
        // query's thread allocates, garbage included (shared/README's limits table), and a three-way cross join
        // allocates 64 MB within the 300 ms before the cancel on a busy machine. This test is about cancel.
        lab = Lab.start();
        lab.azureSql().limits().maxQueryMemoryBytes(64L << 30);
        db = SqlTestDatabase.create(lab, "sqlcancel");
        StringBuilder rows = new StringBuilder("CREATE TABLE dbo.Numbers (N int PRIMARY KEY); INSERT INTO dbo.Numbers "
            + "VALUES (0)");
        for (int i = 1; i < 1000; i++) {
            rows.append(", (").append(i).append(')');
        }
        db.database.seed(rows.toString());
    }

    @AfterAll
    static void stop() {
        timer.shutdownNow();
        lab.close();
    }

    static void assertUsable(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Numbers")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1000);
        }
    }

    /** A WAITFOR the front runs, and a long query inside H2: cancel stops both, and the session goes on. */
    @ParameterizedTest
    @ValueSource(strings = {"WAITFOR DELAY '00:00:20'",
        "SELECT COUNT(*) FROM dbo.Numbers a CROSS JOIN dbo.Numbers b CROSS JOIN dbo.Numbers c"})
    void cancelStopsTheRunningStatementAndTheSessionStaysUsable(String statement) throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            timer.schedule(() -> {
                s.cancel();
                return null;
            }, 300, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.execute(statement)).isInstanceOf(SQLException.class)
                .hasMessageContaining("canceled");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
            assertUsable(c);
        }
    }

    @Test
    void aQueryTimeoutSendsAnAttentionAndTheDriverReportsTheTimeout() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            assertThatThrownBy(() -> s.execute("WAITFOR DELAY '00:00:15'")).isInstanceOf(SQLTimeoutException.class);
            s.setQueryTimeout(0);
            assertUsable(c);
        }
    }

    @Test
    void aCancelAfterTheAnswerIsHarmless() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT N FROM dbo.Numbers ORDER BY N")) {
                rs.next();
                s.cancel();
            }
            assertUsable(c);
            assertThat(c.isValid(2)).isTrue();
        }
    }
}
