package dev.milab.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/** The benchmarks' load loop: N threads repeat one operation for a while; the count of completed ones. */
final class ConcurrentLoop {

    /** One operation; it returns normally when it succeeded. */
    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    private ConcurrentLoop() {
    }

    /**
     * Runs {@code threads} threads for {@code duration}, each repeating the operation {@code perThread} gives it
     * (so each thread can own its client), and returns how many completed.
     */
    static long count(int threads, Duration duration, Supplier<Operation> perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder done = new LongAdder();
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Operation operation = perThread.get();
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        operation.run();
                        done.increment();
                    }
                    return null;
                }));
            }
            Thread.sleep(duration.toMillis());
            stop.set(true);
            for (Future<?> w : workers) {
                w.get();
            }
            return done.sum();
        } finally {
            pool.shutdownNow();
        }
    }
}
