package dev.milab.sql;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.milab.entra.ServicePrincipal;

/**
 * A logical Azure SQL server in the lab ({@code sql1} answers as {@code sql1.database.windows.net}): its
 * databases, its Microsoft Entra admin, and its SQL administrator login for the "before" story. Every server has
 * {@code master}.
 */
public final class SqlServer {

    public static final String DNS_SUFFIX = ".database.windows.net";
    public static final String MASTER = "master";

    private final String name;
    private final AzureSql service;
    private final Map<String, SqlDatabase> databases = new ConcurrentHashMap<>();
    private volatile EntraAdmin entraAdmin;
    private volatile DatabaseUser sqlAdministrator;
    private volatile boolean entraOnlyAuthentication;

    SqlServer(String name, AzureSql service) {
        this.name = name;
        this.service = service;
        databases.put(MASTER, new SqlDatabase(MASTER, this));
    }

    AzureSql service() {
        return service;
    }

    public String name() {
        return name;
    }

    /** {@code sql1.database.windows.net}. */
    public String hostName() {
        return name + DNS_SUFFIX;
    }

    public SqlDatabase createDatabase(String databaseName) {
        if (databaseName == null || databaseName.isBlank() || databaseName.length() > 128) {
            throw new IllegalArgumentException("A database name has 1 to 128 characters");
        }
        SqlDatabase db = new SqlDatabase(databaseName, this);
        if (databases.putIfAbsent(key(databaseName), db) != null) {
            throw new IllegalStateException("Database " + databaseName + " already exists on " + name);
        }
        return db;
    }

    public Optional<SqlDatabase> database(String databaseName) {
        return databaseName == null ? Optional.empty() : Optional.ofNullable(databases.get(key(databaseName)));
    }

    public Collection<SqlDatabase> databases() {
        return List.copyOf(databases.values());
    }

    /** Sets the server's Microsoft Entra admin (what ARM's administrators/ActiveDirectory sets). */
    public SqlServer setEntraAdmin(ServicePrincipal principal) {
        this.entraAdmin = EntraAdmin.of(principal);
        return this;
    }

    public SqlServer setEntraAdmin(EntraAdmin admin) {
        this.entraAdmin = admin;
        return this;
    }

    /** Without an Entra admin, Azure SQL accepts no token at all. */
    public Optional<EntraAdmin> entraAdmin() {
        return Optional.ofNullable(entraAdmin);
    }

    /** The server admin login and password chosen when the server is created (SQL authentication). */
    public SqlServer setSqlAdministrator(String login, String password) {
        if (!SqlDatabase.complexEnough(password)) {
            throw new SqlErrorException(AzureSqlErrors.passwordTooSimple());
        }
        this.sqlAdministrator = DatabaseUser.sql(login, password);
        return this;
    }

    /** Microsoft Entra-only authentication: every SQL login (the administrator's too) is refused. */
    public SqlServer setEntraOnlyAuthentication(boolean on) {
        this.entraOnlyAuthentication = on;
        return this;
    }

    public boolean entraOnlyAuthentication() {
        return entraOnlyAuthentication;
    }

    /**
     * Drops a database and ends its engine ({@code master} stays).
     *
     * @return whether it existed
     */
    public boolean dropDatabase(String databaseName) {
        if (databaseName == null || MASTER.equalsIgnoreCase(databaseName)) {
            return false;
        }
        SqlDatabase removed = databases.remove(key(databaseName));
        if (removed != null) {
            removed.close();
        }
        return removed != null;
    }

    public Optional<DatabaseUser> sqlAdministrator() {
        return Optional.ofNullable(sqlAdministrator);
    }

    /** Ends every database's engine (with the lab). */
    void close() {
        databases.values().forEach(SqlDatabase::close);
    }

    private static String key(String databaseName) {
        return databaseName.toLowerCase(Locale.ROOT);
    }
}
