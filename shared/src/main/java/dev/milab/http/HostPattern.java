package dev.milab.http;

import java.util.Locale;

/**
 * A host name pattern as TLS certificates and Azure's front ends use them: an exact name, or {@code *.suffix}
 * where {@code *} stands for exactly one non-empty label ({@code *.vault.azure.net} matches
 * {@code kv1.vault.azure.net}, not {@code vault.azure.net} nor {@code a.b.vault.azure.net}).
 */
public record HostPattern(String pattern) {

    public HostPattern {
        pattern = pattern.toLowerCase(Locale.ROOT);
    }

    public boolean matches(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            int label = h.length() - suffix.length();
            return label > 0 && h.endsWith(suffix) && h.indexOf('.') == label;
        }
        return h.equals(pattern);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
