package dev.milab.sql.tsql;

import java.util.List;

/** A statement of a T-SQL batch: a simple statement, an {@code IF} with its branches, or a {@code BEGIN…END} block. */
public sealed interface Statement {

    /**
     * A statement from its first keyword to where the next one starts; its tokens keep their places in the batch
     * text.
     */
    record Simple(List<Token> tokens) implements Statement {

        public Simple {
            tokens = List.copyOf(tokens);
        }

        /** The first keyword upper-cased ({@code SELECT}, {@code CREATE}, …), or "" when it does not start with one. */
        public String verb() {
            Token first = tokens.get(0);
            return first.kind() == Token.Kind.WORD ? first.upper() : "";
        }

        /** The statement's text as written, from its first to its last token. */
        public String text(String batch) {
            return batch.substring(tokens.get(0).start(), tokens.get(tokens.size() - 1).end());
        }

        /** The word after the verb, upper-cased, or "". */
        public String secondWord() {
            return tokens.size() > 1 && tokens.get(1).kind() == Token.Kind.WORD ? tokens.get(1).upper() : "";
        }
    }

    /** {@code IF condition statement [ELSE statement]}; {@code otherwise} is null without ELSE. */
    record If(List<Token> condition, Statement then, Statement otherwise) implements Statement {
        public If {
            condition = List.copyOf(condition);
        }
    }

    /** {@code BEGIN statements END}. */
    record Block(List<Statement> statements) implements Statement {
        public Block {
            statements = List.copyOf(statements);
        }
    }
}
