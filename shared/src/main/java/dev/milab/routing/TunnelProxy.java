package dev.milab.routing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * The lab's routing for programs that are not in a JVM (Node.js, Python, Go, .NET, the Azure CLI): an HTTP proxy on
 * loopback that only tunnels, with {@code CONNECT}, to the lab's routes. Those clients read the standard
 * {@code HTTPS_PROXY} setting (and {@code NO_PROXY} for loopback), keep Azure's real URLs and see the lab's
 * certificate for Azure's host names at the end of the tunnel, so their own checks (the Key Vault challenge resource,
 * MSAL's authority) pass as they do in Azure. TLS runs end to end between the client and the lab's gateway; the
 * proxy never reads inside it.
 *
 * <p>Fail closed, as {@link LabHttpClient}: a {@code CONNECT} to a host and port that no route names is refused
 * with {@code 403} and nothing is connected; a plain (non-tunnel) proxy request is refused with {@code 405}. Every
 * route leads to loopback ({@link Route}), so nothing leaves the machine. CONNECT is RFC 9110, section 9.3.6.
 */
public final class TunnelProxy implements AutoCloseable {

    /** The standalone lab's default port. */
    public static final int DEFAULT_PORT = 47480;
    /** Tunnels open at once; more wait for one to end. */
    static final int MAX_CONNECTIONS = 256;
    /** A request head longer than this is refused (clients send about 200 bytes). */
    static final int MAX_HEAD_BYTES = 8 * 1024;
    /**
     * The whole request head must arrive within this, however it trickles: the same bound as the lab's HTTP
     * endpoints give a request ({@code LabHttpServer.REQUEST_DEADLINE}), so a slow client holds a slot 5 s at most.
     */
    static final int HEAD_DEADLINE_MILLIS = 5_000;

    private final ServerSocket server;
    private final RouteTable routes;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lab-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private TunnelProxy(ServerSocket server, RouteTable routes) {
        this.server = server;
        this.routes = routes;
    }

    /**
     * Starts the proxy on 127.0.0.1.
     *
     * @param port   0 for a free port
     * @param routes where each Azure host name leads (for example {@code Lab.routesForWorkstation()})
     */
    public static TunnelProxy start(int port, RouteTable routes) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            TunnelProxy proxy = new TunnelProxy(socket, routes);
            Thread acceptor = new Thread(proxy::acceptLoop, "lab-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + port, e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:port}, the value for {@code HTTPS_PROXY}. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + port());
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                slots.acquire();
                client = server.accept();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                slots.release();
                if (closed) {
                    return;
                }
                continue;
            }
            open.add(client);
            threads.execute(() -> {
                try {
                    serve(client);
                } finally {
                    quietlyClose(client);
                    open.remove(client);
                    slots.release();
                }
            });
        }
    }

    private void serve(Socket client) {
        try {
            client.setTcpNoDelay(true);
            String head = readHead(client, System.nanoTime() + HEAD_DEADLINE_MILLIS * 1_000_000L);
            OutputStream toClient = client.getOutputStream();
            if (head == null) {
                reply(toClient, 400, "Bad Request", "The request head is incomplete, longer than "
                    + MAX_HEAD_BYTES + " bytes, or not complete within " + HEAD_DEADLINE_MILLIS / 1000 + " s.");
                return;
            }
            String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                reply(toClient, 400, "Bad Request", "Not an HTTP/1.x request line.");
                return;
            }
            if (!requestLine[0].equals("CONNECT")) {
                reply(toClient, 405, "Method Not Allowed", "The lab's proxy only tunnels (CONNECT host:443); "
                    + "it does not forward " + requestLine[0] + " requests.");
                return;
            }
            Optional<Route> route = authority(requestLine[1]).flatMap(a -> routes.find(a.host(), a.port()));
            if (route.isEmpty()) {
                reply(toClient, 403, "Forbidden", "The lab's proxy tunnels only to the Azure host names the lab "
                    + "serves (" + String.join(", ", routes.routes().stream().map(r -> r.hostPattern() + ":"
                    + r.port()).toList()) + "); refused " + requestLine[1] + ".");
                return;
            }
            tunnel(client, route.get());
        } catch (IOException e) {
            // the client went away or sent nothing in time: only this connection ends
        }
    }

    private void tunnel(Socket client, Route route) throws IOException {
        Socket upstream = new Socket();
        open.add(upstream);
        try {
            try {
                upstream.connect(new InetSocketAddress(route.targetHost(), route.targetPort()), 10_000);
            } catch (IOException e) {
                reply(client.getOutputStream(), 502, "Bad Gateway", "The lab's endpoint for " + route.hostPattern()
                    + " does not answer at " + route.targetHost() + ":" + route.targetPort() + ".");
                return;
            }
            upstream.setTcpNoDelay(true);
            client.setSoTimeout(0);
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            threads.execute(() -> pump(upstream, client));
            pump(client, upstream);
        } finally {
            quietlyClose(upstream);
            open.remove(upstream);
        }
    }

    /** Copies until end of stream, then half-closes the other side so a TLS close_notify still gets through. */
    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            quietlyClose(from);
            quietlyClose(to);
        }
    }

    /**
     * The request head up to and including the blank line, or null if it does not end within the size limit or by
     * the deadline ({@link System#nanoTime()}).
     */
    static String readHead(Socket client, long deadline) throws IOException {
        InputStream in = client.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD_BYTES) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            client.setSoTimeout((int) left);
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    /** A CONNECT target, {@code host:port} (RFC 9110: authority-form); IPv6 literals in brackets. */
    record Authority(String host, int port) {
    }

    static Optional<Authority> authority(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1 || target.contains("/") || target.contains("@")) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(target.substring(colon + 1));
            return port < 1 || port > 65535 ? Optional.empty()
                : Optional.of(new Authority(target.substring(0, colon).toLowerCase(Locale.ROOT), port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void reply(OutputStream out, int status, String reason, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        open.forEach(TunnelProxy::quietlyClose);
        threads.shutdownNow();
    }
}
