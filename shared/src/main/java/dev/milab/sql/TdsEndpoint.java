package dev.milab.sql;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import dev.milab.sql.tds.MessageAssembler;
import dev.milab.sql.tds.PacketHeader;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;

/**
 * The one transport adapter of the lab's Azure SQL: a TCP listener on 127.0.0.1, one thread per connection (at
 * most {@link SqlLimits#maxConnections()}), every connection encrypted as Azure SQL's are. The first byte tells the mode: a
 * TLS record (0x16) is TDS 8.0 ({@code encrypt=strict}: TLS first, ALPN {@code tds/8.0}, then PRELOGIN inside
 * TLS); a PRELOGIN packet (0x12) is TDS 7.4 (PRELOGIN in clear, then the TLS handshake inside PRELOGIN packets,
 * then TLS on TCP, TLS 1.2 as SQL Server does in that mode). A connection's failure, bad bytes included, ends that
 * connection only.
 *
 * <p>A login has {@link SqlLimits#loginTimeout()} as a whole, from the TCP connect to LOGINACK, however slowly its
 * bytes arrive: a timer closes a connection still logging in then. Connections not yet logged in count against
 * {@link SqlLimits#maxPendingLogins()} as well; a new one over it, or over {@link SqlLimits#maxConnections()}, closes
 * the connection that has been logging in longest, so stalled or trickling clients cannot shut real logins out.
 * Logged-in connections are never closed for a newcomer; they end after the idle session timeout.
 */
final class TdsEndpoint implements AutoCloseable {

    /** Threads at most: two per logged-in connection, one per login, for the largest limits a lab sets. */
    private static final int MAX_THREADS = 2048;
    static final String ALPN_TDS_8 = "tds/8.0";

    private final ServerSocket listener;
    private final SSLContext tls;
    private final AzureSql service;
    private final ThreadPoolExecutor workers;
    /** The second thread of each logged-in connection, which reads while the first answers (see RequestPump). */
    private final ThreadPoolExecutor helpers;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Connections still logging in, oldest first; guarded by itself, as is the admission of new connections. */
    private final Deque<PendingLogin> pending = new ArrayDeque<>();
    private final ScheduledThreadPoolExecutor loginDeadlines;
    private final Thread acceptor;
    private volatile Consumer<TdsMessage> clientMessageTap;
    private volatile boolean closed;

    private TdsEndpoint(ServerSocket listener, SSLContext tls, AzureSql service) {
        this.listener = listener;
        this.tls = tls;
        this.service = service;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> {
                Thread t = new Thread(r, "lab-sql-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        AtomicInteger h = new AtomicInteger();
        this.helpers = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> {
                Thread t = new Thread(r, "lab-sql-reader-" + h.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        this.loginDeadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lab-sql-login-deadlines");
            t.setDaemon(true);
            return t;
        });
        this.loginDeadlines.setRemoveOnCancelPolicy(true);
        this.acceptor = new Thread(this::acceptLoop, "lab-sql-accept-" + listener.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    static TdsEndpoint start(int port, SSLContext tls, AzureSql service) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 128);
            TdsEndpoint endpoint = new TdsEndpoint(listener, tls, service);
            endpoint.acceptor.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen for TDS on 127.0.0.1:" + port, e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Sees every whole message a client sends, after decryption (for traces and test captures). */
    void tapClientMessages(Consumer<TdsMessage> tap) {
        this.clientMessageTap = tap;
    }

    int openConnections() {
        return open.size();
    }

    /** Connections accepted and not yet logged in. */
    int pendingLogins() {
        synchronized (pending) {
            return pending.size();
        }
    }

    /**
     * A connection between its TCP connect and its login's end, how far its login got (the session's state), and
     * the timer that ends it at the deadline.
     */
    private static final class PendingLogin {
        final Socket socket;
        volatile TdsSession.State stage = TdsSession.State.PRELOGIN;
        ScheduledFuture<?> deadline;

        PendingLogin(Socket socket) {
            this.socket = socket;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            PendingLogin login = admit(socket);
            if (login == null) {
                continue;
            }
            try {
                workers.execute(() -> serve(socket, login));
            } catch (RejectedExecutionException e) {
                loggedInOrGone(login);
                closeQuietly(socket);
                open.remove(socket);
            }
        }
    }

    /**
     * Counts a new connection in, closing the longest-pending login to make room, and starts its login deadline;
     * null when there is no room (every slot is a logged-in session).
     */
    private PendingLogin admit(Socket socket) {
        SqlLimits limits = service.limits();
        PendingLogin login = new PendingLogin(socket);
        synchronized (pending) {
            while (!pending.isEmpty() && (pending.size() >= limits.maxPendingLogins()
                || open.size() >= limits.maxConnections())) {
                PendingLogin slowest = slowestPending();
                pending.remove(slowest);
                slowest.deadline.cancel(false);
                open.remove(slowest.socket);
                closeQuietly(slowest.socket);
            }
            if (open.size() >= limits.maxConnections()) {
                closeQuietly(socket);
                return null;
            }
            open.add(socket);
            pending.addLast(login);
            login.deadline = loginDeadlines.schedule(() -> {
                if (loggedInOrGone(login)) {
                    closeQuietly(socket);
                }
            }, limits.loginTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        return login;
    }

    /**
     * The login that got least far, the oldest of those: a real client passes PRELOGIN within milliseconds of its
     * connect, a stalled or trickling one stays there. Called holding {@link #pending}.
     */
    private PendingLogin slowestPending() {
        PendingLogin slowest = pending.getFirst();
        for (PendingLogin p : pending) {
            if (p.stage.ordinal() < slowest.stage.ordinal()) {
                slowest = p;
            }
        }
        return slowest;
    }

    /** Takes the connection out of the pending logins; true if it was still there (not closed for a newcomer). */
    private boolean loggedInOrGone(PendingLogin login) {
        synchronized (pending) {
            login.deadline.cancel(false);
            return pending.remove(login);
        }
    }

    private void serve(Socket socket, PendingLogin login) {
        Closeable channel = socket;
        TdsSession openSession = null;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, service.limits().loginTimeout().toMillis()));
            InputStream rawIn = socket.getInputStream();
            int first = rawIn.read();
            InputStream in;
            OutputStream out;
            TdsSession session;
            if (first == 0x16) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    new ByteArrayInputStream(new byte[] {(byte) first}), true);
                channel = ssl;
                configure(ssl, List.of("TLSv1.3", "TLSv1.2"), true);
                ssl.startHandshake();
                login.stage = TdsSession.State.TLS_HANDSHAKE;
                in = new BufferedInputStream(ssl.getInputStream());
                out = buffered(ssl.getOutputStream());
                session = new TdsSession(service, true, sniHost(ssl.getSession()));
            } else if (first == PacketType.PRELOGIN) {
                in = new BufferedInputStream(new SequenceInputStream(
                    new ByteArrayInputStream(new byte[] {(byte) first}), rawIn));
                out = buffered(socket.getOutputStream());
                session = new TdsSession(service, false, null);
            } else {
                return;
            }
            openSession = session;
            while (!closed) {
                TdsMessage message;
                TdsSession.Reply reply;
                try {
                    message = readMessage(in, session.maxMessageBytes());
                    if (message == null) {
                        return;
                    }
                    Consumer<TdsMessage> tap = clientMessageTap;
                    if (tap != null) {
                        tap.accept(message);
                    }
                    reply = session.onMessage(message, out);
                } catch (TdsProtocolException e) {
                    reply = session.onProtocolError(e);
                }
                for (TdsMessage m : reply.messages()) {
                    out.write(m.toPackets(session.packetSize(), session.spid()));
                }
                out.flush();
                login.stage = session.state();
                if (reply.next() == TdsSession.Next.CLOSE) {
                    return;
                }
                if (reply.next() == TdsSession.Next.START_TLS) {
                    // The in-band handshake writes the raw socket: TLS flushes every record it writes there.
                    PreLoginTlsSocket inBand = new PreLoginTlsSocket(socket, in, socket.getOutputStream(),
                        session.spid());
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(inBand, null, true);
                    channel = ssl;
                    // SQL Server negotiates TLS 1.3 only with TDS 8.0; mssql-jdbc's in-band handshake expects 1.2.
                    configure(ssl, List.of("TLSv1.2"), false);
                    ssl.startHandshake();
                    inBand.handshakeFinished();
                    in = new BufferedInputStream(ssl.getInputStream());
                    out = buffered(ssl.getOutputStream());
                    session.tlsEstablished(sniHost(ssl.getSession()));
                    login.stage = session.state();
                }
                if (session.state() == TdsSession.State.LOGGED_IN) {
                    if (!loggedInOrGone(login)) {
                        // closed at its deadline or for a newer connection while the login finished
                        return;
                    }
                    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, service.idleSessionTimeout().toMillis()));
                    Closeable toClose = channel;
                    new RequestPump(session, in, out, TdsEndpoint::readMessage, () -> clientMessageTap, () -> {
                        closeQuietly(toClose);
                        closeQuietly(socket);
                    }).run(helpers);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away, timed out, failed TLS or sent bytes that are not TDS: this connection ends.
        } finally {
            loggedInOrGone(login);
            if (openSession != null) {
                openSession.close();
            }
            closeQuietly(channel);
            closeQuietly(socket);
            open.remove(socket);
        }
    }

    /** Packets go out in few TLS records and system calls; every reply ends with a flush. */
    private static OutputStream buffered(OutputStream out) {
        return new BufferedOutputStream(out, 2 * PacketHeader.MAX_PACKET_SIZE);
    }

    private static void configure(SSLSocket ssl, List<String> protocols, boolean alpn) {
        ssl.setUseClientMode(false);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (alpn) {
            parameters.setApplicationProtocols(new String[] {ALPN_TDS_8});
        }
        ssl.setSSLParameters(parameters);
    }

    private static String sniHost(SSLSession session) {
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    /** Reads one whole message; null at a clean end of stream between messages. */
    static TdsMessage readMessage(InputStream in, int maxMessageBytes) throws IOException,
        TdsProtocolException {
        MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
        while (true) {
            byte[] header = new byte[PacketHeader.SIZE];
            int got = in.readNBytes(header, 0, header.length);
            if (got == 0 && !assembler.inMessage()) {
                return null;
            }
            if (got < header.length) {
                throw new EOFException("Truncated packet header");
            }
            PacketHeader h = PacketHeader.decode(header, PacketHeader.MAX_PACKET_SIZE);
            byte[] payload = in.readNBytes(h.payloadLength());
            if (payload.length < h.payloadLength()) {
                throw new EOFException("Truncated packet");
            }
            var message = assembler.add(h, payload);
            if (message.isPresent()) {
                return message.get();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        open.forEach(TdsEndpoint::closeQuietly);
        workers.shutdownNow();
        helpers.shutdownNow();
        loginDeadlines.shutdownNow();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
    }
}
