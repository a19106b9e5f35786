package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/** Several sessions at once: good and bad logins side by side, and a session that fails ends only itself. */
class SqlConcurrentSessionsIT {

    @Test
    void goodAndBadLoginsRunSideBySideAndAFailureEndsOnlyItsSession() throws Exception {
        Lab lab = SharedLab.get();
        SqlFixtures.sql1();
        ServicePrincipal vm = SqlFixtures.vm();
        ServicePrincipal outsider = lab.createUserAssignedIdentity("sqlconc-outsider").principal();
        String good = lab.tokens().issueManagedIdentityToken(vm, ResourceApplications.AZURE_SQL).accessToken();
        String bad = lab.tokens().issueManagedIdentityToken(outsider, ResourceApplications.AZURE_SQL).accessToken();

        SQLServerDataSource longLived = SqlLabClient.dataSource(lab, "sql1", "db1", true);
        longLived.setAccessToken(good);
        try (Connection kept = longLived.getConnection()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    boolean expectSuccess = i % 3 != 0;
                    boolean strict = i % 2 == 0;
                    results.add(pool.submit(() -> {
                        SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sql1", "db1", strict);
                        ds.setAccessToken(expectSuccess ? good : bad);
                        try (Connection c = ds.getConnection()) {
                            return SqlLabClient.single(c, "SELECT USER_NAME()").equals("sql1-vm") && expectSuccess;
                        } catch (SQLException e) {
                            return !expectSuccess && e.getErrorCode() == 18456;
                        }
                    }));
                    if (i % 16 == 0) {
                        try (Socket garbage = new Socket("127.0.0.1", lab.sqlPort())) {
                            OutputStream out = garbage.getOutputStream();
                            out.write(new byte[] {0x12, 1, 0, 9, 0, 0, 1, 0, (byte) 0xFF});
                            out.flush();
                        }
                    }
                }
                for (Future<Boolean> r : results) {
                    assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(SqlLabClient.single(kept, "SELECT DB_NAME()")).isEqualTo("db1");
            assertThat(kept.isValid(5)).isTrue();
        }
    }
}
