package dev.milab.sql;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.milab.sql.tsql.StatementAnalysis.Permission;

/**
 * The permissions GRANT, DENY and REVOKE set in one database, on an object ({@code ON dbo.Orders},
 * {@code ON OBJECT::dbo.Orders}) or a whole schema ({@code ON SCHEMA::dbo}), for a user or for {@code public}. A
 * principal has one state per securable and permission: granted or denied; REVOKE removes it.
 */
public final class ObjectPermissions {

    /** What GRANT or DENY left. */
    public enum State {
        GRANT, DENY
    }

    /** A securable: an object {@code schema.name}, or a schema (then {@code name} is null). Lower case. */
    public record Securable(String schema, String name) {
        public Securable {
            schema = schema.toLowerCase(Locale.ROOT);
            name = name == null ? null : name.toLowerCase(Locale.ROOT);
        }

        public static Securable object(String schema, String name) {
            return new Securable(schema, name);
        }

        public static Securable schema(String schema) {
            return new Securable(schema, null);
        }
    }

    /** One entry, as {@code sys.database_permissions} would list it. */
    public record Entry(String principal, Securable securable, Permission permission, State state) {
    }

    private record Key(String principal, Securable securable, Permission permission) {
    }

    public static final String PUBLIC = "public";

    private final Map<Key, State> entries = new ConcurrentHashMap<>();

    void set(String principal, Securable securable, Permission permission, State state) {
        entries.put(new Key(principal.toLowerCase(Locale.ROOT), securable, permission), state);
    }

    void revoke(String principal, Securable securable, Permission permission) {
        entries.remove(new Key(principal.toLowerCase(Locale.ROOT), securable, permission));
    }

    /** Removes everything granted or denied to a user (DROP USER). */
    void dropPrincipal(String principal) {
        String p = principal.toLowerCase(Locale.ROOT);
        entries.keySet().removeIf(k -> k.principal().equals(p));
    }

    /** The state for this principal on the object or its schema: DENY on either wins, else GRANT, else none. */
    State stateFor(String principal, String schema, String object, Permission permission) {
        String p = principal.toLowerCase(Locale.ROOT);
        State onObject = entries.get(new Key(p, Securable.object(schema, object), permission));
        State onSchema = entries.get(new Key(p, Securable.schema(schema), permission));
        if (onObject == State.DENY || onSchema == State.DENY) {
            return State.DENY;
        }
        return onObject == State.GRANT || onSchema == State.GRANT ? State.GRANT : null;
    }

    public List<Entry> entries() {
        return entries.entrySet().stream().map(e -> new Entry(e.getKey().principal(), e.getKey().securable(),
            e.getKey().permission(), e.getValue())).toList();
    }
}
