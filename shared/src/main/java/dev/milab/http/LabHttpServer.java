package dev.milab.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * The one transport adapter for the lab's HTTP endpoints: the JDK's built-in server (no framework start-up),
 * bound to loopback only, turning exchanges into {@link LabHttpRequest}s for a {@link LabHttpHandler}.
 *
 * <p>Request bodies over {@link #MAX_BODY_BYTES} are refused with 413; a handler that throws answers 500 with a
 * JSON body, and the server keeps serving other clients.
 */
public final class LabHttpServer implements AutoCloseable {

    /** Larger than any request an Azure SDK sends to these endpoints (Key Vault values are at most 25 KB). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add about 40 ms to every keep-alive response. Read once, when the server class loads.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final String scheme;

    private LabHttpServer(HttpServer server, String scheme) {
        this.server = server;
        this.scheme = scheme;
    }

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param port       0 for a free port
     * @param tls        null for plain HTTP
     * @param executor   the threads that run the handler
     * @param handler    the endpoint
     * @param onRequest  called once per request when the handler has answered, before the answer is sent, so a
     *                   trace has the order clients see (for tracing); may be null; what it throws is ignored
     */
    public static LabHttpServer start(int port, SSLContext tls, ExecutorService executor, LabHttpHandler handler,
                                      Consumer<Exchange> onRequest) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            HttpServer server;
            if (tls == null) {
                server = HttpServer.create(address, 128);
            } else {
                HttpsServer https = HttpsServer.create(address, 128);
                https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                    @Override
                    public void configure(HttpsParameters params) {
                        SSLParameters parameters = tls.getDefaultSSLParameters();
                        parameters.setApplicationProtocols(new String[] {"http/1.1"});
                        params.setSSLParameters(parameters);
                    }
                });
                server = https;
            }
            server.createContext("/", exchange -> serve(exchange, handler, onRequest));
            server.setExecutor(executor);
            server.start();
            return new LabHttpServer(server, tls == null ? "http" : "https");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot bind 127.0.0.1:" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base address, for example {@code http://127.0.0.1:41234}. */
    public URI baseUri() {
        return URI.create(scheme + "://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** One request and its answer, as seen by the transport. */
    public record Exchange(LabHttpRequest request, LabHttpResponse response) {
    }

    private static void serve(HttpExchange exchange, LabHttpHandler handler, Consumer<Exchange> onRequest) {
        try (exchange) {
            LabHttpRequest request;
            LabHttpResponse response;
            try {
                request = toRequest(exchange);
            } catch (BodyTooLargeException e) {
                write(exchange, LabHttpResponse.json(413,
                    "{\"error\":{\"code\":\"RequestEntityTooLarge\",\"message\":\"The request body is larger than "
                        + MAX_BODY_BYTES + " bytes.\"}}"));
                return;
            }
            try {
                response = handler.handle(request);
            } catch (RuntimeException e) {
                response = LabHttpResponse.json(500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":"
                    + Json.write("The lab failed to handle this request: " + e) + "}}");
            }
            if (onRequest != null) {
                try {
                    onRequest.accept(new Exchange(request, response));
                } catch (RuntimeException e) {
                    // tracing must never cost a client its answer
                }
            }
            write(exchange, response);
        } catch (IOException e) {
            // the client went away; nothing to answer
        }
    }

    private static void write(HttpExchange exchange, LabHttpResponse response) throws IOException {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        boolean noBody = "HEAD".equals(exchange.getRequestMethod()) || response.status() == 204
            || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    private static LabHttpRequest toRequest(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        // A request-target such as "//metadata/identity/..." parses as an authority plus a path; put it back.
        String path = uri.getScheme() == null && uri.getRawAuthority() != null
            ? "//" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath())
            : (uri.getRawPath() == null ? "/" : uri.getRawPath());
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        String host = headers.getOrDefault("host", List.of("")).get(0);
        host = stripPort(host).toLowerCase(Locale.ROOT);
        return new LabHttpRequest(exchange.getRequestMethod().toUpperCase(Locale.ROOT), host, path, query, headers,
            readBody(exchange.getRequestBody()));
    }

    static String stripPort(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new BodyTooLargeException();
        }
        return body;
    }

    private static final class BodyTooLargeException extends IOException {
        BodyTooLargeException() {
            super("request body too large");
        }
    }
}
