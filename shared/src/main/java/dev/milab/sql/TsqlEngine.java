package dev.milab.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.h2.api.ErrorCode;

import dev.milab.entra.Directory;
import dev.milab.sql.tds.DoneToken;
import dev.milab.sql.tds.EnvChangeToken;
import dev.milab.sql.tds.ReturnValueToken;
import dev.milab.sql.tds.RpcRequestMessage;
import dev.milab.sql.tds.TransactionManagerMessage;
import dev.milab.sql.tds.TypeInfo;
import dev.milab.sql.tsql.Batch;
import dev.milab.sql.tsql.H2Translation;
import dev.milab.sql.tsql.ObjectName;
import dev.milab.sql.tsql.Statement;
import dev.milab.sql.tsql.StatementAnalysis;
import dev.milab.sql.tsql.StatementAnalysis.Access;
import dev.milab.sql.tsql.StatementAnalysis.Kind;
import dev.milab.sql.tsql.StatementClassifier;
import dev.milab.sql.tsql.Token;
import dev.milab.sql.tsql.TokenCursor;
import dev.milab.sql.tsql.TsqlException;

/**
 * The lab's Azure SQL front: runs T-SQL batches, RPC calls ({@code sp_executesql}, {@code sp_prepexec},
 * {@code sp_prepare}, {@code sp_execute}, {@code sp_unprepare}) and transaction manager requests for a session.
 * The front owns identity, permissions, transactions and the T-SQL H2 lacks; H2 runs the data statements.
 *
 * <p>Per statement: identity statements ({@code CREATE USER}, …) and GRANT/DENY/REVOKE change the lab's state;
 * SET, BEGIN/COMMIT/ROLLBACK/SAVE TRAN, IF/ELSE, BEGIN…END, WAITFOR, PRINT and EXEC sp_unprepare run in the front;
 * data and DDL statements are classified ({@link StatementClassifier}), checked against the session's permissions,
 * translated ({@link H2Translation}) and run on the session's own H2 connection, results streaming to the sink. An
 * error ends the statement or, for the errors SQL Server treats so ({@link AzureSqlErrors#abortsBatch}), the batch;
 * the session stays usable.
 */
public final class TsqlEngine {

    /**
     * {@code @@VERSION} as Azure SQL Database returns it (the product line stays "Microsoft SQL Azure (RTM) -
     * 12.0.2000.8"; the build date varies by deployment).
     */
    public static final String VERSION = "Microsoft SQL Azure (RTM) - 12.0.2000.8 \n\tSep 18 2025 19:16:35 \n\t"
        + "Copyright (C) 2022 Microsoft Corporation\n";
    /** Mssql-jdbc's setLockTimeout(-1) and SQL Server's default mean "wait"; the lab waits this long at most. */
    static final int LONGEST_LOCK_WAIT_MILLIS = 60_000;

    private static final Set<String> IGNORED_SET_OPTIONS = Set.of("TEXTSIZE", "ANSI_NULLS", "ANSI_PADDING",
        "ANSI_WARNINGS", "ANSI_NULL_DFLT_ON", "ANSI_NULL_DFLT_OFF", "ANSI_DEFAULTS", "QUOTED_IDENTIFIER",
        "ARITHABORT", "ARITHIGNORE", "CONCAT_NULL_YIELDS_NULL", "NUMERIC_ROUNDABORT", "CURSOR_CLOSE_ON_COMMIT",
        "DATEFIRST", "DATEFORMAT", "LANGUAGE", "DEADLOCK_PRIORITY", "FMTONLY", "NOEXEC", "PARSEONLY", "STATISTICS",
        "SHOWPLAN_ALL", "SHOWPLAN_TEXT", "SHOWPLAN_XML", "CONTEXT_INFO", "QUERY_GOVERNOR_COST_LIMIT",
        "REMOTE_PROC_TRANSACTIONS", "FORCEPLAN", "NO_BROWSETABLE", "IDENTITY_INSERT", "ROWCOUNT_BIG");
    /** CREATE/ALTER/DROP objects H2 runs; H2's own kinds (ALIAS, TRIGGER in Java, LINKED TABLE…) never reach it. */
    private static final Set<String> DDL_OBJECTS = Set.of("TABLE", "VIEW", "INDEX", "SCHEMA", "SEQUENCE", "UNIQUE",
        "CLUSTERED", "NONCLUSTERED");

    private final IdentityStatements identityStatements;

    public TsqlEngine(Directory directory) {
        this.identityStatements = new IdentityStatements(directory);
    }

    /** The status and output parameters of an RPC call, for RETURNSTATUS and RETURNVALUE. */
    public record RpcOutcome(int status, List<ReturnValueToken> outputs) {
        public RpcOutcome {
            outputs = List.copyOf(outputs);
        }
    }

    /** Runs a SQL batch. */
    public void batch(SqlSession session, String text, SqlResultSink out) {
        Batch batch;
        try {
            batch = Batch.parse(text);
        } catch (TsqlException e) {
            out.error(tsqlError(e));
            return;
        }
        new Run(session, batch, Parameters.NONE, out).all();
    }

    /** Runs one RPC call; its statements' results go to {@code out}. */
    public RpcOutcome rpc(SqlSession session, RpcRequestMessage.Call call, SqlResultSink out) {
        int id = call.procId() >= 0 ? call.procId() : wellKnownProcedure(call.procName());
        List<RpcRequestMessage.Parameter> p = call.parameters();
        try {
            switch (id) {
                case RpcRequestMessage.SP_EXECUTESQL -> {
                    String statement = stringParameter(p, 0, "@statement");
                    String declarations = p.size() > 1 ? stringParameter(p, 1, "@params") : "";
                    runPrepared(session, new SqlSession.Prepared(Batch.parse(statement), declarations), p, 2, out);
                    return new RpcOutcome(0, List.of());
                }
                case RpcRequestMessage.SP_PREPEXEC, RpcRequestMessage.SP_PREPARE -> {
                    // a handle passed in is one to replace (the driver prepares again with other parameter types)
                    String declarations = p.size() > 1 && p.get(1).value() != null
                        ? stringParameter(p, 1, "@params") : "";
                    String statement = stringParameter(p, 2, "@stmt");
                    SqlSession.Prepared prepared = new SqlSession.Prepared(Batch.parse(statement), declarations);
                    if (p.get(0).value() instanceof Number old && old.intValue() != 0) {
                        session.unprepare(old.intValue());
                    }
                    int handle = session.register(prepared);
                    if (id == RpcRequestMessage.SP_PREPEXEC) {
                        runPrepared(session, prepared, p, 3, out);
                    }
                    return new RpcOutcome(0, List.of(new ReturnValueToken(0, p.get(0).name(), TypeInfo.intN(4),
                        handle)));
                }
                case RpcRequestMessage.SP_EXECUTE -> {
                    int handle = intParameter(p, 0, "@handle");
                    SqlSession.Prepared prepared = session.prepared.get(handle);
                    if (prepared == null) {
                        out.error(AzureSqlErrors.preparedHandleNotFound(handle));
                        return new RpcOutcome(0, List.of());
                    }
                    runPrepared(session, prepared, p, 1, out);
                    return new RpcOutcome(0, List.of());
                }
                case RpcRequestMessage.SP_UNPREPARE -> {
                    session.unprepare(intParameter(p, 0, "@handle"));
                    return new RpcOutcome(0, List.of());
                }
                case RpcRequestMessage.SP_CURSOROPEN, RpcRequestMessage.SP_CURSORPREPEXEC,
                    RpcRequestMessage.SP_CURSOREXECUTE, RpcRequestMessage.SP_CURSORFETCH,
                    RpcRequestMessage.SP_CURSORCLOSE -> {
                    out.error(AzureSqlErrors.notSupported("server cursors (" + call.displayName() + ")"));
                    return new RpcOutcome(0, List.of());
                }
                default -> {
                    out.error(AzureSqlErrors.procedureNotFound(call.displayName()));
                    return new RpcOutcome(0, List.of());
                }
            }
        } catch (TsqlException e) {
            out.error(tsqlError(e));
        } catch (SqlErrorException e) {
            out.error(e.error());
        }
        return new RpcOutcome(0, List.of());
    }

    private static int wellKnownProcedure(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (n.startsWith("sys.")) {
            n = n.substring(4);
        }
        return switch (n) {
            case "sp_executesql" -> RpcRequestMessage.SP_EXECUTESQL;
            case "sp_prepare" -> RpcRequestMessage.SP_PREPARE;
            case "sp_execute" -> RpcRequestMessage.SP_EXECUTE;
            case "sp_prepexec" -> RpcRequestMessage.SP_PREPEXEC;
            case "sp_unprepare" -> RpcRequestMessage.SP_UNPREPARE;
            default -> -1;
        };
    }

    private static String stringParameter(List<RpcRequestMessage.Parameter> p, int at, String name) {
        if (at >= p.size() || !(p.get(at).value() instanceof String s)) {
            throw new SqlErrorException(AzureSqlErrors.procedureExpectsParameter(name, "ntext/nchar/nvarchar"));
        }
        return s;
    }

    private static int intParameter(List<RpcRequestMessage.Parameter> p, int at, String name) {
        if (at >= p.size() || !(p.get(at).value() instanceof Number n)) {
            throw new SqlErrorException(AzureSqlErrors.procedureExpectsParameter(name, "int"));
        }
        return n.intValue();
    }

    /** Binds the call's values from {@code first} on to the declared parameters, by name or position, and runs. */
    private void runPrepared(SqlSession session, SqlSession.Prepared prepared, List<RpcRequestMessage.Parameter> p,
                             int first, SqlResultSink out) {
        List<String> names = prepared.parameterNames();
        Map<String, Object> values = new HashMap<>();
        for (int i = first; i < p.size(); i++) {
            RpcRequestMessage.Parameter value = p.get(i);
            String name = value.name().isEmpty() ? (i - first < names.size() ? names.get(i - first) : null)
                : value.name().toLowerCase(Locale.ROOT);
            if (name != null) {
                values.put(name, value.value());
            }
        }
        new Run(session, prepared.batch(), new Parameters(names, values, prepared.declarations()), out).all();
    }

    /** A transaction manager request (MS-TDS 2.2.6.9): begin, commit, rollback, save; no distributed ones. */
    public void transactionManager(SqlSession session, TransactionManagerMessage request, SqlResultSink out) {
        Run run = new Run(session, new Batch("", List.of()), Parameters.NONE, out);
        try {
            switch (request.requestType()) {
                case TransactionManagerMessage.BEGIN_XACT -> {
                    run.isolation(request.isolationLevel());
                    run.begin(request.name());
                }
                case TransactionManagerMessage.COMMIT_XACT, TransactionManagerMessage.ROLLBACK_XACT -> {
                    if (request.requestType() == TransactionManagerMessage.COMMIT_XACT) {
                        if (session.tranCount == 0) {
                            throw new SqlErrorException(AzureSqlErrors.commitWithoutBegin());
                        }
                        session.tranCount = 1;
                        run.commit();
                    } else {
                        run.rollback(request.name().isEmpty() ? null : request.name());
                    }
                    if (request.beginNew()) {
                        run.isolation(request.newIsolationLevel());
                        run.begin(request.newName());
                    }
                }
                case TransactionManagerMessage.SAVE_XACT -> run.save(request.name());
                default -> throw new SqlErrorException(AzureSqlErrors.notSupported(
                    "distributed transactions (MS DTC)"));
            }
            out.done(0, -1);
        } catch (SqlErrorException e) {
            out.error(e.error());
        } catch (SQLException e) {
            out.error(H2Errors.translate(e, null, session));
        }
    }

    /** Runs T-SQL as dbo on a database with no client (demo data); throws the first error. */
    void seed(SqlDatabase db, String tsql) {
        SessionIdentity dbo = new SessionIdentity("lab seed", "dbo", true, true, null);
        StatementResults results = new StatementResults();
        try (SqlSession session = new SqlSession(new SqlSessionContext(db.server(), db, dbo, 0))) {
            batch(session, tsql, results);
            if (session.tranCount > 0) {
                new Run(session, new Batch("", List.of()), Parameters.NONE, results).commitAll();
            }
        } catch (SQLException e) {
            throw new SqlErrorException(AzureSqlErrors.engineRefused(H2Errors.firstLine(e.getMessage())));
        }
        results.firstError().ifPresent(e -> {
            throw new SqlErrorException(e);
        });
    }

    private static QueryMemory queryMemory(SqlSession session) {
        return session.context().server().service().queryMemory();
    }

    static SqlError tsqlError(TsqlException e) {
        // SQL Server raises its parse and name errors with class 15
        int severity = switch (e.number()) {
            case 102, 105, 113, 137, 195 -> 15;
            default -> 16;
        };
        return new SqlError(e.number(), 1, severity, e.getMessage());
    }

    /** Values of a request's parameters, by lower-case name, and the declarations they came with. */
    record Parameters(List<String> names, Map<String, Object> values, String declarations) {

        static final Parameters NONE = new Parameters(List.of(), Map.of(), "");

        boolean declares(String name) {
            return names.contains(name.toLowerCase(Locale.ROOT));
        }

        Object value(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            if (!values.containsKey(key)) {
                throw new SqlErrorException(AzureSqlErrors.parameterNotSupplied(declarations, name));
            }
            return values.get(key);
        }
    }

    /** What the next step of a batch is. */
    private enum Flow {
        NEXT, ABORT, RETURN
    }

    /** One run of a batch for a session: statement by statement, results to the sink. */
    private final class Run implements H2Translation.Context {

        private final SqlSession s;
        private final Batch batch;
        private final Parameters parameters;
        private final SqlResultSink out;
        private final SqlDatabase db;
        private boolean firstStatement = true;

        Run(SqlSession session, Batch batch, Parameters parameters, SqlResultSink out) {
            this.s = session;
            this.batch = batch;
            this.parameters = parameters;
            this.out = out;
            this.db = session.database();
        }

        void all() {
            for (Statement statement : batch.statements()) {
                if (statement(statement) != Flow.NEXT || out.cancelled()) {
                    return;
                }
            }
        }

        private Flow statement(Statement statement) {
            try {
                if (statement instanceof Statement.If branch) {
                    return ifStatement(branch);
                }
                if (statement instanceof Statement.Block block) {
                    for (Statement inner : block.statements()) {
                        Flow flow = statement(inner);
                        if (flow != Flow.NEXT) {
                            return flow;
                        }
                    }
                    return Flow.NEXT;
                }
                return simple((Statement.Simple) statement);
            } catch (TsqlException e) {
                return fail(tsqlError(e));
            } catch (SqlErrorException e) {
                return fail(e.error());
            } catch (SQLException e) {
                return fail(H2Errors.translate(e, null, s));
            } catch (java.io.UncheckedIOException e) {
                throw e;
            } catch (OutOfMemoryError e) {
                // What H2 could not allocate is gone with the statement; the session and the others go on (701).
                return fail(AzureSqlErrors.insufficientMemory());
            } catch (RuntimeException e) {
                // A statement the front misreads must not end the session: it becomes an error like any other.
                return fail(AzureSqlErrors.engineRefused(e.toString()));
            } finally {
                firstStatement = false;
            }
        }

        private Flow fail(SqlError error) {
            out.error(error);
            s.lastError = error.number();
            boolean abort = AzureSqlErrors.abortsBatch(error) || s.xactAbort;
            if ((s.xactAbort || error.number() == 1205) && s.tranCount > 0) {
                try {
                    rollbackAll();
                } catch (SQLException e) {
                    // the session's connection failed; the next statement will say so
                }
            }
            return abort ? Flow.ABORT : Flow.NEXT;
        }

        private Flow ifStatement(Statement.If branch) throws SQLException {
            Statement.Simple condition = new Statement.Simple(branch.condition());
            StatementAnalysis reads = StatementClassifier.analyze(condition);
            SqlError denied = authorize(reads);
            if (denied != null) {
                return fail(denied);
            }
            H2Translation.Result sql = H2Translation.translate(batch.source(), branch.condition(), this);
            boolean holds;
            try {
                holds = scalar("SELECT CASE WHEN " + sql.sql() + " THEN 1 ELSE 0 END", sql) instanceof Number n
                    && n.intValue() == 1;
            } catch (SQLException e) {
                return fail(H2Errors.translate(e, reads, s));
            }
            Statement next = holds ? branch.then() : branch.otherwise();
            return next == null ? Flow.NEXT : statement(next);
        }

        private Flow simple(Statement.Simple st) throws SQLException {
            String verb = st.verb();
            return switch (verb) {
                case "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH", "TRUNCATE" -> data(st);
                case "CREATE", "ALTER", "DROP" -> {
                    TokenCursor c = new TokenCursor(st.tokens());
                    String object = st.secondWord();
                    if (IdentityStatements.handles(verb, object)) {
                        int command = identityStatements.run(s.context(), c);
                        out.done(command, -1);
                        yield Flow.NEXT;
                    }
                    yield DDL_OBJECTS.contains(object) ? data(st) : fail(AzureSqlErrors.notSupported(
                        st.text(batch.source())));
                }
                case "SET" -> set(st);
                case "BEGIN" -> {
                    if (!(st.secondWord().equals("TRAN") || st.secondWord().equals("TRANSACTION"))) {
                        yield fail(AzureSqlErrors.notSupported(st.text(batch.source())));
                    }
                    TokenCursor c = new TokenCursor(st.tokens());
                    c.next();
                    c.next();
                    String name = optionalName(c);
                    begin(name);
                    out.done(0, -1);
                    yield Flow.NEXT;
                }
                case "COMMIT" -> {
                    if (s.tranCount == 0) {
                        yield fail(AzureSqlErrors.commitWithoutBegin());
                    }
                    commit();
                    out.done(0, -1);
                    yield Flow.NEXT;
                }
                case "ROLLBACK" -> {
                    TokenCursor c = new TokenCursor(st.tokens());
                    c.next();
                    if (!c.acceptWord("TRAN") && !c.acceptWord("TRANSACTION")) {
                        c.acceptWord("WORK");
                    }
                    rollback(optionalName(c));
                    out.done(0, -1);
                    yield Flow.NEXT;
                }
                case "SAVE" -> {
                    TokenCursor c = new TokenCursor(st.tokens());
                    c.next();
                    if (!c.acceptWord("TRAN")) {
                        c.expectWord("TRANSACTION");
                    }
                    save(c.expectName());
                    out.done(0, -1);
                    yield Flow.NEXT;
                }
                case "GRANT", "DENY", "REVOKE" -> {
                    out.done(PermissionStatements.run(s.context(), new TokenCursor(st.tokens()),
                        st.text(batch.source())), -1);
                    yield Flow.NEXT;
                }
                case "EXEC", "EXECUTE" -> exec(st, 1);
                case "WAITFOR" -> waitFor(st);
                case "PRINT" -> print(st);
                case "USE" -> fail(AzureSqlErrors.useNotSupported());
                case "RETURN" -> Flow.RETURN;
                case "" -> fail(AzureSqlErrors.incorrectSyntax(st.tokens().get(0).text()));
                default -> {
                    if (Set.of("DECLARE", "WHILE", "RAISERROR", "THROW").contains(verb)) {
                        yield fail(AzureSqlErrors.notSupported(st.text(batch.source())));
                    }
                    // A batch's first statement may call a procedure without EXEC.
                    yield firstStatement ? exec(st, 0) : fail(AzureSqlErrors.incorrectSyntax(
                        st.tokens().get(0).text()));
                }
            };
        }

        // --- data and DDL statements, on H2

        private Flow data(Statement.Simple st) throws SQLException {
            StatementAnalysis analysis = StatementClassifier.analyze(st);
            for (ObjectName name : names(analysis)) {
                if (name.server() != null || (name.database() != null
                    && !name.database().equalsIgnoreCase(db.name()))) {
                    return fail(AzureSqlErrors.crossDatabaseReference(name.written()));
                }
            }
            if (analysis.joinedTarget()) {
                return fail(AzureSqlErrors.notSupported(analysis.kind() + " with a FROM clause (H2 has no "
                    + analysis.kind() + " … FROM; a subquery in WHERE does the same)"));
            }
            SqlError denied = authorize(analysis);
            if (denied != null) {
                return fail(denied);
            }
            if (s.implicitTransactions && s.tranCount == 0 && analysis.touchesData()) {
                begin(null);
            }
            H2Translation.Result sql = H2Translation.translate(batch.source(), st.tokens(), this);
            return execute(sql, analysis);
        }

        private List<ObjectName> names(StatementAnalysis analysis) {
            List<ObjectName> names = new ArrayList<>();
            analysis.accesses().forEach(a -> names.add(a.object()));
            if (analysis.ddlObject() != null) {
                names.add(analysis.ddlObject());
            }
            return names;
        }

        /** The error SQL Server gives when the session may not run this, or null. */
        private SqlError authorize(StatementAnalysis analysis) {
            SessionIdentity identity = s.context().identity();
            if (identity.serverAdmin()) {
                return null;
            }
            if (analysis.kind().isDdl()) {
                if (db.isOwner(identity)) {
                    return null;
                }
                String name = analysis.ddlObject() == null ? "" : analysis.ddlObject().written();
                return switch (analysis.kind()) {
                    case CREATE_TABLE -> AzureSqlErrors.createPermissionDenied("TABLE", db.name());
                    case CREATE_VIEW -> AzureSqlErrors.createPermissionDenied("VIEW", db.name());
                    case CREATE_SCHEMA -> AzureSqlErrors.createPermissionDenied("SCHEMA", db.name());
                    case DROP_TABLE -> AzureSqlErrors.cannotDrop("table", name);
                    case DROP_VIEW -> AzureSqlErrors.cannotDrop("view", name);
                    case CREATE_INDEX, DROP_INDEX, ALTER_TABLE, TRUNCATE -> AzureSqlErrors.cannotFindObject(name);
                    default -> AzureSqlErrors.noPermission();
                };
            }
            for (Access access : analysis.accesses()) {
                ObjectName o = access.object();
                if (o.isCatalogView()) {
                    continue;
                }
                Optional<String[]> found = db.data().findObject(o.schemaOrDefault(), o.name());
                if (found.isEmpty()) {
                    continue;
                }
                String[] actual = found.get();
                if (!db.isAllowed(identity, actual[0], actual[1], access.permission())) {
                    return AzureSqlErrors.permissionDenied(access.permission().name(), actual[1], db.name(),
                        actual[0]);
                }
            }
            return null;
        }

        private Flow execute(H2Translation.Result sql, StatementAnalysis analysis) throws SQLException {
            Connection c = s.h2();
            // Queries are held to the memory bound; what a statement that changes data holds is the data it
            // writes, the database's to keep.
            try (QueryMemory.Account memory = analysis.kind() == Kind.SELECT ? queryMemory(s).start(s) : null;
                 PreparedStatement ps = c.prepareStatement(sql.sql())) {
                bind(ps, sql);
                if (s.rowCountLimit > 0 && analysis.kind() == Kind.SELECT) {
                    ps.setMaxRows(s.rowCountLimit);
                }
                s.running(ps, analysis.kind().name().replace('_', ' '));
                boolean hasRows = ps.execute();
                long count;
                if (hasRows) {
                    try (ResultSet rs = ps.getResultSet()) {
                        ResultColumns columns = ResultColumns.of(rs.getMetaData(), db.data());
                        // The columns go out with the first row: a query refused before it (701 for a sort or an
                        // aggregate over the bound) answers with the error alone, as SQL Server does.
                        boolean columnsSent = false;
                        count = 0;
                        while (rs.next()) {
                            if (out.cancelled()) {
                                return Flow.ABORT;
                            }
                            Object[] row = columns.read(rs);
                            if (memory != null && memory.overBound()) {
                                return fail(AzureSqlErrors.insufficientMemory());
                            }
                            if (!columnsSent) {
                                out.columns(columns.columns());
                                columnsSent = true;
                            }
                            out.row(row);
                            if (memory != null) {
                                memory.rowDelivered();
                            }
                            count++;
                        }
                        if (!columnsSent) {
                            out.columns(columns.columns());
                        }
                    }
                    out.done(DoneToken.COMMAND_SELECT, s.noCount ? -1 : count);
                } else {
                    count = ps.getLargeUpdateCount();
                    boolean counted = !s.noCount && !analysis.kind().isDdl();
                    out.done(analysis.doneCommand(), counted ? count : -1);
                }
                if (analysis.kind().isDdl()) {
                    db.data().catalogChanged();
                }
                s.lastRowCount = Math.max(0, count);
                s.lastError = 0;
                return Flow.NEXT;
            } catch (SQLException e) {
                if (s.memoryExceeded()) {
                    return fail(AzureSqlErrors.insufficientMemory());
                }
                if (e.getErrorCode() == ErrorCode.STATEMENT_WAS_CANCELED || out.cancelled()) {
                    return Flow.ABORT;
                }
                if (analysis.kind().isDdl()) {
                    db.data().catalogChanged();
                }
                return fail(H2Errors.translate(e, analysis, s));
            } finally {
                s.running(null, null);
            }
        }

        /**
         * The first value of a query the front runs for itself (an IF condition, a PRINT expression), under the
         * memory watch and cancellable like a statement; null without a row. Over the bound: 701.
         */
        private Object scalar(String h2Sql, H2Translation.Result sql) throws SQLException {
            try (QueryMemory.Account memory = queryMemory(s).start(s);
                 PreparedStatement ps = s.h2().prepareStatement(h2Sql)) {
                bind(ps, sql);
                s.running(ps, "SELECT");
                try (ResultSet rs = ps.executeQuery()) {
                    Object value = rs.next() ? rs.getObject(1) : null;
                    if (memory.overBound()) {
                        throw new SqlErrorException(AzureSqlErrors.insufficientMemory());
                    }
                    return value;
                }
            } catch (SQLException e) {
                if (s.memoryExceeded()) {
                    throw new SqlErrorException(AzureSqlErrors.insufficientMemory());
                }
                throw e;
            } finally {
                s.running(null, null);
            }
        }

        private void bind(PreparedStatement ps, H2Translation.Result sql) throws SQLException {
            List<String> names = sql.parameters();
            for (int i = 0; i < names.size(); i++) {
                ps.setObject(i + 1, parameters.value(names.get(i)));
            }
        }

        // --- H2Translation.Context

        @Override
        public String systemVariable(String name) {
            return switch (name) {
                case "@@TRANCOUNT" -> Integer.toString(s.tranCount);
                case "@@ROWCOUNT" -> Long.toString(s.lastRowCount);
                case "@@SPID" -> Integer.toString(s.context().spid());
                case "@@ERROR" -> Integer.toString(s.lastError);
                case "@@VERSION" -> literal(VERSION);
                case "@@SERVERNAME" -> literal(s.context().server().name());
                case "@@LANGUAGE" -> literal(TdsSession.LANGUAGE);
                case "@@IDENTITY" -> "SCOPE_IDENTITY()";
                case "@@MAX_PRECISION" -> "38";
                case "@@DATEFIRST" -> "7";
                default -> null;
            };
        }

        private String literal(String value) {
            return "N'" + value.replace("'", "''") + "'";
        }

        @Override
        public String identityValue(String name) {
            SessionIdentity identity = s.context().identity();
            return switch (name) {
                case "SUSER_SNAME", "SUSER_NAME", "ORIGINAL_LOGIN", "SYSTEM_USER" -> identity.loginName();
                case "DB_NAME" -> db.name();
                default -> identity.userName();
            };
        }

        @Override
        public String databaseName() {
            return db.name();
        }

        @Override
        public boolean isParameter(String name) {
            return parameters.declares(name);
        }

        @Override
        public String catalogView(String schema, String view, String written) {
            return new CatalogViews(s).query(schema, view, written);
        }

        @Override
        public long maxValueBytes() {
            return db.server().service().limits().maxQueryMemoryBytes();
        }

        // --- SET

        private Flow set(Statement.Simple st) throws SQLException {
            TokenCursor c = new TokenCursor(st.tokens());
            c.next();
            Token option = c.next();
            if (option.kind() == Token.Kind.VARIABLE) {
                return fail(AzureSqlErrors.notSupported(st.text(batch.source())));
            }
            String name = option.upper();
            switch (name) {
                case "IMPLICIT_TRANSACTIONS", "XACT_ABORT", "NOCOUNT" -> {
                    boolean on = onOff(c);
                    switch (name) {
                        case "IMPLICIT_TRANSACTIONS" -> s.implicitTransactions = on;
                        case "XACT_ABORT" -> s.xactAbort = on;
                        default -> s.noCount = on;
                    }
                }
                case "ROWCOUNT" -> s.rowCountLimit = Math.max(0, number(c));
                case "LOCK_TIMEOUT" -> {
                    int millis = number(c);
                    s.lockTimeoutMillis = millis < 0 ? LONGEST_LOCK_WAIT_MILLIS : Math.min(millis,
                        LONGEST_LOCK_WAIT_MILLIS);
                    s.applyLockTimeout();
                }
                case "TRANSACTION" -> {
                    c.expectWord("ISOLATION");
                    c.expectWord("LEVEL");
                    StringBuilder level = new StringBuilder();
                    while (!c.atEnd()) {
                        level.append(level.isEmpty() ? "" : " ").append(c.next().upper());
                    }
                    int tds = switch (level.toString()) {
                        case "READ UNCOMMITTED" -> 1;
                        case "READ COMMITTED" -> 2;
                        case "REPEATABLE READ" -> 3;
                        case "SERIALIZABLE" -> 4;
                        case "SNAPSHOT" -> 5;
                        default -> throw TsqlException.syntaxNear(level.toString());
                    };
                    isolation(tds);
                }
                default -> {
                    if (!IGNORED_SET_OPTIONS.contains(name)) {
                        return fail(AzureSqlErrors.notSetOption(option.text()));
                    }
                }
            }
            s.lastRowCount = 0;
            out.done(0, -1);
            return Flow.NEXT;
        }

        private boolean onOff(TokenCursor c) {
            while (c.acceptSymbol(",")) {
                c.next();
            }
            if (c.acceptWord("ON")) {
                return true;
            }
            c.expectWord("OFF");
            return false;
        }

        private int number(TokenCursor c) {
            boolean negative = c.acceptSymbol("-");
            Token n = c.next();
            if (n.kind() != Token.Kind.NUMBER) {
                throw TsqlException.syntaxNear(n.text());
            }
            try {
                int v = Integer.parseInt(n.text());
                return negative ? -v : v;
            } catch (NumberFormatException e) {
                throw TsqlException.syntaxNear(n.text());
            }
        }

        /** TDS isolation levels (MS-TDS 2.2.6.9): 0 unchanged, 1 read uncommitted … 5 snapshot. */
        void isolation(int tdsLevel) throws SQLException {
            if (tdsLevel == 0) {
                return;
            }
            s.isolationLevel = tdsLevel;
            s.applyIsolation();
        }

        // --- transactions

        void begin(String name) throws SQLException {
            if (s.tranCount == 0) {
                s.h2().setAutoCommit(false);
                s.transactionName = name;
                out.transaction(EnvChangeToken.BEGIN_TRANSACTION, s.newTransactionDescriptor());
            }
            s.tranCount++;
            s.lastRowCount = 0;
        }

        void commit() throws SQLException {
            if (s.tranCount == 0) {
                throw new SqlErrorException(AzureSqlErrors.commitWithoutBegin());
            }
            s.tranCount--;
            if (s.tranCount == 0) {
                commitAll();
            }
        }

        void commitAll() throws SQLException {
            s.h2().commit();
            endTransaction(EnvChangeToken.COMMIT_TRANSACTION);
        }

        /** Back to autocommit after the engine committed or rolled back, and tell the client (ENVCHANGE). */
        private void endTransaction(int envChangeType) throws SQLException {
            s.h2().setAutoCommit(true);
            s.tranCount = 0;
            s.savepoints.clear();
            out.transaction(envChangeType, s.transactionDescriptor);
        }

        void rollback(String name) throws SQLException {
            if (s.tranCount == 0) {
                throw new SqlErrorException(AzureSqlErrors.rollbackWithoutBegin());
            }
            if (name != null) {
                Savepoint savepoint = s.savepoints.get(name.toLowerCase(Locale.ROOT));
                if (savepoint != null) {
                    s.h2().rollback(savepoint);
                    return;
                }
                if (s.transactionName == null || !s.transactionName.equalsIgnoreCase(name)) {
                    throw new SqlErrorException(AzureSqlErrors.noSuchSavepoint(name));
                }
            }
            rollbackAll();
        }

        void rollbackAll() throws SQLException {
            s.h2().rollback();
            endTransaction(EnvChangeToken.ROLLBACK_TRANSACTION);
        }

        void save(String name) throws SQLException {
            if (s.tranCount == 0) {
                throw new SqlErrorException(AzureSqlErrors.saveWithoutTransaction());
            }
            s.savepoints.put(name.toLowerCase(Locale.ROOT), s.h2().setSavepoint(name));
        }

        /** An optional transaction or savepoint name (a word that does not start the next clause). */
        private String optionalName(TokenCursor c) {
            Token t = c.peek(0);
            if (t != null && (t.kind() == Token.Kind.QUOTED_NAME || (t.kind() == Token.Kind.WORD
                && !t.isWord("WITH")))) {
                c.next();
                return t.text();
            }
            return null;
        }

        // --- EXEC, WAITFOR, PRINT

        /** {@code EXEC sp_unprepare n} (how mssql-jdbc releases handles in batches); other procedures do not exist. */
        private Flow exec(Statement.Simple st, int nameAt) {
            List<Token> t = st.tokens();
            if (nameAt >= t.size() || !t.get(nameAt).isName()) {
                return fail(AzureSqlErrors.notSupported(st.text(batch.source())));
            }
            StringBuilder name = new StringBuilder(t.get(nameAt).text());
            int i = nameAt + 1;
            while (i + 1 < t.size() && t.get(i).isSymbol(".") && t.get(i + 1).isName()) {
                name.append('.').append(t.get(i + 1).text());
                i += 2;
            }
            if (wellKnownProcedure(name.toString()) == RpcRequestMessage.SP_UNPREPARE && i + 1 == t.size()
                && t.get(i).kind() == Token.Kind.NUMBER) {
                s.unprepare(Integer.parseInt(t.get(i).text()));
                out.done(DoneToken.COMMAND_EXECUTE, -1);
                return Flow.NEXT;
            }
            return fail(AzureSqlErrors.procedureNotFound(name.toString()));
        }

        /** {@code WAITFOR DELAY 'hh:mm:ss[.fff]'} or {@code WAITFOR TIME 'hh:mm[:ss]'}; an attention ends it. */
        private Flow waitFor(Statement.Simple st) {
            TokenCursor c = new TokenCursor(st.tokens());
            c.next();
            boolean delay = c.acceptWord("DELAY");
            if (!delay) {
                c.expectWord("TIME");
            }
            String text = c.expectString();
            c.expectEnd();
            LocalTime time;
            try {
                time = LocalTime.parse(text.length() == 5 ? text + ":00" : text);
            } catch (DateTimeParseException e) {
                return fail(new SqlError(148, 1, 15, "Incorrect time syntax in time string '" + text
                    + "' used with WAITFOR."));
            }
            Duration wait = delay ? Duration.ofNanos(time.toNanoOfDay())
                : Duration.between(LocalTime.now(), time).plusDays(LocalTime.now().isAfter(time) ? 1 : 0);
            long until = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < until) {
                if (out.cancelled()) {
                    return Flow.ABORT;
                }
                try {
                    Thread.sleep(Math.max(1, Math.min(20, (until - System.nanoTime()) / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Flow.ABORT;
                }
            }
            out.done(0, -1);
            return Flow.NEXT;
        }

        private Flow print(Statement.Simple st) throws SQLException {
            List<Token> expression = st.tokens().subList(1, st.tokens().size());
            if (expression.isEmpty()) {
                return fail(AzureSqlErrors.incorrectSyntax("PRINT"));
            }
            String text;
            if (expression.size() == 1 && expression.get(0).kind() == Token.Kind.STRING) {
                text = expression.get(0).text();
            } else {
                H2Translation.Result sql = H2Translation.translate(batch.source(), expression, this);
                try {
                    Object value = scalar("SELECT CAST((" + sql.sql() + ") AS NVARCHAR(8000))", sql);
                    text = value == null ? null : value.toString();
                } catch (SQLException e) {
                    return fail(H2Errors.translate(e, null, s));
                }
            }
            out.info(0, text == null ? "" : text);
            return Flow.NEXT;
        }
    }
}
