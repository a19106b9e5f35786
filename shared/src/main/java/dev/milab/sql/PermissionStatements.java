package dev.milab.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.milab.sql.ObjectPermissions.Securable;
import dev.milab.sql.tds.DoneToken;
import dev.milab.sql.tsql.ObjectName;
import dev.milab.sql.tsql.StatementAnalysis.Permission;
import dev.milab.sql.tsql.Token;
import dev.milab.sql.tsql.TokenCursor;

/**
 * {@code GRANT}, {@code DENY} and {@code REVOKE} of SELECT, INSERT, UPDATE, DELETE (or ALL) on an object
 * ({@code dbo.Orders}, {@code OBJECT::dbo.Orders}) or a schema ({@code SCHEMA::sales}), to users or {@code public},
 * as the database's owners run them: the lab keeps the result in {@link ObjectPermissions}. Refusals are Azure SQL's:
 * 15151 without permission or for an unknown object or user, 4617 for dbo, a fixed role or oneself.
 */
final class PermissionStatements {

    private PermissionStatements() {
    }

    /** Runs the statement; returns the DONE command code. Refusals are {@link SqlErrorException}s. */
    static int run(SqlSessionContext session, TokenCursor c, String text) {
        String verb = c.next().upper();
        if (verb.equals("REVOKE") && c.acceptWord("GRANT")) {
            c.expectWord("OPTION");
            c.expectWord("FOR");
        }
        List<Permission> permissions = permissions(c, text);
        c.expectWord("ON");
        boolean schemaScope = false;
        Token scope = c.peek(0);
        if (scope != null && (scope.isWord("OBJECT") || scope.isWord("SCHEMA")) && c.peek(1) != null
            && c.peek(1).isSymbol("::")) {
            schemaScope = scope.isWord("SCHEMA");
            c.next();
            c.next();
        }
        String first = c.expectName();
        String second = !schemaScope && c.acceptSymbol(".") ? c.expectName() : null;
        if (!c.acceptWord("TO")) {
            c.expectWord(verb.equals("REVOKE") ? "FROM" : "TO");
        }
        List<String> principals = new ArrayList<>();
        do {
            principals.add(c.expectName());
        } while (c.acceptSymbol(","));
        if (c.acceptWord("WITH")) {
            c.expectWord("GRANT");
            c.expectWord("OPTION");
        }
        c.acceptWord("CASCADE");
        c.expectEnd();

        SqlDatabase db = session.database();
        if (!db.isOwner(session.identity())) {
            throw new SqlErrorException(AzureSqlErrors.cannotFind(schemaScope ? "schema" : "object",
                second == null ? first : second));
        }
        Securable securable = securable(db, schemaScope, first, second);
        List<String> keys = new ArrayList<>();
        for (String principal : principals) {
            keys.add(principalKey(session, db, principal));
        }
        for (String key : keys) {
            for (Permission p : permissions) {
                switch (verb) {
                    case "GRANT" -> db.permissions().set(key, securable, p, ObjectPermissions.State.GRANT);
                    case "DENY" -> db.permissions().set(key, securable, p, ObjectPermissions.State.DENY);
                    default -> db.permissions().revoke(key, securable, p);
                }
            }
        }
        return switch (verb) {
            case "GRANT" -> DoneToken.COMMAND_GRANT;
            case "DENY" -> DoneToken.COMMAND_DENY;
            default -> DoneToken.COMMAND_REVOKE;
        };
    }

    /** {@code SELECT, INSERT} or {@code ALL [PRIVILEGES]}; other permissions and column lists are not modeled. */
    private static List<Permission> permissions(TokenCursor c, String text) {
        List<Permission> permissions = new ArrayList<>();
        do {
            Token p = c.next();
            switch (p.upper()) {
                case "SELECT" -> permissions.add(Permission.SELECT);
                case "INSERT" -> permissions.add(Permission.INSERT);
                case "UPDATE" -> permissions.add(Permission.UPDATE);
                case "DELETE" -> permissions.add(Permission.DELETE);
                case "ALL" -> {
                    c.acceptWord("PRIVILEGES");
                    permissions.addAll(List.of(Permission.values()));
                }
                default -> throw new SqlErrorException(AzureSqlErrors.notSupported(text));
            }
            if (c.peek(0) != null && c.peek(0).isSymbol("(")) {
                throw new SqlErrorException(AzureSqlErrors.notSupported(text));
            }
        } while (c.acceptSymbol(","));
        return permissions;
    }

    private static Securable securable(SqlDatabase db, boolean schemaScope, String first, String second) {
        if (schemaScope) {
            if (!db.data().schemaExists(first)) {
                throw new SqlErrorException(AzureSqlErrors.cannotFind("schema", first));
            }
            return Securable.schema(first);
        }
        String schema = second == null ? ObjectName.DEFAULT_SCHEMA : first;
        String name = second == null ? first : second;
        Optional<String[]> found = db.data().findObject(schema, name);
        if (found.isEmpty()) {
            throw new SqlErrorException(AzureSqlErrors.cannotFind("object", second == null ? first
                : first + "." + second));
        }
        return Securable.object(found.get()[0], found.get()[1]);
    }

    /** {@code public}, or the user's name as the database spells it. */
    private static String principalKey(SqlSessionContext session, SqlDatabase db, String principal) {
        if (principal.equalsIgnoreCase("dbo") || DatabaseRole.bySqlName(principal).isPresent()
            || principal.equalsIgnoreCase(session.identity().userName())) {
            throw new SqlErrorException(AzureSqlErrors.cannotGrantToSpecialPrincipal());
        }
        if (principal.equalsIgnoreCase(ObjectPermissions.PUBLIC)) {
            return ObjectPermissions.PUBLIC;
        }
        return db.user(principal).map(DatabaseUser::name).orElseThrow(() -> new SqlErrorException(
            AzureSqlErrors.cannotFind("user", principal)));
    }
}
