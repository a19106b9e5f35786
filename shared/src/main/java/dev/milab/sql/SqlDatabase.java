package dev.milab.sql;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A database on a lab SQL server: its contained users (who may log in, in which roles), the object permissions
 * GRANT, DENY and REVOKE set, and its data, which lives in its own in-memory H2 database. The rules and error
 * numbers are Azure SQL's; see {@link AzureSqlErrors}.
 */
public final class SqlDatabase {

    /**
     * The H2 URL settings every lab database runs with (MSSQLServer mode, case-insensitive identifiers, …), for
     * comparisons with H2 on its own, such as the query benchmark's.
     */
    public static final String ENGINE_SETTINGS = H2Database.SETTINGS;

    private final String name;
    private final SqlServer server;
    private final Map<String, DatabaseUser> users = new ConcurrentHashMap<>();
    private final ObjectPermissions permissions = new ObjectPermissions();
    private final H2Database data;

    SqlDatabase(String name, SqlServer server) {
        this.name = name;
        this.server = server;
        this.data = new H2Database(server.name() + "_" + name);
    }

    public SqlServer server() {
        return server;
    }

    /** The object permissions GRANT, DENY and REVOKE set in this database. */
    public ObjectPermissions permissions() {
        return permissions;
    }

    H2Database data() {
        return data;
    }

    /**
     * Runs T-SQL as the database owner, for demo data: {@code CREATE TABLE dbo.Orders (…); INSERT …}, users and
     * grants included. The same front as for clients runs it, so the same T-SQL works; the first error is thrown.
     */
    public SqlDatabase seed(String tsql) {
        server.service().engine().seed(this, tsql);
        return this;
    }

    /**
     * Whether a session may use {@code permission} on {@code schema.object}, as SQL Server decides it: the server
     * admins (dbo) may do anything; a DENY to the user or to public, on the object or its schema, refuses; then
     * db_owner, db_datareader (SELECT) and db_datawriter (INSERT, UPDATE, DELETE) allow, and so does a GRANT to the
     * user or public. Role membership is read at the time of the statement.
     */
    public boolean isAllowed(SessionIdentity identity, String schema, String object,
                             dev.milab.sql.tsql.StatementAnalysis.Permission permission) {
        if (identity.serverAdmin()) {
            return true;
        }
        DatabaseUser user = user(identity.userName()).orElse(null);
        ObjectPermissions.State forPublic = permissions.stateFor(ObjectPermissions.PUBLIC, schema, object,
            permission);
        ObjectPermissions.State forUser = user == null ? null : permissions.stateFor(user.name(), schema, object,
            permission);
        if (forPublic == ObjectPermissions.State.DENY || forUser == ObjectPermissions.State.DENY) {
            return false;
        }
        if (user != null && (user.isMemberOf(DatabaseRole.DB_OWNER)
            || (permission == dev.milab.sql.tsql.StatementAnalysis.Permission.SELECT
                ? user.isMemberOf(DatabaseRole.DB_DATAREADER) : user.isMemberOf(DatabaseRole.DB_DATAWRITER)))) {
            return true;
        }
        return forPublic == ObjectPermissions.State.GRANT || forUser == ObjectPermissions.State.GRANT;
    }

    /** Whether the session may run DDL here: the server admins and db_owner members (read at statement time). */
    public boolean isOwner(SessionIdentity identity) {
        return identity.serverAdmin() || user(identity.userName()).map(u -> u.isMemberOf(DatabaseRole.DB_OWNER))
            .orElse(false);
    }

    public String name() {
        return name;
    }

    public Collection<DatabaseUser> users() {
        return List.copyOf(users.values());
    }

    public Optional<DatabaseUser> user(String userName) {
        return Optional.ofNullable(users.get(key(userName)));
    }

    /** The Entra user whose SID is this application id (how Azure SQL matches a service principal's token). */
    public Optional<DatabaseUser> externalUserBySid(String appId) {
        if (appId == null) {
            return Optional.empty();
        }
        return users.values().stream().filter(u -> u.kind() == DatabaseUser.Kind.EXTERNAL
            && appId.equalsIgnoreCase(u.sid())).findFirst();
    }

    /** {@code CREATE USER [name] FROM EXTERNAL PROVIDER}, after the name was resolved to a principal. */
    public synchronized DatabaseUser createExternalUser(String userName, String appId, String objectId) {
        checkNewName(userName);
        if (externalUserBySid(appId).isPresent()) {
            throw new SqlErrorException(AzureSqlErrors.loginHasAccount());
        }
        DatabaseUser user = DatabaseUser.external(userName, appId, objectId);
        users.put(key(userName), user);
        return user;
    }

    /** {@code CREATE USER [name] WITH PASSWORD = '…'}: a contained SQL user, with Azure SQL's complexity rule. */
    public synchronized DatabaseUser createSqlUser(String userName, String password) {
        checkNewName(userName);
        if (!complexEnough(password)) {
            throw new SqlErrorException(AzureSqlErrors.passwordTooSimple());
        }
        DatabaseUser user = DatabaseUser.sql(userName, password);
        users.put(key(userName), user);
        return user;
    }

    /** {@code DROP USER [name]}. */
    public synchronized void dropUser(String userName) {
        if (users.remove(key(userName)) == null) {
            throw new SqlErrorException(AzureSqlErrors.doesNotExistOrNoPermission("drop", "user", userName));
        }
        permissions.dropPrincipal(userName);
    }

    /** {@code ALTER ROLE role ADD MEMBER [name]}. */
    public void addRoleMember(DatabaseRole role, String userName) {
        changeRole(role, userName, true);
    }

    /** {@code ALTER ROLE role DROP MEMBER [name]}. */
    public void dropRoleMember(DatabaseRole role, String userName) {
        changeRole(role, userName, false);
    }

    private synchronized void changeRole(DatabaseRole role, String userName, boolean add) {
        DatabaseUser user = user(userName).orElseThrow(() -> new SqlErrorException(
            AzureSqlErrors.doesNotExistOrNoPermission(add ? "add" : "drop", "principal", userName)));
        EnumSet<DatabaseRole> roles = EnumSet.noneOf(DatabaseRole.class);
        roles.addAll(user.roles());
        if (add) {
            roles.add(role);
        } else {
            roles.remove(role);
        }
        users.put(key(userName), user.withRoles(roles));
    }

    private void checkNewName(String userName) {
        if (userName == null || userName.isBlank() || userName.length() > 128) {
            throw new SqlErrorException(AzureSqlErrors.incorrectSyntax(userName == null ? "" : userName));
        }
        if (users.containsKey(key(userName)) || DatabaseRole.bySqlName(userName).isPresent()
            || userName.equalsIgnoreCase("dbo")) {
            throw new SqlErrorException(AzureSqlErrors.userExists(userName));
        }
    }

    /** SQL Server's policy: at least 8 characters from at least three of upper, lower, digits and symbols. */
    static boolean complexEnough(String password) {
        if (password == null || password.length() < 8 || password.length() > 128) {
            return false;
        }
        boolean upper = password.chars().anyMatch(Character::isUpperCase);
        boolean lower = password.chars().anyMatch(Character::isLowerCase);
        boolean digit = password.chars().anyMatch(Character::isDigit);
        boolean symbol = password.chars().anyMatch(c -> !Character.isLetterOrDigit(c));
        int classes = (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) + (symbol ? 1 : 0);
        return classes >= 3;
    }

    /** Ends the H2 database (with the lab). */
    void close() {
        data.close();
    }

    private static String key(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }
}
