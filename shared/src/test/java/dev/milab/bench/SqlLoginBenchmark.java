package dev.milab.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.sql.SqlServer;

/**
 * Azure SQL's figures, printed (not asserted): token logins per second with unmodified mssql-jdbc and
 * {@code encrypt=strict} from 4 threads (a static access token in LOGIN7, and a token callback with the
 * FEDAUTHINFO round trip), as a ratio to a bare TLS 1.3 handshake loop against a JDK {@code SSLServerSocket} with
 * the same certificate in the same run: the limit, since every login is a new TLS connection.
 * Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.SqlLoginBenchmark}
 */
public final class SqlLoginBenchmark {

    private static final int THREADS = 4;
    private static final Duration WARM_UP = Duration.ofSeconds(4);
    private static final Duration MEASURE = Duration.ofSeconds(6);

    private SqlLoginBenchmark() {
    }

    /** One unit of work per call; returns normally when it succeeded. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Managed Identity Lab - Azure SQL login benchmark (" + Runtime.getRuntime()
            .availableProcessors() + " cores, " + System.getProperty("java.version") + ", " + THREADS + " threads)");
        try (Lab lab = Lab.start()) {
            SqlServer server = lab.azureSql().createServer("sql1");
            server.createDatabase("db1");
            server.setEntraAdmin(lab.createUserAssignedIdentity("sql-admin").principal());
            lab.createVirtualMachine("vm1");
            ServicePrincipal vm = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
            server.database("db1").orElseThrow().createExternalUser("vm1", vm.appId(), vm.objectId());
            String token = lab.tokens().issueManagedIdentityToken(vm, ResourceApplications.AZURE_SQL).accessToken();

            double handshakes = rate("bare TLS 1.3 handshakes/s (JDK SSLServerSocket)", tlsHandshakes(lab));
            double staticToken = rate("token logins/s, strict, accessToken in LOGIN7", () -> {
                try (Connection c = dataSource(lab, token, false).getConnection()) {
                    c.getCatalog();
                }
            });
            double callback = rate("token logins/s, strict, accessTokenCallback (FEDAUTHINFO)", () -> {
                try (Connection c = dataSource(lab, token, true).getConnection()) {
                    c.getCatalog();
                }
            });
            System.out.printf("ratio static-token logins / handshakes: %.2f (target at least 0.5)%n",
                staticToken / handshakes);
            System.out.printf("ratio callback logins / handshakes:     %.2f%n", callback / handshakes);
        }
    }

    private static SQLServerDataSource dataSource(Lab lab, String token, boolean callback) {
        SQLServerDataSource ds = LabSqlClient.strict(lab);
        if (callback) {
            ds.setAccessTokenCallback((spn, sts) -> new SqlAuthenticationToken(token,
                new Date(System.currentTimeMillis() + 3_600_000)));
        } else {
            ds.setAccessToken(token);
        }
        return ds;
    }

    /** A loopback SSLServerSocket that completes each handshake and closes; the work is one client handshake. */
    private static Work tlsHandshakes(Lab lab) throws IOException {
        SSLContext server = lab.tls().serverContext();
        SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 128);
        ExecutorService acceptors = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-tls-server");
            t.setDaemon(true);
            return t;
        });
        acceptors.execute(() -> {
            while (!listener.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) listener.accept();
                    acceptors.execute(() -> {
                        try (s) {
                            s.setTcpNoDelay(true);
                            s.startHandshake();
                            s.getInputStream().read();
                        } catch (IOException e) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        SSLContext client = lab.tls().clientContext();
        int port = listener.getLocalPort();
        return () -> {
            try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
                // both ends without Nagle's delay, as the lab's TDS endpoint and mssql-jdbc run
                s.setTcpNoDelay(true);
                SSLParameters p = s.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                s.setSSLParameters(p);
                s.startHandshake();
            }
        };
    }

    private static double rate(String label, Work work) throws Exception {
        run(work, WARM_UP);
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long count = run(work, MEASURE);
        double cpuMillisPerOp = (os.getProcessCpuTime() - cpu0) / 1e6 / Math.max(1, count);
        double perSecond = count / (MEASURE.toMillis() / 1000.0);
        System.out.printf("%-58s %8.0f   (%.1f ms CPU each, client and server)%n", label, perSecond, cpuMillisPerOp);
        return perSecond;
    }

    private static long run(Work work, Duration duration) throws Exception {
        return ConcurrentLoop.count(THREADS, duration, () -> work::run);
    }
}
