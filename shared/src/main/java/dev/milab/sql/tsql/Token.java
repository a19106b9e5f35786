package dev.milab.sql.tsql;

import java.util.Locale;

/**
 * A T-SQL token with its place in the batch text ({@code start} inclusive, {@code end} exclusive). {@code text} is
 * the token as written, except for quoted names and strings, whose text is their content (brackets, quotes and
 * doubled quotes removed).
 */
public final class Token {

    /** Token kinds. */
    public enum Kind {
        /** A keyword or a plain identifier. */
        WORD,
        /** {@code [name]} or {@code "name"}. */
        QUOTED_NAME,
        /** {@code 'text'} or {@code N'text'}. */
        STRING,
        NUMBER,
        /** {@code 0x0102}. */
        BINARY,
        /** {@code @name}: a parameter or local variable. */
        VARIABLE,
        /** {@code @@TRANCOUNT}, upper-cased. */
        SYSTEM_VARIABLE,
        SYMBOL
    }

    private final Kind kind;
    private final String text;
    private final String upper;
    private final int start;
    private final int end;

    Token(Kind kind, String text, int start, int end) {
        this.kind = kind;
        this.text = text;
        this.upper = kind == Kind.WORD || kind == Kind.SYSTEM_VARIABLE ? text.toUpperCase(Locale.ROOT) : text;
        this.start = start;
        this.end = end;
    }

    public Kind kind() {
        return kind;
    }

    public String text() {
        return text;
    }

    /** The text upper-cased for words and system variables, else as {@link #text()}. */
    public String upper() {
        return upper;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    public boolean isWord(String word) {
        return kind == Kind.WORD && upper.equals(word);
    }

    public boolean isSymbol(String symbol) {
        return kind == Kind.SYMBOL && text.equals(symbol);
    }

    /** A name: a plain word or a quoted identifier. */
    public boolean isName() {
        return kind == Kind.WORD || kind == Kind.QUOTED_NAME;
    }

    @Override
    public String toString() {
        return kind + "(" + text + ")";
    }
}
