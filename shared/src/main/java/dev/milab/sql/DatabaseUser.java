package dev.milab.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * A contained database user, immutable; the database replaces it on every change.
 *
 * <p>An Entra user ({@link Kind#EXTERNAL}, from {@code CREATE USER … FROM EXTERNAL PROVIDER}) is matched at login by
 * its SID: for a service principal, including a managed identity, Azure SQL uses the application (client) id.
 * A SQL user ({@link Kind#SQL}, {@code CREATE USER … WITH PASSWORD}) has a salted password hash.
 *
 * @param sid      the principal's application id for EXTERNAL users, else null
 * @param objectId the principal's object id for EXTERNAL users (kept to show it), else null
 */
public record DatabaseUser(String name, Kind kind, String sid, String objectId, byte[] salt, byte[] passwordHash,
                           Set<DatabaseRole> roles) {

    /** What authenticates the user. */
    public enum Kind {
        EXTERNAL,
        SQL
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    public DatabaseUser {
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    }

    public static DatabaseUser external(String name, String appId, String objectId) {
        return new DatabaseUser(name, Kind.EXTERNAL, appId, objectId, null, null, Set.of());
    }

    public static DatabaseUser sql(String name, String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return new DatabaseUser(name, Kind.SQL, null, null, salt, hash(salt, password), Set.of());
    }

    public boolean passwordMatches(String password) {
        return kind == Kind.SQL && MessageDigest.isEqual(passwordHash, hash(salt, password));
    }

    public boolean isMemberOf(DatabaseRole role) {
        return roles.contains(role);
    }

    DatabaseUser withRoles(Set<DatabaseRole> newRoles) {
        return new DatabaseUser(name, kind, sid, objectId, salt, passwordHash, newRoles);
    }

    static byte[] hash(byte[] salt, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "DatabaseUser[" + name + ", " + kind + (sid == null ? "" : ", sid=" + sid) + ", roles=" + roles + "]";
    }
}
