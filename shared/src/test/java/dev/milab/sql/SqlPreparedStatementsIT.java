package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.RpcRequestMessage;

/**
 * PreparedStatement through unmodified mssql-jdbc: the driver moves from sp_executesql to sp_prepexec to
 * sp_execute on its own as a statement is reused (or sp_prepare with {@code prepareMethod=prepare}), batches go as
 * several RPC calls in one request, handles are released with sp_unprepare.
 */
class SqlPreparedStatementsIT {

    static SqlTestDatabase db;
    final List<String> procedures = new ArrayList<>();

    @BeforeAll
    static void seed() {
        db = SqlTestDatabase.create("sqlprepared");
        db.database.seed("""
            CREATE TABLE dbo.Orders (Id int IDENTITY(1,1) PRIMARY KEY, Product nvarchar(100) NOT NULL,
                Quantity int NOT NULL);
            INSERT INTO dbo.Orders (Product, Quantity) VALUES (N'Tea', 2), (N'Coffee', 1), (N'Cake', 5);
            """);
    }

    /** Records the RPC procedures (and batches) the driver sends from now on. */
    void tap() {
        db.lab.azureSql().tapClientMessages(m -> {
            try {
                if (m.type() == PacketType.RPC) {
                    for (RpcRequestMessage.Call call : RpcRequestMessage.decode(m.payload()).calls()) {
                        synchronized (procedures) {
                            procedures.add(call.displayName());
                        }
                    }
                } else if (m.type() == PacketType.SQL_BATCH) {
                    synchronized (procedures) {
                        procedures.add("batch");
                    }
                }
            } catch (Exception e) {
                synchronized (procedures) {
                    procedures.add("undecodable " + e);
                }
            }
        });
    }

    @AfterEach
    void untap() {
        db.lab.azureSql().tapClientMessages(null);
    }

    @Test
    void aReusedStatementGoesFromExecuteSqlToPrepExecToExecute() throws Exception {
        try (Connection c = db.asAdmin();
             PreparedStatement ps = c.prepareStatement("SELECT Product FROM dbo.Orders WHERE Quantity >= ? "
                 + "AND Product <> ? ORDER BY Id")) {
            tap();
            List<String> seen = new ArrayList<>();
            for (int minimum : new int[] {1, 2, 5}) {
                ps.setInt(1, minimum);
                ps.setString(2, "Zoë");
                try (ResultSet rs = ps.executeQuery()) {
                    StringBuilder products = new StringBuilder();
                    while (rs.next()) {
                        products.append(rs.getString(1)).append(' ');
                    }
                    seen.add(products.toString().strip());
                }
            }
            assertThat(seen).containsExactly("Tea Coffee Cake", "Tea Cake", "Cake");
        }
        assertThat(procedures).startsWith("sp_executesql", "sp_prepexec", "sp_execute");
    }

    @Test
    void prepareMethodPrepareUsesSpPrepareAndUnprepareReleasesTheHandle() throws Exception {
        SQLServerDataSource ds = db.dataSource(db.admin);
        ds.setPrepareMethod("prepare");
        ds.setServerPreparedStatementDiscardThreshold(1);
        try (Connection c = ds.getConnection()) {
            tap();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dbo.Orders WHERE Quantity > ? AND Id <= 3")) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(3 - i);
                    }
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
        assertThat(procedures).contains("sp_executesql", "sp_prepare", "sp_execute", "sp_unprepare");
    }

    @Test
    void updatesReturnCountsAndGeneratedKeys() throws Exception {
        try (Connection c = db.asAdmin();
             PreparedStatement insert = c.prepareStatement("INSERT INTO dbo.Orders (Product, Quantity) VALUES (?, ?)",
                 Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, "Scone");
            insert.setInt(2, 4);
            assertThat(insert.executeUpdate()).isEqualTo(1);
            long id;
            try (ResultSet keys = insert.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                id = keys.getLong(1);
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE dbo.Orders SET Quantity = Quantity + ? "
                + "WHERE Id = ?")) {
                update.setInt(1, 1);
                update.setLong(2, id);
                assertThat(update.executeUpdate()).isEqualTo(1);
                update.setLong(2, -1);
                assertThat(update.executeUpdate()).isZero();
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM dbo.Orders WHERE Id = ?")) {
                delete.setLong(1, id);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
        }
    }

    @Test
    void batchesRunEveryParameterSetInOneRequest() throws Exception {
        try (Connection c = db.asAdmin()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE dbo.Lines (Id int PRIMARY KEY, Note nvarchar(20))");
            }
            tap();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.Lines (Id, Note) VALUES (?, ?)")) {
                for (int i = 1; i <= 5; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "line " + i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1, 1, 1);
                ps.setInt(1, 6);
                ps.setString(2, "six");
                ps.addBatch();
                ps.setInt(1, 1);
                ps.setString(2, "duplicate");
                ps.addBatch();
                ps.setInt(1, 7);
                ps.setString(2, "seven");
                ps.addBatch();
                assertThatThrownBy(ps::executeBatch).isInstanceOf(BatchUpdateException.class).satisfies(e ->
                    assertThat(((BatchUpdateException) e).getUpdateCounts()).containsExactly(1,
                        Statement.EXECUTE_FAILED, 1));
            }
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO dbo.Lines VALUES (8, N'eight')");
                s.addBatch("UPDATE dbo.Lines SET Note = N'changed' WHERE Id <= 2");
                assertThat(s.executeBatch()).containsExactly(1, 2);
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Lines")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(8);
                }
            }
        }
        assertThat(procedures).contains("sp_prepexec");
    }

    @Test
    void parametersAreValuesNeverSql() throws Exception {
        try (Connection c = db.asAdmin();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dbo.Orders WHERE Product = ?")) {
            ps.setString(1, "x' OR '1'='1");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }
}
