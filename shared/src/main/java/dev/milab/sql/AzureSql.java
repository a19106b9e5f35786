package dev.milab.sql;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import dev.milab.entra.Directory;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.Tenant;
import dev.milab.entra.TokenValidator;
import dev.milab.sql.tds.TdsMessage;

/**
 * Azure SQL in the lab: the logical servers, who may log in to them, the T-SQL front that runs requests (each
 * database's data in its own H2 database), and one TDS endpoint on loopback for all of them. A client names its
 * server the way it would in Azure: LOGIN7's server name ({@code sql1} or {@code sql1.database.windows.net}), or the
 * TLS SNI; failing that, the server that has the database the client asks for, or the only server there is.
 */
public final class AzureSql implements AutoCloseable {

    /** The SPN Azure SQL sends in FEDAUTHINFO: the resource a client asks a token for. */
    public static final String SPN = ResourceApplications.AZURE_SQL;

    private final Tenant tenant;
    private final SqlAuthenticator authenticator;
    private final Map<String, SqlServer> servers = new ConcurrentHashMap<>();
    private final TdsEndpoint endpoint;
    private final TsqlEngine engine;
    private final Supplier<Duration> idleSessionTimeout;
    private final SqlLimits limits = new SqlLimits();
    private final Set<SqlSession> sessions = ConcurrentHashMap.newKeySet();
    private final QueryMemory queryMemory = new QueryMemory(limits);
    private volatile Consumer<LoginAttempt> loginListener;

    /**
     * Starts the endpoint on 127.0.0.1.
     *
     * @param port               0 for a free port
     * @param idleSessionTimeout how long a logged-in connection may stay silent, read at each login (Azure SQL's
     *                           gateway allows 30 minutes)
     */
    public AzureSql(Tenant tenant, Directory directory, TokenValidator validator, SSLContext tls, int port,
                    Supplier<Duration> idleSessionTimeout) {
        this.idleSessionTimeout = idleSessionTimeout;
        this.tenant = tenant;
        this.authenticator = new SqlAuthenticator(validator);
        this.engine = new TsqlEngine(directory);
        this.endpoint = TdsEndpoint.start(port, tls, this);
    }

    /** Creates a logical server: {@code sql1} answers as {@code sql1.database.windows.net}. */
    public SqlServer createServer(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (!key.matches("[a-z0-9][a-z0-9-]{0,61}[a-z0-9]|[a-z0-9]")) {
            throw new IllegalArgumentException("A server name is 1 to 63 lowercase letters, digits and hyphens");
        }
        SqlServer server = new SqlServer(key, this);
        if (servers.putIfAbsent(key, server) != null) {
            throw new IllegalStateException("SQL server " + name + " already exists");
        }
        return server;
    }

    /**
     * Brings a server in line with Resource Manager's view of it (created, databases added, Entra admin set or
     * removed); contained users and the SQL administrator's password stay as they are.
     */
    public SqlServer applyResourceManagerState(String name, List<String> databases, EntraAdmin entraAdmin) {
        SqlServer server = servers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new SqlServer(n, this));
        for (String database : databases) {
            if (server.database(database).isEmpty()) {
                server.createDatabase(database);
            }
        }
        server.setEntraAdmin(entraAdmin);
        return server;
    }

    /**
     * Removes a logical server (deleted through Resource Manager): its databases' engines end, and it answers no
     * more logins.
     *
     * @return whether it existed
     */
    public boolean removeServer(String name) {
        SqlServer removed = name == null ? null : servers.remove(name.toLowerCase(Locale.ROOT));
        if (removed != null) {
            removed.close();
        }
        return removed != null;
    }

    public Optional<SqlServer> server(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(servers.get(name.toLowerCase(Locale.ROOT)));
    }

    public Collection<SqlServer> servers() {
        return List.copyOf(servers.values());
    }

    /** How long a logged-in connection may stay silent before the server closes it. */
    Duration idleSessionTimeout() {
        return idleSessionTimeout.get();
    }

    /** What one client may hold: login time, connection slots, memory per query and per session. */
    public SqlLimits limits() {
        return limits;
    }

    /** Watches the memory of running queries against {@link SqlLimits#maxQueryMemoryBytes()}. */
    QueryMemory queryMemory() {
        return queryMemory;
    }

    /** The logged-in sessions, for {@code sys.dm_exec_sessions} and {@code sys.dm_exec_requests}. */
    Collection<SqlSession> sessions() {
        return List.copyOf(sessions);
    }

    void sessionStarted(SqlSession session) {
        sessions.add(session);
    }

    void sessionEnded(SqlSession session) {
        sessions.remove(session);
    }

    /** The TDS endpoint's port on 127.0.0.1. */
    public int port() {
        return endpoint.port();
    }

    /** Number of connections open right now (for tests that check nothing leaks). */
    public int openConnections() {
        return endpoint.openConnections();
    }

    /** Number of connections open right now that have not finished their login. */
    public int pendingLogins() {
        return endpoint.pendingLogins();
    }

    /**
     * Calls {@code tap} with every whole message a client sends (PRELOGIN, LOGIN7, token, batches), as the server
     * sees it after TLS; null removes it. Messages hold what clients send, passwords and tokens included.
     */
    public void tapClientMessages(Consumer<TdsMessage> tap) {
        endpoint.tapClientMessages(tap);
    }

    /** Calls {@code listener} with every login decision, before the client hears it; null removes it. */
    public void onLogin(Consumer<LoginAttempt> listener) {
        this.loginListener = listener;
    }

    /** Tells the login listener, if any; what it throws does not change the login. */
    void loginDecided(LoginAttempt attempt) {
        Consumer<LoginAttempt> listener = loginListener;
        if (listener != null) {
            try {
                listener.accept(attempt);
            } catch (RuntimeException e) {
                // a watcher's failure must not fail the client's login
            }
        }
    }

    public SqlAuthenticator authenticator() {
        return authenticator;
    }

    /** The T-SQL front that runs batches, RPC calls and transaction requests (H2 behind it). */
    public TsqlEngine engine() {
        return engine;
    }

    /**
     * The STS URL sent in FEDAUTHINFO. Azure SQL sends its tenant's authority; the lab names
     * {@code login.microsoftonline.com}, the host its routing serves.
     */
    public String stsUrl() {
        return "https://login.microsoftonline.com/" + tenant.id() + "/";
    }

    /** Which lab server a connection means; see the class comment for the order. */
    public Optional<SqlServer> resolveServer(String loginServerName, String sniHost, String database) {
        for (String candidate : new String[] {loginServerName, sniHost}) {
            for (String name : labNames(candidate)) {
                SqlServer server = servers.get(name);
                if (server != null) {
                    return Optional.of(server);
                }
            }
        }
        if (database != null && !database.isEmpty()) {
            List<SqlServer> having = servers.values().stream().filter(s -> s.database(database).isPresent()
                && !SqlServer.MASTER.equalsIgnoreCase(database)).toList();
            if (having.size() == 1) {
                return Optional.of(having.get(0));
            }
        }
        Collection<SqlServer> all = servers.values();
        return all.size() == 1 ? Optional.of(all.iterator().next()) : Optional.empty();
    }

    /** {@code tcp:sql1.database.windows.net,1433} or {@code 127.0.0.1\sql1} → the names it may mean. */
    static List<String> labNames(String serverName) {
        if (serverName == null || serverName.isBlank()) {
            return List.of();
        }
        String s = serverName.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("tcp:")) {
            s = s.substring(4);
        }
        int comma = s.indexOf(',');
        if (comma >= 0) {
            s = s.substring(0, comma);
        }
        String instance = null;
        int slash = s.indexOf('\\');
        if (slash >= 0) {
            instance = s.substring(slash + 1);
            s = s.substring(0, slash);
        }
        String host = s.endsWith(SqlServer.DNS_SUFFIX) ? s.substring(0, s.length() - SqlServer.DNS_SUFFIX.length())
            : s;
        return instance == null ? List.of(host) : List.of(host, instance);
    }

    @Override
    public void close() {
        endpoint.close();
        queryMemory.close();
        servers.values().forEach(SqlServer::close);
    }
}
