package dev.milab.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * The console's routes, as a request-to-response function: the page ({@code /}, {@code /console.css},
 * {@code /console.js}, from the jar) and its JSON API, {@code GET /api/resources}, {@code GET /api/directory},
 * {@code GET /api/hops?after=N&wait=MS}, {@code GET /api/diagram} and {@code POST /api/inspect} (a JWT in the body;
 * it changes nothing). Every other method is 405: the console never changes the lab.
 *
 * <p>It answers only requests whose {@code Host} is a loopback name, so a web page elsewhere cannot read it through
 * DNS rebinding, and refuses a cross-origin inspector request; the page's own script is its only client.
 */
final class ConsoleEndpoint implements LabHttpHandler {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");
    /** The page's assets, read from the jar once. */
    private static final Map<String, LabHttpResponse> ASSETS = Map.of(
        "/", asset("index.html", "text/html; charset=utf-8"),
        "/index.html", asset("index.html", "text/html; charset=utf-8"),
        "/console.css", asset("console.css", "text/css; charset=utf-8"),
        "/console.js", asset("console.js", "text/javascript; charset=utf-8"));

    private final LabView view;
    private final HopFeed feed;
    private final TokenInspector inspector;

    ConsoleEndpoint(LabView view, HopFeed feed, TokenInspector inspector) {
        this.view = view;
        this.feed = feed;
        this.inspector = inspector;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        if (!LOOPBACK_HOSTS.contains(request.host())) {
            return error(421, "MisdirectedRequest", "The lab console answers only at 127.0.0.1 or localhost.");
        }
        String path = request.normalizedPath();
        boolean read = request.method().equals("GET") || request.method().equals("HEAD");
        if (path.equals("/api/inspect")) {
            return request.method().equals("POST") ? inspect(request)
                : methodNotAllowed("POST");
        }
        if (!read) {
            return methodNotAllowed("GET, HEAD");
        }
        LabHttpResponse asset = ASSETS.get(path);
        if (asset != null) {
            return asset;
        }
        try {
            return switch (path) {
                case "/api/resources" -> json(view.resources());
                case "/api/directory" -> json(view.directory());
                case "/api/diagram" -> json(feed.diagram());
                case "/api/hops" -> hops(request);
                default -> error(404, "NotFound", "The lab console has no " + path + ".");
            };
        } catch (IllegalArgumentException e) {
            return error(400, "BadRequest", e.getMessage());
        }
    }

    private LabHttpResponse hops(LabHttpRequest request) {
        Map<String, List<String>> query = request.queryParameters();
        long after = number(query, "after", 0, Long.MAX_VALUE);
        long wait = number(query, "wait", 0, HopFeed.MAX_WAIT_MILLIS);
        try {
            return json(feed.hopsAfter(after, wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(503, "ShuttingDown", "The lab console is stopping.");
        }
    }

    private LabHttpResponse inspect(LabHttpRequest request) {
        String origin = request.header("Origin").orElse(null);
        if (origin != null && !origin.matches("https?://(127\\.0\\.0\\.1|localhost|\\[::1])(:\\d+)?")) {
            return error(403, "CrossOrigin", "The token inspector answers only the console's own page.");
        }
        if (request.body().length > TokenInspector.MAX_TOKEN_CHARS) {
            return error(413, "TokenTooLarge", "A token is at most " + TokenInspector.MAX_TOKEN_CHARS
                + " characters; this one is " + request.body().length + " bytes.");
        }
        String token = request.bodyAsString();
        if (token.isBlank()) {
            return error(400, "NoToken", "Paste a JWT (three base64url parts separated by dots).");
        }
        try {
            return json(inspector.inspect(token));
        } catch (IllegalArgumentException e) {
            // JsonWebToken's message says what is wrong with the shape; it never repeats the input.
            return error(400, "NotAJwt", "This is " + e.getMessage() + ".");
        }
    }

    private static long number(Map<String, List<String>> query, String name, long min, long max) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
            return 0;
        }
        try {
            return Math.max(min, Math.min(max, Long.parseLong(values.get(0))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' must be a number.");
        }
    }

    private static LabHttpResponse json(Object value) {
        return new LabHttpResponse(200, headers("application/json; charset=utf-8"),
            Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    private static LabHttpResponse error(int status, String code, String message) {
        return new LabHttpResponse(status, headers("application/json; charset=utf-8"),
            Json.write(Map.of("error", Map.of("code", code, "message", message))).getBytes(StandardCharsets.UTF_8));
    }

    private static LabHttpResponse methodNotAllowed(String allowed) {
        Map<String, String> headers = new LinkedHashMap<>(headers("application/json; charset=utf-8"));
        headers.put("Allow", allowed);
        return new LabHttpResponse(405, headers, Json.write(Map.of("error", Map.of("code", "MethodNotAllowed",
            "message", "The lab console is read-only."))).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every answer: no caching (the state is live), no sniffing, no framing by other pages, and scripts, styles and
     * requests from the console itself only.
     */
    private static Map<String, String> headers(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        return headers;
    }

    private static LabHttpResponse asset(String name, String contentType) {
        try (InputStream in = ConsoleEndpoint.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The console's " + name + " is missing from the jar");
            }
            return new LabHttpResponse(200, headers(contentType), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
