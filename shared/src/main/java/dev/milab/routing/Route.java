package dev.milab.routing;

import java.util.Locale;

import dev.milab.http.HostPattern;

/**
 * One routing rule: requests for {@code hostPattern} on {@code port} go to {@code 127.0.0.1:targetPort} (or
 * another loopback address). A pattern is an exact host name or {@code *.suffix}.
 */
public record Route(String hostPattern, int port, String targetHost, int targetPort) {

    public Route {
        hostPattern = hostPattern.toLowerCase(Locale.ROOT);
        if (!Loopback.isLoopbackLiteral(targetHost)) {
            throw new IllegalArgumentException("A lab route must lead to loopback, not " + targetHost);
        }
    }

    public boolean matches(String host, int requestPort) {
        if (requestPort != port) {
            return false;
        }
        return new HostPattern(hostPattern).matches(host);
    }

    /** {@code host:port=target:port}, the form used in the {@code MILAB_ROUTES} setting. */
    @Override
    public String toString() {
        return hostPattern + ":" + port + "=" + targetHost + ":" + targetPort;
    }

    public static Route parse(String text) {
        String[] sides = text.trim().split("=", 2);
        if (sides.length != 2) {
            throw new IllegalArgumentException("A route is host:port=target:port, not '" + text + "'");
        }
        int a = sides[0].lastIndexOf(':');
        int b = sides[1].lastIndexOf(':');
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("A route is host:port=target:port, not '" + text + "'");
        }
        return new Route(sides[0].substring(0, a), Integer.parseInt(sides[0].substring(a + 1)),
            sides[1].substring(0, b), Integer.parseInt(sides[1].substring(b + 1)));
    }
}
