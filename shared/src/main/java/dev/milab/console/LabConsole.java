package dev.milab.console;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.milab.arm.RbacEvaluator;
import dev.milab.arm.ResourceGraph;
import dev.milab.entra.Directory;
import dev.milab.entra.SigningKeys;
import dev.milab.entra.Tenant;
import dev.milab.entra.TokenValidator;
import dev.milab.http.LabHttpServer;
import dev.milab.sql.AzureSql;
import dev.milab.trace.Trace;

/**
 * The lab console's server: plain HTTP on 127.0.0.1, its own threads (a page's waiting requests never hold up the
 * lab's services), the page and its API from {@link ConsoleEndpoint}.
 *
 * <pre>{@code
 * try (LabConsole console = lab.startConsole(0)) {
 *     System.out.println("Lab console: " + console.address());
 * }
 * }</pre>
 */
public final class LabConsole implements AutoCloseable {

    /** Threads for the page's requests: a few waiting for hops, the rest for the page and its data. */
    static final int THREADS = 16;

    /** What the console reads; it writes to none of it. */
    public record Sources(Trace trace, Clock clock, Tenant tenant, String subscriptionId, ResourceGraph resources,
                          Directory directory, SigningKeys signingKeys, AzureSql sql, TokenValidator validator,
                          RbacEvaluator rbac) {
    }

    private final LabHttpServer server;
    private final ExecutorService executor;
    private final HopFeed feed;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private LabConsole(LabHttpServer server, ExecutorService executor, HopFeed feed) {
        this.server = server;
        this.executor = executor;
        this.feed = feed;
    }

    /** Starts the console on 127.0.0.1:{@code port} (0 for a free port). */
    public static LabConsole start(Sources sources, int port) {
        HopFeed feed = new HopFeed(sources.trace());
        ExecutorService executor = newExecutor();
        try {
            ConsoleEndpoint endpoint = new ConsoleEndpoint(new LabView(sources), feed, new TokenInspector(sources));
            return new LabConsole(LabHttpServer.start(port, null, executor, endpoint, null), executor, feed);
        } catch (RuntimeException e) {
            feed.close();
            executor.shutdownNow();
            throw e;
        }
    }

    /** The page's address, for example {@code http://127.0.0.1:41234/}. */
    public URI address() {
        return URI.create(server.baseUri() + "/");
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        feed.close();
        server.close();
        executor.shutdownNow();
    }

    private static ExecutorService newExecutor() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "lab-console-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
