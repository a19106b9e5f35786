package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;

/** Azure SQL closes a logged-in connection that stays silent too long; a lab setting shortens the 30 minutes. */
class SqlIdleSessionTimeoutIT {

    @Test
    void aConnectionIdleLongerThanTheTimeoutIsClosedAndANewOneLogsIn() throws Exception {
        try (Lab lab = Lab.start()) {
            SqlServer server = lab.azureSql().createServer("sqlidle");
            server.createDatabase("dbidle");
            ServicePrincipal admin = lab.createUserAssignedIdentity("sqlidle-admin").principal();
            server.setEntraAdmin(admin);
            SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sqlidle", "dbidle", true);
            ds.setAccessToken(lab.tokens().issueManagedIdentityToken(admin, ResourceApplications.AZURE_SQL)
                .accessToken());
            try (Connection warmUp = ds.getConnection()) {
                SqlLabClient.single(warmUp, "SELECT 0");
            }
            lab.settings().sqlIdleSessionTimeout(Duration.ofSeconds(1));

            try (Connection idle = ds.getConnection()) {
                assertThat(SqlLabClient.single(idle, "SELECT 1")).isEqualTo("1");
                Thread.sleep(2000);
                assertThatThrownBy(() -> SqlLabClient.single(idle, "SELECT 1")).isInstanceOf(SQLException.class);
                assertThat(idle.isValid(2)).isFalse();
            }
            try (Connection again = ds.getConnection()) {
                assertThat(SqlLabClient.single(again, "SELECT 2")).isEqualTo("2");
            }
        }
    }

    @Test
    void theDefaultIsAzureSqlsThirtyMinutes() {
        try (Lab lab = Lab.start()) {
            assertThat(lab.settings().sqlIdleSessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        }
    }
}
