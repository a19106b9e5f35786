package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Random;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.entra.ResourceApplications;
import dev.milab.lab.Lab;
import dev.milab.sql.tds.Captures;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;
import dev.milab.testing.SharedLab;

/**
 * Bad bytes over real sockets: garbage, truncated and oversized packets, mutated PRELOGIN in clear (TDS 7.4),
 * mutated LOGIN7 inside TLS (TDS 8.0), and mutated SQL batches, RPC and transaction requests after a real login.
 * Each ends at most its own connection, promptly; a bystander session keeps working; afterwards the server still
 * logs in mssql-jdbc and holds no connection open.
 */
class SqlBadInputIT {

    static final int READ_TIMEOUT_MILLIS = 5_000;
    static Lab lab;

    @BeforeAll
    static void server() {
        lab = SharedLab.get();
        SqlFixtures.sql1();
    }

    /** Sends bytes in clear, half-closes, and reads what the server answers until it closes (bounded). */
    static byte[] exchangeInClear(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", lab.sqlPort())) {
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            s.shutdownOutput();
            return readToEnd(s.getInputStream());
        }
    }

    static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0 && out.size() < 1_000_000) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void somethingThatIsNotTdsIsClosedWithoutAnAnswer() throws Exception {
        assertThat(exchangeInClear("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
            .isEmpty();
    }

    @Test
    void truncatedAndOversizedPacketsEndTheConnection() throws Exception {
        assertThat(exchangeInClear(new byte[] {0x12, 0x01, 0x00})).isEmpty();
        assertThat(exchangeInClear(new byte[] {0x12, 0x01, (byte) 0xFF, (byte) 0xFF, 0, 0, 1, 0})).isEmpty();
        assertThat(exchangeInClear(new byte[] {0x12, 0x01, 0x00, 0x40, 0, 0, 1, 0, 1, 2, 3})).isEmpty();
        // a message that never ends: packets without end-of-message until the limit
        ByteArrayOutputStream endless = new ByteArrayOutputStream();
        byte[] packet = new byte[4096];
        packet[0] = 0x12;
        packet[2] = 0x10;
        for (int i = 0; i < 8; i++) {
            endless.write(packet);
        }
        assertThat(exchangeInClear(endless.toByteArray())).isEmpty();
    }

    @Test
    void mutatedPreloginPacketsInClearEndOnlyTheirConnection() throws Exception {
        Random random = new Random(7_403L);
        byte[] packets = Captures.load("prelogin-fedauth").payload();
        byte[] framed = new TdsMessage(PacketType.PRELOGIN, packets).toPackets(4096, 0);
        for (int i = 0; i < 300; i++) {
            exchangeInClear(TdsFuzzTest.mutate(framed, random));
        }
        assertServerStillServesAndHoldsNothing();
    }

    @Test
    void mutatedLogin7InsideTlsGetsAnErrorOrAClose() throws Exception {
        Random random = new Random(8_000L);
        byte[] prelogin = new TdsMessage(PacketType.PRELOGIN, Captures.load("prelogin-strict-fedauth").payload())
            .toPackets(4096, 0);
        byte[] login = Captures.load("login7-sqlauth").payload();
        int errors = 0;
        for (int i = 0; i < 120; i++) {
            try (SSLSocket s = strictAfterPrelogin(prelogin)) {
                s.getOutputStream().write(new TdsMessage(PacketType.LOGIN7, TdsFuzzTest.mutate(login, random))
                    .toPackets(4096, 0));
                s.getOutputStream().flush();
                byte[] answer = readToEnd(s.getInputStream());
                if (answer.length > 8 && (answer[8] & 0xFF) == 0xAA) {
                    errors++;
                }
            }
        }
        assertThat(errors).as("mutated logins answered with an ERROR token").isGreaterThan(60);
        assertServerStillServesAndHoldsNothing();
    }

    /** A TDS 8.0 connection (TLS first, ALPN tds/8.0) that has sent {@code prelogin} and read the answer. */
    static SSLSocket strictAfterPrelogin(byte[] prelogin) throws IOException {
        SSLSocket s = (SSLSocket) lab.tls().clientContext().getSocketFactory().createSocket("127.0.0.1",
            lab.sqlPort());
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"tds/8.0"});
        s.setSSLParameters(p);
        s.setSoTimeout(READ_TIMEOUT_MILLIS);
        s.getOutputStream().write(prelogin);
        s.getOutputStream().flush();
        readMessage(s.getInputStream());
        return s;
    }

    /** Reads one whole server message (packets until end-of-message), or null when the server closed. */
    static byte[] readMessage(InputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            byte[] header = in.readNBytes(8);
            if (header.length < 8) {
                return null;
            }
            int length = (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
            message.write(in.readNBytes(length - 8));
            if ((header[1] & 0x01) != 0) {
                return message.toByteArray();
            }
        }
    }

    @Test
    void mutatedBatchesAndRpcRequestsAfterLoginEndOnlyTheirConnection() throws Exception {
        Random random = new Random(5_005L);
        byte[] prelogin = new TdsMessage(PacketType.PRELOGIN, Captures.load("prelogin-sqlauth").payload())
            .toPackets(4096, 0);
        byte[] login = new TdsMessage(PacketType.LOGIN7, Captures.load("login7-sqlauth").payload())
            .toPackets(4096, 0);
        var bystanderSource = SqlLabClient.dataSource(lab, "sql1", "db1", true);
        bystanderSource.setAccessToken(lab.tokens().issueManagedIdentityToken(SqlFixtures.vm(),
            ResourceApplications.AZURE_SQL).accessToken());
        long deadline = System.currentTimeMillis() + 20_000;
        int requests = 0;
        int answers = 0;
        try (Connection bystander = bystanderSource.getConnection()) {
            for (int i = 0; i < 40 && System.currentTimeMillis() < deadline; i++) {
                try (SSLSocket s = strictAfterPrelogin(prelogin)) {
                    s.getOutputStream().write(login);
                    s.getOutputStream().flush();
                    byte[] loginAnswer = readMessage(s.getInputStream());
                    assertThat(loginAnswer).isNotNull();
                    for (int j = 0; j < 8; j++) {
                        TdsMessage original = TdsRequestFuzzTest.request(random);
                        byte[] mutated = TdsFuzzTest.mutate(original.payload(), random);
                        s.getOutputStream().write(new TdsMessage(original.type(), mutated).toPackets(8000, 0));
                        s.getOutputStream().flush();
                        requests++;
                        byte[] answer = readMessage(s.getInputStream());
                        if (answer == null) {
                            break;
                        }
                        answers++;
                    }
                }
                if (i % 10 == 0) {
                    assertThat(SqlLabClient.single(bystander, "SELECT USER_NAME()")).isEqualTo("sql1-vm");
                }
            }
            assertThat(SqlLabClient.single(bystander, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SCHEMATA WHERE "
                + "SCHEMA_NAME = N'dbo'")).isEqualTo("1");
        }
        assertThat(requests).isGreaterThan(100);
        assertThat(answers).as("mutated requests answered (errors included) rather than refused").isPositive();
        assertServerStillServesAndHoldsNothing();
    }

    static void assertServerStillServesAndHoldsNothing() throws Exception {
        var ds = SqlLabClient.dataSource(lab, "sql1", "db1", true);
        ds.setAccessToken(lab.tokens().issueManagedIdentityToken(SqlFixtures.vm(), ResourceApplications.AZURE_SQL)
            .accessToken());
        try (Connection c = ds.getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("sql1-vm");
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (lab.azureSql().openConnections() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(lab.azureSql().openConnections()).isZero();
        long sqlThreads = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("lab-sql-") && !t.getName().startsWith("lab-sql-accept")).count();
        assertThat(sqlThreads).isLessThanOrEqualTo(lab.azureSql().limits().maxConnections());
    }
}
