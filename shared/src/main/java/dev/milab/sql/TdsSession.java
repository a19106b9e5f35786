package dev.milab.sql;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.milab.sql.tds.Collation;
import dev.milab.sql.tds.DoneToken;
import dev.milab.sql.tds.EnvChangeToken;
import dev.milab.sql.tds.FeatureExtAckToken;
import dev.milab.sql.tds.FeatureExtension;
import dev.milab.sql.tds.FedAuthFeature;
import dev.milab.sql.tds.FedAuthInfoToken;
import dev.milab.sql.tds.FedAuthTokenMessage;
import dev.milab.sql.tds.Login7Message;
import dev.milab.sql.tds.LoginAckToken;
import dev.milab.sql.tds.MessageAssembler;
import dev.milab.sql.tds.MessageToken;
import dev.milab.sql.tds.PacketHeader;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.PreLoginMessage;
import dev.milab.sql.tds.ReturnStatusToken;
import dev.milab.sql.tds.ReturnValueToken;
import dev.milab.sql.tds.RpcRequestMessage;
import dev.milab.sql.tds.ServerToken;
import dev.milab.sql.tds.SqlBatchMessage;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;
import dev.milab.sql.tds.TdsReader;
import dev.milab.sql.tds.TdsResponseWriter;
import dev.milab.sql.tds.TransactionManagerMessage;

/**
 * One client connection's login and session, as an explicit state machine over whole TDS messages; no socket.
 *
 * <pre>
 * PRELOGIN ──PRELOGIN──▶ (TDS 7.4: TLS_HANDSHAKE inside PRELOGIN packets) ──▶ LOGIN7
 * LOGIN7 ──LOGIN7 with password or SECURITYTOKEN──▶ LOGGED_IN | CLOSED
 * LOGIN7 ──LOGIN7 with FEDAUTH library MSAL──▶ FEDAUTHINFO sent ──▶ FEDAUTH_TOKEN ──token──▶ LOGGED_IN | CLOSED
 * LOGGED_IN ──SQL batch / RPC / transaction manager request / attention──▶ LOGGED_IN
 * any state ──a message out of order or malformed──▶ CLOSED (with an ERROR token once the client expects tokens)
 * </pre>
 *
 * <p>The transport tells it whether TLS came first (TDS 8.0, {@code encrypt=strict}) and the SNI host, hands it
 * each message with the stream to answer on, writes the login replies it returns and does what
 * {@link Reply#next()} says. Once logged in, replies stream straight to that stream as the engine produces them
 * ({@link TdsResponseWriter}), so a large result never sits whole in memory.
 */
public final class TdsSession implements AutoCloseable {

    /** Where the login stands. */
    public enum State {
        PRELOGIN, TLS_HANDSHAKE, LOGIN7, FEDAUTH_TOKEN, LOGGED_IN, CLOSED
    }

    /** What the transport does after writing a reply. */
    public enum Next {
        /** Read the next message. */
        CONTINUE,
        /** TDS 7.4: run the TLS handshake inside PRELOGIN packets, then TLS on the bare connection. */
        START_TLS,
        /** Close the connection. */
        CLOSE
    }

    /** The messages to send, then what to do. */
    public record Reply(List<TdsMessage> messages, Next next) {
        public Reply {
            messages = List.copyOf(messages);
        }
    }

    /** Azure SQL reports SQL Server 12.0.2000.8 in PRELOGIN and LOGINACK. */
    static final int MAJOR = 12;
    static final int MINOR = 0;
    static final int BUILD = 2000;
    static final String LANGUAGE = "us_english";
    static final int INITIAL_PACKET_SIZE = 4096;
    private static final AtomicInteger NEXT_SPID = new AtomicInteger(50);

    private final AzureSql service;
    private final boolean tlsFirst;
    private String sniHost;
    private final int spid;
    private State state = State.PRELOGIN;
    private boolean clientWantsFedAuth;
    private int packetSize = INITIAL_PACKET_SIZE;
    private int nextPacketSize;
    private Login7Message login;
    private SqlServer server;
    private SqlSessionContext context;
    private SqlSession sqlSession;
    private TdsResponseWriter writer;
    private OutputStream writerOut;

    public TdsSession(AzureSql service, boolean tlsFirst, String sniHost) {
        this.service = service;
        this.tlsFirst = tlsFirst;
        this.sniHost = sniHost;
        int id = NEXT_SPID.incrementAndGet();
        this.spid = 51 + Math.floorMod(id - 51, 32000);
    }

    public State state() {
        return state;
    }

    /** The packet size for server messages: 4096 until LOGIN7 negotiates another. */
    public int packetSize() {
        return packetSize;
    }

    public int spid() {
        return spid;
    }

    /** Who is logged in, once logged in. */
    public Optional<SqlSessionContext> context() {
        return Optional.ofNullable(context);
    }

    /** The largest message the session accepts next: small before login, larger for SQL batches. */
    public int maxMessageBytes() {
        return switch (state) {
            case PRELOGIN, TLS_HANDSHAKE -> 8 * 1024;
            case LOGIN7 -> Login7Message.MAX_LENGTH;
            case FEDAUTH_TOKEN -> FedAuthFeature.MAX_TOKEN_BYTES + 1024;
            case LOGGED_IN -> 4 * 1024 * 1024;
            case CLOSED -> 0;
        };
    }

    /** The transport finished the in-band TLS handshake; {@code sni} is the host the client named, or null. */
    public void tlsEstablished(String sni) {
        if (state == State.TLS_HANDSHAKE) {
            state = State.LOGIN7;
            sniHost = sni;
        }
    }

    /** The engine's state for this session, once logged in (for the transport's cancel). */
    public Optional<SqlSession> sqlSession() {
        return Optional.ofNullable(sqlSession);
    }

    /**
     * Handles one message. Login replies come back in {@link Reply#messages()}; replies to requests after login
     * are written to {@code out} as packets while they are produced.
     */
    public Reply onMessage(TdsMessage message, OutputStream out) throws TdsProtocolException {
        if (nextPacketSize > 0) {
            packetSize = nextPacketSize;
            nextPacketSize = 0;
        }
        return switch (state) {
            case PRELOGIN -> onPreLogin(expect(message, PacketType.PRELOGIN));
            case LOGIN7 -> onLogin7(expect(message, PacketType.LOGIN7));
            case FEDAUTH_TOKEN -> onFedAuthToken(expect(message, PacketType.FEDAUTH_TOKEN));
            case LOGGED_IN -> onRequest(message, out);
            case TLS_HANDSHAKE, CLOSED -> throw new TdsProtocolException("A " + PacketType.name(message.type())
                + " message in state " + state);
        };
    }

    /** The same, for tests without a transport: streamed replies come back as messages too. */
    public Reply onMessage(TdsMessage message) throws TdsProtocolException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Reply reply = onMessage(message, out);
        if (out.size() == 0) {
            return reply;
        }
        List<TdsMessage> all = new ArrayList<>(reply.messages());
        all.addAll(messagesIn(out.toByteArray()));
        return new Reply(all, reply.next());
    }

    /** Splits packets written by this session back into messages. */
    static List<TdsMessage> messagesIn(byte[] packets) throws TdsProtocolException {
        List<TdsMessage> messages = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(Integer.MAX_VALUE);
        TdsReader r = new TdsReader(packets);
        while (r.remaining() > 0) {
            PacketHeader h = PacketHeader.decode(r.bytes(PacketHeader.SIZE), PacketHeader.MAX_PACKET_SIZE);
            assembler.add(h, r.bytes(h.payloadLength())).ifPresent(messages::add);
        }
        return messages;
    }

    /** Ends the engine's session: an open transaction is rolled back, the H2 connection closed. */
    @Override
    public void close() {
        if (sqlSession != null) {
            service.sessionEnded(sqlSession);
            sqlSession.close();
        }
    }

    /**
     * A malformed or out-of-order message: where the client waits for tokens, an ERROR it can show; then the
     * connection ends.
     */
    public Reply onProtocolError(TdsProtocolException error) {
        State before = state;
        state = State.CLOSED;
        if (before == State.LOGIN7 || before == State.FEDAUTH_TOKEN || before == State.LOGGED_IN) {
            return new Reply(List.of(tokens(List.of(error(AzureSqlErrors.protocolError(error.getMessage())),
                new DoneToken(DoneToken.ERROR, 0, 0)))), Next.CLOSE);
        }
        return new Reply(List.of(), Next.CLOSE);
    }

    private static byte[] expect(TdsMessage message, int type) throws TdsProtocolException {
        if (message.type() != type) {
            throw new TdsProtocolException("Expected " + PacketType.name(type) + ", got "
                + PacketType.name(message.type()));
        }
        return message.payload();
    }

    private Reply onPreLogin(byte[] payload) throws TdsProtocolException {
        PreLoginMessage request = PreLoginMessage.decode(payload);
        clientWantsFedAuth = request.fedAuthRequired();
        int clientEncryption = request.encryption().orElse(PreLoginMessage.ENCRYPT_NOT_SUP) & 0x7F;
        int answer;
        Next next;
        if (tlsFirst) {
            // TDS 8.0: TLS is already up; the PRELOGIN exchange inside it does not negotiate encryption again.
            answer = PreLoginMessage.ENCRYPT_NOT_SUP;
            next = Next.CONTINUE;
            state = State.LOGIN7;
        } else if (clientEncryption == PreLoginMessage.ENCRYPT_NOT_SUP) {
            // Azure SQL encrypts every connection: a client that cannot is told encryption is required.
            answer = PreLoginMessage.ENCRYPT_REQ;
            next = Next.CLOSE;
            state = State.CLOSED;
        } else {
            answer = clientEncryption == PreLoginMessage.ENCRYPT_ON ? PreLoginMessage.ENCRYPT_ON
                : PreLoginMessage.ENCRYPT_REQ;
            next = Next.START_TLS;
            state = State.TLS_HANDSHAKE;
        }
        PreLoginMessage response = PreLoginMessage.serverResponse(MAJOR, MINOR, BUILD, answer, clientWantsFedAuth);
        return new Reply(List.of(new TdsMessage(PacketType.TABULAR_RESULT, response.encode())), next);
    }

    private Reply onLogin7(byte[] payload) throws TdsProtocolException {
        login = Login7Message.decode(payload);
        Optional<FedAuthFeature> fedAuth = login.fedAuth();
        int negotiated = negotiatedPacketSize();
        Optional<SqlServer> target = service.resolveServer(login.serverName(), sniHost, login.database());
        if (target.isEmpty()) {
            LoginResult.Failure unknown = LoginResult.Failure.of(AzureSqlErrors.cannotOpenServer(login.serverName()));
            decided(unknown, fedAuth.map(FedAuthFeature::token).orElse(null));
            return fail(unknown.errors(), null);
        }
        server = target.get();
        if (fedAuth.isPresent() && fedAuth.get().library() == FedAuthFeature.LIBRARY_MSAL) {
            state = State.FEDAUTH_TOKEN;
            FedAuthInfoToken info = new FedAuthInfoToken(service.stsUrl(), AzureSql.SPN);
            return new Reply(List.of(tokens(List.of(info))), Next.CONTINUE);
        }
        LoginResult result;
        if (fedAuth.isPresent()) {
            result = service.authenticator().withToken(server, login.database(), fedAuth.get().token());
        } else if (clientWantsFedAuth) {
            // The client announced an Entra login in PRELOGIN but sent none: refuse, as Azure SQL does.
            result = LoginResult.Failure.of(AzureSqlErrors.loginFailed(login.userName()));
        } else {
            result = service.authenticator().withPassword(server, login.database(), login.userName(),
                login.password());
        }
        return complete(decided(result, fedAuth.map(FedAuthFeature::token).orElse(null)), fedAuth.isPresent(),
            negotiated);
    }

    private Reply onFedAuthToken(byte[] payload) throws TdsProtocolException {
        FedAuthTokenMessage message = FedAuthTokenMessage.decode(payload);
        int negotiated = negotiatedPacketSize();
        return complete(decided(service.authenticator().withToken(server, login.database(), message.token()),
            message.token()), true, negotiated);
    }

    /** Tells the service's login listener how this login went, before the client hears it. */
    private LoginResult decided(LoginResult result, String token) {
        service.loginDecided(new LoginAttempt(server != null ? server.name() : login.serverName(),
            login.database() == null ? "" : login.database(), token, result));
        return result;
    }

    private Reply complete(LoginResult result, boolean fedAuth, int negotiatedPacketSize) {
        if (result instanceof LoginResult.Failure failure) {
            return fail(failure.errors(), server);
        }
        LoginResult.Success success = (LoginResult.Success) result;
        context = new SqlSessionContext(success.server(), success.database(), success.identity(), spid);
        sqlSession = new SqlSession(context);
        service.sessionStarted(sqlSession);
        String serverName = success.server().name();
        List<ServerToken> tokens = new ArrayList<>();
        // The order Azure SQL sends after a login: database, its INFO, collation, language, its INFO, LOGINACK,
        // FEATUREEXTACK, packet size, DONE.
        tokens.add(EnvChangeToken.ofStrings(EnvChangeToken.DATABASE, success.database().name(), SqlServer.MASTER));
        tokens.add(MessageToken.info(5701, 2, "Changed database context to '" + success.database().name() + "'.",
            serverName));
        tokens.add(EnvChangeToken.collation(Collation.SQL_LATIN1_GENERAL_CP1_CI_AS));
        tokens.add(EnvChangeToken.ofStrings(EnvChangeToken.LANGUAGE, LANGUAGE, ""));
        tokens.add(MessageToken.info(5703, 1, "Changed language setting to " + LANGUAGE + ".", serverName));
        tokens.add(new LoginAckToken(Login7Message.TDS_7_4, "Microsoft SQL Server", MAJOR, MINOR, BUILD));
        if (fedAuth) {
            tokens.add(new FeatureExtAckToken(List.of(new FeatureExtension(FeatureExtension.FEDAUTH, new byte[0]))));
        }
        tokens.add(EnvChangeToken.ofStrings(EnvChangeToken.PACKET_SIZE, Integer.toString(negotiatedPacketSize),
            Integer.toString(INITIAL_PACKET_SIZE)));
        tokens.add(DoneToken.done());
        TdsMessage reply = tokens(tokens);
        state = State.LOGGED_IN;
        // The login reply itself still travels in 4096-byte packets; the new size applies from the next message.
        nextPacketSize = negotiatedPacketSize;
        return new Reply(List.of(reply), Next.CONTINUE);
    }

    private Reply fail(List<SqlError> errors, SqlServer on) {
        state = State.CLOSED;
        String serverName = on == null ? "" : on.name();
        List<ServerToken> tokens = new ArrayList<>();
        errors.forEach(e -> tokens.add(MessageToken.error(e.number(), e.state(), e.severity(), e.message(),
            serverName)));
        tokens.add(new DoneToken(DoneToken.ERROR, 0, 0));
        return new Reply(List.of(tokens(tokens)), Next.CLOSE);
    }

    private Reply onRequest(TdsMessage message, OutputStream out) throws TdsProtocolException {
        TsqlEngine engine = service.engine();
        switch (message.type()) {
            case PacketType.SQL_BATCH -> {
                String text = SqlBatchMessage.decode(message.payload()).text();
                TdsResultStream stream = startResponse(out);
                engine.batch(sqlSession, text, stream);
                stream.endStatements(false);
            }
            case PacketType.RPC -> {
                List<RpcRequestMessage.Call> calls = RpcRequestMessage.decode(message.payload()).calls();
                TdsResultStream stream = startResponse(out);
                stream.inProcedure(true);
                for (int i = 0; i < calls.size(); i++) {
                    TsqlEngine.RpcOutcome outcome = engine.rpc(sqlSession, calls.get(i), stream);
                    stream.endStatements(true);
                    writer.token(new ReturnStatusToken(outcome.status()));
                    for (ReturnValueToken value : outcome.outputs()) {
                        writer.token(value);
                    }
                    int status = (i < calls.size() - 1 ? DoneToken.MORE : 0) | (stream.takeFailed()
                        ? DoneToken.ERROR : 0);
                    writer.token(new DoneToken(DoneToken.DONEPROC, status, DoneToken.COMMAND_EXECUTE, 0));
                }
            }
            case PacketType.TRANSACTION_MANAGER -> {
                TransactionManagerMessage request = TransactionManagerMessage.decode(message.payload());
                TdsResultStream stream = startResponse(out);
                engine.transactionManager(sqlSession, request, stream);
                stream.endStatements(false);
            }
            case PacketType.ATTENTION -> {
                // The request it cancels has been answered; acknowledge the cancel (MS-TDS 2.2.1.7).
                startResponse(out);
                writer.token(new DoneToken(DoneToken.ATTENTION, 0, 0));
            }
            default -> throw new TdsProtocolException("A " + PacketType.name(message.type())
                + " message after login");
        }
        writer.endMessage();
        return new Reply(List.of(), Next.CONTINUE);
    }

    private TdsResultStream startResponse(OutputStream out) {
        if (writer == null || writerOut != out) {
            writer = new TdsResponseWriter(out, packetSize, spid);
            writerOut = out;
        }
        writer.packetSize(packetSize);
        return new TdsResultStream(writer, sqlSession, server.name());
    }

    private MessageToken error(SqlError e) {
        return MessageToken.error(e.number(), e.state(), e.severity(), e.message(), server == null ? ""
            : server.name());
    }

    private static TdsMessage tokens(List<? extends ServerToken> tokens) {
        return new TdsMessage(PacketType.TABULAR_RESULT, ServerToken.encodeAll(tokens));
    }

    /** The client's packet size within MS-TDS's bounds (2.2.6.4: 512 to 32767; 0 keeps the server's). */
    private int negotiatedPacketSize() {
        int requested = login.packetSize() == 0 ? INITIAL_PACKET_SIZE : login.packetSize();
        return Math.max(512, Math.min(PacketHeader.MAX_PACKET_SIZE, requested));
    }
}
