package dev.milab.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders hops for people: as a Mermaid sequence diagram (a request is {@code ->>}, its answer {@code -->>}, or
 * {@code --x} when refused) and as plain text, one line per hop.
 *
 * <p>A hop that the callee of the next hop made while serving it (IMDS getting a token from Entra ID while the VM
 * waits) is recorded first, since it was answered first; the diagram draws it inside the next hop, where it
 * happened.
 */
public final class SequenceDiagram {

    private SequenceDiagram() {
    }

    /**
     * A Mermaid {@code sequenceDiagram}: participants from left to right as callers (machines that only ask), then
     * go-betweens (a VM's IMDS, which is asked and asks Entra ID), then services (only asked), each group in natural
     * order of names ({@code vm2} before {@code vm10}), so the same run always draws the same columns; then each
     * hop's request and answer. Text is escaped with Mermaid's entity codes, so no hop can end a statement or start
     * a comment.
     */
    public static String mermaid(List<Hop> hops) {
        Layout layout = layout(hops);
        Map<String, String> ids = new LinkedHashMap<>();
        for (String name : layout.participants()) {
            ids.put(name, "P" + (ids.size() + 1));
        }
        StringBuilder out = new StringBuilder("sequenceDiagram\n");
        ids.forEach((name, id) -> out.append("  participant ").append(id).append(" as ").append(escape(name))
            .append('\n'));
        for (Arrow a : layout.arrows()) {
            out.append("  ").append(ids.get(a.from())).append(a.kind().mermaid).append(ids.get(a.to())).append(": ")
                .append(escape(a.text())).append('\n');
        }
        return out.toString();
    }

    /**
     * The diagram as data, for renderers other than Mermaid (the lab console draws it): the participants from left to
     * right in {@link #mermaid(List)}'s order, and the arrows top to bottom.
     */
    public static Layout layout(List<Hop> hops) {
        Set<String> callers = new HashSet<>();
        Set<String> called = new HashSet<>();
        for (Hop h : hops) {
            callers.add(h.from());
            called.add(h.to());
        }
        List<String> names = new ArrayList<>(callers);
        called.stream().filter(n -> !callers.contains(n)).forEach(names::add);
        names.sort(Comparator.comparingInt((String n) -> !called.contains(n) ? 0 : callers.contains(n) ? 1 : 2)
            .thenComparing(SequenceDiagram::naturalKey));
        return new Layout(List.copyOf(names), arrows(hops));
    }

    /** Participants, left to right, and arrows, top to bottom. */
    public record Layout(List<String> participants, List<Arrow> arrows) {
    }

    /** What an arrow is: a request ({@code ->>}), an answer that granted ({@code -->>}) or one that refused. */
    public enum ArrowKind {
        REQUEST("->>"), ANSWER("-->>"), REFUSAL("--x");

        private final String mermaid;

        ArrowKind(String mermaid) {
            this.mermaid = mermaid;
        }
    }

    /**
     * One drawn arrow: a request or an answer.
     *
     * @param sequence the hop it draws
     */
    public record Arrow(String from, ArrowKind kind, String to, String text, long sequence) {
    }

    /**
     * One line per hop, in the order recorded, numbered by sequence:
     * {@code "  3. vm1 -> IMDS (vm1): GET token ... -> 200 token for vm1"}.
     */
    public static String plainText(List<Hop> hops) {
        StringBuilder out = new StringBuilder();
        for (Hop h : hops) {
            out.append(String.format("%3d. ", h.sequence())).append(oneLine(h.from())).append(" -> ")
                .append(oneLine(h.to())).append(": ").append(oneLine(h.request())).append(" -> ")
                .append(oneLine(h.outcome())).append('\n');
        }
        return out.toString();
    }

    /** A name with each run of digits padded, so that numbers sort by value; case-insensitive. */
    private static String naturalKey(String name) {
        StringBuilder key = new StringBuilder();
        java.util.regex.Matcher m = DIGITS.matcher(name.toLowerCase(java.util.Locale.ROOT));
        int last = 0;
        while (m.find()) {
            key.append(name.toLowerCase(java.util.Locale.ROOT), last, m.start());
            key.append("0".repeat(Math.max(0, 10 - m.group().length()))).append(m.group());
            last = m.end();
        }
        return key.append(name.toLowerCase(java.util.Locale.ROOT).substring(last)).toString();
    }

    private static final java.util.regex.Pattern DIGITS = java.util.regex.Pattern.compile("\\d+");

    private static List<Arrow> arrows(List<Hop> hops) {
        List<Arrow> arrows = new ArrayList<>();
        for (int i = 0; i < hops.size(); i++) {
            Hop hop = hops.get(i);
            Hop next = i + 1 < hops.size() ? hops.get(i + 1) : null;
            if (next != null && madeWhileServing(hop, next)) {
                arrows.add(request(next));
                arrows.add(request(hop));
                arrows.add(answer(hop));
                arrows.add(answer(next));
                i++;
            } else {
                arrows.add(request(hop));
                arrows.add(answer(hop));
            }
        }
        return arrows;
    }

    /** The callee of {@code outer} made {@code inner} (and not back to its own caller). */
    private static boolean madeWhileServing(Hop inner, Hop outer) {
        return inner.from().equals(outer.to()) && !inner.to().equals(outer.from());
    }

    private static Arrow request(Hop h) {
        return new Arrow(h.from(), ArrowKind.REQUEST, h.to(), h.request(), h.sequence());
    }

    private static Arrow answer(Hop h) {
        return new Arrow(h.to(), h.ok() ? ArrowKind.ANSWER : ArrowKind.REFUSAL, h.from(), h.outcome(), h.sequence());
    }

    /**
     * Mermaid text: {@code #} and {@code ;} as entity codes (Mermaid reads {@code #59;} as ';'), {@code <} and
     * {@code >} too so nothing reads as HTML, and line breaks as spaces.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '#' -> out.append("#35;");
                case ';' -> out.append("#59;");
                case '<' -> out.append("#60;");
                case '>' -> out.append("#62;");
                case '\n', '\r', '\t' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString().strip();
    }

    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }
}
