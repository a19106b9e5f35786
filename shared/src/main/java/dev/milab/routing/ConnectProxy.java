package dev.milab.routing;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
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
import java.util.concurrent.Semaphore;

/**
 * The lab's routing for clients that are not Java (the Azure CLI, Python, Node, curl): an HTTP proxy on loopback
 * that tunnels {@code CONNECT host:443} to the lab for Azure's host names in its {@link RouteTable} and refuses
 * everything else with 403, so nothing reaches the Internet. The client keeps Azure's URLs and checks the lab's
 * certificate for Azure's name inside the tunnel; it is pointed here by the standard {@code HTTPS_PROXY} setting
 * (RFC 9110, section 9.3.6, CONNECT).
 *
 * <p>A plain-HTTP proxy request ({@code GET http://...}) is refused as well: every Azure endpoint the gateway serves
 * is HTTPS.
 */
public final class ConnectProxy implements Closeable {

    /** At most this many tunnels at once; more wait for a free one (a CLI opens a handful). */
    static final int MAX_TUNNELS = 64;
    private static final int MAX_HEAD = 8 * 1024;

    private final RouteTable routes;
    private final ServerSocket server;
    private final Semaphore tunnels = new Semaphore(MAX_TUNNELS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ConnectProxy(RouteTable routes, int port) throws IOException {
        this.routes = routes;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        Thread accept = new Thread(this::acceptLoop, "lab-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** Starts the proxy on {@code 127.0.0.1:port} (0 for a free port), tunnelling to {@code routes} only. */
    public static ConnectProxy start(int port, RouteTable routes) {
        try {
            return new ConnectProxy(routes, port);
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
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            Thread t = new Thread(() -> serve(client), "lab-proxy-tunnel");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket client) {
        open.add(client);
        try (client) {
            client.setSoTimeout(30_000);
            String head = readHead(client.getInputStream());
            if (head == null) {
                return;
            }
            String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
            OutputStream toClient = client.getOutputStream();
            if (requestLine.length != 3 || !requestLine[0].equals("CONNECT")) {
                refuse(toClient, 405, "Method Not Allowed", "The lab's proxy only tunnels HTTPS (CONNECT host:443); "
                    + "every Azure endpoint it serves is HTTPS.");
                return;
            }
            Optional<Route> route = parseAuthority(requestLine[1]).flatMap(a -> routes.find(a.host(), a.port()));
            if (route.isEmpty()) {
                refuse(toClient, 403, "Forbidden", "The lab routes only Azure's host names it serves ("
                    + routes.routes().stream().map(r -> r.hostPattern() + ":" + r.port()).toList() + "), not "
                    + requestLine[1] + ". Nothing leaves this machine.");
                return;
            }
            tunnels.acquireUninterruptibly();
            try (Socket lab = new Socket(route.get().targetHost(), route.get().targetPort())) {
                client.setSoTimeout(0);
                toClient.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                toClient.flush();
                Thread up = new Thread(() -> pipe(client, lab), "lab-proxy-up");
                up.setDaemon(true);
                up.start();
                pipe(lab, client);
                up.join();
            } finally {
                tunnels.release();
            }
        } catch (IOException e) {
            // the client or the lab went away: the tunnel ends, the proxy stays up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    /** Copies until end of stream, then half-closes the other side so it sees the end too. */
    private void pipe(Socket from, Socket to) {
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
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    record Authority(String host, int port) {
    }

    /** {@code host:port} of a CONNECT request; a bracketed IPv6 literal or a missing port is no route. */
    static Optional<Authority> parseAuthority(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || authority.startsWith("[")) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(authority.substring(colon + 1));
            return Optional.of(new Authority(authority.substring(0, colon).toLowerCase(Locale.ROOT), port));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The request line and headers up to the blank line, or null when the client sent none. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
            if (state == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void refuse(OutputStream out, int status, String reason, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
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
            // closing anyway
        }
        open.forEach(ConnectProxy::closeQuietly);
    }

    /** Whether the proxy still accepts connections. */
    public boolean isOpen() {
        return !closed && !server.isClosed();
    }
}
