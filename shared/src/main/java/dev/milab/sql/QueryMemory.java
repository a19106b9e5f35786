package dev.milab.sql;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Holds each running query to {@link SqlLimits#maxQueryMemoryBytes()}. H2 has no memory accounting of its own, so
 * the lab counts what the query's thread allocates (HotSpot's per-thread allocation counter) from the start of the
 * query or its last row handed to the client: what a query builds up before it can hand anything on, a sort, an
 * aggregate or a long concatenation, is what it holds. The engine checks at each row; a watchdog checks every
 * {@value #WATCH_MILLIS} ms while a statement runs and stops it, so a query that never reaches a row is stopped too.
 * Values one function call makes at once ({@code REPLICATE}, {@code SPACE}) are refused before they are made
 * (see {@link H2Functions}).
 */
final class QueryMemory implements AutoCloseable {

    static final int WATCH_MILLIS = 10;
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private final SqlLimits limits;
    private final Map<Long, Account> running = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor watchdog;
    private ScheduledFuture<?> watching;

    QueryMemory(SqlLimits limits) {
        this.limits = limits;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lab-sql-memory-watch");
            t.setDaemon(true);
            return t;
        });
        this.watchdog.setRemoveOnCancelPolicy(true);
    }

    private static com.sun.management.ThreadMXBean threads() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
            && t.isThreadAllocatedMemorySupported()) {
            t.setThreadAllocatedMemoryEnabled(true);
            return t;
        }
        return null;
    }

    /** One query's count, on the thread that runs it; close it when the query ends. */
    final class Account implements AutoCloseable {
        private final long threadId = Thread.currentThread().getId();
        private final SqlSession session;
        private volatile long mark = allocated(threadId);
        private volatile boolean exceeded;

        private Account(SqlSession session) {
            this.session = session;
        }

        /** A row went to the client: what the query held for it is the client's now. */
        void rowDelivered() {
            mark = allocated(threadId);
        }

        /** Whether the query has built up more than the bound since its start or its last row. */
        boolean overBound() {
            if (!exceeded && THREADS != null && allocated(threadId) - mark > limits.maxQueryMemoryBytes()) {
                exceeded = true;
            }
            return exceeded;
        }

        /** Stops the statement over its bound, again at each tick: H2 forgets a cancel that comes before it runs. */
        private void watch() {
            if (overBound()) {
                session.stopForMemory();
            }
        }

        @Override
        public void close() {
            running.remove(threadId, this);
        }
    }

    Account start(SqlSession session) {
        session.clearMemoryExceeded();
        Account account = new Account(session);
        synchronized (this) {
            running.put(account.threadId, account);
            if (watching == null && THREADS != null && !watchdog.isShutdown()) {
                watching = watchdog.scheduleWithFixedDelay(this::watchAll, WATCH_MILLIS, WATCH_MILLIS,
                    TimeUnit.MILLISECONDS);
            }
        }
        return account;
    }

    private void watchAll() {
        running.values().forEach(Account::watch);
        synchronized (this) {
            if (running.isEmpty() && watching != null) {
                watching.cancel(false);
                watching = null;
            }
        }
    }

    private static long allocated(long threadId) {
        return THREADS == null ? 0 : THREADS.getThreadAllocatedBytes(threadId);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
