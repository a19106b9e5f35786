package dev.milab.sql;

import java.time.Duration;

/**
 * What the lab's Azure SQL lets one client hold, changeable while the lab runs (tests lower them to reach them
 * cheaply). The defaults keep a laptop's lab answering: a login has {@link #loginTimeout()} as a whole, however it
 * trickles; connections not yet logged in have a pool of their own ({@link #maxPendingLogins()}), so they never take
 * the slots of real logins; a query ({@link #maxQueryMemoryBytes()}) and a session ({@link #maxSessionMemoryBytes()})
 * have a memory bound, past which the request gets SQL Server's error 701.
 */
public final class SqlLimits {

    private volatile Duration loginTimeout = Duration.ofSeconds(30);
    private volatile int maxConnections = 256;
    private volatile int maxPendingLogins = 192;
    private volatile long maxQueryMemoryBytes = 64L << 20;
    private volatile long maxSessionMemoryBytes = 64L << 20;

    /**
     * Time from the TCP connect to the end of the login (PRELOGIN, TLS, LOGIN7, the Entra token) as a whole; a
     * connection still logging in then is closed. 30 s, as long as mssql-jdbc's default login timeout waits.
     */
    public Duration loginTimeout() {
        return loginTimeout;
    }

    public SqlLimits loginTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("A login timeout must be positive");
        }
        this.loginTimeout = timeout;
        return this;
    }

    /** Connections open at once, logged in or not (one or two threads each): 256. */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Connections still logging in at once: 192, which leaves 64 of the 256 to logged-in sessions whatever arrives,
     * and lets a hundred clients log in at the same moment (at 64, the soak harness's 100 clients had real logins
     * closed). A new connection over it closes the one that has been logging in longest (the slowest), so idle or
     * trickling pre-login connections cannot shut real logins out.
     */
    public int maxPendingLogins() {
        return maxPendingLogins;
    }

    public SqlLimits connections(int maxConnections, int maxPendingLogins) {
        if (maxPendingLogins < 1 || maxConnections < maxPendingLogins) {
            throw new IllegalArgumentException("Need 1 <= maxPendingLogins <= maxConnections");
        }
        this.maxConnections = maxConnections;
        this.maxPendingLogins = maxPendingLogins;
        return this;
    }

    /**
     * Memory one query may build up: 64 MB, the largest value it makes ({@code REPLICATE}, {@code SPACE}) and what
     * it allocates before it hands over its next row (a sort, an aggregate, a concatenation). 64 MB is far more than
     * a demo query needs and makes a memory bomb cheap for the lab. Statements that change data are not watched:
     * what they hold is the data they write.
     */
    public long maxQueryMemoryBytes() {
        return maxQueryMemoryBytes;
    }

    public SqlLimits maxQueryMemoryBytes(long bytes) {
        this.maxQueryMemoryBytes = atLeastOneKilobyte(bytes);
        return this;
    }

    /** Memory one session may keep between requests (its prepared statements): 64 MB. */
    public long maxSessionMemoryBytes() {
        return maxSessionMemoryBytes;
    }

    public SqlLimits maxSessionMemoryBytes(long bytes) {
        this.maxSessionMemoryBytes = atLeastOneKilobyte(bytes);
        return this;
    }

    private static long atLeastOneKilobyte(long bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("A memory bound must be at least 1 KB");
        }
        return bytes;
    }
}
