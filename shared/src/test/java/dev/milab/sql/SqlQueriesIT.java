package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Statements through unmodified mssql-jdbc: CRUD, several results per batch, errors as SQL Server numbers them. */
class SqlQueriesIT {

    static SqlTestDatabase db;

    @BeforeAll
    static void seed() {
        db = SqlTestDatabase.create("sqlqueries");
        db.database.seed("""
            CREATE TABLE dbo.Customers (Id int PRIMARY KEY, Name nvarchar(100) NOT NULL);
            CREATE TABLE dbo.Orders (
                Id int IDENTITY(1,1) PRIMARY KEY,
                CustomerId int NOT NULL REFERENCES dbo.Customers(Id),
                Product nvarchar(100) NOT NULL,
                Quantity int NOT NULL CONSTRAINT CK_Orders_Quantity CHECK (Quantity > 0));
            INSERT INTO dbo.Customers VALUES (1, N'Zoë'), (2, N'Ana');
            INSERT INTO dbo.Orders (CustomerId, Product, Quantity) VALUES (1, N'Tea', 2), (2, N'Coffee', 1);
            """);
    }

    static void assertError(Connection c, String sql, int number, String message) {
        assertThatThrownBy(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }).isInstanceOf(SQLException.class).satisfies(e -> {
            assertThat(((SQLException) e).getErrorCode()).as(sql).isEqualTo(number);
            if (message != null) {
                assertThat(e.getMessage()).isEqualTo(message);
            }
        });
    }

    @Test
    void seededRowsReadBackWithUnicodeIntact() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT c.Name, o.Product, o.Quantity FROM dbo.Orders o JOIN "
                 + "dbo.Customers c ON c.Id = o.CustomerId ORDER BY o.Id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Zoë");
            assertThat(rs.getString("Product")).isEqualTo("Tea");
            assertThat(rs.getInt(3)).isEqualTo(2);
            assertThat(rs.next()).isTrue();
            assertThat(rs.next()).isFalse();
            assertThat(rs.getMetaData().getColumnTypeName(1)).isEqualTo("nvarchar");
        }
    }

    @Test
    void createReadUpdateDeleteWithStatement() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            s.executeUpdate("CREATE TABLE dbo.Notes (Id int PRIMARY KEY, Body nvarchar(max))");
            assertThat(s.executeUpdate("INSERT INTO dbo.Notes VALUES (1, N'first'), (2, N'zweite Notiz ✓')"))
                .isEqualTo(2);
            assertThat(s.executeUpdate("UPDATE dbo.Notes SET Body = Body + N'!' WHERE Id = 2")).isEqualTo(1);
            try (ResultSet rs = s.executeQuery("SELECT Body FROM dbo.Notes WHERE Id = 2")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("zweite Notiz ✓!");
            }
            assertThat(s.executeUpdate("DELETE FROM dbo.Notes")).isEqualTo(2);
            assertThat(s.executeUpdate("DROP TABLE dbo.Notes")).isZero();
        }
    }

    @Test
    void aBatchReturnsEveryResultAndUpdateCountInOrder() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            boolean isResultSet = s.execute("SELECT 1 AS one; UPDATE dbo.Customers SET Name = Name WHERE Id = 1;"
                + " SELECT Name FROM dbo.Customers ORDER BY Id");
            List<Object> seen = new ArrayList<>();
            while (true) {
                if (isResultSet) {
                    try (ResultSet rs = s.getResultSet()) {
                        while (rs.next()) {
                            seen.add(rs.getObject(1));
                        }
                    }
                } else if (s.getUpdateCount() == -1) {
                    break;
                } else {
                    seen.add("updated " + s.getUpdateCount());
                }
                isResultSet = s.getMoreResults();
            }
            assertThat(seen).containsExactly(1, "updated 1", "Zoë", "Ana");
        }
    }

    @Test
    void generatedKeysComeFromScopeIdentity() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO dbo.Orders (CustomerId, Product, Quantity) VALUES (2, N'Cake', 3)",
                Statement.RETURN_GENERATED_KEYS);
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                long id = keys.getLong(1);
                try (ResultSet rs = s.executeQuery("SELECT Product FROM dbo.Orders WHERE Id = " + id)) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("Cake");
                }
            }
        }
    }

    @Test
    void maxRowsLimitsWhatASelectReturns() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement()) {
            s.setMaxRows(1);
            try (ResultSet rs = s.executeQuery("SELECT Id FROM dbo.Customers ORDER BY Id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.next()).isFalse();
            }
            s.setMaxRows(0);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Customers")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    void everydayTsqlRuns() throws Exception {
        try (Connection c = db.asAdmin()) {
            for (String page : new String[] {"SELECT TOP (?) Product FROM dbo.Orders WITH (NOLOCK) WHERE Quantity > ?"
                + " ORDER BY Id", "SELECT Product FROM dbo.Orders WHERE Quantity > ? ORDER BY Id OFFSET 0 ROWS FETCH "
                + "NEXT ? ROWS ONLY"}) {
                try (java.sql.PreparedStatement ps = c.prepareStatement(page)) {
                    ps.setInt(1, page.contains("TOP") ? 1 : 0);
                    ps.setInt(2, page.contains("TOP") ? 0 : 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.next()).as(page).isFalse();
                    }
                }
            }
            try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.Orders (CustomerId, Product, "
                + "Quantity) VALUES (?, ?, ?); SELECT CAST(SCOPE_IDENTITY() AS int) AS Id")) {
                ps.setInt(1, 1);
                ps.setString(2, "Biscuit");
                ps.setInt(3, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt("Id")).isPositive();
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("IF NOT EXISTS (SELECT 1 FROM dbo.Customers WHERE Id = 3) INSERT INTO dbo.Customers VALUES"
                    + " (3, N'Ida') ELSE UPDATE dbo.Customers SET Name = N'Ida' WHERE Id = 3");
                s.execute("MERGE INTO dbo.Customers t USING (SELECT 3 AS Id, N'Ida B.' AS Name) src ON t.Id = src.Id"
                    + " WHEN MATCHED THEN UPDATE SET Name = src.Name WHEN NOT MATCHED THEN INSERT (Id, Name) VALUES"
                    + " (src.Id, src.Name);");
                try (ResultSet rs = s.executeQuery("SELECT Name, DATEADD(day, -7, SYSUTCDATETIME()) AS WeekAgo, "
                    + "IIF(Id > 2, N'new', N'old') AS Age, ISNULL(NULL, 0) AS Zero FROM dbo.Customers WHERE Id = 3")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("Name")).isEqualTo("Ida B.");
                    assertThat(rs.getTimestamp("WeekAgo")).isNotNull();
                    assertThat(rs.getString("Age")).isEqualTo("new");
                    assertThat(rs.getInt("Zero")).isZero();
                }
                s.execute("DELETE FROM dbo.Customers WHERE Id = 3");
                assertThat(SqlLabClient.single(c, "SELECT @@ROWCOUNT")).isEqualTo("1");
                s.execute("PRINT N'done'");
                assertThat(s.getWarnings().getMessage()).isEqualTo("done");
            }
        }
    }

    @Test
    void errorsCarrySqlServerNumbersAndTheSessionStaysUsable() throws Exception {
        try (Connection c = db.asAdmin()) {
            assertError(c, "SELECT * FROM", 102, "Incorrect syntax near 'FROM'.");
            assertError(c, "SELECT * FROM dbo.Orderz", 208, "Invalid object name 'dbo.Orderz'.");
            assertError(c, "SELECT Nope FROM dbo.Orders", 207, "Invalid column name 'Nope'.");
            assertError(c, "INSERT INTO dbo.Customers VALUES (1, N'again')", 2627, null);
            assertError(c, "INSERT INTO dbo.Orders (CustomerId, Product, Quantity) VALUES (99, N'x', 1)", 547, null);
            assertError(c, "INSERT INTO dbo.Orders (CustomerId, Product, Quantity) VALUES (1, N'x', 0)", 547,
                "The INSERT statement conflicted with the CHECK constraint \"CK_Orders_Quantity\". The conflict"
                    + " occurred in database \"db1\", table \"dbo.Orders\", column 'Quantity'.");
            assertError(c, "DELETE FROM dbo.Customers WHERE Id = 1", 547, null);
            assertError(c, "SELECT 1/0", 8134, "Divide by zero error encountered.");
            assertThat(c.isValid(5)).isTrue();
            assertThat(SqlLabClient.single(c, "SELECT N'still here'")).isEqualTo("still here");
        }
    }
}
