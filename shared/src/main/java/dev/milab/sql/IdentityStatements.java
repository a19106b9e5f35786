package dev.milab.sql;

import java.util.List;
import java.util.Optional;

import dev.milab.entra.Directory;
import dev.milab.entra.ServicePrincipal;
import dev.milab.sql.tsql.TokenCursor;

/**
 * The statements that say who may log in, which the lab's Azure SQL runs itself against its own state rather than
 * H2: {@code CREATE USER … FROM EXTERNAL PROVIDER [WITH OBJECT_ID = '…']}, {@code CREATE USER … WITH PASSWORD},
 * {@code DROP USER [IF EXISTS]}, {@code ALTER ROLE … ADD|DROP MEMBER}.
 *
 * <p>Names resolve against the lab's Entra directory as Azure SQL resolves them: a user by its user principal name,
 * a service principal by display name (a system-assigned identity is named after its VM, a user-assigned one after
 * its resource); {@code WITH OBJECT_ID} picks one of several principals that share a name.
 */
final class IdentityStatements {

    /** DONE command codes SQL Server uses for these statements. */
    static final int COMMAND_CREATE_USER = 0x13B;
    static final int COMMAND_DROP_USER = 0x13D;
    static final int COMMAND_ALTER_ROLE = 0x140;

    private final Directory directory;

    IdentityStatements(Directory directory) {
        this.directory = directory;
    }

    /** Whether the statement (verb and next word) is one of these. */
    static boolean handles(String verb, String object) {
        return (verb.equals("CREATE") && object.equals("USER")) || (verb.equals("DROP") && object.equals("USER"))
            || (verb.equals("ALTER") && object.equals("ROLE"));
    }

    /** Runs the statement; returns the DONE command code. Azure SQL's refusals are {@link SqlErrorException}s. */
    int run(SqlSessionContext session, TokenCursor s) {
        String verb = s.next().upper();
        s.next();
        return switch (verb) {
            case "CREATE" -> createUser(session, s);
            case "DROP" -> dropUser(session, s);
            default -> alterRole(session, s);
        };
    }

    private int createUser(SqlSessionContext session, TokenCursor s) {
        String name = s.expectName();
        SqlDatabase db = session.database();
        if (s.acceptWord("FROM")) {
            s.expectWord("EXTERNAL");
            s.expectWord("PROVIDER");
            String objectId = null;
            if (s.acceptWord("WITH")) {
                s.expectWord("OBJECT_ID");
                s.expectSymbol("=");
                objectId = s.expectString();
            }
            s.expectEnd();
            if (!session.identity().entra()) {
                throw new SqlErrorException(AzureSqlErrors.onlyEntraCanCreateEntraUsers(name));
            }
            requireUserManager(session);
            Principal principal = resolve(name, objectId);
            db.createExternalUser(name, principal.sid(), principal.objectId());
            return COMMAND_CREATE_USER;
        }
        s.expectWord("WITH");
        s.expectWord("PASSWORD");
        s.expectSymbol("=");
        String password = s.expectString();
        s.expectEnd();
        requireUserManager(session);
        db.createSqlUser(name, password);
        return COMMAND_CREATE_USER;
    }

    /** A principal as a database user maps it: its SID (an application's client id, a user's object id). */
    private record Principal(String sid, String objectId) {
        static Principal of(ServicePrincipal sp) {
            return new Principal(sp.appId(), sp.objectId());
        }

        static Principal of(dev.milab.entra.User user) {
            return new Principal(user.objectId(), user.objectId());
        }
    }

    /** A user by its user principal name, a service principal by display name, either by object id. */
    private Principal resolve(String name, String objectId) {
        if (objectId != null) {
            try {
                return directory.byObjectId(objectId).map(Principal::of)
                    .or(() -> directory.user(objectId).filter(u -> u.objectId().equalsIgnoreCase(objectId))
                        .map(Principal::of))
                    .orElseThrow(() -> new SqlErrorException(AzureSqlErrors.principalNotFound(name)));
            } catch (IllegalArgumentException e) {
                throw new SqlErrorException(AzureSqlErrors.principalNotFound(name));
            }
        }
        if (name.contains("@")) {
            Optional<dev.milab.entra.User> user = directory.user(name);
            if (user.isPresent()) {
                return Principal.of(user.get());
            }
        }
        List<ServicePrincipal> matches = directory.byDisplayName(name);
        if (matches.isEmpty()) {
            throw new SqlErrorException(AzureSqlErrors.principalNotFound(name));
        }
        if (matches.size() > 1) {
            throw new SqlErrorException(AzureSqlErrors.duplicateDisplayName(name));
        }
        return Principal.of(matches.get(0));
    }

    private int dropUser(SqlSessionContext session, TokenCursor s) {
        boolean ifExists = false;
        if (s.peek(0) != null && s.peek(0).isWord("IF") && s.peek(1) != null && s.peek(1).isWord("EXISTS")) {
            s.next();
            s.next();
            ifExists = true;
        }
        String name = s.expectName();
        s.expectEnd();
        requireUserManager(session);
        if (!(ifExists && session.database().user(name).isEmpty())) {
            session.database().dropUser(name);
        }
        return COMMAND_DROP_USER;
    }

    private int alterRole(SqlSessionContext session, TokenCursor s) {
        String roleName = s.expectName();
        boolean add;
        if (s.acceptWord("ADD")) {
            add = true;
        } else {
            s.expectWord("DROP");
            add = false;
        }
        s.expectWord("MEMBER");
        String member = s.expectName();
        s.expectEnd();
        java.util.Optional<DatabaseRole> role = DatabaseRole.bySqlName(roleName);
        if (role.isEmpty() || !session.database().isOwner(session.identity())) {
            throw new SqlErrorException(AzureSqlErrors.doesNotExistOrNoPermission("alter", "role", roleName));
        }
        if (add) {
            session.database().addRoleMember(role.get(), member);
        } else {
            session.database().dropRoleMember(role.get(), member);
        }
        return COMMAND_ALTER_ROLE;
    }

    private static void requireUserManager(SqlSessionContext session) {
        if (!session.database().isOwner(session.identity())) {
            throw new SqlErrorException(AzureSqlErrors.noPermission());
        }
    }
}
