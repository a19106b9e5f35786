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
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>One slow client never delays another. Each server (the gateway, each VM's IMDS, each identity endpoint) has
 * its own threads, as many as {@link #MAX_CONNECTIONS} (made when needed), and holds at most that many
 * connections; one more is closed as soon as it is accepted. A connection must deliver the TLS handshake, request
 * line, headers and body of a request within {@link #REQUEST_DEADLINE} (counted from its first byte, and again
 * from the first byte of each later request on a kept-alive connection); the handler and the writing of the answer
 * must end within {@link #RESPONSE_DEADLINE}; a connection that sends nothing (new, or kept alive between
 * requests) is closed after {@link #IDLE_DEADLINE}. The JDK server enforces these through its
 * {@code sun.net.httpserver.*} settings, which this class sets when it loads unless the command line gave them
 * (they are JVM-wide, read when the JVM's first JDK server is made). A stalled client so holds one thread of its
 * own endpoint for at most a deadline, never a thread that another endpoint, or a client below the limit, needs.
 *
 * <p>Why the JDK server and not Jetty or a hand-written front (JDK 17.0.15, 2 cores, 40 stalled sockets; the
 * figures are in {@code ARCHITECTURE.md}, the harness is {@code HttpUnderAttackBenchmark}): Jetty 12.1's first TLS
 * server took about 0.9 s to start in a new JVM against 25 to 50 ms for the JDK's, and its idle timeout alone left
 * clients that trickle header bytes open (40 of 40 after 15 s), so it would need hand-written deadlines as well.
 * The JDK server with these settings closed every kind of stalled connection within the deadline plus a timer tick
 * while a real client kept its latency, and keeps the wire behaviour the protocol tests pin down.
 */
public final class LabHttpServer implements AutoCloseable {

    /** Larger than any request an Azure SDK sends to these endpoints (Key Vault values are at most 25 KB). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** TLS handshake, request line, headers and body of one request, from its first byte. */
    public static final Duration REQUEST_DEADLINE = Duration.ofSeconds(5);

    /** The handler's work and the writing of its answer. */
    public static final Duration RESPONSE_DEADLINE = Duration.ofSeconds(10);

    /** A connection that sends nothing: a new one before its first byte, a kept-alive one between requests. */
    public static final Duration IDLE_DEADLINE = Duration.ofSeconds(5);

    /** How late a deadline may close a connection: the JDK server checks them on timers (settings below). */
    public static final Duration DEADLINE_TICK = Duration.ofSeconds(1);

    /**
     * Connections one endpoint holds at once, and its most threads; one more is closed when it is accepted. 256, as
     * many as the lab's Azure SQL serves: kept-alive idle connections count, and a workshop room's hundred clients
     * with their pools must fit (at 64, the soak harness's 100 clients saw connections reset).
     */
    public static final int MAX_CONNECTIONS = 256;

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add about 40 ms to every keep-alive response.
        setUnlessGiven("sun.net.httpserver.nodelay", "true");
        // Deadlines in seconds; the request/response timer runs every 500 ms, the idle one every DEADLINE_TICK.
        setUnlessGiven("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_DEADLINE.toSeconds()));
        setUnlessGiven("sun.net.httpserver.maxRspTime", Long.toString(RESPONSE_DEADLINE.toSeconds()));
        setUnlessGiven("sun.net.httpserver.timerMillis", "500");
        setUnlessGiven("sun.net.httpserver.idleInterval", Long.toString(IDLE_DEADLINE.toSeconds()));
        setUnlessGiven("sun.net.httpserver.clockTick", Long.toString(DEADLINE_TICK.toMillis()));
        setUnlessGiven("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final String scheme;

    private LabHttpServer(HttpServer server, ExecutorService threads, String scheme) {
        this.server = server;
        this.threads = threads;
        this.scheme = scheme;
    }

    private static void setUnlessGiven(String property, String value) {
        // Read once, when the JVM's first JDK HttpServer is made; a -D on the command line wins.
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param port       0 for a free port
     * @param tls        null for plain HTTP
     * @param name       names this endpoint's threads, for example {@code gateway} or {@code imds-vm1}
     * @param handler    the endpoint
     * @param onRequest  called once per request when the handler has answered, before the answer is sent, so a
     *                   trace has the order clients see (for tracing); may be null; what it throws is ignored
     */
    public static LabHttpServer start(int port, SSLContext tls, String name, LabHttpHandler handler,
                                      Consumer<Exchange> onRequest) {
        ExecutorService executor = newThreads(name);
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
            return new LabHttpServer(server, executor, tls == null ? "http" : "https");
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("Cannot bind 127.0.0.1:" + port, e);
        }
    }

    /**
     * As many threads as connections the server holds, so no request of this endpoint waits in a queue behind a
     * stalled one; made when needed, ended after 30 s without work.
     */
    private static ExecutorService newThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_CONNECTIONS, MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "lab-http-" + name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
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
        threads.shutdownNow();
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
