package dev.milab.sql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.h2.api.ErrorCode;

import dev.milab.sql.tsql.ObjectName;
import dev.milab.sql.tsql.StatementAnalysis;
import dev.milab.sql.tsql.Token;
import dev.milab.sql.tsql.TsqlLexer;

/**
 * Turns what H2 refuses into the error SQL Server gives for the same statement: number, class, state and words,
 * with the names the statement used (208 says {@code 'dbo.Orderz'} when the statement wrote that). The details
 * come from H2's message texts and the catalog; where H2 does not tell what SQL Server would (a target type),
 * {@link AzureSqlErrors} says so in its text.
 */
final class H2Errors {

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern FOREIGN_KEY = Pattern.compile(
        "\"([^:\"]+): ([^ ]+) FOREIGN KEY\\(([^)]*)\\) REFERENCES ([^ (]+)\\(([^)]*)\\)");
    private static final Pattern PRIMARY_KEY = Pattern.compile(
        "\"PRIMARY KEY ON ([^ (]+)\\(([^)]*)\\) \\( /\\* key:[^*]*\\*/ (.*)\\)\"");
    private static final Pattern UNIQUE_INDEX = Pattern.compile(
        "\"([^ ]+) ON ([^ (]+)\\((.*)\\) VALUES \\( /\\* \\d+ \\*/ (.*) \\)\"");
    private static final Pattern TOO_LONG = Pattern.compile(
        "Value too long for column \"([^ \"]+)[^\"]*\": \"'?(.*?)'? \\(\\d+\\)\"");

    private H2Errors() {
    }

    static SqlError translate(SQLException e, StatementAnalysis analysis, SqlSession session) {
        SqlDatabase db = session.database();
        String message = firstLine(e.getMessage());
        String first = quoted(message, 0);
        if (e.getErrorCode() == H2Functions.OVER_MEMORY_BOUND || e.getErrorCode() == ErrorCode.OUT_OF_MEMORY
            || (e.getCause() instanceof SQLException cause && cause.getErrorCode() == H2Functions.OVER_MEMORY_BOUND)) {
            return AzureSqlErrors.insufficientMemory();
        }
        return switch (e.getErrorCode()) {
            case ErrorCode.SYNTAX_ERROR_1, ErrorCode.SYNTAX_ERROR_2 -> AzureSqlErrors.incorrectSyntax(near(message));
            case ErrorCode.TABLE_OR_VIEW_NOT_FOUND_1, ErrorCode.TABLE_OR_VIEW_NOT_FOUND_WITH_CANDIDATES_2,
                ErrorCode.TABLE_OR_VIEW_NOT_FOUND_DATABASE_EMPTY_1 ->
                AzureSqlErrors.invalidObjectName(asWritten(first, analysis));
            case ErrorCode.SCHEMA_NOT_FOUND_1 -> analysis != null && analysis.kind().isDdl()
                ? AzureSqlErrors.schemaNotFound(first) : AzureSqlErrors.invalidObjectName(asWrittenBySchema(first,
                analysis));
            case ErrorCode.COLUMN_NOT_FOUND_1 -> first.contains(".")
                ? AzureSqlErrors.multiPartIdentifierNotBound(first) : AzureSqlErrors.invalidColumnName(first);
            case ErrorCode.DUPLICATE_KEY_1 -> duplicateKey(message, db);
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1 -> foreignKey(message, verb(analysis),
                db, false);
            case ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_CHILD_EXISTS_1 -> foreignKey(message, verb(analysis), db,
                true);
            case ErrorCode.CHECK_CONSTRAINT_VIOLATED_1 -> check(first, verb(analysis), analysis, db);
            case ErrorCode.NULL_NOT_ALLOWED -> AzureSqlErrors.nullNotAllowed(first, tableOf(analysis, db),
                verb(analysis));
            case ErrorCode.VALUE_TOO_LONG_2 -> tooLong(message, analysis, db);
            case ErrorCode.DIVISION_BY_ZERO_1 -> AzureSqlErrors.divideByZero();
            case ErrorCode.NUMERIC_VALUE_OUT_OF_RANGE_1, ErrorCode.NUMERIC_VALUE_OUT_OF_RANGE_2 ->
                AzureSqlErrors.arithmeticOverflow("numeric");
            case ErrorCode.DATA_CONVERSION_ERROR_1 -> AzureSqlErrors.conversionFailed(first);
            case ErrorCode.TABLE_OR_VIEW_ALREADY_EXISTS_1 -> AzureSqlErrors.objectExists(unqualified(first));
            case ErrorCode.FUNCTION_NOT_FOUND_1 -> AzureSqlErrors.notBuiltInFunction(first);
            case ErrorCode.LOCK_TIMEOUT_1 -> AzureSqlErrors.lockTimeout();
            case ErrorCode.DEADLOCK_1 -> AzureSqlErrors.deadlock(session.context().spid());
            default -> AzureSqlErrors.engineRefused(message);
        };
    }

    /** H2's message without the SQL it quotes and the error code it appends. */
    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String m = message.split("\n")[0];
        int sql = m.indexOf("; SQL statement:");
        if (sql >= 0) {
            m = m.substring(0, sql);
        }
        return m.replaceAll(" \\[\\d+-\\d+]$", "");
    }

    private static String quoted(String message, int index) {
        Matcher m = QUOTED.matcher(message);
        int i = 0;
        while (m.find()) {
            if (i++ == index) {
                return m.group(1);
            }
        }
        return "";
    }

    /** The token at H2's error marker {@code [*]}, or the one before it at the end of the statement. */
    static String near(String message) {
        int marker = message.indexOf("[*]");
        if (marker < 0) {
            return "";
        }
        int open = message.lastIndexOf('"', marker);
        String before = message.substring(open + 1, marker);
        String after = message.substring(marker + 3);
        int close = after.indexOf("\"; expected");
        if (close < 0) {
            close = after.lastIndexOf('"');
        }
        after = close < 0 ? after : after.substring(0, close);
        try {
            List<Token> next = TsqlLexer.tokenize(after);
            if (!next.isEmpty()) {
                return next.get(0).text();
            }
            List<Token> previous = TsqlLexer.tokenize(before);
            return previous.isEmpty() ? "" : previous.get(previous.size() - 1).text();
        } catch (RuntimeException e) {
            return after.strip().split("\\s+")[0];
        }
    }

    /** The statement's spelling of an object H2 did not find ({@code dbo.Orderz}), else H2's name. */
    private static String asWritten(String h2Name, StatementAnalysis analysis) {
        if (analysis != null) {
            for (StatementAnalysis.Access a : analysis.accesses()) {
                if (a.object().name().equalsIgnoreCase(unqualified(h2Name))) {
                    return a.object().written();
                }
            }
            if (analysis.ddlObject() != null && analysis.ddlObject().name().equalsIgnoreCase(unqualified(h2Name))) {
                return analysis.ddlObject().written();
            }
        }
        return h2Name;
    }

    private static String asWrittenBySchema(String schema, StatementAnalysis analysis) {
        if (analysis != null) {
            for (StatementAnalysis.Access a : analysis.accesses()) {
                if (schema.equalsIgnoreCase(a.object().schema())) {
                    return a.object().written();
                }
            }
        }
        return schema;
    }

    private static String unqualified(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static String verb(StatementAnalysis analysis) {
        if (analysis == null) {
            return "INSERT";
        }
        return switch (analysis.kind()) {
            case UPDATE -> "UPDATE";
            case DELETE -> "DELETE";
            case MERGE -> "MERGE";
            case ALTER_TABLE -> "ALTER TABLE";
            default -> "INSERT";
        };
    }

    /** {@code db1.dbo.Orders} for the statement's target. */
    private static String tableOf(StatementAnalysis analysis, SqlDatabase db) {
        ObjectName target = analysis == null || analysis.accesses().isEmpty() ? null
            : analysis.accesses().get(0).object();
        if (target == null) {
            return db.name();
        }
        return db.name() + "." + catalogName(target.schemaOrDefault(), target.name(), db);
    }

    private static String catalogName(String schema, String name, SqlDatabase db) {
        return db.data().findObject(schema, name).map(f -> f[0] + "." + f[1]).orElse(schema + "." + name);
    }

    private static SqlError duplicateKey(String message, SqlDatabase db) {
        Matcher pk = PRIMARY_KEY.matcher(message);
        if (pk.find()) {
            String table = pk.group(1);
            String[] parts = table.split("\\.", 2);
            String constraint = db.data().query("SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + " WHERE CONSTRAINT_TYPE = 'PRIMARY KEY' AND LOWER(TABLE_SCHEMA) = ? AND LOWER(TABLE_NAME) = ?",
                parts[0].toLowerCase(Locale.ROOT), parts[parts.length - 1].toLowerCase(Locale.ROOT)).orElse("PK");
            String value = keyValues(table, pk.group(2), pk.group(3), db);
            return AzureSqlErrors.duplicateKey("PRIMARY KEY", constraint, table, value);
        }
        Matcher unique = UNIQUE_INDEX.matcher(message);
        if (unique.find()) {
            String index = unqualified(unique.group(1));
            String table = unique.group(2);
            String value = "(" + String.join(", ", values(unique.group(4))) + ")";
            String constraint = db.data().query("SELECT CONSTRAINT_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + " WHERE INDEX_NAME = ?", index).orElse(null);
            return constraint != null ? AzureSqlErrors.duplicateKey("UNIQUE KEY", constraint, table, value)
                : AzureSqlErrors.duplicateKeyRow(table, index, value);
        }
        return AzureSqlErrors.duplicateKey("PRIMARY KEY", "PK", "?", "(?)");
    }

    /** The key columns' values out of the whole row H2 quotes for a primary key violation. */
    private static String keyValues(String table, String keyColumns, String rowValues, SqlDatabase db) {
        List<String> row = values(rowValues);
        String[] parts = table.split("\\.", 2);
        List<String> keys = new ArrayList<>();
        for (String column : keyColumns.split(",")) {
            String position = db.data().query("SELECT ORDINAL_POSITION FROM INFORMATION_SCHEMA.COLUMNS WHERE"
                + " LOWER(TABLE_SCHEMA) = ? AND LOWER(TABLE_NAME) = ? AND LOWER(COLUMN_NAME) = ?",
                parts[0].toLowerCase(Locale.ROOT), parts[parts.length - 1].toLowerCase(Locale.ROOT),
                column.strip().split(" ")[0].toLowerCase(Locale.ROOT)).orElse("0");
            int at = Integer.parseInt(position) - 1;
            keys.add(at >= 0 && at < row.size() ? row.get(at) : "?");
        }
        return "(" + String.join(", ", keys) + ")";
    }

    /** SQL values as H2 prints them ({@code 1, 'a'}) as SQL Server prints keys ({@code 1, a}). */
    private static List<String> values(String sql) {
        List<String> values = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                if (inString && i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    current.append('\'');
                    i++;
                    continue;
                }
                inString = !inString;
                continue;
            }
            if (!inString && c == '(') {
                depth++;
            } else if (!inString && c == ')') {
                depth--;
            } else if (!inString && depth == 0 && c == ',') {
                values.add(current.toString().strip());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        if (!current.isEmpty()) {
            values.add(current.toString().strip());
        }
        return values;
    }

    private static SqlError foreignKey(String message, String verb, SqlDatabase db, boolean childExists) {
        Matcher m = FOREIGN_KEY.matcher(message);
        if (!m.find()) {
            return AzureSqlErrors.constraintConflict(verb, "FOREIGN KEY", "?", db.name(), "?", null);
        }
        String constraint = m.group(1);
        if (childExists) {
            return AzureSqlErrors.constraintConflict(verb, "REFERENCE", constraint, db.name(), m.group(2),
                m.group(3).strip());
        }
        return AzureSqlErrors.constraintConflict(verb, "FOREIGN KEY", constraint, db.name(), m.group(4),
            m.group(5).strip());
    }

    /** A CHECK constraint, or the tinyint domain's range. */
    private static SqlError check(String quoted, String verb, StatementAnalysis analysis, SqlDatabase db) {
        if (quoted.contains("VALUE BETWEEN 0 AND 255")) {
            return AzureSqlErrors.arithmeticOverflow("tinyint");
        }
        String constraint = quoted.contains(":") ? quoted.substring(0, quoted.indexOf(':')).strip() : quoted;
        String table = db.data().query("SELECT TABLE_SCHEMA || '.' || TABLE_NAME FROM"
            + " INFORMATION_SCHEMA.TABLE_CONSTRAINTS WHERE CONSTRAINT_NAME = ?", constraint).orElse(null);
        String column = db.data().query("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.CONSTRAINT_COLUMN_USAGE WHERE"
            + " CONSTRAINT_NAME = ?", constraint).orElse(null);
        if (table == null && analysis != null && !analysis.accesses().isEmpty()) {
            ObjectName target = analysis.accesses().get(0).object();
            table = target.schemaOrDefault() + "." + target.name();
        }
        return AzureSqlErrors.constraintConflict(verb, "CHECK", constraint, db.name(), table == null ? "?" : table,
            column);
    }

    private static SqlError tooLong(String message, StatementAnalysis analysis, SqlDatabase db) {
        Matcher m = TOO_LONG.matcher(message);
        if (!m.find()) {
            return AzureSqlErrors.truncated(tableOf(analysis, db), "?", "");
        }
        String column = m.group(1);
        String value = m.group(2);
        String length = db.data().query("SELECT CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS WHERE"
            + " LOWER(COLUMN_NAME) = ?", column.toLowerCase(Locale.ROOT)).orElse(null);
        if (length != null) {
            int n = Integer.parseInt(length);
            value = value.length() > n ? value.substring(0, n) : value;
        }
        return AzureSqlErrors.truncated(tableOf(analysis, db), column, value);
    }
}
