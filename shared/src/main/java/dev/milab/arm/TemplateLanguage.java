package dev.milab.arm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The ARM template expression language as far as the lab evaluates it (Microsoft Learn, "Syntax and expressions in
 * ARM templates"): a string value {@code "[...]"} is an expression, {@code "[[..."} a literal that starts with
 * {@code [}; an expression is a function call with string ({@code 'it''s'}), integer, and nested call arguments,
 * followed by member ({@code .identity}) and index ({@code [0]}) access.
 *
 * <p>The functions are those {@code az vm create}'s template builder emits and little more: {@link #FUNCTIONS}.
 * Any other function is refused with ARM's {@code InvalidTemplate} text, before anything is deployed.
 */
final class TemplateLanguage {

    /** The functions the lab evaluates; function names are case-insensitive, as in ARM. */
    static final Set<String> FUNCTIONS = Set.of("parameters", "variables", "concat", "resourceid", "reference",
        "copyindex", "resourcegroup", "subscription");

    /** What a function call needs from the deployment: its parameters, variables, resources and copy index. */
    interface Scope {
        Object call(String function, List<Object> arguments);
    }

    /** An expression the lab cannot parse or evaluate; the deployment turns it into ARM's error. */
    static final class ExpressionException extends RuntimeException {
        ExpressionException(String message) {
            super(message);
        }
    }

    sealed interface Expr permits Literal, Call, Member, Index {
    }

    record Literal(Object value) implements Expr {
    }

    record Call(String name, List<Expr> arguments) implements Expr {
    }

    record Member(Expr target, String name) implements Expr {
    }

    record Index(Expr target, Expr index) implements Expr {
    }

    private TemplateLanguage() {
    }

    static boolean isExpression(String value) {
        return value.length() >= 2 && value.startsWith("[") && value.endsWith("]") && !value.startsWith("[[");
    }

    /** A JSON value (maps, lists, strings, numbers) with every expression string in it evaluated. */
    static Object evaluate(Object value, Scope scope) {
        if (value instanceof String s) {
            if (isExpression(s)) {
                return eval(parse(s), scope);
            }
            return s.startsWith("[[") ? s.substring(1) : s;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), evaluate(v, scope)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(evaluate(v, scope)));
            return out;
        }
        return value;
    }

    /** Every expression in a JSON value, parsed (so syntax and function names are checked). */
    static List<Expr> expressions(Object value) {
        List<Expr> found = new ArrayList<>();
        collect(value, found);
        return found;
    }

    private static void collect(Object value, List<Expr> found) {
        if (value instanceof String s && isExpression(s)) {
            found.add(parse(s));
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> collect(v, found));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collect(v, found));
        }
    }

    /** Whether an expression calls {@code function} anywhere in it. */
    static boolean calls(Expr expr, String function) {
        if (expr instanceof Call c) {
            return c.name().equalsIgnoreCase(function) || c.arguments().stream().anyMatch(a -> calls(a, function));
        }
        if (expr instanceof Member m) {
            return calls(m.target(), function);
        }
        return expr instanceof Index i && (calls(i.target(), function) || calls(i.index(), function));
    }

    static Object eval(Expr expr, Scope scope) {
        if (expr instanceof Literal l) {
            return l.value();
        }
        if (expr instanceof Call c) {
            List<Object> args = new ArrayList<>();
            c.arguments().forEach(a -> args.add(eval(a, scope)));
            return scope.call(c.name().toLowerCase(Locale.ROOT), args);
        }
        if (expr instanceof Member m) {
            return member(eval(m.target(), scope), m.name());
        }
        Index i = (Index) expr;
        Object target = eval(i.target(), scope);
        Object index = eval(i.index(), scope);
        if (target instanceof List<?> list && index instanceof Number n) {
            if (n.intValue() < 0 || n.intValue() >= list.size()) {
                throw new ExpressionException("The language expression property array index '" + n
                    + "' is out of bounds.");
            }
            return list.get(n.intValue());
        }
        if (target instanceof Map<?, ?> && index instanceof String name) {
            return member(target, name);
        }
        throw new ExpressionException("The language expression property array index '" + index + "' is not valid.");
    }

    private static Object member(Object target, String name) {
        if (!(target instanceof Map<?, ?> map)) {
            throw new ExpressionException("The language expression property '" + name + "' can't be evaluated.");
        }
        return map.entrySet().stream().filter(e -> String.valueOf(e.getKey()).equalsIgnoreCase(name))
            .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new ExpressionException("The language "
                + "expression property '" + name + "' doesn't exist, available properties are '"
                + String.join(", ", map.keySet().stream().map(String::valueOf).toList()) + "'."));
    }

    // --- parser --------------------------------------------------------------------------------------------------

    /** Parses {@code [expression]}; a syntax error or an unknown function is an {@link ExpressionException}. */
    static Expr parse(String text) {
        Parser p = new Parser(text.substring(1, text.length() - 1), text);
        p.skipSpace();
        Expr e = p.expression();
        p.skipSpace();
        if (!p.atEnd()) {
            throw p.error("expected token 'EndOfData' and actual '" + p.rest() + "'");
        }
        return e;
    }

    private static final class Parser {
        private final String s;
        private static final int MAX_DEPTH = 64;
        private final String whole;
        private int pos;
        private int depth;

        Parser(String s, String whole) {
            this.s = s;
            this.whole = whole;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        String rest() {
            return s.substring(pos);
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        ExpressionException error(String detail) {
            return new ExpressionException("Unable to parse language expression '" + whole + "': " + detail + ".");
        }

        Expr expression() {
            if (++depth > MAX_DEPTH) {
                throw error("the expression nests deeper than " + MAX_DEPTH + " levels");
            }
            Expr e = primary();
            while (true) {
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == '.') {
                    pos++;
                    skipSpace();
                    e = new Member(e, identifier());
                } else if (pos < s.length() && s.charAt(pos) == '[') {
                    pos++;
                    skipSpace();
                    Expr index = expression();
                    skipSpace();
                    expect(']');
                    e = new Index(e, index);
                } else {
                    depth--;
                    return e;
                }
            }
        }

        Expr primary() {
            if (atEnd()) {
                throw error("expected token 'Identifier' and actual 'EndOfData'");
            }
            char c = s.charAt(pos);
            if (c == '\'') {
                return new Literal(string());
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = pos++;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                try {
                    return new Literal(Long.parseLong(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw error("the integer '" + s.substring(start, pos) + "' is not valid");
                }
            }
            String name = identifier();
            skipSpace();
            expect('(');
            if (!FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new ExpressionException("The template function '" + name + "' is not valid. Please see "
                    + "https://aka.ms/arm-template-expressions for usage details.");
            }
            List<Expr> args = new ArrayList<>();
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == ')') {
                pos++;
                return new Call(name, args);
            }
            while (true) {
                skipSpace();
                args.add(expression());
                skipSpace();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                } else {
                    expect(')');
                    return new Call(name, args);
                }
            }
        }

        String identifier() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos) {
                throw error("expected token 'Identifier' and actual '" + (atEnd() ? "EndOfData" : rest()) + "'");
            }
            return s.substring(start, pos);
        }

        String string() {
            StringBuilder b = new StringBuilder();
            pos++;
            while (true) {
                if (atEnd()) {
                    throw error("the string literal is not terminated");
                }
                char c = s.charAt(pos++);
                if (c == '\'') {
                    if (pos < s.length() && s.charAt(pos) == '\'') {
                        b.append('\'');
                        pos++;
                    } else {
                        return b.toString();
                    }
                } else {
                    b.append(c);
                }
            }
        }

        void expect(char c) {
            if (atEnd() || s.charAt(pos) != c) {
                throw error("expected token '" + c + "' and actual '" + (atEnd() ? "EndOfData" : rest()) + "'");
            }
            pos++;
        }
    }
}
