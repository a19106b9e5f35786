package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import microsoft.sql.DateTimeOffset;

/**
 * Every type the demos use, both ways through unmodified mssql-jdbc: written with the driver's setters (as RPC
 * parameters), read back with its getters (from COLMETADATA and ROW/NBCROW), NULLs included, and described by
 * ResultSetMetaData as SQL Server describes them.
 */
class SqlTypesIT {

    static SqlTestDatabase db;
    static final String COLUMNS = "I, BI, SI, TI, B, D, F, R, NV, NVMAX, V, NC, DT2, DA, T, DTO, G, VB, VBMAX";
    static final byte[] SMALL_BYTES = {0, 1, (byte) 0xFE, (byte) 0xFF};
    static final byte[] LARGE_BYTES = new byte[20_000];
    static final String LARGE_TEXT = "Zoë ✓ ".repeat(3000);
    static final UUID GUID = UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff");
    static final OffsetDateTime OFFSET = OffsetDateTime.of(2024, 2, 29, 23, 59, 58, 123_456_700,
        ZoneOffset.ofHoursMinutes(5, 30));
    static final LocalDateTime DATETIME = LocalDateTime.of(2025, 1, 2, 3, 4, 5, 678_912_300);

    static {
        for (int i = 0; i < LARGE_BYTES.length; i++) {
            LARGE_BYTES[i] = (byte) (i * 31);
        }
    }

    @BeforeAll
    static void table() {
        db = SqlTestDatabase.create("sqltypes");
        db.database.seed("""
            CREATE TABLE dbo.AllTypes (Id int PRIMARY KEY, I int, BI bigint, SI smallint, TI tinyint, B bit,
                D decimal(12,3), F float, R real, NV nvarchar(50), NVMAX nvarchar(max), V varchar(20), NC nchar(5),
                DT2 datetime2, DA date, T time, DTO datetimeoffset, G uniqueidentifier, VB varbinary(16),
                VBMAX varbinary(max))
            """);
    }

    @Test
    void everyTypeRoundTripsThroughParametersAndRows() throws Exception {
        // sendTimeAsDatetime=false sends a LocalTime as time(7); the default sends datetime (1/300 s), as with SQL Server
        com.microsoft.sqlserver.jdbc.SQLServerDataSource ds = db.dataSource(db.admin);
        ds.setSendTimeAsDatetime(false);
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.AllTypes (Id, " + COLUMNS + ") VALUES"
                + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setInt(2, -2_000_000_000);
                ps.setLong(3, 9_000_000_000_000_000_000L);
                ps.setShort(4, (short) -32_000);
                ps.setShort(5, (short) 255);
                ps.setBoolean(6, true);
                ps.setBigDecimal(7, new BigDecimal("-123456789.125"));
                ps.setDouble(8, Math.PI);
                ps.setFloat(9, 1.5f);
                ps.setString(10, "N'Zoë' ✓");
                ps.setString(11, LARGE_TEXT);
                ps.setString(12, "plain text");
                ps.setString(13, "abc");
                ps.setObject(14, DATETIME);
                ps.setDate(15, Date.valueOf(LocalDate.of(1, 1, 1)));
                ps.setObject(16, LocalTime.of(23, 59, 59, 999_999_900));
                ps.setObject(17, OFFSET);
                ps.setObject(18, GUID);
                ps.setBytes(19, SMALL_BYTES);
                ps.setBytes(20, LARGE_BYTES);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM dbo.AllTypes WHERE Id = ?")) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt("I")).isEqualTo(-2_000_000_000);
                    assertThat(rs.getLong("BI")).isEqualTo(9_000_000_000_000_000_000L);
                    assertThat(rs.getShort("SI")).isEqualTo((short) -32_000);
                    assertThat(rs.getShort("TI")).isEqualTo((short) 255);
                    assertThat(rs.getBoolean("B")).isTrue();
                    assertThat(rs.getBigDecimal("D")).isEqualByComparingTo("-123456789.125");
                    assertThat(rs.getDouble("F")).isEqualTo(Math.PI);
                    assertThat(rs.getFloat("R")).isEqualTo(1.5f);
                    assertThat(rs.getString("NV")).isEqualTo("N'Zoë' ✓");
                    assertThat(rs.getString("NVMAX")).isEqualTo(LARGE_TEXT);
                    assertThat(rs.getString("V")).isEqualTo("plain text");
                    assertThat(rs.getString("NC")).isEqualTo("abc  ");
                    assertThat(rs.getObject("DT2", LocalDateTime.class)).isEqualTo(DATETIME);
                    assertThat(rs.getObject("DA", LocalDate.class)).isEqualTo(LocalDate.of(1, 1, 1));
                    assertThat(rs.getObject("T", LocalTime.class)).isEqualTo(LocalTime.of(23, 59, 59, 999_999_900));
                    assertThat(rs.getObject("DTO", OffsetDateTime.class)).isEqualTo(OFFSET);
                    assertThat(((DateTimeOffset) rs.getObject("DTO")).getMinutesOffset()).isEqualTo(330);
                    assertThat(rs.getString("G")).isEqualToIgnoringCase(GUID.toString());
                    assertThat(rs.getBytes("VB")).isEqualTo(SMALL_BYTES);
                    assertThat(rs.getBytes("VBMAX")).isEqualTo(LARGE_BYTES);
                }
            }
        }
    }

    @Test
    void nullsTravelBothWays() throws Exception {
        int[] sqlTypes = {Types.INTEGER, Types.BIGINT, Types.SMALLINT, Types.TINYINT, Types.BIT, Types.DECIMAL,
            Types.DOUBLE, Types.REAL, Types.NVARCHAR, Types.NVARCHAR, Types.VARCHAR, Types.NCHAR, Types.TIMESTAMP,
            Types.DATE, Types.TIME, microsoft.sql.Types.DATETIMEOFFSET, Types.CHAR, Types.VARBINARY,
            Types.VARBINARY};
        try (Connection c = db.asAdmin()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.AllTypes (Id, " + COLUMNS + ") VALUES"
                + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 2);
                for (int i = 0; i < sqlTypes.length; i++) {
                    ps.setNull(i + 2, sqlTypes[i]);
                }
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM dbo.AllTypes WHERE Id = 2")) {
                assertThat(rs.next()).isTrue();
                List<Object> values = new ArrayList<>();
                for (int i = 1; i <= sqlTypes.length; i++) {
                    values.add(rs.getObject(i));
                    assertThat(rs.wasNull()).as("column %d", i).isTrue();
                }
                assertThat(values).containsOnlyNulls();
            }
        }
    }

    @Test
    void columnsAreDescribedAsSqlServerDescribesThem() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + COLUMNS + " FROM dbo.AllTypes WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnTypeName(i));
            }
            assertThat(names).containsExactly("int", "bigint", "smallint", "tinyint", "bit", "decimal", "float",
                "real", "nvarchar", "nvarchar", "nvarchar", "nchar", "datetime2", "date", "time", "datetimeoffset",
                "uniqueidentifier", "varbinary", "varbinary");
            assertThat(md.getPrecision(6)).isEqualTo(12);
            assertThat(md.getScale(6)).isEqualTo(3);
            assertThat(md.getPrecision(10)).isEqualTo(Integer.MAX_VALUE / 2);
            assertThat(md.getScale(13)).isEqualTo(7);
        }
    }

    @Test
    void countAndLenAreIntAndCountBigIsBigintAsInSqlServer() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT_BIG(*), LEN(N'abc  ') "
                 + "FROM (SELECT 1 AS Id UNION ALL SELECT 2) AS x")) {
            ResultSetMetaData md = rs.getMetaData();

            assertThat(List.of(md.getColumnType(1), md.getColumnType(2), md.getColumnType(3)))
                .containsExactly(Types.INTEGER, Types.BIGINT, Types.INTEGER);
            assertThat(List.of(md.getColumnTypeName(1), md.getColumnTypeName(2), md.getColumnTypeName(3)))
                .containsExactly("int", "bigint", "int");
            rs.next();
            assertThat(rs.getObject(1)).isEqualTo(2);
            assertThat(rs.getObject(2)).isEqualTo(2L);
            assertThat(rs.getObject(3)).as("LEN leaves out trailing spaces").isEqualTo(3);
        }
    }

    @Test
    void windowedCountIsIntAndWindowedCountBigIsBigint() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT Id, COUNT(*) OVER (), COUNT_BIG(Id) OVER (ORDER BY Id) "
                 + "FROM (SELECT 1 AS Id UNION ALL SELECT 2) AS x ORDER BY Id")) {
            ResultSetMetaData md = rs.getMetaData();

            assertThat(List.of(md.getColumnType(2), md.getColumnType(3))).containsExactly(Types.INTEGER, Types.BIGINT);
            rs.next();
            assertThat(rs.getObject(2)).isEqualTo(2);
            assertThat(rs.getObject(3)).isEqualTo(1L);
        }
    }

    @Test
    void literalsComeBackTyped() throws Exception {
        try (Connection c = db.asAdmin(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT N'Zoë', 1.50, CAST(7 AS tinyint), CAST(1 AS bit), 0x0AFF, "
                 + "CAST('2024-05-06 07:08:09.1234567 -02:00' AS datetimeoffset(7)), NULL, "
                 + "CAST('2024-05-06' AS date), CAST(2 AS bigint)")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("Zoë");
            assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("1.50");
            assertThat(rs.getInt(3)).isEqualTo(7);
            assertThat(rs.getBoolean(4)).isTrue();
            assertThat(rs.getBytes(5)).containsExactly(0x0A, 0xFF);
            assertThat(rs.getObject(6, OffsetDateTime.class)).isEqualTo(OffsetDateTime.of(2024, 5, 6, 7, 8, 9,
                123_456_700, ZoneOffset.ofHours(-2)));
            assertThat(rs.getObject(7)).isNull();
            assertThat(rs.getDate(8)).isEqualTo(Date.valueOf("2024-05-06"));
            assertThat(rs.getLong(9)).isEqualTo(2L);
        }
    }

    @Test
    void stringsSentAsVarcharArriveInTheCollationsCodePage() throws Exception {
        com.microsoft.sqlserver.jdbc.SQLServerDataSource ds = db.dataSource(db.admin);
        ds.setSendStringParametersAsUnicode(false);
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.AllTypes (Id, V, NV) VALUES (4, ?, ?)")) {
                ps.setString(1, "Zoë's café");
                ps.setString(2, "naïve");
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT V, NV FROM dbo.AllTypes WHERE V = ?")) {
                ps.setString(1, "Zoë's café");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("Zoë's café");
                    assertThat(rs.getString(2)).isEqualTo("naïve");
                }
            }
        }
    }

    @Test
    void legacyDateTimeParametersStillWork() throws Exception {
        try (Connection c = db.asAdmin()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.AllTypes (Id, DT2, T) VALUES (3, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.valueOf("2023-03-04 05:06:07.5"));
                ps.setTime(2, Time.valueOf("10:11:12"));
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT DT2, T FROM dbo.AllTypes WHERE Id = 3")) {
                rs.next();
                assertThat(rs.getTimestamp(1)).isEqualTo(Timestamp.valueOf("2023-03-04 05:06:07.5"));
                assertThat(rs.getTime(2).toString()).isEqualTo("10:11:12");
            }
        }
        assertThat(Arrays.asList(COLUMNS.split(", "))).hasSize(19);
    }
}
