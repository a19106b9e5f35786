package dev.milab.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.milab.entra.JsonWebToken;
import dev.milab.trace.Decision;
import dev.milab.trace.Hop;
import dev.milab.trace.SequenceDiagram;
import dev.milab.trace.Trace;

/**
 * The live traffic as the page asks for it: {@code GET /api/hops?after=N} answers at once with the hops after
 * {@code N}, or waits until one is recorded (long polling). The page asks again as soon as it has an answer, so a
 * hop reaches it one loopback round trip after the lab recorded it; hops recorded in between wait in the trace and
 * come with the next answer, so none is missed while the trace keeps them.
 *
 * <p>Why not server-sent events: the lab's HTTP server hands a handler's whole response to the client at once
 * ({@code LabHttpHandler} is request to response), which a stream cannot be; a waiting request fits it and is as
 * fast on loopback.
 */
final class HopFeed implements AutoCloseable {

    /** The most hops one answer carries; the page asks again at once for the rest. */
    static final int BATCH = 500;
    /** Requests that may wait at once; more are answered at once (empty), so waiting never takes every thread. */
    static final int MAX_WAITING = LabConsole.THREADS / 2;
    /**
     * The longest a request waits: inside the lab's HTTP deadlines (a request must be answered within
     * {@code LabHttpServer.REQUEST_DEADLINE}, 5 s, or its connection is closed), so a quiet lab costs the page one
     * request every 4 s.
     */
    static final long MAX_WAIT_MILLIS = 4_000;
    /** Hops the sequence diagram draws at most (the newest). */
    static final int DIAGRAM_HOPS = 200;

    private final Trace trace;
    private final Object signal = new Object();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Semaphore waiters = new Semaphore(MAX_WAITING);
    private final AutoCloseable subscription;
    private volatile boolean closed;

    HopFeed(Trace trace) {
        this.trace = trace;
        this.subscription = trace.subscribe(hop -> {
            if (waiting.get() > 0) {
                synchronized (signal) {
                    signal.notifyAll();
                }
            }
        });
    }

    /**
     * The hops after {@code after} (at most {@link #BATCH}, oldest first), waiting up to {@code waitMillis} for one
     * if there is none yet.
     */
    Map<String, Object> hopsAfter(long after, long waitMillis) throws InterruptedException {
        List<Hop> hops = trace.since(after);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(waitMillis, MAX_WAIT_MILLIS));
        if (hops.isEmpty() && waitMillis > 0 && after <= trace.lastSequence() && waiters.tryAcquire()) {
            waiting.incrementAndGet();
            try {
                synchronized (signal) {
                    while (!closed && (hops = trace.since(after)).isEmpty()) {
                        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                        if (left <= 0) {
                            break;
                        }
                        signal.wait(left);
                    }
                }
            } finally {
                waiting.decrementAndGet();
                waiters.release();
            }
        }
        long last = trace.lastSequence();
        long skipped = 0;
        if (hops.size() > BATCH) {
            // A page that fell far behind (or opened late) gets the newest hops; it says how many it skipped.
            skipped = hops.size() - BATCH;
            hops = hops.subList(hops.size() - BATCH, hops.size());
        }
        long firstKept = hops.isEmpty() ? last + 1 : hops.get(0).sequence();
        skipped = Math.max(skipped, firstKept - after - 1);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("last", last);
        answer.put("skipped", Math.max(0, hops.isEmpty() ? 0 : skipped));
        answer.put("hops", hops.stream().map(HopFeed::hop).toList());
        return answer;
    }

    /** The sequence diagram of the newest hops (at most {@link #DIAGRAM_HOPS}), as participants and arrows. */
    Map<String, Object> diagram() {
        List<Hop> hops = trace.hops();
        int from = Math.max(0, hops.size() - DIAGRAM_HOPS);
        SequenceDiagram.Layout layout = SequenceDiagram.layout(hops.subList(from, hops.size()));
        List<Map<String, Object>> arrows = new ArrayList<>();
        for (SequenceDiagram.Arrow a : layout.arrows()) {
            Map<String, Object> arrow = new LinkedHashMap<>();
            arrow.put("from", a.from());
            arrow.put("to", a.to());
            arrow.put("kind", a.kind().name().toLowerCase(java.util.Locale.ROOT));
            arrow.put("text", a.text());
            arrow.put("seq", a.sequence());
            arrows.add(arrow);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("participants", layout.participants());
        answer.put("arrows", arrows);
        answer.put("omitted", from);
        return answer;
    }

    /** A hop for the page: the token decoded (header and claims, never the token itself, which is a credential). */
    static Map<String, Object> hop(Hop h) {
        Map<String, Object> hop = new LinkedHashMap<>();
        hop.put("seq", h.sequence());
        hop.put("at", h.at().toEpochMilli());
        hop.put("from", h.from());
        hop.put("to", h.to());
        hop.put("request", h.request());
        hop.put("outcome", h.outcome());
        hop.put("ok", h.ok());
        hop.put("identity", h.identity());
        List<Map<String, Object>> decisions = new ArrayList<>();
        for (Decision d : h.decisions()) {
            decisions.add(Map.of("check", d.check(), "passed", d.passed(), "detail", d.detail()));
        }
        hop.put("decisions", decisions);
        hop.put("token", decoded(h.token()));
        return hop;
    }

    /** A JWT's header and claims, or null if there is none or it does not parse. */
    static Map<String, Object> decoded(String token) {
        if (token == null) {
            return null;
        }
        try {
            JsonWebToken jwt = JsonWebToken.parse(token);
            Map<String, Object> decoded = new LinkedHashMap<>();
            decoded.put("header", jwt.header());
            decoded.put("claims", jwt.claims());
            return decoded;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            subscription.close();
        } catch (Exception e) {
            // closing a subscription cannot fail
        }
        synchronized (signal) {
            signal.notifyAll();
        }
    }
}
