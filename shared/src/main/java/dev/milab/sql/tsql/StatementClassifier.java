package dev.milab.sql.tsql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.milab.sql.tds.DoneToken;
import dev.milab.sql.tsql.StatementAnalysis.Access;
import dev.milab.sql.tsql.StatementAnalysis.Kind;
import dev.milab.sql.tsql.StatementAnalysis.Permission;

/**
 * Decides which objects a data statement reads and writes, from its tokens alone, the way SQL Server's permission
 * checks see them:
 * <ul>
 *   <li>every table or view named after {@code FROM}, {@code JOIN}, {@code APPLY}, {@code USING} or a comma in a
 *       {@code FROM} list, at any nesting depth (subqueries, {@code EXISTS}, derived tables), needs SELECT; names of
 *       the statement's common table expressions and table-valued functions ({@code name(…)}) are not objects;</li>
 *   <li>the target of {@code INSERT [INTO]}, {@code UPDATE} and {@code DELETE [FROM]} needs that permission, an
 *       alias as target ({@code UPDATE o … FROM dbo.Orders o}) meaning its table; {@code UPDATE} and {@code DELETE}
 *       with a {@code WHERE} clause also need SELECT on the target (SQL Server's rule);</li>
 *   <li>the target of {@code MERGE} needs INSERT, UPDATE or DELETE for each {@code THEN} action it has.</li>
 * </ul>
 * Limits, on purpose: it does not look inside views (a view is checked as the object named), does not see column
 * references in an UPDATE's SET clause (SQL Server also asks SELECT for those), and does not resolve synonyms.
 */
public final class StatementClassifier {

    /** Words that end a table source and so are never its alias (also for {@link H2Translation}). */
    static final Set<String> NOT_ALIASES = Set.of("WHERE", "JOIN", "INNER", "LEFT", "RIGHT", "FULL",
        "CROSS", "OUTER", "ON", "GROUP", "ORDER", "HAVING", "UNION", "EXCEPT", "INTERSECT", "WITH", "OPTION", "FOR",
        "SET", "VALUES", "SELECT", "INTO", "OUTPUT", "USING", "WHEN", "THEN", "AS", "APPLY", "PIVOT", "UNPIVOT",
        "DEFAULT", "EXEC", "EXECUTE", "INSERT", "UPDATE", "DELETE", "FROM", "TABLESAMPLE", "WINDOW", "OFFSET",
        "FETCH", "END", "ELSE", "MERGE", "NOT", "AND", "OR", "IS", "NULL", "LIKE", "IN", "BETWEEN", "EXISTS");
    private static final Set<String> SOURCE_KEYWORDS = Set.of("FROM", "JOIN", "APPLY", "USING");

    private final List<Token> t;
    private final Map<String, ObjectName> aliases = new HashMap<>();
    private final Set<String> cteNames = new HashSet<>();
    private final List<ObjectName> reads = new ArrayList<>();

    private StatementClassifier(List<Token> tokens) {
        this.t = tokens;
    }

    /** Classifies a data or DDL statement (SELECT, INSERT, UPDATE, DELETE, MERGE, WITH, CREATE, ALTER, DROP, TRUNCATE). */
    public static StatementAnalysis analyze(Statement.Simple statement) {
        return new StatementClassifier(statement.tokens()).run();
    }

    private StatementAnalysis run() {
        int verbAt = skipCommonTableExpressions();
        String verb = verbAt < t.size() ? t.get(verbAt).upper() : "";
        return switch (verb) {
            case "CREATE", "ALTER", "DROP", "TRUNCATE" -> ddl(verb, verbAt);
            default -> dml(verb, verbAt);
        };
    }

    /** {@code WITH a AS (…), b (x, y) AS (…)}: remembers the names, returns where the main statement starts. */
    private int skipCommonTableExpressions() {
        if (t.isEmpty() || !t.get(0).isWord("WITH")) {
            return 0;
        }
        int i = 1;
        while (i < t.size() && t.get(i).isName()) {
            cteNames.add(t.get(i).text().toLowerCase(Locale.ROOT));
            i++;
            if (i < t.size() && t.get(i).isSymbol("(")) {
                i = afterParentheses(i);
            }
            if (i < t.size() && t.get(i).isWord("AS")) {
                i++;
            }
            if (i < t.size() && t.get(i).isSymbol("(")) {
                i = afterParentheses(i);
            }
            if (i < t.size() && t.get(i).isSymbol(",")) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private StatementAnalysis dml(String verb, int verbAt) {
        collectSources(verbAt);
        List<Access> accesses = new ArrayList<>();
        Kind kind;
        int command;
        ObjectName target = null;
        Permission write = null;
        switch (verb) {
            case "INSERT" -> {
                kind = Kind.INSERT;
                command = DoneToken.COMMAND_INSERT;
                int i = skipTop(verbAt + 1);
                if (i < t.size() && t.get(i).isWord("INTO")) {
                    i++;
                }
                target = nameAt(i);
                write = Permission.INSERT;
            }
            case "UPDATE" -> {
                kind = Kind.UPDATE;
                command = DoneToken.COMMAND_UPDATE;
                target = resolveAlias(nameAt(skipTop(verbAt + 1)));
                write = Permission.UPDATE;
            }
            case "DELETE" -> {
                kind = Kind.DELETE;
                command = DoneToken.COMMAND_DELETE;
                int i = skipTop(verbAt + 1);
                if (i < t.size() && t.get(i).isWord("FROM")) {
                    i++;
                }
                target = resolveAlias(nameAt(i));
                write = Permission.DELETE;
            }
            case "MERGE" -> {
                kind = Kind.MERGE;
                command = DoneToken.COMMAND_MERGE;
                int i = skipTop(verbAt + 1);
                if (i < t.size() && t.get(i).isWord("INTO")) {
                    i++;
                }
                target = nameAt(i);
            }
            default -> {
                kind = Kind.SELECT;
                command = DoneToken.COMMAND_SELECT;
            }
        }
        Map<String, ObjectName> selected = new LinkedHashMap<>();
        reads.forEach(r -> selected.putIfAbsent(r.key(), r));
        if (target != null) {
            boolean targetRead = selected.remove(target.key()) != null;
            if (kind == Kind.MERGE) {
                for (Permission p : mergeActions(verbAt)) {
                    accesses.add(new Access(target, p));
                }
            } else {
                accesses.add(new Access(target, write));
            }
            if (targetRead || ((kind == Kind.UPDATE || kind == Kind.DELETE) && hasTopLevelWord(verbAt, "WHERE"))) {
                accesses.add(new Access(target, Permission.SELECT));
            }
        }
        for (ObjectName read : selected.values()) {
            accesses.add(new Access(read, Permission.SELECT));
        }
        boolean joined = (kind == Kind.UPDATE && hasTopLevelWord(verbAt, "FROM"))
            || (kind == Kind.DELETE && countTopLevelWord(verbAt, "FROM") > (t.size() > skipTop(verbAt + 1)
                && t.get(skipTop(verbAt + 1)).isWord("FROM") ? 1 : 0));
        return new StatementAnalysis(kind, distinct(accesses), null, command, joined);
    }

    private static List<Access> distinct(List<Access> accesses) {
        return List.copyOf(new LinkedHashSet<>(accesses));
    }

    private List<Permission> mergeActions(int from) {
        Set<Permission> actions = new LinkedHashSet<>();
        for (int i = from; i + 1 < t.size(); i++) {
            if (t.get(i).isWord("THEN")) {
                Token action = t.get(i + 1);
                if (action.isWord("INSERT")) {
                    actions.add(Permission.INSERT);
                } else if (action.isWord("UPDATE")) {
                    actions.add(Permission.UPDATE);
                } else if (action.isWord("DELETE")) {
                    actions.add(Permission.DELETE);
                }
            }
        }
        return List.copyOf(actions);
    }

    /** Every table source at any depth (common table expressions included), and the aliases they get. */
    private void collectSources(int verbAt) {
        boolean deleteTargetFrom = verbAt < t.size() && t.get(verbAt).isWord("DELETE");
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.kind() == Token.Kind.WORD && SOURCE_KEYWORDS.contains(k.upper())) {
                if (deleteTargetFrom && k.isWord("FROM") && skipTop(verbAt + 1) == i) {
                    continue;
                }
                tableSources(i + 1);
            }
        }
    }

    /** A table source and, after a comma at the same depth, the next ones. */
    private void tableSources(int at) {
        int i = at;
        while (i < t.size()) {
            Token k = t.get(i);
            ObjectName name = null;
            if (k.isSymbol("(")) {
                i = afterParentheses(i);
            } else if (k.isName() && !(k.kind() == Token.Kind.WORD && NOT_ALIASES.contains(k.upper()))) {
                int end = nameEnd(i);
                if (end < t.size() && t.get(end).isSymbol("(")) {
                    i = afterParentheses(end);
                } else {
                    name = parseName(i, end);
                    i = end;
                    boolean cte = name.schema() == null && cteNames.contains(name.name().toLowerCase(Locale.ROOT));
                    if (!cte) {
                        reads.add(name);
                    }
                }
            } else {
                return;
            }
            if (i < t.size() && t.get(i).isWord("AS")) {
                i++;
            }
            if (i < t.size() && t.get(i).isName()
                && !(t.get(i).kind() == Token.Kind.WORD && NOT_ALIASES.contains(t.get(i).upper()))) {
                if (name != null) {
                    aliases.put(t.get(i).text().toLowerCase(Locale.ROOT), name);
                }
                i++;
            }
            if (i < t.size() && t.get(i).isWord("WITH") && i + 1 < t.size() && t.get(i + 1).isSymbol("(")) {
                i = afterParentheses(i + 1);
            }
            if (i < t.size() && t.get(i).isSymbol(",")) {
                i++;
            } else {
                return;
            }
        }
    }

    private ObjectName resolveAlias(ObjectName name) {
        if (name != null && name.schema() == null) {
            ObjectName aliased = aliases.get(name.name().toLowerCase(Locale.ROOT));
            if (aliased != null) {
                return aliased;
            }
        }
        return name;
    }

    /** {@code TOP (n) [PERCENT]} or {@code TOP n} after INSERT, UPDATE, DELETE, MERGE. */
    private int skipTop(int at) {
        int i = at;
        if (i < t.size() && t.get(i).isWord("TOP")) {
            i++;
            if (i < t.size() && t.get(i).isSymbol("(")) {
                i = afterParentheses(i);
            } else {
                i++;
            }
            if (i < t.size() && t.get(i).isWord("PERCENT")) {
                i++;
            }
        }
        return i;
    }

    private ObjectName nameAt(int at) {
        if (at >= t.size() || !t.get(at).isName()) {
            return null;
        }
        return parseName(at, nameEnd(at));
    }

    /** The index after a multi-part name starting at {@code at} ({@code a.b.c}, {@code a..c}). */
    private int nameEnd(int at) {
        int i = at + 1;
        while (i + 1 < t.size() && t.get(i).isSymbol(".")) {
            if (t.get(i + 1).isName()) {
                i += 2;
            } else if (t.get(i + 1).isSymbol(".") && i + 2 < t.size() && t.get(i + 2).isName()) {
                i += 3;
            } else {
                break;
            }
        }
        return i;
    }

    private ObjectName parseName(int from, int to) {
        List<String> parts = new ArrayList<>();
        StringBuilder written = new StringBuilder();
        boolean afterDot = false;
        for (int i = from; i < to; i++) {
            Token k = t.get(i);
            if (k.isSymbol(".")) {
                if (afterDot) {
                    parts.add("");
                }
                written.append('.');
                afterDot = true;
            } else {
                parts.add(k.text());
                written.append(k.text());
                afterDot = false;
            }
        }
        int n = parts.size();
        String name = parts.get(n - 1);
        String schema = n >= 2 ? parts.get(n - 2) : null;
        String database = n >= 3 ? parts.get(n - 3) : null;
        String server = n >= 4 ? parts.get(n - 4) : null;
        return new ObjectName(server, database, schema, name, written.toString());
    }

    private int afterParentheses(int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).isSymbol("(")) {
                depth++;
            } else if (t.get(i).isSymbol(")")) {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return t.size();
    }

    private boolean hasTopLevelWord(int from, String word) {
        return countTopLevelWord(from, word) > 0;
    }

    private int countTopLevelWord(int from, String word) {
        int depth = 0;
        int count = 0;
        for (int i = from; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol("(")) {
                depth++;
            } else if (k.isSymbol(")")) {
                depth--;
            } else if (depth == 0 && k.isWord(word)) {
                count++;
            }
        }
        return count;
    }

    private StatementAnalysis ddl(String verb, int verbAt) {
        int i = verbAt + 1;
        while (i < t.size() && (t.get(i).isWord("OR") || t.get(i).isWord("ALTER") && verb.equals("CREATE")
            || t.get(i).isWord("UNIQUE") || t.get(i).isWord("CLUSTERED") || t.get(i).isWord("NONCLUSTERED"))) {
            i++;
        }
        String object = i < t.size() ? t.get(i).upper() : "";
        int nameAt = i + 1;
        if (nameAt + 1 < t.size() && t.get(nameAt).isWord("IF") && t.get(nameAt + 1).isWord("EXISTS")) {
            nameAt += 2;
        }
        ObjectName name = nameAt(nameAt);
        Ddl ddl = DDL.get(verb + " " + object);
        if (ddl == null) {
            Kind other = verb.equals("CREATE") ? Kind.CREATE_OTHER : verb.equals("ALTER") ? Kind.ALTER_OTHER
                : Kind.DROP_OTHER;
            return new StatementAnalysis(other, List.of(), name, 0, false);
        }
        if (ddl.kind() == Kind.CREATE_INDEX || ddl.kind() == Kind.DROP_INDEX) {
            // CREATE/DROP INDEX ix ON table: the object is the table.
            int on = indexOfWord(nameAt, "ON");
            name = on < 0 ? name : nameAt(on + 1);
        }
        return new StatementAnalysis(ddl.kind(), List.of(), name, ddl.doneCommand(), false);
    }

    /** A DDL statement's kind and the DONE token's CurCmd SQL Server reports for it. */
    private record Ddl(Kind kind, int doneCommand) {
    }

    private static final Map<String, Ddl> DDL = Map.of(
        "CREATE TABLE", new Ddl(Kind.CREATE_TABLE, DoneToken.COMMAND_CREATE_TABLE),
        "CREATE VIEW", new Ddl(Kind.CREATE_VIEW, DoneToken.COMMAND_CREATE_VIEW),
        "CREATE INDEX", new Ddl(Kind.CREATE_INDEX, DoneToken.COMMAND_CREATE_INDEX),
        "CREATE SCHEMA", new Ddl(Kind.CREATE_SCHEMA, DoneToken.COMMAND_CREATE_SCHEMA),
        "ALTER TABLE", new Ddl(Kind.ALTER_TABLE, DoneToken.COMMAND_ALTER_TABLE),
        "DROP TABLE", new Ddl(Kind.DROP_TABLE, DoneToken.COMMAND_DROP_TABLE),
        "DROP VIEW", new Ddl(Kind.DROP_VIEW, DoneToken.COMMAND_DROP_VIEW),
        "DROP INDEX", new Ddl(Kind.DROP_INDEX, DoneToken.COMMAND_DROP_INDEX),
        "TRUNCATE TABLE", new Ddl(Kind.TRUNCATE, DoneToken.COMMAND_ALTER_TABLE));

    private int indexOfWord(int from, String word) {
        for (int i = from; i < t.size(); i++) {
            if (t.get(i).isWord(word)) {
                return i;
            }
        }
        return -1;
    }

}
