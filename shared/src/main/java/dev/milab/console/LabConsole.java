package dev.milab.console;

import java.net.URI;
import java.time.Clock;

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

    /**
     * Requests the console serves at once that it counts on (its server has threads of its own, up to
     * {@code LabHttpServer.MAX_CONNECTIONS}): half of them may wait for hops.
     */
    static final int THREADS = 16;

    /** What the console reads; it writes to none of it. */
    public record Sources(Trace trace, Clock clock, Tenant tenant, String subscriptionId, ResourceGraph resources,
                          Directory directory, SigningKeys signingKeys, AzureSql sql, TokenValidator validator,
                          RbacEvaluator rbac) {
    }

    private final LabHttpServer server;
    private final HopFeed feed;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private LabConsole(LabHttpServer server, HopFeed feed) {
        this.server = server;
        this.feed = feed;
    }

    /** Starts the console on 127.0.0.1:{@code port} (0 for a free port). */
    public static LabConsole start(Sources sources, int port) {
        HopFeed feed = new HopFeed(sources.trace());
        try {
            ConsoleEndpoint endpoint = new ConsoleEndpoint(new LabView(sources), feed, new TokenInspector(sources));
            return new LabConsole(LabHttpServer.start(port, null, "console", endpoint, null), feed);
        } catch (RuntimeException e) {
            feed.close();
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
    }
}
