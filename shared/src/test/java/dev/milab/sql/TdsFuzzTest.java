package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;
import dev.milab.sql.tds.Captures;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.sql.tds.TdsProtocolException;
import dev.milab.testing.SharedLab;

/**
 * Mutation fuzzing of captured real mssql-jdbc messages against the session in the state each belongs to: flipped
 * bytes, truncations, extensions, inserted runs, extreme length fields, foreign packet types. Every case must end
 * in a reply or a protocol error the session turns into a closing reply; nothing else may escape. Bounded in
 * count and time, with a fixed seed so a failure replays.
 */
class TdsFuzzTest {

    static final int CASES = 12_000;
    static final long TIME_LIMIT_MILLIS = 20_000;
    static Lab lab;

    @BeforeAll
    static void server() {
        lab = SharedLab.get();
        SqlFixtures.sql1();
    }

    /** A session in the state where {@code capture} is the expected next message. */
    static TdsSession sessionFor(String capture) throws TdsProtocolException {
        if (capture.startsWith("prelogin")) {
            return new TdsSession(lab.azureSql(), capture.contains("strict"), null);
        }
        TdsSession s = new TdsSession(lab.azureSql(), true, null);
        if (capture.startsWith("login7")) {
            s.onMessage(Captures.load("prelogin-strict-fedauth"));
        } else if (capture.equals("fedauth-token")) {
            s.onMessage(Captures.load("prelogin-strict-fedauth"));
            s.onMessage(Captures.load("login7-msal"));
        } else {
            s.onMessage(Captures.load("prelogin-sqlauth"));
            s.onMessage(Captures.load("login7-sqlauth"));
        }
        return s;
    }

    static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int i = 0, n = 1 + random.nextInt(8); i < n && b.length > 0; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> b = Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
            case 2 -> {
                byte[] extra = new byte[1 + random.nextInt(300)];
                random.nextBytes(extra);
                byte[] longer = Arrays.copyOf(b, b.length + extra.length);
                System.arraycopy(extra, 0, longer, b.length, extra.length);
                b = longer;
            }
            case 3 -> {
                if (b.length > 0) {
                    int at = random.nextInt(b.length);
                    byte[] run = new byte[1 + random.nextInt(16)];
                    random.nextBytes(run);
                    byte[] grown = new byte[b.length + run.length];
                    System.arraycopy(b, 0, grown, 0, at);
                    System.arraycopy(run, 0, grown, at, run.length);
                    System.arraycopy(b, at, grown, at + run.length, b.length - at);
                    b = grown;
                }
            }
            case 4 -> {
                // a length or offset field set to an extreme: 2 or 4 bytes of 0xFF or 0x00
                if (b.length > 4) {
                    int at = random.nextInt(b.length - 4);
                    byte fill = random.nextBoolean() ? (byte) 0xFF : 0;
                    Arrays.fill(b, at, at + (random.nextBoolean() ? 2 : 4), fill);
                }
            }
            case 5 -> {
                if (b.length > 0) {
                    int at = random.nextInt(b.length);
                    Arrays.fill(b, at, Math.min(b.length, at + 1 + random.nextInt(64)), (byte) 0);
                }
            }
            default -> {
                for (int i = 0; i < b.length; i++) {
                    if (random.nextInt(50) == 0) {
                        b[i] ^= (byte) (1 << random.nextInt(8));
                    }
                }
            }
        }
        return b;
    }

    @Test
    void mutatedClientMessagesEndInAReplyOrAProtocolErrorNeverAnotherException() throws Exception {
        Random random = new Random(20_260_003L);
        int[] types = {PacketType.PRELOGIN, PacketType.LOGIN7, PacketType.FEDAUTH_TOKEN, PacketType.SQL_BATCH,
            PacketType.RPC, PacketType.ATTENTION, 0x00, 0xFF};
        List<String> failures = new ArrayList<>();
        long start = System.currentTimeMillis();
        int cases = 0;
        int protocolErrors = 0;
        while (cases < CASES && System.currentTimeMillis() - start < TIME_LIMIT_MILLIS) {
            String capture = Captures.ALL.get(random.nextInt(Captures.ALL.size()));
            TdsMessage original = Captures.load(capture);
            int type = random.nextInt(20) == 0 ? types[random.nextInt(types.length)] : original.type();
            TdsMessage mutated = new TdsMessage(type, mutate(original.payload(), random));
            TdsSession session = sessionFor(capture);
            cases++;
            try {
                TdsSession.Reply reply = session.onMessage(mutated);
                reply.messages().forEach(m -> m.toPackets(session.packetSize(), session.spid()));
            } catch (TdsProtocolException e) {
                protocolErrors++;
                TdsSession.Reply reply = session.onProtocolError(e);
                assertThat(reply.next()).isEqualTo(TdsSession.Next.CLOSE);
                assertThat(session.state()).isEqualTo(TdsSession.State.CLOSED);
            } catch (RuntimeException e) {
                if (failures.size() < 5) {
                    failures.add(capture + " case " + cases + ": " + e);
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(cases).as("cases run within %d ms", TIME_LIMIT_MILLIS).isGreaterThanOrEqualTo(10_000);
        assertThat(protocolErrors).as("mutations the codec refused").isGreaterThan(cases / 4);
    }
}
