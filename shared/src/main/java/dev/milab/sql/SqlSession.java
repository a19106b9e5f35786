package dev.milab.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.milab.sql.tsql.Batch;
import dev.milab.sql.tsql.Token;
import dev.milab.sql.tsql.TsqlLexer;

/**
 * One logged-in session's state: who it is and where ({@link SqlSessionContext}), its own H2 connection (opened on
 * first use, so transactions are per session), the transaction nesting SQL Server counts in {@code @@TRANCOUNT},
 * the SET options that change results, and the statements prepared with {@code sp_prepare}/{@code sp_prepexec}.
 * Used by one thread at a time; {@link #cancel()} may come from another.
 */
public final class SqlSession implements AutoCloseable {

    /** A statement with its parameter declarations ({@code @P0 int,@P1 nvarchar(4000)}), names in order. */
    record Prepared(Batch batch, String declarations, List<String> parameterNames) {

        Prepared(Batch batch, String declarations) {
            this(batch, declarations, names(declarations));
        }

        /** What it holds, about: its text as UTF-16 and its tokens (some 80 bytes each, one per 5 characters). */
        long bytes() {
            return 18L * batch.source().length() + 2L * declarations.length();
        }

        private static List<String> names(String declarations) {
            List<String> names = new ArrayList<>();
            int depth = 0;
            for (Token t : TsqlLexer.tokenize(declarations)) {
                if (t.isSymbol("(")) {
                    depth++;
                } else if (t.isSymbol(")")) {
                    depth--;
                } else if (depth == 0 && t.kind() == Token.Kind.VARIABLE) {
                    names.add(t.text().toLowerCase(Locale.ROOT));
                }
            }
            return List.copyOf(names);
        }
    }

    private static final AtomicLong TRANSACTION_IDS = new AtomicLong(1);

    private final SqlSessionContext context;
    private Connection h2;

    int tranCount;
    String transactionName;
    final Map<String, Savepoint> savepoints = new HashMap<>();
    byte[] transactionDescriptor = new byte[8];
    boolean implicitTransactions;
    boolean xactAbort;
    boolean noCount;
    int rowCountLimit;
    /** TDS isolation level (2 read committed, SQL Server's default) and lock wait, applied to H2 when it opens. */
    int isolationLevel = 2;
    int lockTimeoutMillis = 10_000;
    long lastRowCount;
    int lastError;
    final Map<Integer, Prepared> prepared = new HashMap<>();
    private long preparedBytes;
    private int nextHandle = 1;
    private volatile java.sql.Statement running;
    private volatile boolean cancelRequested;
    private volatile boolean memoryExceeded;
    /** The command a statement of this session runs on H2 now ({@code SELECT}, …), or null. */
    private volatile String runningCommand;
    final java.time.Instant loginTime = java.time.Instant.now();

    public SqlSession(SqlSessionContext context) {
        this.context = context;
    }

    public SqlSessionContext context() {
        return context;
    }

    SqlDatabase database() {
        return context.database();
    }

    /** This session's H2 connection, opened on first use. */
    Connection h2() throws SQLException {
        if (h2 == null) {
            h2 = context.database().data().open();
            if (isolationLevel != 2) {
                applyIsolation();
            }
        }
        return h2;
    }

    /** Sets H2's isolation to the session's (H2's MVCC read committed behaves as Azure SQL's default RCSI). */
    void applyIsolation() throws SQLException {
        if (h2 == null) {
            return;
        }
        String level = switch (isolationLevel) {
            case 1 -> "READ UNCOMMITTED";
            case 3 -> "REPEATABLE READ";
            case 4 -> "SERIALIZABLE";
            case 5 -> "SNAPSHOT";
            default -> "READ COMMITTED";
        };
        try (java.sql.Statement s = h2.createStatement()) {
            s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + level);
        }
    }

    void applyLockTimeout() throws SQLException {
        try (java.sql.Statement s = h2().createStatement()) {
            s.execute("SET LOCK_TIMEOUT " + lockTimeoutMillis);
        }
    }

    /**
     * Keeps a prepared statement; 701 when the session's prepared statements would hold more than
     * {@link SqlLimits#maxSessionMemoryBytes()}.
     */
    int register(Prepared statement) {
        long bytes = statement.bytes();
        if (preparedBytes + bytes > context.server().service().limits().maxSessionMemoryBytes()) {
            throw new SqlErrorException(AzureSqlErrors.insufficientMemory());
        }
        int handle = nextHandle++;
        prepared.put(handle, statement);
        preparedBytes += bytes;
        return handle;
    }

    /** {@code sp_unprepare}: forgets the handle, if it is one. */
    void unprepare(int handle) {
        Prepared gone = prepared.remove(handle);
        if (gone != null) {
            preparedBytes -= gone.bytes();
        }
    }

    /** The memory watchdog found the running statement over its bound: stop it; the engine answers 701. */
    void stopForMemory() {
        memoryExceeded = true;
        cancelRunning();
    }

    /** Whether the memory watchdog stopped the statement that runs or ran last. */
    boolean memoryExceeded() {
        return memoryExceeded;
    }

    /** A statement starts with its own memory count. */
    void clearMemoryExceeded() {
        memoryExceeded = false;
    }

    String runningCommand() {
        return runningCommand;
    }

    byte[] newTransactionDescriptor() {
        long id = TRANSACTION_IDS.getAndIncrement();
        byte[] d = new byte[8];
        for (int i = 0; i < 8; i++) {
            d[i] = (byte) (id >>> (8 * i));
        }
        transactionDescriptor = d;
        return d;
    }

    /** The H2 statement now running, so an attention can cancel it. */
    void running(java.sql.Statement statement, String command) {
        this.runningCommand = command;
        this.running = statement;
        if (statement != null && (cancelRequested || memoryExceeded)) {
            cancelQuietly(statement);
        }
    }

    /** The client sent an attention: stop what runs now. */
    public void cancel() {
        cancelRequested = true;
        cancelRunning();
    }

    private void cancelRunning() {
        java.sql.Statement s = running;
        if (s != null) {
            cancelQuietly(s);
        }
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** A new request starts: a cancel for the previous one no longer applies. */
    public void clearCancel() {
        cancelRequested = false;
    }

    private static void cancelQuietly(java.sql.Statement s) {
        try {
            s.cancel();
        } catch (SQLException e) {
            // it finished meanwhile
        }
    }

    /** Rolls back what is open (a session that ends leaves no transaction behind) and closes the connection. */
    @Override
    public void close() {
        if (h2 != null) {
            try {
                if (!h2.getAutoCommit()) {
                    h2.rollback();
                }
            } catch (SQLException e) {
                // the connection goes anyway
            }
            try {
                h2.close();
            } catch (SQLException e) {
                // already closed with the lab
            }
            h2 = null;
        }
    }
}
