package dev.milab.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small T-SQL scanner for the identity statements: words, {@code [bracketed]} and {@code "quoted"} identifiers,
 * {@code N'strings'} with doubled quotes, numbers, {@code @@variables} and punctuation. Comments ({@code --} and
 * block comments) are skipped. Statements split at semicolons outside quotes.
 */
final class SqlTokens {

    /** A token and its kind. */
    record Token(Kind kind, String text) {

        boolean isWord(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean isSymbol(String symbol) {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }

        /** A name: a plain word or a bracketed/quoted identifier. */
        boolean isName() {
            return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
        }
    }

    /** Token kinds. */
    enum Kind {
        WORD, QUOTED_NAME, STRING, NUMBER, VARIABLE, SYMBOL
    }

    private final List<Token> tokens;
    private final String source;
    private int position;

    private SqlTokens(List<Token> tokens, String source) {
        this.tokens = tokens;
        this.source = source.strip();
    }

    /** The batch's statements, each as tokens; empty statements are dropped. */
    static List<SqlTokens> statements(String batch) {
        List<SqlTokens> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        int statementStart = 0;
        int i = 0;
        int n = batch.length();
        while (i < n) {
            char c = batch.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && batch.charAt(i + 1) == '-') {
                while (i < n && batch.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && batch.charAt(i + 1) == '*') {
                int end = batch.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == ';') {
                if (!current.isEmpty()) {
                    statements.add(new SqlTokens(current, batch.substring(statementStart, i)));
                    current = new ArrayList<>();
                }
                i++;
                statementStart = i;
            } else if (c == '[' || c == '"') {
                char close = c == '[' ? ']' : '"';
                StringBuilder name = new StringBuilder();
                i++;
                while (i < n) {
                    char d = batch.charAt(i);
                    if (d == close) {
                        if (i + 1 < n && batch.charAt(i + 1) == close) {
                            name.append(close);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    name.append(d);
                    i++;
                }
                if (i >= n) {
                    throw new SqlErrorException(AzureSqlErrors.incorrectSyntax(String.valueOf(c) + name));
                }
                i++;
                current.add(new Token(Kind.QUOTED_NAME, name.toString()));
            } else if (c == '\'' || ((c == 'N' || c == 'n') && i + 1 < n && batch.charAt(i + 1) == '\'')) {
                i += c == '\'' ? 1 : 2;
                StringBuilder s = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char d = batch.charAt(i);
                    if (d == '\'') {
                        if (i + 1 < n && batch.charAt(i + 1) == '\'') {
                            s.append('\'');
                            i += 2;
                            continue;
                        }
                        closed = true;
                        i++;
                        break;
                    }
                    s.append(d);
                    i++;
                }
                if (!closed) {
                    throw new SqlErrorException(new SqlError(105, 1, 15,
                        "Unclosed quotation mark after the character string '" + s + "'."));
                }
                current.add(new Token(Kind.STRING, s.toString()));
            } else if (c == '@' && i + 1 < n && batch.charAt(i + 1) == '@') {
                int start = i;
                i += 2;
                while (i < n && isWordChar(batch.charAt(i))) {
                    i++;
                }
                current.add(new Token(Kind.VARIABLE, batch.substring(start, i).toUpperCase(Locale.ROOT)));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < n && Character.isDigit(batch.charAt(i))) {
                    i++;
                }
                current.add(new Token(Kind.NUMBER, batch.substring(start, i)));
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(batch.charAt(i))) {
                    i++;
                }
                current.add(new Token(Kind.WORD, batch.substring(start, i)));
            } else {
                current.add(new Token(Kind.SYMBOL, String.valueOf(c)));
                i++;
            }
        }
        if (!current.isEmpty()) {
            statements.add(new SqlTokens(current, batch.substring(statementStart)));
        }
        return statements;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '#' || c == '$';
    }

    boolean atEnd() {
        return position >= tokens.size();
    }

    Token peek(int ahead) {
        int at = position + ahead;
        return at < tokens.size() ? tokens.get(at) : null;
    }

    /** Consumes the next token if it is this word. */
    boolean acceptWord(String word) {
        Token t = peek(0);
        if (t != null && t.isWord(word)) {
            position++;
            return true;
        }
        return false;
    }

    boolean acceptSymbol(String symbol) {
        Token t = peek(0);
        if (t != null && t.isSymbol(symbol)) {
            position++;
            return true;
        }
        return false;
    }

    /** Consumes a name or fails with Msg 102 near what is there. */
    String expectName() {
        Token t = peek(0);
        if (t == null || !t.isName()) {
            throw syntaxErrorHere();
        }
        position++;
        return t.text();
    }

    void expectWord(String word) {
        if (!acceptWord(word)) {
            throw syntaxErrorHere();
        }
    }

    void expectSymbol(String symbol) {
        if (!acceptSymbol(symbol)) {
            throw syntaxErrorHere();
        }
    }

    String expectString() {
        Token t = peek(0);
        if (t == null || t.kind() != Kind.STRING) {
            throw syntaxErrorHere();
        }
        position++;
        return t.text();
    }

    Token next() {
        Token t = peek(0);
        if (t == null) {
            throw syntaxErrorHere();
        }
        position++;
        return t;
    }

    void expectEnd() {
        if (!atEnd()) {
            throw syntaxErrorHere();
        }
    }

    SqlErrorException syntaxErrorHere() {
        Token t = peek(0);
        Token previous = position > 0 ? tokens.get(position - 1) : null;
        String near = t != null ? t.text() : previous != null ? previous.text() : "";
        return new SqlErrorException(AzureSqlErrors.incorrectSyntax(near));
    }

    /** The statement as the client wrote it, without the semicolon. */
    String text() {
        return source;
    }
}
