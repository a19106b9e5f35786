package dev.milab.bearertoken.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.milab.trace.Trace;

/**
 * Something on the network path between VM1 and the API: it forwards every byte both ways and keeps a copy of what
 * the client sent. Over plain HTTP that copy holds the request, {@code Authorization} header and all; over HTTPS it
 * holds TLS records. Loopback only: it listens on 127.0.0.1 and forwards to 127.0.0.1.
 */
final class RecordingRelay implements AutoCloseable {

    private static final Pattern BEARER = Pattern.compile("(?im)^Authorization: Bearer ([A-Za-z0-9_\\-.]+)\\r?$");

    private final String name;
    private final String targetName;
    private final int targetPort;
    private final Trace trace;
    private final ServerSocket server;
    private final ByteArrayOutputStream fromClients = new ByteArrayOutputStream();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String client = "client";

    RecordingRelay(String name, String targetName, int targetPort, Trace trace) throws IOException {
        this.name = name;
        this.targetName = targetName;
        this.targetPort = targetPort;
        this.trace = trace;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, name + "-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The relay's address with {@code scheme}: a client sent here believes it talks to the API. */
    URI address(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + path);
    }

    /** Names who connects next, for the trace. */
    void client(String who) {
        client = who;
    }

    int connections() {
        return connections.get();
    }

    /** Every byte clients sent through the relay so far. */
    byte[] captured() {
        synchronized (fromClients) {
            return fromClients.toByteArray();
        }
    }

    /** The captured bytes as text (ISO-8859-1: one character per byte). */
    String capturedText() {
        return new String(captured(), StandardCharsets.ISO_8859_1);
    }

    /** The bearer token in what clients sent, if it is there to read. */
    Optional<String> bearerToken() {
        Matcher m = BEARER.matcher(capturedText());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                connections.incrementAndGet();
                trace.record(client, name, "connect", "forwarding every byte to " + targetName, true, null, null);
                pump(in, out, true);
                pump(out, in, false);
            } catch (IOException e) {
                // closed, or the target is gone: the client sees the connection drop
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (record) {
                        synchronized (fromClients) {
                            fromClients.write(buffer, 0, n);
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
