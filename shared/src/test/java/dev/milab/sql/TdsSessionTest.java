package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.entra.ResourceApplications;
import dev.milab.lab.Lab;
import dev.milab.sql.tds.Captures;
import dev.milab.sql.tds.FedAuthTokenMessage;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.PreLoginMessage;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;
import dev.milab.sql.tds.TdsReader;
import dev.milab.sql.tds.TransactionManagerMessage;
import dev.milab.testing.SharedLab;

/** The login state machine, fed with captured mssql-jdbc messages and no socket. */
class TdsSessionTest {

    static Lab lab;

    @BeforeAll
    static void server() {
        lab = SharedLab.get();
        SqlFixtures.sql1();
    }

    /** Token types of a reply, walked with the lengths MS-TDS gives them (login replies only). */
    static List<Integer> tokenTypes(TdsMessage reply) throws TdsProtocolException {
        TdsReader r = new TdsReader(reply.payload());
        List<Integer> types = new ArrayList<>();
        while (r.remaining() > 0) {
            int type = r.uint8();
            types.add(type);
            switch (type) {
                case 0xFD -> r.skip(12);
                case 0xEE -> r.skip(r.int32());
                case 0xAE -> {
                    int id;
                    while ((id = r.uint8()) != 0xFF) {
                        r.skip(r.int32());
                    }
                }
                default -> r.skip(r.uint16());
            }
        }
        return types;
    }

    @Test
    void strictModeAnswersPreloginAndEchoesFedAuthRequired() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), true, null);
        TdsSession.Reply reply = session.onMessage(Captures.load("prelogin-strict-fedauth"));
        assertThat(reply.next()).isEqualTo(TdsSession.Next.CONTINUE);
        PreLoginMessage answer = PreLoginMessage.decode(reply.messages().get(0).payload());
        assertThat(answer.fedAuthRequired()).isTrue();
        assertThat(answer.encryption()).contains(PreLoginMessage.ENCRYPT_NOT_SUP);
        assertThat(session.state()).isEqualTo(TdsSession.State.LOGIN7);
    }

    @Test
    void tds74StartsTlsAfterPrelogin() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), false, null);
        TdsSession.Reply reply = session.onMessage(Captures.load("prelogin-fedauth"));
        assertThat(reply.next()).isEqualTo(TdsSession.Next.START_TLS);
        assertThat(PreLoginMessage.decode(reply.messages().get(0).payload()).encryption())
            .contains(PreLoginMessage.ENCRYPT_ON);
        assertThat(session.state()).isEqualTo(TdsSession.State.TLS_HANDSHAKE);
        assertThatThrownBy(() -> session.onMessage(Captures.load("login7-msal")))
            .isInstanceOf(TdsProtocolException.class);
    }

    /** mssql-jdbc's PRELOGIN with its B_FENCRYPTION replaced: what a client that will not or cannot encrypt sends. */
    private static TdsMessage preloginWithEncryption(int encryption) throws Exception {
        PreLoginMessage captured = PreLoginMessage.decode(Captures.load("prelogin-sqlauth").payload());
        java.util.List<PreLoginMessage.Option> options = captured.options().stream()
            .map(o -> o.token() == PreLoginMessage.ENCRYPTION
                ? new PreLoginMessage.Option(PreLoginMessage.ENCRYPTION, new byte[] {(byte) encryption}) : o)
            .toList();
        return new TdsMessage(PacketType.PRELOGIN, new PreLoginMessage(options).encode());
    }

    /** Azure SQL encrypts every connection: ENCRYPT_OFF (mssql-jdbc's encrypt=false) gets ENCRYPT_REQ, then TLS. */
    @Test
    void aTds74ClientThatAsksForNoEncryptionIsToldEncryptionIsRequiredAndCannotLogInInClear() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), false, null);

        TdsSession.Reply reply = session.onMessage(preloginWithEncryption(PreLoginMessage.ENCRYPT_OFF));

        assertThat(PreLoginMessage.decode(reply.messages().get(0).payload()).encryption())
            .contains(PreLoginMessage.ENCRYPT_REQ);
        assertThat(reply.next()).isEqualTo(TdsSession.Next.START_TLS);
        assertThat(session.state()).isEqualTo(TdsSession.State.TLS_HANDSHAKE);
        // a LOGIN7 in clear instead of the TLS handshake is a protocol error, never a login
        assertThatThrownBy(() -> session.onMessage(Captures.load("login7-sqlauth")))
            .isInstanceOf(TdsProtocolException.class);
    }

    @Test
    void aTds74ClientThatCannotEncryptIsRefusedAfterPrelogin() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), false, null);

        TdsSession.Reply reply = session.onMessage(preloginWithEncryption(PreLoginMessage.ENCRYPT_NOT_SUP));

        assertThat(PreLoginMessage.decode(reply.messages().get(0).payload()).encryption())
            .contains(PreLoginMessage.ENCRYPT_REQ);
        assertThat(reply.next()).isEqualTo(TdsSession.Next.CLOSE);
        assertThat(session.state()).isEqualTo(TdsSession.State.CLOSED);
        assertThatThrownBy(() -> session.onMessage(Captures.load("login7-sqlauth")))
            .isInstanceOf(TdsProtocolException.class);
    }

    @Test
    void theMsalWorkflowGetsFedAuthInfoThenLogsInWithTheTokenMessage() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), false, null);
        session.onMessage(Captures.load("prelogin-fedauth"));
        session.tlsEstablished(null);
        TdsSession.Reply info = session.onMessage(Captures.load("login7-msal"));
        assertThat(tokenTypes(info.messages().get(0))).containsExactly(0xEE);
        assertThat(session.state()).isEqualTo(TdsSession.State.FEDAUTH_TOKEN);

        String token = lab.tokens().issueManagedIdentityToken(SqlFixtures.vm(), ResourceApplications.AZURE_SQL)
            .accessToken();
        TdsSession.Reply login = session.onMessage(new TdsMessage(PacketType.FEDAUTH_TOKEN,
            new FedAuthTokenMessage(token).encode()));
        assertThat(tokenTypes(login.messages().get(0)))
            .containsExactly(0xE3, 0xAB, 0xE3, 0xE3, 0xAB, 0xAD, 0xAE, 0xE3, 0xFD);
        assertThat(session.state()).isEqualTo(TdsSession.State.LOGGED_IN);
        assertThat(session.context().orElseThrow().identity().userName()).isEqualTo("sql1-vm");

        session.onMessage(Captures.load("sqlbatch-select1"));
        assertThat(session.packetSize()).isEqualTo(8000);
    }

    static TdsMessage transactionRequest(int type, String name) {
        return new TdsMessage(PacketType.TRANSACTION_MANAGER, new TransactionManagerMessage(type,
            type == TransactionManagerMessage.BEGIN_XACT ? 2 : 0, name, false, 0, "").encode());
    }

    /** The change types of the ENVCHANGE tokens in a reply. */
    static List<Integer> envChanges(TdsMessage reply) throws TdsProtocolException {
        List<Integer> changes = new ArrayList<>();
        TdsReader r = new TdsReader(reply.payload());
        while (r.remaining() > 0) {
            int type = r.uint8();
            if (type == 0xFD) {
                r.skip(12);
            } else {
                int length = r.uint16();
                if (type == 0xE3) {
                    changes.add(r.uint8());
                    r.skip(length - 1);
                } else {
                    r.skip(length);
                }
            }
        }
        return changes;
    }

    @Test
    void transactionManagerRequestsBeginCommitAndRollBack() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), false, null);
        session.onMessage(Captures.load("prelogin-sqlauth"));
        session.tlsEstablished(null);
        session.onMessage(Captures.load("login7-sqlauth"));
        assertThat(session.state()).isEqualTo(TdsSession.State.LOGGED_IN);

        TdsMessage begin = session.onMessage(transactionRequest(TransactionManagerMessage.BEGIN_XACT, "t1"))
            .messages().get(0);
        assertThat(envChanges(begin)).containsExactly(8);
        assertThat(tokenTypes(begin)).containsExactly(0xE3, 0xFD);
        TdsMessage save = session.onMessage(transactionRequest(TransactionManagerMessage.SAVE_XACT, "s1"))
            .messages().get(0);
        assertThat(tokenTypes(save)).containsExactly(0xFD);
        TdsMessage commit = session.onMessage(transactionRequest(TransactionManagerMessage.COMMIT_XACT, ""))
            .messages().get(0);
        assertThat(envChanges(commit)).containsExactly(9);
        TdsMessage nothingToRollBack = session.onMessage(transactionRequest(
            TransactionManagerMessage.ROLLBACK_XACT, "")).messages().get(0);
        assertThat(tokenTypes(nothingToRollBack)).containsExactly(0xAA, 0xFD);
        session.onMessage(transactionRequest(TransactionManagerMessage.BEGIN_XACT, ""));
        TdsMessage rollback = session.onMessage(transactionRequest(TransactionManagerMessage.ROLLBACK_XACT, ""))
            .messages().get(0);
        assertThat(envChanges(rollback)).containsExactly(10);
        TdsMessage distributed = session.onMessage(transactionRequest(TransactionManagerMessage.PROPAGATE_XACT, ""))
            .messages().get(0);
        assertThat(tokenTypes(distributed)).containsExactly(0xAA, 0xFD);
        assertThat(session.state()).isEqualTo(TdsSession.State.LOGGED_IN);
        session.close();
    }

    @Test
    void aCapturedTokenFromAnotherLabIsRefusedWithLoginFailed() throws Exception {
        TdsSession session = new TdsSession(lab.azureSql(), true, null);
        session.onMessage(Captures.load("prelogin-strict-fedauth"));
        TdsSession.Reply reply = session.onMessage(Captures.load("login7-securitytoken"));
        assertThat(tokenTypes(reply.messages().get(0))).containsExactly(0xAA, 0xFD);
        assertThat(reply.next()).isEqualTo(TdsSession.Next.CLOSE);
        assertThat(session.state()).isEqualTo(TdsSession.State.CLOSED);
    }

    @Test
    void aMessageOutOfOrderEndsTheSessionWithAnErrorWhereTheClientWaitsForTokens() throws Exception {
        TdsSession early = new TdsSession(lab.azureSql(), true, null);
        TdsProtocolException e = org.junit.jupiter.api.Assertions.assertThrows(TdsProtocolException.class,
            () -> early.onMessage(Captures.load("login7-sqlauth")));
        assertThat(early.onProtocolError(e).messages()).isEmpty();

        TdsSession late = new TdsSession(lab.azureSql(), true, null);
        late.onMessage(Captures.load("prelogin-sqlauth"));
        TdsProtocolException e2 = org.junit.jupiter.api.Assertions.assertThrows(TdsProtocolException.class,
            () -> late.onMessage(Captures.load("sqlbatch-select1")));
        TdsSession.Reply reply = late.onProtocolError(e2);
        assertThat(tokenTypes(reply.messages().get(0))).containsExactly(0xAA, 0xFD);
        assertThat(reply.next()).isEqualTo(TdsSession.Next.CLOSE);
    }
}
