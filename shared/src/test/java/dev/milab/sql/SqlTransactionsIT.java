package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transactions as mssql-jdbc drives them (setAutoCommit(false) sends {@code set implicit_transactions on},
 * commit() {@code IF @@TRANCOUNT > 0 COMMIT TRAN}, rollback(), savepoints, isolation levels) and as T-SQL writes
 * them; two sessions side by side, each with its own transaction.
 */
class SqlTransactionsIT {

    static SqlTestDatabase db;

    @BeforeAll
    static void seed() {
        db = SqlTestDatabase.create("sqltx");
        db.database.seed("CREATE TABLE dbo.Accounts (Id int PRIMARY KEY, Owner nvarchar(50), Balance int NOT NULL)");
    }

    static int count(Connection c, String where) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Accounts WHERE " + where)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void insert(Connection c, int id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.Accounts VALUES (?, ?, 100)")) {
            ps.setInt(1, id);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    @Test
    void rolledBackWorkIsGoneAndCommittedWorkStays() throws Exception {
        try (Connection c = db.asAdmin()) {
            c.setAutoCommit(false);
            insert(c, 1, "rolled back");
            assertThat(count(c, "Id = 1")).isEqualTo(1);
            assertThat(SqlLabClient.single(c, "SELECT @@TRANCOUNT")).isEqualTo("1");
            c.rollback();
            assertThat(count(c, "Id = 1")).isZero();
            insert(c, 2, "committed");
            c.commit();
            c.setAutoCommit(true);
            assertThat(SqlLabClient.single(c, "SELECT @@TRANCOUNT")).isEqualTo("0");
        }
        try (Connection other = db.asAdmin()) {
            assertThat(count(other, "Id IN (1, 2)")).isEqualTo(1);
        }
    }

    @Test
    void otherSessionsNeverSeeUncommittedRowsAndAreNotBlockedReadingThem() throws Exception {
        try (Connection writer = db.asAdmin(); Connection reader = db.asAdmin()) {
            writer.setAutoCommit(false);
            insert(writer, 10, "pending");
            assertThat(count(reader, "Id = 10")).isZero();
            reader.setTransactionIsolation(Connection.TRANSACTION_READ_UNCOMMITTED);
            assertThat(count(reader, "Id = 10")).as("a dirty read").isEqualTo(1);
            reader.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(count(reader, "Id = 10")).isZero();
            writer.commit();
            assertThat(count(reader, "Id = 10")).isEqualTo(1);
        }
    }

    @Test
    void aWriterWaitsForAnotherWritersRowThenTimesOutWithError1222() throws Exception {
        try (Connection first = db.asAdmin(); Connection second = db.asAdmin()) {
            insert(first, 20, "contended");
            first.setAutoCommit(false);
            try (Statement s = first.createStatement()) {
                s.executeUpdate("UPDATE dbo.Accounts SET Balance = Balance - 10 WHERE Id = 20");
            }
            try (Statement s = second.createStatement()) {
                s.execute("SET LOCK_TIMEOUT 300");
                assertThatThrownBy(() -> s.executeUpdate("UPDATE dbo.Accounts SET Balance = 0 WHERE Id = 20"))
                    .isInstanceOf(SQLException.class).satisfies(e -> {
                        assertThat(((SQLException) e).getErrorCode()).isEqualTo(1222);
                        assertThat(e.getMessage()).isEqualTo("Lock request time out period exceeded.");
                    });
            }
            first.commit();
            try (Statement s = second.createStatement()) {
                assertThat(s.executeUpdate("UPDATE dbo.Accounts SET Balance = 0 WHERE Id = 20")).isEqualTo(1);
            }
        }
    }

    @Test
    void savepointsRollBackPartOfATransaction() throws Exception {
        try (Connection c = db.asAdmin()) {
            c.setAutoCommit(false);
            insert(c, 30, "kept");
            Savepoint before = c.setSavepoint("before_second");
            insert(c, 31, "undone");
            c.rollback(before);
            c.commit();
            assertThat(count(c, "Id IN (30, 31)")).isEqualTo(1);
            assertThat(count(c, "Id = 30")).isEqualTo(1);
        }
    }

    @Test
    void tsqlTransactionsNestAndAFailedStatementLeavesTheTransactionOpen() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            s.execute("BEGIN TRAN; INSERT INTO dbo.Accounts VALUES (40, N'outer', 1); BEGIN TRANSACTION inner;");
            assertThat(SqlLabClient.single(c, "SELECT @@TRANCOUNT")).isEqualTo("2");
            assertThatThrownBy(() -> s.execute("INSERT INTO dbo.Accounts VALUES (40, N'duplicate', 1)"))
                .isInstanceOf(SQLException.class);
            assertThat(SqlLabClient.single(c, "SELECT @@TRANCOUNT")).isEqualTo("2");
            s.execute("COMMIT; COMMIT TRAN");
            assertThat(SqlLabClient.single(c, "SELECT @@TRANCOUNT")).isEqualTo("0");
            assertThat(count(c, "Id = 40")).isEqualTo(1);
            assertThatThrownBy(() -> s.execute("COMMIT")).isInstanceOf(SQLException.class).satisfies(e ->
                assertThat(((SQLException) e).getErrorCode()).isEqualTo(3902));
        }
    }

    /** Reads every result of a batch: an error further on surfaces only when the client gets there. */
    static void drain(Statement s, String batch) throws SQLException {
        boolean isResultSet = s.execute(batch);
        while (isResultSet || s.getUpdateCount() != -1) {
            isResultSet = s.getMoreResults();
        }
    }

    @Test
    void xactAbortRollsBackTheWholeTransactionOnAnError() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> drain(s, "SET XACT_ABORT ON; BEGIN TRAN; INSERT INTO dbo.Accounts VALUES"
                + " (50, N'lost', 1); INSERT INTO dbo.Accounts VALUES (50, N'duplicate', 1); COMMIT"))
                .isInstanceOf(SQLException.class);
            assertThat(SqlLabClient.single(c, "SELECT @@TRANCOUNT")).isEqualTo("0");
            assertThat(count(c, "Id = 50")).isZero();
        }
    }

    @Test
    void closingAConnectionRollsBackItsOpenTransaction() throws Exception {
        try (Connection c = db.asAdmin()) {
            c.setAutoCommit(false);
            insert(c, 60, "abandoned");
        }
        try (Connection c = db.asAdmin()) {
            assertThat(count(c, "Id = 60")).isZero();
        }
    }
}
