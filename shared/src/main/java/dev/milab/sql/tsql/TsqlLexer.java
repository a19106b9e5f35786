package dev.milab.sql.tsql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits T-SQL text into {@link Token}s: words, {@code [bracketed]} and {@code "quoted"} names, strings with
 * doubled quotes ({@code N'…'} included), numbers ({@code 1}, {@code 1.5}, {@code 2e3}), binary literals
 * ({@code 0x…}), {@code @variables}, {@code @@system_variables} and symbols (two-character operators such as
 * {@code <>}, {@code >=}, {@code !=} as one). Comments ({@code --} and nested block comments) are skipped.
 */
public final class TsqlLexer {

    private static final String TWO_CHAR_SYMBOLS = "<> != <= >= !< !> :: += -= *= /= %= &= |= ^= ||";

    private TsqlLexer() {
    }

    public static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = endOfComment(sql, i);
            } else if (c == '[' || c == '"') {
                i = quotedName(sql, i, tokens);
            } else if (c == '\'' || ((c == 'N' || c == 'n') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
                i = string(sql, i, tokens);
            } else if (c == '0' && i + 1 < n && (sql.charAt(i + 1) == 'x' || sql.charAt(i + 1) == 'X')) {
                int start = i;
                i += 2;
                while (i < n && Character.digit(sql.charAt(i), 16) >= 0) {
                    i++;
                }
                tokens.add(new Token(Token.Kind.BINARY, sql.substring(start, i), start, i));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                i = number(sql, i, tokens);
            } else if (c == '@') {
                int start = i;
                boolean system = i + 1 < n && sql.charAt(i + 1) == '@';
                i += system ? 2 : 1;
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(system ? Token.Kind.SYSTEM_VARIABLE : Token.Kind.VARIABLE,
                    sql.substring(start, i), start, i));
            } else if (isWordStart(c)) {
                int start = i;
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Token.Kind.WORD, sql.substring(start, i), start, i));
            } else {
                int length = i + 1 < n && TWO_CHAR_SYMBOLS.contains(sql.substring(i, i + 2))
                    && sql.charAt(i + 1) != ' ' ? 2 : 1;
                tokens.add(new Token(Token.Kind.SYMBOL, sql.substring(i, i + length), i, i + length));
                i += length;
            }
        }
        return tokens;
    }

    private static int endOfComment(String sql, int at) {
        int depth = 0;
        int i = at;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new TsqlException(113, "Missing end comment mark '*/'.");
    }

    private static int quotedName(String sql, int at, List<Token> tokens) {
        char close = sql.charAt(at) == '[' ? ']' : '"';
        StringBuilder name = new StringBuilder();
        int i = at + 1;
        while (i < sql.length()) {
            char d = sql.charAt(i);
            if (d == close) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == close) {
                    name.append(close);
                    i += 2;
                    continue;
                }
                tokens.add(new Token(Token.Kind.QUOTED_NAME, name.toString(), at, i + 1));
                return i + 1;
            }
            name.append(d);
            i++;
        }
        throw new TsqlException(105, "Unclosed quotation mark after the character string '" + name + "'.");
    }

    private static int string(String sql, int at, List<Token> tokens) {
        int i = at + (sql.charAt(at) == '\'' ? 1 : 2);
        StringBuilder s = new StringBuilder();
        while (i < sql.length()) {
            char d = sql.charAt(i);
            if (d == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    s.append('\'');
                    i += 2;
                    continue;
                }
                tokens.add(new Token(Token.Kind.STRING, s.toString(), at, i + 1));
                return i + 1;
            }
            s.append(d);
            i++;
        }
        throw new TsqlException(105, "Unclosed quotation mark after the character string '" + s + "'.");
    }

    private static int number(String sql, int at, List<Token> tokens) {
        int i = at;
        int n = sql.length();
        while (i < n && Character.isDigit(sql.charAt(i))) {
            i++;
        }
        if (i < n && sql.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(sql.charAt(i))) {
                i++;
            }
        }
        if (i + 1 < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')
            && (Character.isDigit(sql.charAt(i + 1)) || ((sql.charAt(i + 1) == '-' || sql.charAt(i + 1) == '+')
            && i + 2 < n && Character.isDigit(sql.charAt(i + 2))))) {
            i += 2;
            while (i < n && Character.isDigit(sql.charAt(i))) {
                i++;
            }
        }
        tokens.add(new Token(Token.Kind.NUMBER, sql.substring(at, i), at, i));
        return i;
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '#';
    }

    static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '#' || c == '$' || c == '@';
    }
}
