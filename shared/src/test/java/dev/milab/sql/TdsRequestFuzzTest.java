package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;
import dev.milab.sql.tds.Captures;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;
import dev.milab.sql.tds.TransactionManagerMessage;
import dev.milab.testing.SharedLab;

/**
 * Mutation fuzzing of what a logged-in client sends: captured real SQL batches and RPC requests (sp_executesql,
 * sp_prepexec, sp_execute, batched calls, every parameter type) and transaction manager requests, mutated as in
 * {@link TdsFuzzTest}, fed to a logged-in session that runs them on H2. Every case must end in an answer (errors
 * included) or a protocol error that closes the session; after an answer the session still serves. Bounded in
 * count and time, with a fixed seed.
 */
class TdsRequestFuzzTest {

    static final int CASES = 4_000;
    static final long TIME_LIMIT_MILLIS = 15_000;
    static final List<String> REQUESTS = List.of("sqlbatch-whoami", "sqlbatch-select1",
        "sqlbatch-implicit-transactions", "rpc-executesql", "rpc-prepexec", "rpc-execute", "rpc-batch");
    static Lab lab;

    @BeforeAll
    static void server() {
        lab = SharedLab.get();
        SqlDatabase db = SqlFixtures.sql1().database("db1").orElseThrow();
        try {
            db.seed("CREATE TABLE dbo.Captured (Id int PRIMARY KEY, I int, BI bigint, NV nvarchar(50), D decimal(10,2),"
                + " F float, B bit, DT2 datetime2, DTO datetimeoffset, G uniqueidentifier, VB varbinary(max), DA date,"
                + " T time)");
        } catch (SqlErrorException e) {
            // another test class made it already
        }
    }

    static TdsSession loggedIn() throws TdsProtocolException {
        TdsSession s = new TdsSession(lab.azureSql(), true, null);
        s.onMessage(Captures.load("prelogin-sqlauth"));
        s.onMessage(Captures.load("login7-sqlauth"));
        assertThat(s.state()).isEqualTo(TdsSession.State.LOGGED_IN);
        return s;
    }

    static TdsMessage request(Random random) {
        int pick = random.nextInt(REQUESTS.size() + 1);
        if (pick == REQUESTS.size()) {
            int type = new int[] {TransactionManagerMessage.BEGIN_XACT, TransactionManagerMessage.COMMIT_XACT,
                TransactionManagerMessage.ROLLBACK_XACT, TransactionManagerMessage.SAVE_XACT}[random.nextInt(4)];
            return new TdsMessage(PacketType.TRANSACTION_MANAGER, new TransactionManagerMessage(type, 2, "t", false,
                0, "").encode());
        }
        return Captures.load(REQUESTS.get(pick));
    }

    @Test
    void mutatedRequestsEndInAnAnswerOrAProtocolErrorAndTheSessionKeepsServing() throws Exception {
        Random random = new Random(20_260_005L);
        int[] types = {PacketType.SQL_BATCH, PacketType.RPC, PacketType.TRANSACTION_MANAGER, PacketType.ATTENTION,
            PacketType.LOGIN7, 0x00, 0xFF};
        List<String> failures = new ArrayList<>();
        long start = System.currentTimeMillis();
        int cases = 0;
        int protocolErrors = 0;
        int answered = 0;
        TdsSession session = loggedIn();
        try {
            while (cases < CASES && System.currentTimeMillis() - start < TIME_LIMIT_MILLIS) {
                TdsMessage original = request(random);
                int type = random.nextInt(20) == 0 ? types[random.nextInt(types.length)] : original.type();
                TdsMessage mutated = new TdsMessage(type, TdsFuzzTest.mutate(original.payload(), random));
                cases++;
                try {
                    TdsSession.Reply reply = session.onMessage(mutated);
                    assertThat(reply.next()).isEqualTo(TdsSession.Next.CONTINUE);
                    assertThat(session.state()).isEqualTo(TdsSession.State.LOGGED_IN);
                    answered++;
                    if (cases % 250 == 0) {
                        TdsSession.Reply good = session.onMessage(Captures.load("sqlbatch-select1"));
                        assertThat(good.messages()).hasSize(1);
                        assertThat(good.messages().get(0).payload()[0] & 0xFF).as("COLMETADATA").isEqualTo(0x81);
                    }
                } catch (TdsProtocolException e) {
                    protocolErrors++;
                    TdsSession.Reply reply = session.onProtocolError(e);
                    assertThat(reply.next()).isEqualTo(TdsSession.Next.CLOSE);
                    assertThat(session.state()).isEqualTo(TdsSession.State.CLOSED);
                    session.close();
                    session = loggedIn();
                } catch (RuntimeException | AssertionError e) {
                    if (failures.size() < 5) {
                        failures.add("case " + cases + ": " + e);
                    }
                    session.close();
                    session = loggedIn();
                }
            }
        } finally {
            session.close();
        }
        assertThat(failures).isEmpty();
        assertThat(cases).as("cases run within %d ms", TIME_LIMIT_MILLIS).isGreaterThanOrEqualTo(2_000);
        assertThat(protocolErrors).as("mutations the decoders refused").isGreaterThan(cases / 10);
        assertThat(answered).as("mutations answered with results or SQL errors").isGreaterThan(cases / 10);
    }
}
