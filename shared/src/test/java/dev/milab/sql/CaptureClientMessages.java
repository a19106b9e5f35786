package dev.milab.sql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.sql.tds.PacketType;
import dev.milab.sql.tds.TdsMessage;

/**
 * Records what real mssql-jdbc sends, as the lab's server sees it after TLS, into the codec tests' fixtures
 * ({@code src/test/resources/dev/milab/sql/captures}). Run it again when the driver version changes:
 *
 * <pre>./mvnw -q -pl shared test-compile exec:java -Dexec.classpathScope=test
 *   -Dexec.mainClass=dev.milab.sql.CaptureClientMessages -Dexec.args=shared/src/test/resources/dev/milab/sql/captures</pre>
 *
 * Tokens in the captures come from a throw-away lab whose keys no longer exist; the SQL password is a test one.
 */
public final class CaptureClientMessages {

    private CaptureClientMessages() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/dev/milab/sql/captures");
        Files.createDirectories(out);
        try (Lab lab = Lab.start()) {
            SqlServer server = lab.azureSql().createServer("sql1");
            SqlDatabase db = server.createDatabase("db1");
            server.setSqlAdministrator("sqladmin", "Adm1n-Passw0rd!");
            lab.createVirtualMachine("vm1");
            ServicePrincipal vm = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
            server.setEntraAdmin(vm);
            db.createExternalUser("vm1", vm.appId(), vm.objectId());
            String token = lab.tokens().issueManagedIdentityToken(vm, ResourceApplications.AZURE_SQL).accessToken();

            List<TdsMessage> seen = new ArrayList<>();
            lab.azureSql().tapClientMessages(m -> {
                synchronized (seen) {
                    seen.add(m);
                }
            });

            SQLServerDataSource callback = SqlLabClient.dataSource(lab, "sql1", "db1", false);
            callback.setAccessTokenCallback((spn, sts) -> new SqlAuthenticationToken(token,
                new java.util.Date(System.currentTimeMillis() + 3_600_000)));
            List<TdsMessage> msal = capture(seen, callback, "SELECT SUSER_SNAME(), USER_NAME()");
            write(out, "prelogin-fedauth", msal.get(0));
            write(out, "login7-msal", msal.get(1));
            write(out, "fedauth-token", msal.get(2));
            write(out, "sqlbatch-whoami", msal.get(3));

            SQLServerDataSource staticToken = SqlLabClient.dataSource(lab, "sql1", "db1", true);
            staticToken.setAccessToken(token);
            List<TdsMessage> security = capture(seen, staticToken, "CREATE USER [vm2] FROM EXTERNAL PROVIDER");
            write(out, "prelogin-strict-fedauth", security.get(0));
            write(out, "login7-securitytoken", security.get(1));

            SQLServerDataSource password = SqlLabClient.dataSource(lab, "sql1", "db1", false);
            password.setUser("sqladmin");
            password.setPassword("Adm1n-Passw0rd!");
            List<TdsMessage> sql = capture(seen, password, "SELECT 1");
            write(out, "prelogin-sqlauth", sql.get(0));
            write(out, "login7-sqlauth", sql.get(1));
            write(out, "sqlbatch-select1", sql.get(2));

            db.seed("CREATE TABLE dbo.Captured (Id int PRIMARY KEY, I int, BI bigint, NV nvarchar(50), D decimal(10,2),"
                + " F float, B bit, DT2 datetime2, DTO datetimeoffset, G uniqueidentifier, VB varbinary(max), DA date,"
                + " T time)");
            synchronized (seen) {
                seen.clear();
            }
            try (Connection c = password.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO dbo.Captured VALUES (?, ?, ?, ?, ?, ?, ?,"
                    + " ?, ?, ?, ?, ?, ?)")) {
                    for (int id = 1; id <= 3; id++) {
                        bindAllTypes(ps, id);
                        ps.executeUpdate();
                    }
                    for (int id = 4; id <= 6; id++) {
                        bindAllTypes(ps, id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
            List<TdsMessage> rpc = List.copyOf(seen);
            write(out, "sqlbatch-implicit-transactions", byType(rpc, PacketType.SQL_BATCH, 0));
            write(out, "rpc-executesql", byType(rpc, PacketType.RPC, 0));
            write(out, "rpc-prepexec", byType(rpc, PacketType.RPC, 1));
            write(out, "rpc-execute", byType(rpc, PacketType.RPC, 2));
            write(out, "rpc-batch", byType(rpc, PacketType.RPC, 3));
        }
    }

    /** Every type the codec reads, one parameter each; the last row's values are NULL where they can be. */
    private static void bindAllTypes(PreparedStatement ps, int id) throws java.sql.SQLException {
        boolean nulls = id % 3 == 0;
        ps.setInt(1, id);
        ps.setInt(2, -id);
        ps.setLong(3, 1L << 40);
        ps.setString(4, nulls ? null : "Zoë " + id);
        ps.setBigDecimal(5, nulls ? null : new java.math.BigDecimal("-12.34"));
        ps.setDouble(6, Math.E);
        ps.setBoolean(7, id % 2 == 0);
        ps.setObject(8, java.time.LocalDateTime.of(2025, 1, 2, 3, 4, 5, 600_000_000));
        ps.setObject(9, nulls ? null : java.time.OffsetDateTime.parse("2025-01-02T03:04:05.123+01:00"));
        ps.setObject(10, java.util.UUID.fromString("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
        ps.setBytes(11, nulls ? null : new byte[] {1, 2, 3});
        ps.setObject(12, java.time.LocalDate.of(2025, 1, 2));
        ps.setObject(13, java.time.LocalTime.of(10, 11, 12));
    }

    private static TdsMessage byType(List<TdsMessage> messages, int type, int index) {
        return messages.stream().filter(m -> m.type() == type).skip(index).findFirst().orElseThrow();
    }

    private static List<TdsMessage> capture(List<TdsMessage> seen, SQLServerDataSource ds, String sql)
        throws Exception {
        synchronized (seen) {
            seen.clear();
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            // a refused statement is still captured
        }
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    private static void write(Path dir, String name, TdsMessage message) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# mssql-jdbc 13.6.2 ").append(PacketType.name(message.type())).append(" message payload\n");
        b.append(String.format("type=0x%02X%n", message.type()));
        String hex = HexFormat.of().formatHex(message.payload());
        for (int i = 0; i < hex.length(); i += 64) {
            b.append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
        }
        Files.writeString(dir.resolve(name + ".hex"), b.toString());
    }
}
