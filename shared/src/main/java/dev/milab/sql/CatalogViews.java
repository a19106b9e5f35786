package dev.milab.sql;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.milab.sql.tsql.StatementAnalysis.Permission;
import dev.milab.sql.tsql.TsqlException;

/**
 * The catalog views the lab offers, as one session may see them. SQL Server's metadata visibility rule decides the
 * rows: a user sees the securables it owns or has some permission on (Microsoft Learn, "Metadata visibility
 * configuration"), so a user without permissions sees no table and none of its columns; the fixed schemas and
 * principals are visible to everyone. {@code sys.dm_exec_sessions} and {@code sys.dm_exec_requests} show the
 * session itself, and every session of the database to a holder of VIEW DATABASE STATE (Azure SQL Database: the
 * server admins and {@code db_owner}); neither shows statement text.
 *
 * <p>Each view becomes a query over literal rows computed here, from the lab's users and permissions and from the
 * keeper's reading of H2's catalog, so H2's own {@code INFORMATION_SCHEMA} (sessions and their SQL, settings, users,
 * rights) never answers a client. Any other name in {@code INFORMATION_SCHEMA} or {@code sys} is 208.
 */
final class CatalogViews {

    /** A column of a view: its name and the H2 type its values are cast to. */
    private record Column(String name, String type) {
    }

    private static final String NAME = "NVARCHAR(128)";
    private static final Map<String, List<Column>> VIEWS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        VIEWS.put("INFORMATION_SCHEMA.TABLES", columns("TABLE_CATALOG", NAME, "TABLE_SCHEMA", NAME, "TABLE_NAME",
            NAME, "TABLE_TYPE", "VARCHAR(10)"));
        VIEWS.put("INFORMATION_SCHEMA.COLUMNS", columns("TABLE_CATALOG", NAME, "TABLE_SCHEMA", NAME, "TABLE_NAME",
            NAME, "COLUMN_NAME", NAME, "ORDINAL_POSITION", "INT", "COLUMN_DEFAULT", "NVARCHAR(4000)", "IS_NULLABLE",
            "VARCHAR(3)", "DATA_TYPE", NAME, "CHARACTER_MAXIMUM_LENGTH", "INT", "NUMERIC_PRECISION", "TINYINT",
            "NUMERIC_SCALE", "INT"));
        VIEWS.put("INFORMATION_SCHEMA.SCHEMATA", columns("CATALOG_NAME", NAME, "SCHEMA_NAME", NAME, "SCHEMA_OWNER",
            NAME));
        VIEWS.put("SYS.SCHEMAS", columns("name", NAME, "schema_id", "INT", "principal_id", "INT"));
        List<Column> objects = columns("name", NAME, "object_id", "INT", "schema_id", "INT", "type", "CHAR(2)",
            "type_desc", "NVARCHAR(60)");
        VIEWS.put("SYS.OBJECTS", objects);
        VIEWS.put("SYS.TABLES", objects);
        VIEWS.put("SYS.VIEWS", objects);
        VIEWS.put("SYS.COLUMNS", columns("object_id", "INT", "name", NAME, "column_id", "INT", "is_nullable",
            "BIT"));
        VIEWS.put("SYS.DATABASE_PRINCIPALS", columns("name", NAME, "principal_id", "INT", "type", "CHAR(1)",
            "type_desc", "NVARCHAR(60)"));
        VIEWS.put("SYS.DM_EXEC_SESSIONS", columns("session_id", "SMALLINT", "login_time", "DATETIME", "login_name",
            NAME, "status", "NVARCHAR(30)", "is_user_process", "BIT"));
        VIEWS.put("SYS.DM_EXEC_REQUESTS", columns("session_id", "SMALLINT", "status", "NVARCHAR(30)", "command",
            "NVARCHAR(32)"));
    }

    /** SQL Server's fixed schemas and their ids; user schemas number from 5. */
    private static final List<String> FIXED_SCHEMAS = List.of("dbo", "guest", "INFORMATION_SCHEMA", "sys");

    private final SqlSession session;
    private final SqlDatabase db;
    private final SessionIdentity identity;

    CatalogViews(SqlSession session) {
        this.session = session;
        this.db = session.database();
        this.identity = session.context().identity();
    }

    private static List<Column> columns(String... nameAndType) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < nameAndType.length; i += 2) {
            columns.add(new Column(nameAndType[i], nameAndType[i + 1]));
        }
        return List.copyOf(columns);
    }

    /** The view as a parenthesized query of the rows this session may see; 208 for a view the lab lacks. */
    String query(String schema, String view, String written) {
        String key = schema + "." + view;
        List<Column> columns = VIEWS.get(key);
        if (columns == null) {
            throw new TsqlException(208, "Invalid object name '" + written + "'.");
        }
        return render(columns, rows(key.toUpperCase(Locale.ROOT)));
    }

    private List<Object[]> rows(String view) {
        return switch (view) {
            case "INFORMATION_SCHEMA.TABLES" -> visibleObjects().stream().map(o -> new Object[] {db.name(),
                o.schema, o.name, o.view ? "VIEW" : "BASE TABLE"}).toList();
            case "INFORMATION_SCHEMA.COLUMNS" -> visibleColumns().stream().map(c -> new Object[] {db.name(),
                c.schema, c.table, c.name, c.position, c.defaultValue, c.nullable ? "YES" : "NO", c.dataType,
                c.maxLength, c.precision, c.scale}).toList();
            case "INFORMATION_SCHEMA.SCHEMATA" -> visibleSchemas().entrySet().stream().map(e -> new Object[] {
                db.name(), e.getKey(), "dbo"}).toList();
            case "SYS.SCHEMAS" -> visibleSchemas().entrySet().stream().map(e -> new Object[] {e.getKey(),
                e.getValue(), 1}).toList();
            case "SYS.OBJECTS", "SYS.TABLES", "SYS.VIEWS" -> {
                Map<String, Integer> schemaIds = schemaIds();
                yield visibleObjects().stream()
                    .filter(o -> view.equals("SYS.OBJECTS") || o.view == view.equals("SYS.VIEWS"))
                    .map(o -> new Object[] {o.name, o.objectId(), schemaIds.get(o.schema.toLowerCase(Locale.ROOT)),
                        o.view ? "V " : "U ", o.view ? "VIEW" : "USER_TABLE"}).toList();
            }
            case "SYS.COLUMNS" -> visibleColumns().stream().map(c -> new Object[] {objectId(c.schema, c.table),
                c.name, c.position, c.nullable}).toList();
            case "SYS.DATABASE_PRINCIPALS" -> principals();
            case "SYS.DM_EXEC_SESSIONS" -> sessions().stream().map(s -> new Object[] {s.context().spid(),
                LocalDateTime.ofInstant(s.loginTime, ZoneOffset.UTC), s.context().identity().loginName(),
                s == session || s.runningCommand() != null ? "running" : "sleeping", true}).toList();
            case "SYS.DM_EXEC_REQUESTS" -> sessions().stream().filter(s -> s == session || s.runningCommand() != null)
                .map(s -> new Object[] {s.context().spid(), "running", s == session ? "SELECT" : s.runningCommand()})
                .toList();
            default -> List.of();
        };
    }

    /** A table or view of the database. */
    private record DataObject(String schema, String name, boolean view) {
        int objectId() {
            return CatalogViews.objectId(schema, name);
        }
    }

    /** A column, as INFORMATION_SCHEMA.COLUMNS and sys.columns describe it. */
    private record DataColumn(String schema, String table, String name, int position, String defaultValue,
                              boolean nullable, String dataType, Integer maxLength, Integer precision,
                              Integer scale) {
    }

    /** A stable positive id for an object (SQL Server's are ints the catalog assigns; the lab derives one). */
    private static int objectId(String schema, String name) {
        int h = (schema + "." + name).toLowerCase(Locale.ROOT).hashCode() & 0x3fffffff;
        return h == 0 ? 1 : h;
    }

    private List<DataObject> visibleObjects() {
        List<DataObject> objects = new ArrayList<>();
        for (Object[] r : db.data().catalogRows("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES"
            + " WHERE TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'PUBLIC') ORDER BY TABLE_SCHEMA, TABLE_NAME")) {
            DataObject o = new DataObject((String) r[0], (String) r[1], "VIEW".equals(r[2]));
            if (visible(o.schema, o.name)) {
                objects.add(o);
            }
        }
        return objects;
    }

    /** Some permission on the object, through a role, a grant to the user or public, on it or its schema. */
    private boolean visible(String schema, String object) {
        if (db.isOwner(identity)) {
            return true;
        }
        for (Permission p : Permission.values()) {
            if (db.isAllowed(identity, schema, object, p)) {
                return true;
            }
        }
        return false;
    }

    private List<DataColumn> visibleColumns() {
        List<DataColumn> columns = new ArrayList<>();
        for (Object[] r : db.data().catalogRows("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, "
            + "COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
            + "DOMAIN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'PUBLIC')"
            + " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION")) {
            String schema = (String) r[0];
            String table = (String) r[1];
            if (!visible(schema, table)) {
                continue;
            }
            String h2Type = (String) r[6];
            boolean tinyint = dev.milab.sql.tsql.H2Translation.TINYINT_DOMAIN.equals(r[10]);
            String type = tinyint ? "tinyint" : sqlServerType(h2Type);
            Integer length = r[7] == null ? null : ((Number) r[7]).longValue() > 8000 ? -1 : ((Number) r[7])
                .intValue();
            boolean numeric = r[8] != null && !type.contains("char") && !type.contains("binary");
            columns.add(new DataColumn(schema, table, (String) r[2], ((Number) r[3]).intValue(), (String) r[4],
                "YES".equals(r[5]), type, type.contains("char") || type.contains("binary") ? length : null,
                numeric ? ((Number) r[8]).intValue() : null, numeric && r[9] != null ? ((Number) r[9]).intValue()
                : null));
        }
        return columns;
    }

    /** SQL Server's name for the H2 type a column got from the lab's translation. */
    private static String sqlServerType(String h2) {
        return switch (h2) {
            case "CHARACTER VARYING", "CHARACTER LARGE OBJECT" -> "nvarchar";
            case "CHARACTER" -> "nchar";
            case "INTEGER" -> "int";
            case "BIGINT" -> "bigint";
            case "SMALLINT" -> "smallint";
            case "TINYINT" -> "tinyint";
            case "BOOLEAN" -> "bit";
            case "NUMERIC", "DECIMAL" -> "decimal";
            case "DOUBLE PRECISION" -> "float";
            case "REAL" -> "real";
            case "DATE" -> "date";
            case "TIME" -> "time";
            case "TIMESTAMP" -> "datetime2";
            case "TIMESTAMP WITH TIME ZONE" -> "datetimeoffset";
            case "BINARY VARYING", "BINARY LARGE OBJECT" -> "varbinary";
            case "BINARY" -> "binary";
            case "UUID" -> "uniqueidentifier";
            default -> h2.toLowerCase(Locale.ROOT);
        };
    }

    /** Every schema with its id: the fixed ones 1 to 4, the others from 5 in name order. */
    private Map<String, Integer> schemaIds() {
        Map<String, Integer> ids = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < FIXED_SCHEMAS.size(); i++) {
            ids.put(FIXED_SCHEMAS.get(i), i + 1);
        }
        int next = FIXED_SCHEMAS.size() + 1;
        for (Object[] r : db.data().catalogRows("SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME NOT"
            + " IN ('INFORMATION_SCHEMA', 'PUBLIC', 'dbo') ORDER BY SCHEMA_NAME")) {
            ids.putIfAbsent((String) r[0], next++);
        }
        return ids;
    }

    /** The fixed schemas; others to their owners (db_owner), the data roles, and holders of a grant on them. */
    private Map<String, Integer> visibleSchemas() {
        Map<String, Integer> visible = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        DatabaseUser user = db.user(identity.userName()).orElse(null);
        boolean all = db.isOwner(identity) || (user != null && (user.isMemberOf(DatabaseRole.DB_DATAREADER)
            || user.isMemberOf(DatabaseRole.DB_DATAWRITER)));
        schemaIds().forEach((name, id) -> {
            if (id <= FIXED_SCHEMAS.size() || all || grantedOnSchema(name, user)) {
                visible.put(name, id);
            }
        });
        return visible;
    }

    private boolean grantedOnSchema(String schema, DatabaseUser user) {
        return db.permissions().entries().stream().anyMatch(e -> e.state() == ObjectPermissions.State.GRANT
            && e.securable().name() == null && e.securable().schema().equalsIgnoreCase(schema)
            && (e.principal().equals(ObjectPermissions.PUBLIC) || (user != null
            && e.principal().equalsIgnoreCase(user.name()))));
    }

    /**
     * {@code public}, dbo, guest, INFORMATION_SCHEMA, sys and the fixed roles for everyone, with the user itself;
     * the other users only to the owners (SQL Server asks ALTER ANY USER or a permission on the user).
     */
    private List<Object[]> principals() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"public", 0, "R", "DATABASE_ROLE"});
        rows.add(new Object[] {"dbo", 1, "S", "SQL_USER"});
        rows.add(new Object[] {"guest", 2, "S", "SQL_USER"});
        rows.add(new Object[] {"INFORMATION_SCHEMA", 3, "S", "SQL_USER"});
        rows.add(new Object[] {"sys", 4, "S", "SQL_USER"});
        List<DatabaseUser> users = new ArrayList<>(db.users());
        users.sort(Comparator.comparing(u -> u.name().toLowerCase(Locale.ROOT)));
        boolean owner = db.isOwner(identity);
        for (int i = 0; i < users.size(); i++) {
            DatabaseUser u = users.get(i);
            if (owner || u.name().equalsIgnoreCase(identity.userName())) {
                boolean external = u.kind() == DatabaseUser.Kind.EXTERNAL;
                rows.add(new Object[] {u.name(), 5 + i, external ? "E" : "S", external ? "EXTERNAL_USER"
                    : "SQL_USER"});
            }
        }
        rows.add(new Object[] {"db_owner", 16384, "R", "DATABASE_ROLE"});
        rows.add(new Object[] {"db_datareader", 16390, "R", "DATABASE_ROLE"});
        rows.add(new Object[] {"db_datawriter", 16391, "R", "DATABASE_ROLE"});
        return rows;
    }

    /** The session itself; every session of this database with VIEW DATABASE STATE (owners, in the lab). */
    private List<SqlSession> sessions() {
        boolean viewDatabaseState = db.isOwner(identity);
        List<SqlSession> all = new ArrayList<>(db.server().service().sessions());
        if (!all.contains(session)) {
            all.add(session);
        }
        return all.stream().filter(s -> s == session || (viewDatabaseState && s.database() == db))
            .sorted(Comparator.comparingInt(s -> s.context().spid())).toList();
    }

    /** {@code (SELECT CAST(c1 AS type) AS "name", … FROM (VALUES …) AS v(c1, …))}: typed, one value per column. */
    private static String render(List<Column> columns, List<Object[]> rows) {
        StringBuilder sql = new StringBuilder("(SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("CAST(c").append(i).append(" AS ").append(columns.get(i).type())
                .append(") AS \"").append(columns.get(i).name()).append('"');
        }
        sql.append(" FROM (VALUES ");
        List<Object[]> values = rows.isEmpty() ? List.<Object[]>of(new Object[columns.size()]) : rows;
        for (int r = 0; r < values.size(); r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int i = 0; i < columns.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(literal(values.get(r)[i]));
            }
            sql.append(')');
        }
        sql.append(") AS v(");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "c" : ", c").append(i);
        }
        sql.append(')').append(rows.isEmpty() ? " WHERE 1 = 0)" : ")");
        return sql.toString();
    }

    private static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof LocalDateTime t) {
            return "TIMESTAMP '" + t.toString().replace('T', ' ') + "'";
        }
        return "N'" + Objects.toString(value).replace("'", "''") + "'";
    }
}
