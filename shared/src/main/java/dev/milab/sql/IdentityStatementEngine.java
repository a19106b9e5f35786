package dev.milab.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.milab.entra.Directory;
import dev.milab.entra.ServicePrincipal;
import dev.milab.sql.tds.ColMetadataToken.Column;

/**
 * The statements the lab's Azure SQL runs itself: who may log in ({@code CREATE USER … FROM EXTERNAL PROVIDER},
 * {@code CREATE USER … WITH PASSWORD}, {@code DROP USER}, {@code ALTER ROLE … ADD|DROP MEMBER}) and who am I
 * ({@code SELECT SUSER_SNAME(), USER_NAME(), DB_NAME(), @@VERSION, 1, …}). A statement it does not know goes to
 * the next engine with the rest of the batch.
 *
 * <p>Names resolve against the lab's Entra directory by display name, as Azure SQL does: a system-assigned
 * identity is named after its VM, a user-assigned one after its resource; {@code WITH OBJECT_ID} picks one of
 * several principals that share a name.
 */
public final class IdentityStatementEngine implements SqlBatchEngine {

    /**
     * {@code @@VERSION} as Azure SQL Database returns it (the product line stays "Microsoft SQL Azure (RTM) -
     * 12.0.2000.8"; the build date varies by deployment).
     */
    public static final String VERSION = "Microsoft SQL Azure (RTM) - 12.0.2000.8 \n\tSep 18 2025 19:16:35 \n\t"
        + "Copyright (C) 2022 Microsoft Corporation\n";

    private final Directory directory;
    private final SqlBatchEngine next;

    public IdentityStatementEngine(Directory directory, SqlBatchEngine next) {
        this.directory = directory;
        this.next = next;
    }

    @Override
    public List<StatementResult> execute(SqlSessionContext session, String batch) {
        List<SqlTokens> statements;
        try {
            statements = SqlTokens.statements(batch);
        } catch (SqlErrorException e) {
            return List.of(new StatementResult.Failed(e.error()));
        }
        List<StatementResult> results = new ArrayList<>();
        for (SqlTokens statement : statements) {
            try {
                Optional<StatementResult> result = run(session, statement);
                if (result.isEmpty()) {
                    results.addAll(next.execute(session, statement.text()));
                } else {
                    results.add(result.get());
                }
            } catch (SqlErrorException e) {
                results.add(new StatementResult.Failed(e.error()));
            }
            if (!results.isEmpty() && results.get(results.size() - 1) instanceof StatementResult.Failed) {
                break;
            }
        }
        if (results.isEmpty()) {
            results.add(new StatementResult.Completed(-1));
        }
        return results;
    }

    private Optional<StatementResult> run(SqlSessionContext session, SqlTokens s) {
        if (s.acceptWord("CREATE")) {
            if (!s.acceptWord("USER")) {
                return Optional.empty();
            }
            return Optional.of(createUser(session, s));
        }
        if (s.acceptWord("DROP")) {
            if (!s.acceptWord("USER")) {
                return Optional.empty();
            }
            return Optional.of(dropUser(session, s));
        }
        if (s.acceptWord("ALTER")) {
            if (!s.acceptWord("ROLE")) {
                return Optional.empty();
            }
            return Optional.of(alterRole(session, s));
        }
        if (s.acceptWord("SELECT")) {
            return whoAmI(session, s);
        }
        return Optional.empty();
    }

    private StatementResult createUser(SqlSessionContext session, SqlTokens s) {
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
            ServicePrincipal principal = resolve(name, objectId);
            db.createExternalUser(name, principal.appId(), principal.objectId());
            return new StatementResult.Completed(-1);
        }
        s.expectWord("WITH");
        s.expectWord("PASSWORD");
        s.expectSymbol("=");
        String password = s.expectString();
        s.expectEnd();
        requireUserManager(session);
        db.createSqlUser(name, password);
        return new StatementResult.Completed(-1);
    }

    private ServicePrincipal resolve(String name, String objectId) {
        if (objectId != null) {
            try {
                return directory.byObjectId(objectId).orElseThrow(() -> new SqlErrorException(
                    AzureSqlErrors.principalNotFound(name)));
            } catch (IllegalArgumentException e) {
                throw new SqlErrorException(AzureSqlErrors.principalNotFound(name));
            }
        }
        List<ServicePrincipal> matches = directory.byDisplayName(name);
        if (matches.isEmpty()) {
            throw new SqlErrorException(AzureSqlErrors.principalNotFound(name));
        }
        if (matches.size() > 1) {
            throw new SqlErrorException(AzureSqlErrors.duplicateDisplayName(name));
        }
        return matches.get(0);
    }

    private StatementResult dropUser(SqlSessionContext session, SqlTokens s) {
        boolean ifExists = false;
        if (s.peek(0) != null && s.peek(0).isWord("IF") && s.peek(1) != null && s.peek(1).isWord("EXISTS")) {
            s.next();
            s.next();
            ifExists = true;
        }
        String name = s.expectName();
        s.expectEnd();
        requireUserManager(session);
        if (ifExists && session.database().user(name).isEmpty()) {
            return new StatementResult.Completed(-1);
        }
        session.database().dropUser(name);
        return new StatementResult.Completed(-1);
    }

    private StatementResult alterRole(SqlSessionContext session, SqlTokens s) {
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
        Optional<DatabaseRole> role = DatabaseRole.bySqlName(roleName);
        if (role.isEmpty() || !session.identity().canManageUsers()) {
            throw new SqlErrorException(AzureSqlErrors.doesNotExistOrNoPermission("alter", "role", roleName));
        }
        if (add) {
            session.database().addRoleMember(role.get(), member);
        } else {
            session.database().dropRoleMember(role.get(), member);
        }
        return new StatementResult.Completed(-1);
    }

    private static void requireUserManager(SqlSessionContext session) {
        if (!session.identity().canManageUsers()) {
            throw new SqlErrorException(AzureSqlErrors.noPermission());
        }
    }

    /** {@code SELECT item, item …} where every item is a who-am-I function or a literal; else not ours. */
    private Optional<StatementResult> whoAmI(SqlSessionContext session, SqlTokens s) {
        List<Column> columns = new ArrayList<>();
        List<Object> row = new ArrayList<>();
        do {
            SqlTokens.Token t = s.peek(0);
            if (t == null) {
                return Optional.empty();
            }
            s.next();
            Object value;
            boolean integer = false;
            int width = 128;
            if (t.kind() == SqlTokens.Kind.NUMBER) {
                try {
                    value = Integer.parseInt(t.text());
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                integer = true;
            } else if (t.kind() == SqlTokens.Kind.STRING) {
                value = t.text();
                width = Math.max(1, t.text().length());
            } else if (t.kind() == SqlTokens.Kind.VARIABLE) {
                switch (t.text()) {
                    case "@@VERSION" -> {
                        value = VERSION;
                        width = 300;
                    }
                    case "@@SPID" -> {
                        value = session.spid();
                        integer = true;
                    }
                    case "@@SERVERNAME" -> value = session.server().name();
                    default -> {
                        return Optional.empty();
                    }
                }
            } else if (t.kind() == SqlTokens.Kind.WORD) {
                String function = t.text().toUpperCase(java.util.Locale.ROOT);
                boolean call = s.peek(0) != null && s.peek(0).isSymbol("(");
                if (call) {
                    if (s.peek(1) == null || !s.peek(1).isSymbol(")")) {
                        return Optional.empty();
                    }
                    s.next();
                    s.next();
                }
                Optional<String> v = call ? callValue(session, function) : keywordValue(session, function);
                if (v.isEmpty()) {
                    return Optional.empty();
                }
                value = v.get();
            } else {
                return Optional.empty();
            }
            String alias = "";
            if (s.acceptWord("AS")) {
                SqlTokens.Token a = s.next();
                if (!a.isName() && a.kind() != SqlTokens.Kind.STRING) {
                    throw new SqlErrorException(AzureSqlErrors.incorrectSyntax(a.text()));
                }
                alias = a.text();
            } else if (s.peek(0) != null && (s.peek(0).kind() == SqlTokens.Kind.QUOTED_NAME
                || (s.peek(0).kind() == SqlTokens.Kind.WORD && !s.peek(0).isWord("FROM")))) {
                alias = s.next().text();
            }
            columns.add(integer ? Column.integer(alias) : Column.nvarchar(alias, width));
            row.add(value);
        } while (s.acceptSymbol(","));
        if (!s.atEnd()) {
            return Optional.empty();
        }
        return Optional.of(new StatementResult.Rows(columns, List.of(row)));
    }

    private static Optional<String> callValue(SqlSessionContext session, String function) {
        return switch (function) {
            case "SUSER_SNAME", "SUSER_NAME", "ORIGINAL_LOGIN" -> Optional.of(session.identity().loginName());
            case "USER_NAME" -> Optional.of(session.identity().userName());
            case "DB_NAME" -> Optional.of(session.database().name());
            default -> Optional.empty();
        };
    }

    private static Optional<String> keywordValue(SqlSessionContext session, String keyword) {
        return switch (keyword) {
            case "CURRENT_USER", "SESSION_USER", "USER" -> Optional.of(session.identity().userName());
            case "SYSTEM_USER" -> Optional.of(session.identity().loginName());
            default -> Optional.empty();
        };
    }
}
