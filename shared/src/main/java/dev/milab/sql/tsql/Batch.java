package dev.milab.sql.tsql;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A T-SQL batch as SQL Server splits it into statements. Semicolons are optional in T-SQL, so a statement also ends
 * where the next statement's keyword starts at the top nesting level ({@code INSERT … VALUES (1) SELECT 1} is two
 * statements), unless the statement in progress uses that keyword itself: the {@code SELECT} of
 * {@code INSERT … SELECT} and of {@code UNION SELECT}, the {@code SET} of {@code UPDATE}, {@code DROP COLUMN} and
 * {@code ALTER COLUMN} inside {@code ALTER TABLE}, {@code ON DELETE}/{@code ON UPDATE} actions, {@code IF EXISTS} in
 * {@code DROP}, the permission list of {@code GRANT}/{@code DENY}/{@code REVOKE}, {@code WITH} options and table
 * hints. {@code CREATE VIEW}, {@code PROCEDURE}, {@code FUNCTION}, {@code TRIGGER} and {@code SCHEMA} take the rest
 * of the batch, as SQL Server requires them to be alone in it; {@code MERGE} runs to its semicolon.
 *
 * <p>{@code IF}/{@code ELSE} and {@code BEGIN}…{@code END} blocks nest; {@code BEGIN TRAN} is a statement, and
 * {@code CASE}…{@code END} stays inside its statement.
 */
public record Batch(String source, List<Statement> statements) {

    /** The keywords that start a statement (all reserved in T-SQL, so never a bare column name). */
    static final Set<String> STATEMENT_STARTS = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE",
        "ALTER", "DROP", "TRUNCATE", "SET", "IF", "BEGIN", "COMMIT", "ROLLBACK", "SAVE", "DECLARE", "EXEC",
        "EXECUTE", "GRANT", "DENY", "REVOKE", "WAITFOR", "PRINT", "USE", "WITH", "RETURN", "RAISERROR", "THROW",
        "WHILE");
    private static final Set<String> REST_OF_BATCH_OBJECTS = Set.of("VIEW", "PROCEDURE", "PROC", "FUNCTION",
        "TRIGGER", "SCHEMA");
    private static final Set<String> BEGIN_STATEMENTS = Set.of("TRAN", "TRANSACTION", "DISTRIBUTED", "TRY", "CATCH",
        "DIALOG", "CONVERSATION");
    private static final Set<String> SET_OPERATORS = Set.of("UNION", "ALL", "EXCEPT", "INTERSECT");
    /** What {@code DROP} removes inside {@code ALTER TABLE} or {@code ALTER ROLE}. */
    private static final Set<String> ALTER_DROPS = Set.of("COLUMN", "CONSTRAINT", "MEMBER", "PERIOD", "INDEX",
        "SYSTEM");

    public Batch {
        statements = List.copyOf(statements);
    }

    public static Batch parse(String sql) {
        Parser parser = new Parser(TsqlLexer.tokenize(sql));
        return new Batch(sql, parser.batch());
    }

    private static final class Parser {

        private final List<Token> t;
        private int pos;

        Parser(List<Token> tokens) {
            this.t = tokens;
        }

        List<Statement> batch() {
            return statements(false);
        }

        private List<Statement> statements(boolean inBlock) {
            List<Statement> list = new ArrayList<>();
            while (pos < t.size()) {
                Token k = t.get(pos);
                if (k.isSymbol(";")) {
                    pos++;
                } else if (k.isWord("END")) {
                    if (inBlock) {
                        return list;
                    }
                    throw TsqlException.syntaxNear(k.text());
                } else if (k.isWord("ELSE")) {
                    throw TsqlException.syntaxNear(k.text());
                } else {
                    list.add(statement());
                }
            }
            if (inBlock) {
                throw TsqlException.syntaxNear(t.isEmpty() ? "" : t.get(t.size() - 1).text());
            }
            return list;
        }

        private Statement statement() {
            Token k = t.get(pos);
            if (k.isWord("IF")) {
                return ifStatement();
            }
            if (k.isWord("BEGIN") && !(pos + 1 < t.size() && BEGIN_STATEMENTS.contains(t.get(pos + 1).upper()))) {
                pos++;
                List<Statement> body = statements(true);
                pos++;
                return new Statement.Block(body);
            }
            return simple();
        }

        private Statement ifStatement() {
            Token ifToken = t.get(pos++);
            int start = pos;
            int depth = 0;
            int caseDepth = 0;
            while (pos < t.size()) {
                Token k = t.get(pos);
                if (k.isSymbol("(")) {
                    depth++;
                } else if (k.isSymbol(")")) {
                    depth--;
                } else if (depth == 0 && k.kind() == Token.Kind.WORD) {
                    if (k.isWord("CASE")) {
                        caseDepth++;
                    } else if (k.isWord("END") && caseDepth > 0) {
                        caseDepth--;
                    } else if (caseDepth == 0 && STATEMENT_STARTS.contains(k.upper())) {
                        break;
                    }
                } else if (depth == 0 && k.isSymbol(";")) {
                    break;
                }
                pos++;
            }
            if (pos == start || pos >= t.size() || t.get(pos).isSymbol(";")) {
                throw TsqlException.syntaxNear(pos < t.size() ? t.get(pos).text() : t.get(pos - 1).text());
            }
            List<Token> condition = t.subList(start, pos);
            if (condition.isEmpty()) {
                throw TsqlException.syntaxNear(ifToken.text());
            }
            Statement then = statement();
            int save = pos;
            while (pos < t.size() && t.get(pos).isSymbol(";")) {
                pos++;
            }
            Statement otherwise = null;
            if (pos < t.size() && t.get(pos).isWord("ELSE")) {
                pos++;
                if (pos >= t.size()) {
                    throw TsqlException.syntaxNear("ELSE");
                }
                otherwise = statement();
            } else {
                pos = save;
            }
            return new Statement.If(condition, then, otherwise);
        }

        private Statement simple() {
            int start = pos;
            Shape shape = new Shape(t, start);
            pos++;
            int depth = 0;
            int caseDepth = 0;
            while (pos < t.size()) {
                Token k = t.get(pos);
                if (k.isSymbol(";") && !shape.restOfBatch) {
                    break;
                }
                if (k.isSymbol("(")) {
                    depth++;
                } else if (k.isSymbol(")")) {
                    depth = Math.max(0, depth - 1);
                } else if (depth == 0 && k.kind() == Token.Kind.WORD && !shape.restOfBatch) {
                    String w = k.upper();
                    if (w.equals("CASE")) {
                        caseDepth++;
                    } else if (w.equals("END")) {
                        if (caseDepth == 0) {
                            break;
                        }
                        caseDepth--;
                    } else if (w.equals("ELSE") && caseDepth == 0) {
                        break;
                    } else if (STATEMENT_STARTS.contains(w) && !shape.absorbs(pos)) {
                        break;
                    }
                    shape.observe(k);
                }
                pos++;
            }
            return new Statement.Simple(t.subList(start, pos));
        }
    }

    /** What the statement in progress lets through of the keywords that would start another one. */
    private static final class Shape {

        private final List<Token> t;
        private String kind;
        private boolean restOfBatch;
        private boolean sourceSeen;
        private boolean setSeen;
        private boolean grantTargetSeen;
        private boolean cteMainSeen;

        Shape(List<Token> tokens, int start) {
            this.t = tokens;
            Token first = tokens.get(start);
            this.kind = first.kind() == Token.Kind.WORD ? first.upper() : "";
            String object = objectKind(tokens, start + 1);
            if ((kind.equals("CREATE") || kind.equals("ALTER")) && REST_OF_BATCH_OBJECTS.contains(object)) {
                restOfBatch = true;
            }
            if (kind.equals("BEGIN") && !object.equals("TRAN") && !object.equals("TRANSACTION")) {
                restOfBatch = true;
            }
        }

        /** The object kind after CREATE/ALTER, past {@code OR ALTER}, {@code UNIQUE}, {@code CLUSTERED}. */
        private static String objectKind(List<Token> tokens, int at) {
            int i = at;
            while (i < tokens.size() && (tokens.get(i).isWord("OR") || tokens.get(i).isWord("ALTER")
                || tokens.get(i).isWord("UNIQUE") || tokens.get(i).isWord("CLUSTERED")
                || tokens.get(i).isWord("NONCLUSTERED"))) {
                i++;
            }
            return i < tokens.size() ? tokens.get(i).upper() : "";
        }

        boolean absorbs(int i) {
            Token k = t.get(i);
            Token prev = t.get(i - 1);
            Token next = i + 1 < t.size() ? t.get(i + 1) : null;
            String w = k.upper();
            if (kind.equals("MERGE")) {
                return true;
            }
            if (w.equals("WITH") && (next == null || next.isSymbol("(") || !startsCte(i))) {
                return true;
            }
            if ((w.equals("DELETE") || w.equals("UPDATE")) && prev.isWord("ON")) {
                return true;
            }
            if (w.equals("SET") && (prev.isWord("DELETE") || prev.isWord("UPDATE")) && i >= 2
                && t.get(i - 2).isWord("ON")) {
                return true;
            }
            if (w.equals("UPDATE") && prev.isWord("FOR")) {
                return true;
            }
            if (w.equals("SELECT") && prev.kind() == Token.Kind.WORD && SET_OPERATORS.contains(prev.upper())) {
                return true;
            }
            switch (kind) {
                case "WITH" -> {
                    if (!cteMainSeen) {
                        cteMainSeen = true;
                        kind = w;
                        if (w.equals("INSERT") || w.equals("UPDATE")) {
                            sourceSeen = false;
                            setSeen = false;
                        }
                        return true;
                    }
                }
                case "INSERT" -> {
                    if (!sourceSeen && (w.equals("SELECT") || w.equals("EXEC") || w.equals("EXECUTE"))) {
                        sourceSeen = true;
                        return true;
                    }
                }
                case "UPDATE" -> {
                    if (w.equals("SET") && !setSeen) {
                        setSeen = true;
                        return true;
                    }
                }
                case "ALTER" -> {
                    String after = next == null ? "" : next.upper();
                    return (w.equals("DROP") && ALTER_DROPS.contains(after))
                        || (w.equals("ALTER") && after.equals("COLUMN")) || w.equals("SET");
                }
                case "DROP" -> {
                    return w.equals("IF") && next != null && next.isWord("EXISTS");
                }
                case "GRANT", "DENY", "REVOKE" -> {
                    return !grantTargetSeen;
                }
                case "DECLARE" -> {
                    return w.equals("SELECT") && prev.isWord("FOR");
                }
                default -> {
                    return false;
                }
            }
            return false;
        }

        /** {@code WITH name AS (} or {@code WITH name (columns) AS (}: a common table expression. */
        private boolean startsCte(int i) {
            if (i + 2 >= t.size() || !t.get(i + 1).isName()) {
                return false;
            }
            return t.get(i + 2).isWord("AS") || t.get(i + 2).isSymbol("(");
        }

        void observe(Token k) {
            if (kind.equals("INSERT") && (k.isWord("VALUES") || k.isWord("DEFAULT"))) {
                sourceSeen = true;
            }
            if ((kind.equals("GRANT") || kind.equals("DENY") || kind.equals("REVOKE"))
                && (k.isWord("TO") || k.isWord("FROM"))) {
                grantTargetSeen = true;
            }
        }
    }
}
