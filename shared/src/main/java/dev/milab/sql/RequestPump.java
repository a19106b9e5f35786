package dev.milab.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;

/**
 * Serves a logged-in connection with two threads that take turns: while one answers a request, the other is
 * already reading the next message, so an attention (MS-TDS 2.2.1.7, the driver's {@code Statement.cancel()} and
 * query timeout) reaches the running request and stops it. Whoever reads a request answers it and hands the reading
 * on; the wake-up of the other thread happens while the request runs, not on the way to the answer.
 *
 * <p>An attention during a request cancels it; its acknowledgment (a DONE with the attention bit) follows the
 * request's answer as a message of its own. An attention after the answer is acknowledged at once. Clients do not
 * send a new request before the answer to the last one; if one does, it waits its turn.
 */
final class RequestPump {

    /** Reads one whole message, or null at the end of the stream. */
    @FunctionalInterface
    interface MessageReader {
        TdsMessage read(InputStream in, int maxBytes) throws IOException, TdsProtocolException;
    }

    private final TdsSession session;
    private final InputStream in;
    private final OutputStream out;
    private final MessageReader reader;
    private final Supplier<Consumer<TdsMessage>> tap;
    private final Runnable closeConnection;
    private final Object lock = new Object();
    private final Object writeLock = new Object();
    private boolean reading;
    private boolean busy;
    private boolean attentionPending;
    private boolean finished;

    RequestPump(TdsSession session, InputStream in, OutputStream out, MessageReader reader,
                Supplier<Consumer<TdsMessage>> tap, Runnable closeConnection) {
        this.session = session;
        this.in = in;
        this.out = out;
        this.reader = reader;
        this.tap = tap;
        this.closeConnection = closeConnection;
    }

    /**
     * Runs until the connection ends, on the calling thread and one from {@code helpers}; returns when both are
     * done (so the session can close after). Without a helper thread it serves alone, and cancels apply only after
     * the request.
     */
    void run(Executor helpers) {
        CountDownLatch helperDone = new CountDownLatch(1);
        try {
            helpers.execute(() -> {
                try {
                    loop();
                } finally {
                    helperDone.countDown();
                }
            });
        } catch (RejectedExecutionException e) {
            helperDone.countDown();
        }
        loop();
        try {
            helperDone.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (true) {
                synchronized (lock) {
                    while (reading && !finished) {
                        lock.wait();
                    }
                    if (finished) {
                        return;
                    }
                    reading = true;
                }
                TdsMessage message;
                try {
                    message = reader.read(in, session.maxMessageBytes());
                } catch (TdsProtocolException e) {
                    synchronized (writeLock) {
                        write(session.onProtocolError(e));
                    }
                    finish();
                    return;
                }
                if (message == null) {
                    finish();
                    return;
                }
                Consumer<TdsMessage> listener = tap.get();
                if (listener != null) {
                    listener.accept(message);
                }
                if (message.type() == PacketType.ATTENTION && attention()) {
                    continue;
                }
                synchronized (lock) {
                    while (busy && !finished) {
                        lock.wait();
                    }
                    busy = true;
                    session.sqlSession().ifPresent(SqlSession::clearCancel);
                    reading = false;
                    lock.notifyAll();
                }
                TdsSession.Reply reply;
                synchronized (writeLock) {
                    try {
                        reply = session.onMessage(message, out);
                    } catch (TdsProtocolException e) {
                        reply = session.onProtocolError(e);
                    }
                    write(reply);
                }
                boolean acknowledge;
                synchronized (lock) {
                    busy = false;
                    acknowledge = attentionPending;
                    attentionPending = false;
                    lock.notifyAll();
                }
                if (acknowledge) {
                    acknowledgeAttention();
                }
                if (reply.next() == TdsSession.Next.CLOSE) {
                    finish();
                    return;
                }
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            // the client went away, timed out, or the connection failed (or could not be served): it ends, and
            // the other thread with it, so the client is told by the closed connection instead of waiting forever
            finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish();
        }
    }

    /** True when the attention was handled here; false when no request runs and it is answered as a request. */
    private boolean attention() {
        synchronized (lock) {
            reading = false;
            lock.notifyAll();
            if (busy) {
                attentionPending = true;
                session.sqlSession().ifPresent(SqlSession::cancel);
                return true;
            }
            return false;
        }
    }

    private void acknowledgeAttention() throws IOException {
        synchronized (writeLock) {
            try {
                write(session.onMessage(new TdsMessage(PacketType.ATTENTION, new byte[0]), out));
            } catch (TdsProtocolException e) {
                write(session.onProtocolError(e));
            }
        }
    }

    private void write(TdsSession.Reply reply) throws IOException {
        for (TdsMessage m : reply.messages()) {
            out.write(m.toPackets(session.packetSize(), session.spid()));
        }
        out.flush();
    }

    /** Ends the connection: the other thread's read returns, and a running request is cancelled. */
    private void finish() {
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
            lock.notifyAll();
        }
        session.sqlSession().ifPresent(SqlSession::cancel);
        closeConnection.run();
    }
}
