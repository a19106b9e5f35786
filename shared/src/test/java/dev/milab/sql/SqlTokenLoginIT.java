package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.Date;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

import dev.milab.arm.VirtualMachine;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/** mssql-jdbc logs in with Entra tokens over real sockets, TDS 8.0 (strict) and TDS 7.4. */
class SqlTokenLoginIT {

    static Lab lab;
    static ServicePrincipal vm;

    @BeforeAll
    static void createServer() {
        lab = SharedLab.get();
        SqlServer server = lab.createSqlServer("sqltok");
        server.createDatabase("dbtok");
        ServicePrincipal admin = lab.createUserAssignedIdentity("sqltok-admin").principal();
        server.setEntraAdmin(admin);
        lab.createVirtualMachine("sqltokvm");
        VirtualMachine v = lab.enableSystemAssignedIdentity("sqltokvm");
        vm = v.systemAssigned();
        lab.sqlServer("sqltok").database("dbtok").orElseThrow().createExternalUser("sqltokvm", vm.appId(),
            vm.objectId());
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aContainedUserLogsInWithATokenFromTheCallback(boolean strict) throws Exception {
        String token = lab.tokens().issueManagedIdentityToken(vm, ResourceApplications.AZURE_SQL).accessToken();
        try (Connection c = SqlLabClient.withCallback(lab, "sqltok", "dbtok", strict,
            (spn, sts) -> new SqlAuthenticationToken(token, new Date(System.currentTimeMillis() + 3600_000)))
            .getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT SUSER_SNAME()")).isEqualTo(vm.appId() + "@" + lab.tenant().id());
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("sqltokvm");
            assertThat(SqlLabClient.single(c, "SELECT DB_NAME()")).isEqualTo("dbtok");
            assertThat(c.isValid(5)).isTrue();
        }
    }
}
