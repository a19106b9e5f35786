package dev.milab.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.milab.sql.tsql.H2Translation;

/**
 * The engine behind one lab database: an in-memory H2 database in its MSSQLServer mode (identifiers case-insensitive
 * and case-preserving, as SQL_Latin1_General_CP1_CI_AS makes them), with the schema {@code dbo} and the unsigned
 * {@code tinyint} domain. It starts on first use; each TDS session gets its own H2 connection, so transactions and
 * their isolation are H2's per session. One more connection, kept by this object, holds the database open and
 * answers catalog questions (does {@code dbo.Orders} exist, and how is it spelled).
 *
 * <p>Sessions connect as an H2 user without admin rights ({@value #SESSION_USER}, with {@code ALTER ANY SCHEMA} for
 * data and DDL), so that whatever reaches H2 from a client, H2 itself shows it its own session only (H2's
 * {@code INFORMATION_SCHEMA.SESSIONS} lists all sessions to admins) and refuses H2's admin statements and functions
 * ({@code CREATE ALIAS}, {@code DB_OBJECT_SQL}, {@code SET} of database settings). The keeper is the admin.
 */
final class H2Database implements AutoCloseable {

    /**
     * The mode and identifier settings the lab fixes; writers wait 10 s for a row lock, then get SQL Server's error
     * 1222; H2 must not hand out a query's previous result again (it would ignore the isolation level); words
     * H2 reserves and T-SQL does not ({@code Value}, {@code Key}, {@code Year}, {@code Row}, …) stay usable as
     * column names.
     */
    static final String SETTINGS = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
        + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;OPTIMIZE_REUSE_RESULTS=FALSE"
        + ";NON_KEYWORDS=VALUE,KEY,YEAR,MONTH,DAY,HOUR,MINUTE,SECOND,ROW,ROWS,RANGE,GROUPS,LIMIT,MINUS,QUALIFY"
        + ",REGEXP,ROWNUM,UNKNOWN,WINDOW,ILIKE,INTERSECTS,_ROWID_,UESCAPE,SYMMETRIC,ASYMMETRIC,BOTH,LEADING"
        + ",TRAILING,LOCALTIME";

    /** The session settings of {@link #SETTINGS}, which a user without admin rights sets for its own session. */
    private static final String SESSION_SETTINGS = "SET NON_KEYWORDS " + SETTINGS.substring(SETTINGS.indexOf(
        "NON_KEYWORDS=") + "NON_KEYWORDS=".length());
    static final String SESSION_USER = "MILAB_SESSION";
    private static final org.h2.Driver DRIVER = new org.h2.Driver();

    private final String url;
    private final String sessionUrl;
    private final Map<String, String> catalog = new ConcurrentHashMap<>();
    private final Map<String, Boolean> tinyintColumns = new ConcurrentHashMap<>();
    private final Map<String, List<Object[]>> catalogRows = new ConcurrentHashMap<>();
    private final AtomicLong catalogGeneration = new AtomicLong();
    private Connection keeper;
    private boolean closed;

    H2Database(String labDatabaseName) {
        String safe = labDatabaseName.replaceAll("[^A-Za-z0-9_]", "_");
        this.sessionUrl = "jdbc:h2:mem:milab_" + safe + "_" + UUID.randomUUID().toString().replace("-", "");
        this.url = sessionUrl + SETTINGS;
    }

    /** A new connection for a session, as {@value #SESSION_USER}, in schema {@code dbo}, auto-commit on. */
    Connection open() throws SQLException {
        start();
        Properties user = new Properties();
        user.setProperty("user", SESSION_USER);
        user.setProperty("password", "");
        Connection c = DRIVER.connect(sessionUrl, user);
        try (Statement s = c.createStatement()) {
            s.execute(SESSION_SETTINGS);
            s.execute("SET LOCK_TIMEOUT 10000");
            // Rows stream from H2 as the client reads them instead of being buffered whole first (H2 still buffers
            // what a sort or DISTINCT needs), so a large result costs memory per row, not for all of them.
            s.execute("SET LAZY_QUERY_EXECUTION TRUE");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.setSchema("dbo");
        return c;
    }

    private synchronized void start() throws SQLException {
        if (closed) {
            throw new SQLException("The database was closed with the lab");
        }
        if (keeper != null) {
            return;
        }
        Connection c = DRIVER.connect(url, new Properties());
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS dbo");
            s.execute("CREATE DOMAIN IF NOT EXISTS PUBLIC." + H2Translation.TINYINT_DOMAIN
                + " AS SMALLINT CHECK (VALUE BETWEEN 0 AND 255)");
            // Not DETERMINISTIC: H2 would fold a call with constant arguments at prepare time and keep the value in
            // its statement cache; run at execution, the value is made where the memory watch sees it. (The price:
            // H2 buffers the result of a query that calls them instead of streaming it, which the watch counts.)
            s.execute("CREATE ALIAS IF NOT EXISTS " + H2Translation.BOUNDED_REPLICATE + " FOR '"
                + H2Functions.class.getName() + ".replicate'");
            s.execute("CREATE ALIAS IF NOT EXISTS " + H2Translation.BOUNDED_SPACE + " FOR '"
                + H2Functions.class.getName() + ".space'");
            s.execute("CREATE USER IF NOT EXISTS " + SESSION_USER + " PASSWORD ''");
            s.execute("GRANT ALTER ANY SCHEMA TO " + SESSION_USER);
        }
        keeper = c;
    }

    /**
     * The table or view {@code schema.name} as the catalog spells it ({@code dbo.Orders}), if it exists. Positive
     * answers are cached until the next DDL statement.
     */
    Optional<String[]> findObject(String schema, String name) {
        String key = (schema + "." + name).toLowerCase(Locale.ROOT);
        String cached = catalog.get(key);
        if (cached != null) {
            return Optional.of(cached.split("\\.", 2));
        }
        synchronized (this) {
            try {
                start();
                try (PreparedStatement ps = keeper.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME FROM "
                    + "INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_SCHEMA) = ? AND LOWER(TABLE_NAME) = ?")) {
                    ps.setString(1, schema.toLowerCase(Locale.ROOT));
                    ps.setString(2, name.toLowerCase(Locale.ROOT));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.empty();
                        }
                        String[] found = {rs.getString(1), rs.getString(2)};
                        catalog.put(key, found[0] + "." + found[1]);
                        return Optional.of(found);
                    }
                }
            } catch (SQLException e) {
                return Optional.empty();
            }
        }
    }

    /** Whether a schema exists. */
    boolean schemaExists(String schema) {
        return query("SELECT 1 FROM INFORMATION_SCHEMA.SCHEMATA WHERE LOWER(SCHEMA_NAME) = ?",
            schema.toLowerCase(Locale.ROOT)).isPresent();
    }

    /** The first column of the first row of a catalog query, if any (for error texts). */
    synchronized Optional<String> query(String sql, String... arguments) {
        try {
            start();
            try (PreparedStatement ps = keeper.prepareStatement(sql)) {
                for (int i = 0; i < arguments.length; i++) {
                    ps.setString(i + 1, arguments[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /**
     * Every row of a catalog query, as JDBC reads it (for the lab's own catalog views), kept until the next DDL
     * statement (H2 takes milliseconds to list its catalog); empty on failure. Callers must not change the rows.
     */
    List<Object[]> catalogRows(String sql) {
        List<Object[]> cached = catalogRows.get(sql);
        if (cached != null) {
            return cached;
        }
        long generation = catalogGeneration.get();
        List<Object[]> rows = rows(sql);
        if (catalogGeneration.get() == generation) {
            // not read across a DDL statement that another session ran meanwhile
            catalogRows.put(sql, rows);
        }
        return rows;
    }

    private synchronized List<Object[]> rows(String sql) {
        List<Object[]> rows = new ArrayList<>();
        try {
            start();
            try (Statement s = keeper.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Object[] row = new Object[n];
                    for (int i = 0; i < n; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            return List.of();
        }
        return List.copyOf(rows);
    }

    /** Whether a table column was declared {@code tinyint} (H2 reports the domain's SMALLINT). */
    boolean isTinyint(String schema, String table, String column) {
        String key = (schema + "." + table + "." + column).toLowerCase(Locale.ROOT);
        return tinyintColumns.computeIfAbsent(key, k -> query("SELECT DOMAIN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?", schema, table, column)
            .map(H2Translation.TINYINT_DOMAIN::equals).orElse(false));
    }

    /** A DDL statement ran: cached names may be gone or spelled differently now. */
    void catalogChanged() {
        catalog.clear();
        tinyintColumns.clear();
        catalogGeneration.incrementAndGet();
        catalogRows.clear();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (keeper != null) {
            try (Statement s = keeper.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException e) {
                // closing anyway
            }
            try {
                keeper.close();
            } catch (SQLException e) {
                // closed by SHUTDOWN
            }
            keeper = null;
        }
    }
}
