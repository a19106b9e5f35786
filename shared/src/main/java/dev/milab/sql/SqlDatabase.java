package dev.milab.sql;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A database on a lab SQL server and its contained users: who may log in to it, and in which roles. The rules and
 * error numbers are Azure SQL's; see {@link AzureSqlErrors}.
 */
public final class SqlDatabase {

    private final String name;
    private final Map<String, DatabaseUser> users = new ConcurrentHashMap<>();

    SqlDatabase(String name) {
        this.name = name;
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

    private static String key(String userName) {
        return userName.toLowerCase(Locale.ROOT);
    }
}
