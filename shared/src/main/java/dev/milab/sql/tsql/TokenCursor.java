package dev.milab.sql.tsql;

import java.util.List;

/** Reads a statement's tokens in order, for statements the front parses itself; a mismatch is Msg 102. */
public final class TokenCursor {

    private final List<Token> tokens;
    private int position;

    public TokenCursor(List<Token> tokens) {
        this.tokens = tokens;
    }

    public boolean atEnd() {
        return position >= tokens.size();
    }

    /** The token {@code ahead} places after the current one, or null past the end. */
    public Token peek(int ahead) {
        int at = position + ahead;
        return at < tokens.size() ? tokens.get(at) : null;
    }

    public Token next() {
        Token t = peek(0);
        if (t == null) {
            throw syntaxErrorHere();
        }
        position++;
        return t;
    }

    /** Consumes the next token if it is this (upper-case) word. */
    public boolean acceptWord(String word) {
        Token t = peek(0);
        if (t != null && t.isWord(word)) {
            position++;
            return true;
        }
        return false;
    }

    public boolean acceptSymbol(String symbol) {
        Token t = peek(0);
        if (t != null && t.isSymbol(symbol)) {
            position++;
            return true;
        }
        return false;
    }

    public void expectWord(String word) {
        if (!acceptWord(word)) {
            throw syntaxErrorHere();
        }
    }

    public void expectSymbol(String symbol) {
        if (!acceptSymbol(symbol)) {
            throw syntaxErrorHere();
        }
    }

    /** A plain word or a quoted identifier. */
    public String expectName() {
        Token t = peek(0);
        if (t == null || !t.isName()) {
            throw syntaxErrorHere();
        }
        position++;
        return t.text();
    }

    public String expectString() {
        Token t = peek(0);
        if (t == null || t.kind() != Token.Kind.STRING) {
            throw syntaxErrorHere();
        }
        position++;
        return t.text();
    }

    public void expectEnd() {
        if (!atEnd()) {
            throw syntaxErrorHere();
        }
    }

    /** Msg 102 near the current token, or the last one at the end. */
    public TsqlException syntaxErrorHere() {
        Token t = peek(0);
        Token previous = position > 0 && position <= tokens.size() ? tokens.get(position - 1) : null;
        return TsqlException.syntaxNear(t != null ? t.text() : previous != null ? previous.text() : "");
    }
}
