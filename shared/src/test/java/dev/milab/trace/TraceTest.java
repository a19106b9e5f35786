package dev.milab.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class TraceTest {

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private final Trace trace = new Trace(Clock.fixed(NOW, ZoneOffset.UTC));

    private void hop(String request) {
        trace.record("vm1", "IMDS (vm1)", request, "200", true, null, null);
    }

    @Test
    void hopsComeBackInOrderNumberedFromOneAndStampedWithTheClock() {
        hop("first");
        trace.record("vm1", "sql1", "login (db1)", "logged in as vm1", true, "vm1", "a.b.c");

        assertThat(trace.hops()).containsExactly(
            new Hop(1, NOW, "vm1", "IMDS (vm1)", "first", "200", true, null, null),
            new Hop(2, NOW, "vm1", "sql1", "login (db1)", "logged in as vm1", true, "vm1", "a.b.c"));
        assertThat(trace.lastSequence()).isEqualTo(2);
    }

    @Test
    void onlyTheLastTenThousandHopsAreKept() {
        for (int i = 1; i <= Trace.CAPACITY + 5; i++) {
            hop("request " + i);
        }

        List<Hop> hops = trace.hops();
        assertThat(hops).hasSize(Trace.CAPACITY);
        assertThat(hops.get(0).sequence()).isEqualTo(6);
        assertThat(hops.get(0).request()).isEqualTo("request 6");
        assertThat(hops.get(hops.size() - 1).sequence()).isEqualTo(Trace.CAPACITY + 5);
    }

    @Test
    void sinceGivesTheHopsAfterAMarkAndNothingDroppedOrFuture() {
        hop("before");
        long mark = trace.lastSequence();
        hop("after 1");
        hop("after 2");

        assertThat(trace.since(mark)).extracting(Hop::request).containsExactly("after 1", "after 2");
        assertThat(trace.since(trace.lastSequence())).isEmpty();
        assertThat(trace.since(-100)).hasSize(3);
    }

    @Test
    void clearForgetsTheHopsButSequencesGoOn() {
        hop("old");
        hop("old");
        trace.clear();

        assertThat(trace.hops()).isEmpty();
        hop("new");
        assertThat(trace.hops()).extracting(Hop::sequence).containsExactly(3L);
        assertThat(trace.since(0)).extracting(Hop::request).containsExactly("new");
    }

    @Test
    void aSubscriberSeesEveryHopUntilItClosesItsSubscription() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        AutoCloseable subscription = trace.subscribe(h -> seen.add(h.request()));
        hop("one");
        hop("two");
        subscription.close();
        subscription.close();
        hop("three");

        assertThat(seen).containsExactly("one", "two");
    }

    @Test
    void aFailingSubscriberNeitherStopsRecordingNorOtherSubscribers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        trace.subscribe(h -> {
            throw new IllegalStateException("broken console");
        });
        trace.subscribe(h -> seen.add(h.request()));
        hop("one");

        assertThat(seen).containsExactly("one");
        assertThat(trace.hops()).hasSize(1);
    }

    @Test
    void concurrentRecordersLoseNoHopAndShareNoSequenceNumber() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                for (int i = 0; i < 1000; i++) {
                    hop("x");
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(trace.hops()).hasSize(8000).extracting(Hop::sequence).doesNotHaveDuplicates().isSorted();
    }
}
