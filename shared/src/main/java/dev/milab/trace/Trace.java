package dev.milab.trace;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hops a lab has served, in the order it answered them. It keeps the last {@link #CAPACITY} hops and drops
 * older ones, so a lab that serves a benchmark's millions of requests stays small. Thread-safe: recording is one
 * short lock around a ring buffer, and listeners are called outside it.
 */
public final class Trace {

    /** How many hops a trace keeps; older ones are dropped. */
    public static final int CAPACITY = 10_000;

    private final Clock clock;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Hop n sits at index n % CAPACITY; guarded by itself. */
    private final Hop[] ring = new Hop[CAPACITY];
    private long lastSequence;
    private int size;

    /** A trace that stamps hops with the system clock. */
    public Trace() {
        this(Clock.systemUTC());
    }

    /** A trace that stamps hops with {@code clock} (the lab's, so hops and token times agree). */
    public Trace(Clock clock) {
        this.clock = clock;
    }

    /** Records a hop (see {@link Hop} for the fields) and tells the listeners. */
    public void record(String from, String to, String request, String outcome, boolean ok, String identity,
                       String token) {
        record(from, to, request, outcome, ok, identity, token, List.of());
    }

    /** Records a hop with what decided its answer, and tells the listeners. */
    public void record(String from, String to, String request, String outcome, boolean ok, String identity,
                       String token, List<Decision> decisions) {
        Hop hop;
        synchronized (ring) {
            hop = new Hop(lastSequence + 1, clock.instant(), from, to, request, outcome, ok, identity, token,
                decisions);
            lastSequence = hop.sequence();
            ring[(int) (lastSequence % CAPACITY)] = hop;
            if (size < CAPACITY) {
                size++;
            }
        }
        for (Subscription subscription : subscriptions) {
            try {
                subscription.listener.accept(hop);
            } catch (RuntimeException e) {
                // A listener's failure must not fail the request that caused the hop.
            }
        }
    }

    /** The hops kept, oldest first. */
    public List<Hop> hops() {
        return since(0);
    }

    /** The hops kept whose sequence is greater than {@code sequence}, oldest first. */
    public List<Hop> since(long sequence) {
        synchronized (ring) {
            long first = Math.max(sequence + 1, lastSequence - size + 1);
            List<Hop> result = new ArrayList<>((int) Math.max(0, lastSequence - first + 1));
            for (long s = first; s <= lastSequence; s++) {
                result.add(ring[(int) (s % CAPACITY)]);
            }
            return result;
        }
    }

    /** The sequence of the last hop recorded, 0 if none; a mark for {@link #since(long)}. */
    public long lastSequence() {
        synchronized (ring) {
            return lastSequence;
        }
    }

    /** Forgets the hops kept; sequences go on from where they were. */
    public void clear() {
        synchronized (ring) {
            Arrays.fill(ring, null);
            size = 0;
        }
    }

    /**
     * Calls {@code listener} with every hop from now on, on the thread that recorded it (so concurrent hops may
     * arrive out of sequence); closing the result stops it.
     */
    public AutoCloseable subscribe(Consumer<Hop> listener) {
        Subscription subscription = new Subscription(listener);
        subscriptions.add(subscription);
        return subscription;
    }

    /** One listener's place in the list; closing it twice is harmless. */
    private final class Subscription implements AutoCloseable {
        private final Consumer<Hop> listener;

        Subscription(Consumer<Hop> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }
}
