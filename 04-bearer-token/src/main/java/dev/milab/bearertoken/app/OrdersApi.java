package dev.milab.bearertoken.app;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.milab.bearertoken.app.BearerTokenValidator.Caller;
import dev.milab.bearertoken.app.BearerTokenValidator.InvalidTokenException;
import dev.milab.bearertoken.app.BearerTokenValidator.KeysUnavailableException;

/**
 * The protected API: {@code GET /orders} for callers with a valid Entra ID token whom it allows. HTTPS when
 * {@code api.tls.key-store} is set (as it must be anywhere but in a lesson on why).
 *
 * <ul>
 * <li>no {@code Authorization: Bearer} header: 401 with {@code WWW-Authenticate: Bearer} and no error code
 *     (RFC 6750, section 3.1: a request without credentials gets no error);</li>
 * <li>a token it does not believe: 401, {@code Bearer error="invalid_token", error_description="why"};</li>
 * <li>a valid token of a caller not in {@code api.allowed-callers} (and without {@code api.required-role}): 403,
 *     {@code Bearer error="insufficient_scope"};</li>
 * <li>otherwise 200 and the orders.</li>
 * </ul>
 * Run it with {@code java -cp 'app.jar:lib/*' dev.milab.bearertoken.app.OrdersApi --config api.properties}.
 */
public final class OrdersApi implements AutoCloseable {

    /** One answer of the API, for its access log. {@code callerObjectId} is null unless the token was valid. */
    public record Access(String method, String path, int status, String error, String description,
                         String callerObjectId) {
    }

    private static final List<Order> ORDERS = List.of(new Order(1, "Contoso", new BigDecimal("120.50")),
        new Order(2, "Fabrikam", new BigDecimal("89.90")), new Order(3, "Northwind", new BigDecimal("240.00")));

    private final ApiConfig config;
    private final BearerTokenValidator validator;
    private final Consumer<Access> accessLog;
    private final HttpServer server;
    private final ExecutorService executor;

    private OrdersApi(ApiConfig config, Consumer<Access> accessLog) throws IOException, GeneralSecurityException {
        this.config = config;
        this.validator = new BearerTokenValidator(config);
        this.accessLog = accessLog;
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
        if (config.keyStore().isPresent()) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(Tls.presenting(config.keyStore().get(),
                config.keyStorePassword())));
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "orders-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the API; {@code accessLog} hears of every answer. */
    public static OrdersApi start(ApiConfig config, Consumer<Access> accessLog)
        throws IOException, GeneralSecurityException {
        return new OrdersApi(config, accessLog);
    }

    public static void main(String[] args) throws Exception {
        ApiConfig config = ApiConfig.load(Settings.locate(args, "api.properties"));
        PrintStream out = System.out;
        try (OrdersApi api = start(config, a -> out.println(a.method() + " " + a.path() + " " + a.status()
            + (a.callerObjectId() != null ? " oid=" + a.callerObjectId() : "")
            + (a.description() != null ? " " + a.error() + ": " + a.description() : "")))) {
            out.println("Orders API at " + api.baseUri());
            new CountDownLatch(1).await();
        }
    }

    /** Where the API listens, for example {@code https://127.0.0.1:8443}. */
    public URI baseUri() {
        String scheme = config.keyStore().isPresent() ? "https" : "http";
        return URI.create(scheme + "://" + config.bindAddress() + ":" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals("/orders")) {
                answer(exchange, new Access(method, path, 404, null, null, null), "{\"error\":\"not_found\"}");
                return;
            }
            if (!method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                answer(exchange, new Access(method, path, 405, null, null, null), "{\"error\":\"method_not_allowed\"}");
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                answer(exchange, new Access(method, path, 401, null, null, null), "");
                return;
            }
            Caller caller;
            try {
                caller = validator.validate(authorization.substring(7).trim());
            } catch (InvalidTokenException e) {
                refuse(exchange, new Access(method, path, 401, "invalid_token", e.getMessage(), null));
                return;
            } catch (KeysUnavailableException e) {
                answer(exchange, new Access(method, path, 503, "temporarily_unavailable", e.getMessage(), null),
                    "{\"error\":\"temporarily_unavailable\"}");
                return;
            }
            if (!allowed(caller)) {
                refuse(exchange, new Access(method, path, 403, "insufficient_scope", "the caller " + caller.objectId()
                    + " (appid " + caller.appId() + ") may not read orders", caller.objectId()));
                return;
            }
            String orders = ORDERS.stream().map(Order::toJson).collect(Collectors.joining(",", "[", "]"));
            answer(exchange, new Access(method, path, 200, null, null, caller.objectId()),
                "{\"caller\":\"" + caller.objectId() + "\",\"orders\":" + orders + "}");
        }
    }

    /**
     * Authorization, after authentication: the token is valid, but is this caller one the API serves? An allowed
     * list of object ids, or an app role granted to the caller's service principal.
     */
    private boolean allowed(Caller caller) {
        return config.allowedCallers().contains(caller.objectId())
            || config.requiredRole().map(caller.roles()::contains).orElse(false);
    }

    /** 401 or 403 with the reason in {@code WWW-Authenticate} (RFC 6750, section 3) and in the body. */
    private void refuse(HttpExchange exchange, Access access) throws IOException {
        String description = quotable(access.description());
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"" + access.error()
            + "\", error_description=\"" + description + "\"");
        answer(exchange, access, "{\"error\":\"" + access.error() + "\",\"error_description\":\"" + description
            + "\"}");
    }

    private void answer(HttpExchange exchange, Access access, String json) throws IOException {
        accessLog.accept(access);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (body.length > 0) {
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        }
        exchange.sendResponseHeaders(access.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** RFC 6750 allows only printable ASCII without {@code "} and {@code \} in error_description. */
    private static String quotable(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            s.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
        }
        return s.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
