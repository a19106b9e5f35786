package dev.milab.kit;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares a README's "output you will see" with a real run, so the documentation cannot drift. The README's text
 * is a template: {@code <id>} stands for a GUID (with or without dashes), {@code <port>} and {@code <n>} for a
 * number, {@code <time>} for a UTC time, {@code <…>} for anything on the rest of the line, and a line of just
 * {@code …} for any number of lines.
 * {@link #mask} turns a real run into such a template.
 */
public final class Transcript {

    private static final Pattern PLACEHOLDER = Pattern.compile("<id>|<port>|<n>|<time>|<…>");
    /** A GUID, with its dashes or without (Resource Manager writes some ids as 32 hex digits). */
    private static final String GUID_REGEX = "(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}"
        + "-[0-9a-fA-F]{12}|\\b[0-9a-fA-F]{32}\\b)";
    private static final Pattern GUID = Pattern.compile(GUID_REGEX);
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:\\d+");
    private static final Pattern EPOCH = Pattern.compile("\\b1\\d{9}\\b");
    private static final Pattern SECONDS = Pattern.compile("\\b\\d+\\.\\d+ s\\b");

    private Transcript() {
    }

    /** A real run's output with its varying parts replaced by placeholders. */
    public static String mask(String output) {
        String s = GUID.matcher(output).replaceAll("<id>");
        s = TIME.matcher(s).replaceAll("<time>");
        s = PORT.matcher(s).replaceAll("127.0.0.1:<port>");
        s = EPOCH.matcher(s).replaceAll("<n>");
        return SECONDS.matcher(s).replaceAll("<n> s");
    }

    /** Why {@code actual} does not fit {@code template}, or empty if it does. */
    public static Optional<String> mismatch(String template, String actual) {
        List<String> expected = template.lines().map(Transcript::stripEnd).toList();
        List<String> lines = actual.lines().map(Transcript::stripEnd).toList();
        return match(expected, 0, lines, 0);
    }

    private static Optional<String> match(List<String> expected, int e, List<String> actual, int a) {
        while (e < expected.size()) {
            String template = expected.get(e);
            if (template.strip().equals("…")) {
                if (e + 1 == expected.size()) {
                    return Optional.empty();
                }
                for (int skip = a; skip <= actual.size(); skip++) {
                    if (match(expected, e + 1, actual, skip).isEmpty()) {
                        return Optional.empty();
                    }
                }
                return Optional.of("nothing after line " + a + " of the run fits the README's line " + (e + 2)
                    + ": " + expected.get(e + 1));
            }
            if (a >= actual.size()) {
                return Optional.of("the run ended before the README's line " + (e + 1) + ": " + template);
            }
            if (!toPattern(template).matcher(actual.get(a)).matches()) {
                return Optional.of("README line " + (e + 1) + ":\n  " + template + "\nrun line " + (a + 1) + ":\n  "
                    + actual.get(a));
            }
            e++;
            a++;
        }
        return a == actual.size() ? Optional.empty()
            : Optional.of("the run goes on after the README's last line: " + actual.get(a));
    }

    private static Pattern toPattern(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            regex.append(switch (m.group()) {
                case "<id>" -> GUID_REGEX;
                case "<port>", "<n>" -> "\\d+(\\.\\d+)?";
                case "<time>" -> "[0-9T:.\\-]+Z";
                default -> ".*";
            });
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }

    /** The lines of a fenced block that follows {@code marker} in a Markdown text. */
    public static String fencedBlockAfter(String markdown, String marker) {
        int at = markdown.indexOf(marker);
        if (at < 0) {
            throw new IllegalArgumentException("No " + marker + " in the document");
        }
        int open = markdown.indexOf("```", at);
        int start = markdown.indexOf('\n', open) + 1;
        int close = markdown.indexOf("\n```", start);
        return markdown.substring(start, close + 1);
    }

    private static String stripEnd(String line) {
        return line.stripTrailing();
    }

}
