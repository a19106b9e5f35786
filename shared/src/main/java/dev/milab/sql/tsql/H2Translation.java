package dev.milab.sql.tsql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one T-SQL statement into the SQL that H2 (in its MSSQLServer mode) runs, changing only what H2 lacks and
 * copying the rest of the text as written:
 * <ul>
 *   <li>parameters ({@code @P0}, {@code @name}) become {@code ?}, in the order they occur;</li>
 *   <li>{@code @@TRANCOUNT}, {@code @@ROWCOUNT}, {@code @@SPID}, {@code @@VERSION}, … and the who-am-I functions
 *       ({@code SUSER_SNAME()}, {@code USER_NAME()}, {@code DB_NAME()}, {@code CURRENT_USER}, …) become the
 *       session's values;</li>
 *   <li>{@code SYSDATETIME()}, {@code SYSUTCDATETIME()}, {@code SYSDATETIMEOFFSET()}, {@code GETUTCDATE()} and
 *       {@code IIF(c, a, b)} become H2 expressions;</li>
 *   <li>{@code COUNT(...)} and {@code LEN(...)} are cast to {@code int}, SQL Server's type for them ({@code LEN}
 *       without trailing spaces), and {@code COUNT_BIG(...)} becomes H2's COUNT, a {@code bigint};</li>
 *   <li>types in column definitions, {@code CAST} and {@code CONVERT}: {@code datetimeoffset} becomes
 *       {@code TIMESTAMP WITH TIME ZONE}, {@code datetime2} and {@code time} keep SQL Server's default scale 7,
 *       {@code tinyint} becomes an unsigned domain (H2's TINYINT is signed), {@code datetime},
 *       {@code smalldatetime}, {@code money}, {@code smallmoney}, {@code sysname}, {@code text}, {@code ntext},
 *       {@code image} their nearest H2 types;</li>
 *   <li>a three-part name that names the current database loses the database part;</li>
 *   <li>a catalog view ({@code INFORMATION_SCHEMA.TABLES}, {@code sys.objects}, …) becomes the rows the session
 *       may see of it ({@link Context#catalogView}), so H2's own catalog never answers a client;</li>
 *   <li>{@code REPLICATE} and {@code SPACE} become the lab's bounded functions ({@link #BOUNDED_REPLICATE},
 *       {@link #BOUNDED_SPACE}), which refuse a value over the query's memory bound before making it; H2's own
 *       functions that make large values or rows from little ({@code REPEAT}, {@code LPAD}, {@code SYSTEM_RANGE},
 *       {@code EXPAND}, …), not T-SQL anyway, are unknown functions (195).</li>
 * </ul>
 */
public final class H2Translation {

    /** The H2 domain that stands for {@code tinyint}: a SMALLINT from 0 to 255. */
    public static final String TINYINT_DOMAIN = "MILAB_TINYINT";
    /** The lab's {@code REPLICATE(s, n, maxBytes)} in H2 (a Java function the lab defines in every database). */
    public static final String BOUNDED_REPLICATE = "PUBLIC.MILAB_REPLICATE";
    /** The lab's {@code SPACE(n, maxBytes)} in H2. */
    public static final String BOUNDED_SPACE = "PUBLIC.MILAB_SPACE";
    /** The schemas of SQL Server's catalog views. */
    private static final Set<String> CATALOG_SCHEMAS = Set.of("INFORMATION_SCHEMA", "SYS");
    /**
     * H2 functions, not T-SQL, that make a large value or many rows from a small argument; refused (195) where
     * called, as SQL Server does not know them, so no client can build one past the lab's memory bound.
     */
    private static final Set<String> REFUSED_GENERATORS = Set.of("REPEAT", "LPAD", "RPAD", "SECURE_RAND",
        "RANDOM_UUID", "EXPAND", "COMPRESS", "SYSTEM_RANGE", "ARRAY_AGG", "LISTAGG", "GROUP_CONCAT", "ZERO",
        "ARRAY_CAT", "ARRAY_APPEND", "DB_OBJECT_ID", "DB_OBJECT_SQL", "ENCRYPT", "DECRYPT", "HASH", "ORA_HASH",
        "RAWTOHEX", "HEXTORAW", "STRINGTOUTF8", "UTF8TOSTRING", "XMLTEXT", "XMLNODE", "XMLATTR", "XMLCDATA",
        "XMLCOMMENT", "XMLSTARTDOC");

    private static final Set<String> IDENTITY_FUNCTIONS = Set.of("SUSER_SNAME", "SUSER_NAME", "ORIGINAL_LOGIN",
        "USER_NAME", "DB_NAME");
    private static final Set<String> IDENTITY_KEYWORDS = Set.of("CURRENT_USER", "SESSION_USER", "SYSTEM_USER",
        "USER");
    private static final Map<String, String> CLOCK_FUNCTIONS = Map.of(
        "SYSDATETIME", "LOCALTIMESTAMP(7)",
        "SYSDATETIMEOFFSET", "CURRENT_TIMESTAMP(7)",
        "SYSUTCDATETIME", "CAST(CURRENT_TIMESTAMP(7) AT TIME ZONE 'UTC' AS TIMESTAMP(7))",
        "GETUTCDATE", "CAST(CURRENT_TIMESTAMP(3) AT TIME ZONE 'UTC' AS TIMESTAMP(3))");
    /**
     * H2 functions that read or write files or URLs, or open connections: never in the lab's Azure SQL (they would
     * reach past loopback and the lab), and unknown to SQL Server anyway.
     */
    private static final Set<String> REFUSED_FUNCTIONS = Set.of("FILE_READ", "FILE_WRITE", "CSVREAD", "CSVWRITE",
        "LINK_SCHEMA", "DATABASE_PATH", "DISK_SPACE_USED", "ABORT_SESSION", "CANCEL_SESSION", "SESSION_ID",
        "TRANSACTION_ID", "H2VERSION", "MEMORY_FREE", "MEMORY_USED", "LOCK_MODE", "LOCK_TIMEOUT", "READONLY",
        "SIGNAL", "JAVA_OBJECT");
    /** Functions whose result type H2 and SQL Server disagree on, or that H2 names differently. */
    private static final Set<String> RETYPED_AGGREGATES = Set.of("COUNT", "COUNT_BIG", "LEN");
    private static final Set<String> NOT_COLUMNS = Set.of("CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK",
        "INDEX", "PERIOD", "KEY");

    /** What a translation needs from the session that runs it. */
    public interface Context {
        /** An {@code @@VARIABLE} (upper case) as a SQL literal, or null when SQL Server has no such variable. */
        String systemVariable(String name);

        /** The value of a who-am-I function or keyword (upper case), or null. */
        String identityValue(String name);

        /** The current database's name. */
        String databaseName();

        /** Whether {@code @name} is a parameter of the request. */
        boolean isParameter(String name);

        /**
         * The rows of catalog view {@code schema.view} the session may see, as a parenthesized query for a FROM
         * clause; a view the lab does not offer throws 208 (Invalid object name {@code written}).
         */
        String catalogView(String schema, String view, String written);

        /** The largest value, in bytes of UTF-16, one function call may make in this query. */
        long maxValueBytes();
    }

    /** The H2 SQL and, per {@code ?} in order, the name of the parameter it stands for. */
    public record Result(String sql, List<String> parameters) {
        public Result {
            parameters = List.copyOf(parameters);
        }
    }

    private final String source;
    private final List<Token> t;
    private final Context context;
    private final boolean[] typePosition;
    private final List<String> parameters = new ArrayList<>();
    /** Where a name continues whose current-database part was dropped ({@code db1.sys.tables}). */
    private int databaseDroppedAt = -1;

    private H2Translation(String source, List<Token> tokens, Context context) {
        this.source = source;
        this.t = tokens;
        this.context = context;
        this.typePosition = typePositions(tokens);
    }

    public static Result translate(String source, List<Token> tokens, Context context) {
        if (tokens.isEmpty()) {
            return new Result("", List.of());
        }
        H2Translation translation = new H2Translation(source, tokens, context);
        String sql = translation.range(0, tokens.size());
        return new Result(sql, translation.parameters);
    }

    /** The translation of tokens {@code [from, to)}, with the source text between them as written. */
    private String range(int from, int to) {
        StringBuilder out = new StringBuilder();
        int copied = t.get(from).start();
        int i = from;
        while (i < to) {
            Token k = t.get(i);
            String replacement = null;
            int next = i + 1;
            switch (k.kind()) {
                case SYSTEM_VARIABLE -> {
                    replacement = context.systemVariable(k.upper());
                    if (replacement == null) {
                        throw mustDeclare(k.text());
                    }
                }
                case VARIABLE -> {
                    if (!context.isParameter(k.text())) {
                        throw mustDeclare(k.text());
                    }
                    parameters.add(k.text());
                    replacement = "?";
                }
                case WORD -> {
                    // a call of one (a column may have such a name: sys.dm_exec_sessions has session_id)
                    if ((REFUSED_FUNCTIONS.contains(k.upper()) || REFUSED_GENERATORS.contains(k.upper()))
                        && i + 1 < to && t.get(i + 1).isSymbol("(")) {
                        throw new TsqlException(195, "'" + k.text() + "' is not a recognized built-in function name.");
                    }
                    if (k.isWord("ENGINE") && t.get(0).isWord("CREATE")) {
                        // H2's table engines are Java classes: not T-SQL, and not for the lab's clients
                        throw TsqlException.syntaxNear(k.text());
                    }
                    boolean emptyCall = i + 2 < to && t.get(i + 1).isSymbol("(") && t.get(i + 2).isSymbol(")");
                    boolean qualified = i > from && t.get(i - 1).isSymbol(".");
                    if (typePosition[i]) {
                        int[] end = {next};
                        replacement = h2Type(i, to, end);
                        next = end[0];
                    } else if (emptyCall && IDENTITY_FUNCTIONS.contains(k.upper()) && !qualified) {
                        replacement = literal(context.identityValue(k.upper()));
                        next = i + 3;
                    } else if (emptyCall && CLOCK_FUNCTIONS.containsKey(k.upper()) && !qualified) {
                        replacement = CLOCK_FUNCTIONS.get(k.upper());
                        next = i + 3;
                    } else if (IDENTITY_KEYWORDS.contains(k.upper()) && !qualified
                        && !(i + 1 < to && (t.get(i + 1).isSymbol("(") || t.get(i + 1).isSymbol(".")))) {
                        replacement = literal(context.identityValue(k.upper()));
                    } else if (k.isWord("IIF") && i + 1 < to && t.get(i + 1).isSymbol("(") && !qualified) {
                        int close = closing(i + 1, to);
                        List<int[]> args = arguments(i + 2, close);
                        if (args.size() == 3) {
                            replacement = "CASE WHEN " + range(args.get(0)[0], args.get(0)[1]) + " THEN "
                                + range(args.get(1)[0], args.get(1)[1]) + " ELSE " + range(args.get(2)[0],
                                args.get(2)[1]) + " END";
                            next = close + 1;
                        }
                    } else if ((k.isWord("REPLICATE") || k.isWord("SPACE")) && i + 1 < to
                        && t.get(i + 1).isSymbol("(") && !qualified) {
                        int close = closing(i + 1, to);
                        List<int[]> args = arguments(i + 2, close);
                        int expected = k.isWord("REPLICATE") ? 2 : 1;
                        if (args.size() != expected) {
                            throw new TsqlException(174, "The " + k.upper().toLowerCase(Locale.ROOT)
                                + " function requires " + expected + " argument(s).");
                        }
                        StringBuilder call = new StringBuilder(expected == 2 ? BOUNDED_REPLICATE : BOUNDED_SPACE)
                            .append('(');
                        for (int[] a : args) {
                            call.append(range(a[0], a[1])).append(", ");
                        }
                        replacement = call.append(context.maxValueBytes()).append(')').toString();
                        next = close + 1;
                    } else if (RETYPED_AGGREGATES.contains(k.upper()) && i + 1 < to && t.get(i + 1).isSymbol("(")
                        && !qualified) {
                        int close = closing(i + 1, to);
                        if (close > i + 2) {
                            int[] end = {close + 1};
                            replacement = retyped(k, i + 2, close, to, end);
                            next = end[0];
                        }
                    }
                }
                default -> {
                }
            }
            if (replacement == null && k.isName() && startsCurrentDatabaseName(i, to)) {
                boolean emptySchema = t.get(i + 2).isSymbol(".");
                replacement = emptySchema ? ObjectName.DEFAULT_SCHEMA : "";
                next = i + 2;
                databaseDroppedAt = next;
            } else if (replacement == null && startsCatalogView(i, from, to)) {
                Token view = t.get(i + 2);
                replacement = context.catalogView(upper(k), upper(view), k.text() + "." + view.text());
                if (!aliasFollows(i + 3, to)) {
                    replacement += " AS \"" + view.text().replace("\"", "\"\"") + "\"";
                }
                next = i + 3;
            }
            if (replacement != null) {
                out.append(source, copied, k.start()).append(replacement);
                copied = t.get(next - 1).end();
            }
            i = next;
        }
        out.append(source, copied, t.get(to - 1).end());
        return out.toString();
    }

    /**
     * {@code COUNT(...)} and {@code LEN(...)} as SQL Server types them, {@code int} (H2 answers BIGINT), and
     * {@code COUNT_BIG(...)}, which H2 does not know, as H2's COUNT, a {@code bigint} (Microsoft Learn, "COUNT",
     * "COUNT_BIG", "LEN": "Return types"). A window ({@code OVER (...)}) goes inside the cast. SQL Server types
     * {@code LEN} of a {@code varchar(max)}/{@code nvarchar(max)} as {@code bigint}; the lab, which does not know
     * the argument's type here, says {@code int} for every {@code LEN}.
     */
    private String retyped(Token function, int argumentsFrom, int close, int to, int[] end) {
        String arguments = range(argumentsFrom, close);
        if (function.isWord("LEN")) {
            // H2's LEN counts trailing blanks; SQL Server's "excluding trailing spaces" (Microsoft Learn, "LEN").
            return "CAST(LENGTH(RTRIM(" + arguments + ")) AS INT)";
        }
        String name = function.isWord("COUNT_BIG") ? "COUNT" : function.text();
        StringBuilder call = new StringBuilder(name).append('(').append(arguments).append(')');
        if (end[0] + 1 < to && t.get(end[0]).isWord("OVER") && t.get(end[0] + 1).isSymbol("(")) {
            int overClose = closing(end[0] + 1, to);
            call.append(' ').append(range(end[0], overClose + 1));
            end[0] = overClose + 1;
        }
        return function.isWord("COUNT_BIG") ? call.toString() : "CAST(" + call + " AS INT)";
    }

    private static TsqlException mustDeclare(String variable) {
        return new TsqlException(137, "Must declare the scalar variable \"" + variable + "\".");
    }

    /**
     * {@code INFORMATION_SCHEMA.name} or {@code sys.name} as a whole name (not the start of a longer one, nor a
     * function), whatever the brackets or case: a catalog view.
     */
    private boolean startsCatalogView(int i, int from, int to) {
        Token k = t.get(i);
        if (!k.isName() || !CATALOG_SCHEMAS.contains(upper(k))) {
            return false;
        }
        if (i > from && t.get(i - 1).isSymbol(".") && i != databaseDroppedAt) {
            return false;
        }
        if (i + 2 >= to || !t.get(i + 1).isSymbol(".") || !t.get(i + 2).isName()) {
            return false;
        }
        if (i + 3 < to && t.get(i + 3).isSymbol("(")) {
            // sys.fn_…(): the lab has no system functions, and H2's must not answer for them
            throw new TsqlException(4121, "Cannot find either column \"" + k.text() + "\" or the user-defined "
                + "function or aggregate \"" + k.text() + "." + t.get(i + 2).text() + "\", or the name is ambiguous.");
        }
        return !(i + 3 < to && t.get(i + 3).isSymbol("."));
    }

    private static String upper(Token name) {
        return name.text().toUpperCase(Locale.ROOT);
    }

    /** Whether the table source ending before {@code at} is given an alias ({@code AS x}, or a name). */
    private boolean aliasFollows(int at, int to) {
        if (at >= to) {
            return false;
        }
        Token next = t.get(at);
        if (next.kind() == Token.Kind.QUOTED_NAME) {
            return true;
        }
        return next.kind() == Token.Kind.WORD && (next.isWord("AS")
            || !StatementClassifier.NOT_ALIASES.contains(next.upper()));
    }

    /** {@code db.schema.object} or {@code db..object} where db is the current database. */
    private boolean startsCurrentDatabaseName(int i, int to) {
        if (i > 0 && t.get(i - 1).isSymbol(".")) {
            return false;
        }
        if (i + 3 >= to || !t.get(i + 1).isSymbol(".")) {
            return false;
        }
        boolean threeParts = t.get(i + 2).isName() && t.get(i + 3).isSymbol(".");
        boolean emptySchema = t.get(i + 2).isSymbol(".") && t.get(i + 3).isName();
        return (threeParts || emptySchema) && t.get(i).text().equalsIgnoreCase(context.databaseName());
    }

    static String literal(String value) {
        return value == null ? "NULL" : "N'" + value.replace("'", "''") + "'";
    }

    private int closing(int open, int to) {
        int depth = 0;
        for (int i = open; i < to; i++) {
            if (t.get(i).isSymbol("(")) {
                depth++;
            } else if (t.get(i).isSymbol(")")) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        throw TsqlException.syntaxNear(t.get(to - 1).text());
    }

    private List<int[]> arguments(int from, int close) {
        List<int[]> args = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i < close; i++) {
            if (t.get(i).isSymbol("(")) {
                depth++;
            } else if (t.get(i).isSymbol(")")) {
                depth--;
            } else if (depth == 0 && t.get(i).isSymbol(",")) {
                args.add(new int[] {start, i});
                start = i + 1;
            }
        }
        if (start < close) {
            args.add(new int[] {start, close});
        }
        for (int[] a : args) {
            if (a[0] >= a[1]) {
                throw TsqlException.syntaxNear(",");
            }
        }
        return args;
    }

    /** The H2 type for the T-SQL type at {@code i} (with its {@code (n)} if any), or null to keep it. */
    private String h2Type(int i, int to, int[] end) {
        String name = t.get(i).upper();
        Integer scale = null;
        int after = i + 1;
        if (after + 2 < to && t.get(after).isSymbol("(") && t.get(after + 1).kind() == Token.Kind.NUMBER
            && t.get(after + 2).isSymbol(")")) {
            try {
                scale = Math.min(7, Integer.parseInt(t.get(after + 1).text()));
            } catch (NumberFormatException e) {
                scale = null;
            }
        }
        int withScale = scale == null ? after : after + 3;
        String replacement = switch (name) {
            case "DATETIMEOFFSET" -> "TIMESTAMP(" + (scale == null ? 7 : scale) + ") WITH TIME ZONE";
            case "DATETIME2" -> "TIMESTAMP(" + (scale == null ? 7 : scale) + ")";
            case "TIME" -> "TIME(" + (scale == null ? 7 : scale) + ")";
            case "DATETIME" -> "TIMESTAMP(3)";
            case "SMALLDATETIME" -> "TIMESTAMP(0)";
            case "TINYINT" -> "PUBLIC." + TINYINT_DOMAIN;
            case "MONEY" -> "DECIMAL(19,4)";
            case "SMALLMONEY" -> "DECIMAL(10,4)";
            case "SYSNAME" -> "NVARCHAR(128)";
            case "TEXT", "NTEXT" -> "NVARCHAR(MAX)";
            case "IMAGE" -> "VARBINARY(MAX)";
            default -> null;
        };
        boolean scaled = name.equals("DATETIMEOFFSET") || name.equals("DATETIME2") || name.equals("TIME");
        end[0] = replacement != null && scaled ? withScale : after;
        return replacement;
    }

    /** Which tokens are data types: in column definitions of CREATE/ALTER TABLE, after AS in CAST, first in CONVERT. */
    private static boolean[] typePositions(List<Token> t) {
        boolean[] types = new boolean[t.size()];
        for (int i = 0; i + 1 < t.size(); i++) {
            Token k = t.get(i);
            if ((k.isWord("CAST") || k.isWord("TRY_CAST")) && t.get(i + 1).isSymbol("(")) {
                int depth = 0;
                for (int j = i + 1; j < t.size(); j++) {
                    if (t.get(j).isSymbol("(")) {
                        depth++;
                    } else if (t.get(j).isSymbol(")")) {
                        depth--;
                        if (depth == 0) {
                            break;
                        }
                    } else if (depth == 1 && t.get(j).isWord("AS") && j + 1 < t.size()) {
                        types[j + 1] = true;
                    }
                }
            } else if ((k.isWord("CONVERT") || k.isWord("TRY_CONVERT")) && t.get(i + 1).isSymbol("(")
                && i + 2 < t.size()) {
                types[i + 2] = true;
            }
        }
        if (t.size() > 2 && t.get(0).isWord("CREATE") && t.get(1).isWord("TABLE")) {
            columnDefinitions(t, types);
        } else if (t.size() > 2 && t.get(0).isWord("ALTER") && t.get(1).isWord("TABLE")) {
            alteredColumns(t, types);
        }
        return types;
    }

    private static void columnDefinitions(List<Token> t, boolean[] types) {
        int depth = 0;
        for (int i = 2; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol("(")) {
                depth++;
                if (depth == 1) {
                    markColumnType(t, i + 1, types);
                }
            } else if (k.isSymbol(")")) {
                depth--;
                if (depth == 0) {
                    return;
                }
            } else if (depth == 1 && k.isSymbol(",")) {
                markColumnType(t, i + 1, types);
            }
        }
    }

    /** {@code ALTER TABLE t ADD c type [, c type]} and {@code ALTER TABLE t ALTER COLUMN c type}. */
    private static void alteredColumns(List<Token> t, boolean[] types) {
        int depth = 0;
        boolean adding = false;
        for (int i = 2; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.isSymbol("(")) {
                depth++;
            } else if (k.isSymbol(")")) {
                depth--;
            } else if (depth == 0 && k.isWord("ADD")) {
                adding = true;
                markColumnType(t, i + 1, types);
            } else if (depth == 0 && adding && k.isSymbol(",")) {
                markColumnType(t, i + 1, types);
            } else if (depth == 0 && k.isWord("COLUMN") && i > 0 && t.get(i - 1).isWord("ALTER")) {
                markColumnType(t, i + 1, types);
            }
        }
    }

    private static void markColumnType(List<Token> t, int nameAt, boolean[] types) {
        if (nameAt + 1 < t.size() && t.get(nameAt).isName() && !(t.get(nameAt).kind() == Token.Kind.WORD
            && NOT_COLUMNS.contains(t.get(nameAt).upper())) && t.get(nameAt + 1).kind() == Token.Kind.WORD) {
            types[nameAt + 1] = true;
        }
    }
}
