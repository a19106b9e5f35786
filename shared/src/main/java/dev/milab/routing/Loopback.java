package dev.milab.routing;

import java.util.Locale;

/** What counts as loopback: the only addresses the lab, its tests and its demos may connect to. */
public final class Loopback {
    private Loopback() {
    }

    /** {@code localhost}, {@code 127.0.0.0/8} or {@code ::1}, judged from the text alone (no DNS look-up). */
    public static boolean isLoopbackLiteral(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
