package dev.milab.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Clients that connect to a loopback port and then stall: the attack of issue 14 on the lab's HTTP endpoints.
 * Each socket sends the start of something and then nothing more (or trickles one byte at a time), and the test
 * watches when the server closes it. Loopback only; {@link #close()} ends every socket and the trickling thread.
 */
public final class StalledClients implements AutoCloseable {

    /** What a stalled client sends before it stops. */
    public enum Stall {
        /** Connects and sends nothing. */
        SILENT(new byte[0]),
        /** The first 6 bytes of a TLS ClientHello record (handshake, TLS 1.0 record version, length 512, type 1). */
        TLS_RECORD_START(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}),
        /** A request line and one header, never the blank line. */
        HALF_HEADERS("GET /metadata/instance?api-version=2021-02-01 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            .getBytes(StandardCharsets.US_ASCII)),
        /** Headers announcing 100 bytes of body, then 2 of them. */
        HALF_BODY(("POST /common/oauth2/v2.0/token HTTP/1.1\r\nHost: 127.0.0.1\r\nMetadata: true\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nab")
            .getBytes(StandardCharsets.US_ASCII)),
        /** One byte of a request line and endless headers every {@link #TRICKLE_PERIOD}, never the blank line. */
        TRICKLE(new byte[0]);

        private final byte[] opening;

        Stall(byte[] opening) {
            this.opening = opening;
        }
    }

    /** How long a stalled client over TLS waits for its handshake before it gives up. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** How often a trickling client sends its next byte. */
    public static final Duration TRICKLE_PERIOD = Duration.ofMillis(200);

    private static final byte[] TRICKLED = "GET /metadata/instance HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);

    private final List<Held> held = new ArrayList<>();
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stalled-client-watch");
        t.setDaemon(true);
        return t;
    });
    private final Thread trickler;
    private volatile boolean closed;

    private record Held(Socket socket, Stall stall, long openedNanos, CompletableFuture<Duration> closedAfter) {
    }

    private StalledClients() {
        trickler = new Thread(this::trickle, "stalled-client-trickle");
        trickler.setDaemon(true);
    }

    /** Opens {@code count} connections to 127.0.0.1:{@code port}, cycling through {@code stalls}. */
    public static StalledClients open(int port, int count, Stall... stalls) throws IOException {
        return open(port, null, count, stalls);
    }

    /**
     * Opens {@code count} TLS connections to 127.0.0.1:{@code port} that complete the handshake (trusting what
     * {@code tls} trusts) and then stall in the request, cycling through {@code stalls}.
     */
    public static StalledClients openAfterHandshake(int port, SSLContext tls, int count, Stall... stalls)
        throws IOException {
        return open(port, tls, count, stalls);
    }

    private static StalledClients open(int port, SSLContext tls, int count, Stall... stalls) throws IOException {
        StalledClients clients = new StalledClients();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(port, tls, stalls[i % stalls.length]);
            }
        } catch (IOException | RuntimeException e) {
            clients.close();
            throw e;
        }
        clients.trickler.start();
        return clients;
    }

    private void add(int port, SSLContext tls, Stall stall) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
        long opened = System.nanoTime();
        Socket socket = plain;
        if (tls != null) {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            // A server that no longer answers handshakes must not hang the attack itself.
            ssl.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                ssl.close();
                throw new IOException("The server did not complete the TLS handshake of stalled client "
                    + (held.size() + 1) + " within " + HANDSHAKE_TIMEOUT.toSeconds() + " s", e);
            }
            ssl.setSoTimeout(0);
            socket = ssl;
        }
        Socket held = socket;
        OutputStream out = held.getOutputStream();
        out.write(stall.opening);
        out.flush();
        CompletableFuture<Duration> closedAfter = new CompletableFuture<>();
        this.held.add(new Held(held, stall, opened, closedAfter));
        watchers.execute(() -> closedAfter.complete(waitForServerClose(held, opened)));
    }

    /** Reads until the server ends the connection (EOF or reset); how long after the connect that was. */
    private Duration waitForServerClose(Socket socket, long opened) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            while (in.read(buffer) >= 0) {
                // an answer (400, an alert) may come before the close; the close is what counts
            }
        } catch (IOException e) {
            // reset by the server, or closed by us
        }
        return closed ? null : Duration.ofNanos(System.nanoTime() - opened);
    }

    private void trickle() {
        int next = 0;
        while (!closed) {
            for (Held h : held) {
                if (h.stall == Stall.TRICKLE && !h.closedAfter.isDone()) {
                    try {
                        h.socket.getOutputStream().write(next < TRICKLED.length ? TRICKLED[next] : 'a');
                    } catch (IOException e) {
                        // the server closed it; the watcher saw that
                    }
                }
            }
            next++;
            try {
                Thread.sleep(TRICKLE_PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public int count() {
        return held.size();
    }

    /** How many the server has closed so far. */
    public long closedByServer() {
        return held.stream().filter(h -> h.closedAfter.isDone() && h.closedAfter.getNow(null) != null).count();
    }

    /**
     * Waits up to {@code limit} for the server to close every connection; for each, how long after its connect
     * the server closed it, or null if it was still open at the limit.
     */
    public List<Duration> awaitServerClose(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        List<Duration> result = new ArrayList<>();
        for (Held h : held) {
            try {
                result.add(h.closedAfter.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                result.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.add(null);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return result;
    }

    @Override
    public void close() {
        closed = true;
        trickler.interrupt();
        for (Held h : held) {
            try {
                h.socket.close();
            } catch (IOException e) {
                // closing
            }
        }
        watchers.shutdownNow();
    }
}
