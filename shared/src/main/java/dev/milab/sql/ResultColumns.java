package dev.milab.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.milab.sql.tds.ColMetadataToken;
import dev.milab.sql.tds.ColMetadataToken.Column;
import dev.milab.sql.tds.TypeInfo;

/**
 * The columns of an H2 result as SQL Server would describe them (COLMETADATA), and a reader per column that
 * fetches each value in the Java form {@link dev.milab.sql.tds.TdsValues} writes. H2 character types become
 * {@code nvarchar}/{@code nchar} (the lab keeps all text Unicode), H2's TIMESTAMP {@code datetime2}, TIMESTAMP WITH
 * TIME ZONE {@code datetimeoffset}, UUID {@code uniqueidentifier}; a column declared {@code tinyint} (H2's domain)
 * is {@code tinyint} again. Types SQL Server has no counterpart for travel as {@code nvarchar(max)} text.
 */
final class ResultColumns {

    /** Not a java.sql.Types code: H2 reports UUID as BINARY, the lab tells it apart by name. */
    private static final int UUID_TYPE = Integer.MIN_VALUE;

    /** Reads one column of the current row. */
    @FunctionalInterface
    private interface Reader {
        Object read(ResultSet rs, int column) throws SQLException;
    }

    private final List<Column> columns;
    private final Reader[] readers;

    private ResultColumns(List<Column> columns, Reader[] readers) {
        this.columns = columns;
        this.readers = readers;
    }

    List<Column> columns() {
        return columns;
    }

    static ResultColumns of(ResultSetMetaData md, H2Database data) throws SQLException {
        int n = md.getColumnCount();
        List<Column> columns = new ArrayList<>(n);
        Reader[] readers = new Reader[n];
        for (int i = 1; i <= n; i++) {
            int flags = (md.isNullable(i) == ResultSetMetaData.columnNoNulls ? 0 : ColMetadataToken.FLAG_NULLABLE)
                | (md.isAutoIncrement(i) ? ColMetadataToken.FLAG_IDENTITY : 0);
            TypeInfo type;
            Reader reader;
            int precision = md.getPrecision(i);
            int scale = md.getScale(i);
            String typeName = md.getColumnTypeName(i);
            switch (typeName.equals("UUID") ? UUID_TYPE : md.getColumnType(i)) {
                case Types.INTEGER -> {
                    type = TypeInfo.intN(4);
                    reader = (rs, c) -> nullable(rs, rs.getInt(c));
                }
                case Types.BIGINT -> {
                    type = TypeInfo.intN(8);
                    reader = (rs, c) -> nullable(rs, rs.getLong(c));
                }
                case Types.SMALLINT -> {
                    String table = md.getTableName(i);
                    boolean tinyint = table != null && !table.isEmpty()
                        && data.isTinyint(md.getSchemaName(i), table, md.getColumnName(i));
                    type = TypeInfo.intN(tinyint ? 1 : 2);
                    reader = (rs, c) -> nullable(rs, rs.getShort(c));
                }
                case Types.TINYINT -> {
                    type = TypeInfo.intN(2);
                    reader = (rs, c) -> nullable(rs, rs.getShort(c));
                }
                case Types.BOOLEAN, Types.BIT -> {
                    type = TypeInfo.bitN();
                    reader = (rs, c) -> nullable(rs, rs.getBoolean(c));
                }
                case Types.DECIMAL, Types.NUMERIC -> {
                    if (typeName.equals("DECFLOAT")) {
                        type = TypeInfo.fltN(8);
                        reader = (rs, c) -> {
                            BigDecimal v = rs.getBigDecimal(c);
                            return v == null ? null : v.doubleValue();
                        };
                    } else {
                        int p = precision <= 0 || precision > 38 ? 38 : precision;
                        int s = Math.max(0, Math.min(scale, p));
                        type = TypeInfo.decimalN(p, s);
                        reader = (rs, c) -> decimal(rs.getBigDecimal(c), p, s);
                    }
                }
                case Types.DOUBLE, Types.FLOAT -> {
                    type = TypeInfo.fltN(8);
                    reader = (rs, c) -> nullable(rs, rs.getDouble(c));
                }
                case Types.REAL -> {
                    type = TypeInfo.fltN(4);
                    reader = (rs, c) -> nullable(rs, rs.getFloat(c));
                }
                case Types.CHAR, Types.NCHAR -> {
                    type = precision > 0 && precision <= TypeInfo.SHORT_MAX_BYTES / 2 ? TypeInfo.nchar(precision)
                        : TypeInfo.nvarchar(-1);
                    reader = ResultSet::getString;
                }
                case Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                    type = TypeInfo.varbinary(precision);
                    reader = ResultSet::getBytes;
                }
                case Types.BINARY -> {
                    type = precision > 0 && precision <= TypeInfo.SHORT_MAX_BYTES ? TypeInfo.binary(precision)
                        : TypeInfo.varbinary(-1);
                    reader = ResultSet::getBytes;
                }
                case Types.DATE -> {
                    type = TypeInfo.date();
                    reader = (rs, c) -> rs.getObject(c, LocalDate.class);
                }
                case Types.TIME -> {
                    type = TypeInfo.time(Math.min(7, scale));
                    reader = (rs, c) -> rs.getObject(c, LocalTime.class);
                }
                case Types.TIME_WITH_TIMEZONE -> {
                    type = TypeInfo.time(Math.min(7, scale));
                    reader = (rs, c) -> {
                        OffsetTime t = rs.getObject(c, OffsetTime.class);
                        return t == null ? null : t.toLocalTime();
                    };
                }
                case Types.TIMESTAMP -> {
                    type = TypeInfo.datetime2(Math.min(7, scale));
                    reader = (rs, c) -> rs.getObject(c, LocalDateTime.class);
                }
                case Types.TIMESTAMP_WITH_TIMEZONE -> {
                    type = TypeInfo.datetimeOffset(Math.min(7, scale));
                    reader = (rs, c) -> rs.getObject(c, OffsetDateTime.class);
                }
                case UUID_TYPE -> {
                    type = TypeInfo.guid();
                    reader = (rs, c) -> rs.getObject(c, UUID.class);
                }
                case Types.NULL -> {
                    type = TypeInfo.intN(4);
                    reader = (rs, c) -> null;
                }
                case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> {
                    type = TypeInfo.nvarchar(precision);
                    reader = ResultSet::getString;
                }
                default -> {
                    type = TypeInfo.nvarchar(-1);
                    reader = ResultSet::getString;
                }
            }
            columns.add(new Column(md.getColumnLabel(i), type, flags));
            readers[i - 1] = reader;
        }
        return new ResultColumns(List.copyOf(columns), readers);
    }

    /** The current row's values; a decimal that does not fit its column is SQL Server's arithmetic overflow. */
    Object[] read(ResultSet rs) throws SQLException {
        Object[] values = new Object[readers.length];
        for (int i = 0; i < readers.length; i++) {
            values[i] = readers[i].read(rs, i + 1);
        }
        return values;
    }

    private static Object nullable(ResultSet rs, Object value) throws SQLException {
        return rs.wasNull() ? null : value;
    }

    private static BigDecimal decimal(BigDecimal value, int precision, int scale) {
        if (value == null) {
            return null;
        }
        BigDecimal v = value.setScale(scale, RoundingMode.HALF_UP);
        if (v.precision() - v.scale() > precision - scale) {
            throw new SqlErrorException(AzureSqlErrors.arithmeticOverflow("numeric"));
        }
        return v;
    }
}
