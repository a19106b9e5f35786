package dev.milab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.sql.SqlDatabase;
import dev.milab.sql.SqlServer;

/**
 * Azure SQL query figures, printed (not asserted), on one connection: {@code SELECT 1} round trips per second and
 * fetching all 10,000 rows of a 5-column table (int, nvarchar, decimal, datetime2, bit), through unmodified
 * mssql-jdbc ({@code encrypt=strict}, so TLS included) against the lab, and the same work through H2's own
 * embedded JDBC on an in-memory database with the lab's settings ({@link SqlDatabase#ENGINE_SETTINGS}) and the
 * same rows, in the same run. H2 is the engine's
 * limit; the ratio is what the lab's front (TDS, TLS, the T-SQL front, the driver) costs on top. For the fetch it
 * also prints the CPU the client thread spends per fetch: mssql-jdbc's own decoding and TLS, which no server can
 * remove, and the least ratio it leaves any server (one thread's CPU time cannot exceed its wall-clock time).
 * Run: {@code ./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.milab.bench.SqlQueryBenchmark}
 */
public final class SqlQueryBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Duration WARM_UP = Duration.ofSeconds(4);
    private static final Duration MEASURE = Duration.ofSeconds(6);
    private static final int ROWS = 10_000;
    private static final String TABLE = "CREATE TABLE dbo.Rows (Id int PRIMARY KEY, Name nvarchar(50) NOT NULL,"
        + " Amount decimal(10,2) NOT NULL, Created datetime2 NOT NULL, Flag bit NOT NULL)";
    private static final String FETCH = "SELECT Id, Name, Amount, Created, Flag FROM dbo.Rows";

    private SqlQueryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("Managed Identity Lab - Azure SQL query benchmark (" + Runtime.getRuntime()
            .availableProcessors() + " cores, " + System.getProperty("java.version") + ", one connection)");
        try (Lab lab = Lab.start(); Connection embedded = embeddedH2()) {
            SqlServer server = lab.azureSql().createServer("sql1");
            SqlDatabase db = server.createDatabase("db1");
            ServicePrincipal admin = lab.createUserAssignedIdentity("sql-admin").principal();
            server.setEntraAdmin(admin);
            db.seed(TABLE);
            for (String insert : inserts()) {
                db.seed(insert);
            }
            try (Statement s = embedded.createStatement()) {
                s.execute("CREATE SCHEMA dbo");
                s.execute("SET SCHEMA dbo");
                s.execute(TABLE.replace("datetime2", "datetime2(7)"));
                for (String insert : inserts()) {
                    s.execute(insert);
                }
            }
            SQLServerDataSource ds = LabSqlClient.strict(lab);
            ds.setAccessToken(lab.tokens().issueManagedIdentityToken(admin, ResourceApplications.AZURE_SQL)
                .accessToken());
            try (Connection lab1 = ds.getConnection()) {
                double h2Trips = rate("SELECT 1 round trips/s, embedded H2 JDBC", () -> selectOne(embedded));
                double labTrips = rate("SELECT 1 round trips/s, lab (mssql-jdbc, TDS 8.0)", () -> selectOne(lab1));
                double h2Prepared = rate("prepared SELECT by key/s, embedded H2 JDBC", byKey(embedded));
                double labPrepared = rate("prepared SELECT by key/s, lab (sp_execute)", byKey(lab1));
                double h2Fetch = rate("10,000-row fetches/s, embedded H2 JDBC", () -> fetchAll(embedded));
                LongAdder clientCpu = new LongAdder();
                LongAdder fetches = new LongAdder();
                double labFetch = rate("10,000-row fetches/s, lab (mssql-jdbc, TDS 8.0)", () -> {
                    long before = THREADS.getCurrentThreadCpuTime();
                    fetchAll(lab1);
                    clientCpu.add(THREADS.getCurrentThreadCpuTime() - before);
                    fetches.increment();
                });
                System.out.printf("one 10,000-row fetch: embedded H2 %.2f ms; through the lab %.2f ms, of which the"
                    + " client thread's CPU (mssql-jdbc decoding, TLS) %.2f ms%n", 1000 / h2Fetch, 1000 / labFetch,
                    clientCpu.sum() / 1e6 / fetches.sum());
                System.out.printf("lab / embedded, SELECT 1:        %.2f (target: at least 5,000 round trips/s)%n",
                    labTrips / h2Trips);
                System.out.printf("lab / embedded, prepared SELECT: %.2f%n", labPrepared / h2Prepared);
                System.out.printf("10,000-row fetch takes %.1fx as long through the lab (target: within 3x)%n",
                    h2Fetch / labFetch);
                // One thread cannot spend more CPU than the wall-clock time it runs for: the client thread's CPU is
                // a floor for the fetch however fast the server is.
                System.out.printf("   no server could make it less than %.1fx: the client thread's CPU alone, "
                    + "against embedded H2's whole fetch%n", clientCpu.sum() / 1e6 / fetches.sum() * h2Fetch / 1000);
            }
        }
    }

    private static Connection embeddedH2() throws Exception {
        return new org.h2.Driver().connect("jdbc:h2:mem:bench" + SqlDatabase.ENGINE_SETTINGS, new Properties());
    }

    /** T-SQL allows 1,000 rows per VALUES list. */
    private static String[] inserts() {
        String[] statements = new String[ROWS / 1000];
        for (int s = 0; s < statements.length; s++) {
            StringBuilder sql = new StringBuilder("INSERT INTO dbo.Rows VALUES ");
            for (int i = s * 1000; i < (s + 1) * 1000; i++) {
                sql.append(i == s * 1000 ? "" : ", ").append('(').append(i).append(", N'customer ").append(i)
                    .append(" Zoë', ").append(i % 997).append(".25, '2025-01-02 03:04:05.1234567', ")
                    .append(i % 2).append(')');
            }
            statements[s] = sql.toString();
        }
        return statements;
    }

    private static void selectOne(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            rs.getInt(1);
        }
    }

    private static ConcurrentLoop.Operation byKey(Connection c) throws Exception {
        PreparedStatement ps = c.prepareStatement("SELECT Name FROM dbo.Rows WHERE Id = ?");
        int[] next = {0};
        return () -> {
            ps.setInt(1, next[0]++ % ROWS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rs.getString(1);
            }
        };
    }

    private static void fetchAll(Connection c) throws Exception {
        long n = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(FETCH)) {
            while (rs.next()) {
                rs.getInt(1);
                rs.getString(2);
                rs.getBigDecimal(3);
                rs.getTimestamp(4);
                rs.getBoolean(5);
                n++;
            }
        }
        if (n != ROWS) {
            throw new IllegalStateException("fetched " + n + " rows");
        }
    }

    private static double rate(String label, ConcurrentLoop.Operation work) throws Exception {
        ConcurrentLoop.count(1, WARM_UP, () -> work);
        long count = ConcurrentLoop.count(1, MEASURE, () -> work);
        double perSecond = count / (MEASURE.toMillis() / 1000.0);
        System.out.printf("%-52s %10.1f%n", label, perSecond);
        return perSecond;
    }
}
