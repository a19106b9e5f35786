package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;

/**
 * Clients that connect and never log in, or trickle their login a byte at a time, neither hold a connection past
 * the login deadline nor take the slots of real logins: mssql-jdbc (token callback, TDS 8.0) keeps logging in and
 * answering while raw sockets stall and trickle. The limits are lowered so the test reaches them in seconds.
 */
class SqlLoginSlotsIT {

    static final Duration LOGIN_TIMEOUT = Duration.ofMillis(1500);
    static final int MAX_CONNECTIONS = 24;
    static final int MAX_PENDING = 6;

    static Lab lab;
    static SQLServerDataSource realClient;

    @BeforeAll
    static void start() {
        lab = Lab.start();
        ServicePrincipal admin = SqlTestDatabase.create(lab, "sqlslots").admin;
        lab.azureSql().limits().loginTimeout(LOGIN_TIMEOUT).connections(MAX_CONNECTIONS, MAX_PENDING);
        realClient = SqlLabClient.withCallback(lab, "sqlslots", "db1", true, (spn, sts) ->
            new SqlAuthenticationToken(lab.tokens().issueManagedIdentityToken(admin, ResourceApplications.AZURE_SQL)
                .accessToken(), new Date(System.currentTimeMillis() + 3_600_000)));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    /** A login and a query by the real client; its time in milliseconds. */
    static long realLoginAndQuery() throws Exception {
        long start = System.nanoTime();
        try (Connection c = realClient.getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT 1")).isEqualTo("1");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    static Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), lab.sqlPort());
        s.setSoTimeout(50);
        return s;
    }

    /** Whether the server closed the socket (end of stream or reset); false while it merely stays silent. */
    static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A PRELOGIN packet header that announces 4000 bytes, of which the client then sends one every 100 ms. */
    static final byte[] PRELOGIN_HEADER = {0x12, 0x01, 0x0f, (byte) 0xa8, 0x00, 0x00, 0x01, 0x00};

    @Test
    void aLoginThatTricklesIsClosedAtTheLoginDeadlineHoweverOftenItSends() throws Exception {
        try (Socket trickler = connect()) {
            long start = System.nanoTime();
            OutputStream out = trickler.getOutputStream();
            out.write(PRELOGIN_HEADER);
            long closedAfter = -1;
            while ((System.nanoTime() - start) / 1_000_000 < 10_000) {
                try {
                    out.write(0);
                    out.flush();
                } catch (IOException e) {
                    closedAfter = (System.nanoTime() - start) / 1_000_000;
                    break;
                }
                if (closedByServer(trickler)) {
                    closedAfter = (System.nanoTime() - start) / 1_000_000;
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(closedAfter).as("ms until the server closed a login that sends a byte every 100 ms")
                .isBetween(LOGIN_TIMEOUT.toMillis() - 100, LOGIN_TIMEOUT.toMillis() + 1500);
        }
    }

    @Test
    void stalledAndTricklingClientsDoNotShutOutRealLoginsNorCloseLoggedInSessions() throws Exception {
        realLoginAndQuery();
        long baseline = 0;
        for (int i = 0; i < 3; i++) {
            baseline = Math.max(baseline, realLoginAndQuery());
        }
        AtomicBoolean attacking = new AtomicBoolean(true);
        List<Socket> attackers = new ArrayList<>();
        List<Thread> tricklers = new ArrayList<>();
        try (Connection loggedIn = realClient.getConnection()) {
            // More stalled connections than there are slots for logins, and for connections at all.
            for (int i = 0; i < 2 * MAX_CONNECTIONS; i++) {
                attackers.add(connect());
            }
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> trickle(attacking), "trickler-" + i);
                t.setDaemon(true);
                t.start();
                tricklers.add(t);
            }
            Thread.sleep(200);
            List<Long> underAttack = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                underAttack.add(realLoginAndQuery());
                assertThat(lab.azureSql().pendingLogins()).isLessThanOrEqualTo(MAX_PENDING);
                assertThat(lab.azureSql().openConnections()).isLessThanOrEqualTo(MAX_CONNECTIONS);
            }
            System.out.printf("real login + SELECT 1: %d ms at most alone, %s ms with %d stalled and 4 trickling"
                + " clients%n", baseline, underAttack, attackers.size());
            long bound = Math.max(3_000, 5 * baseline);
            assertThat(underAttack).allSatisfy(ms -> assertThat(ms).as("a real login's time under attack")
                .isLessThan(bound));
            assertThat(SqlLabClient.single(loggedIn, "SELECT 2")).as("a session logged in before the attack")
                .isEqualTo("2");
            long closed = attackers.stream().filter(SqlLoginSlotsIT::closedByServer).count();
            assertThat(closed).as("stalled connections closed for newer ones").isGreaterThan(MAX_CONNECTIONS);
        } finally {
            attacking.set(false);
            for (Thread t : tricklers) {
                t.join(5_000);
            }
            for (Socket s : attackers) {
                s.close();
            }
        }
        Thread.sleep(LOGIN_TIMEOUT.toMillis() + 500);
        assertThat(lab.azureSql().pendingLogins()).as("no login outlives its deadline").isZero();
    }

    /** Connects, trickles a PRELOGIN byte every 100 ms, and connects again whenever the server closes it. */
    static void trickle(AtomicBoolean attacking) {
        while (attacking.get()) {
            try (Socket s = connect()) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(PRELOGIN_HEADER);
                while (attacking.get()) {
                    out.write(0);
                    out.flush();
                    try {
                        if (in.read() < 0) {
                            break;
                        }
                    } catch (SocketTimeoutException e) {
                        // silent, as expected while it is still pending
                    }
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                // closed by the server: connect again
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
