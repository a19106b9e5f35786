package dev.milab.arm;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Azure RBAC's matching of an operation against a role's {@code actions} (Microsoft Learn, "Understand Azure role
 * definitions", "Actions"): case-insensitive, {@code *} matches any characters, and a whole {@code /* /} segment
 * also matches no segment at all, so {@code .../userAssignedIdentities/* /assign/action} grants
 * {@code .../userAssignedIdentities/assign/action} (Managed Identity Operator).
 */
public final class PermissionPattern {

    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private PermissionPattern() {
    }

    public static boolean matches(String pattern, String operation) {
        return COMPILED.computeIfAbsent(pattern, PermissionPattern::compile).matcher(operation).matches();
    }

    public static boolean anyMatches(Collection<String> patterns, String operation) {
        for (String p : patterns) {
            if (matches(p, operation)) {
                return true;
            }
        }
        return false;
    }

    private static Pattern compile(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '/' && pattern.startsWith("/*/", i)) {
                regex.append("(?:/.*)?/");    // a whole "*" segment, or no segment
                i += 2;
            } else if (c == '*') {
                regex.append(".*");
            } else if (Character.isLetterOrDigit(c)) {
                regex.append(c);
            } else {
                regex.append('\\').append(c);
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
