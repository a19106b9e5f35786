package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import dev.milab.entra.FirstPartyClients;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.User;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * A user, not a service principal, at Azure SQL with unmodified mssql-jdbc: the learner's delegated token (issued at
 * the Azure CLI) names the learner by object id, a database user is made for it by its user principal name, and the
 * login is reported as that name, as Azure SQL reports a user's.
 */
class SqlUserLoginIT {

    static Lab lab;
    static ServicePrincipal admin;
    static User learner;

    @BeforeAll
    static void createServer() {
        lab = SharedLab.get();
        SqlServer server = lab.azureSql().createServer("sqlusr");
        server.createDatabase("dbusr");
        admin = lab.createUserAssignedIdentity("sqlusr-admin").principal();
        server.setEntraAdmin(admin);
        learner = lab.learner();
    }

    private static SQLServerDataSource asLearner() {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sqlusr", "dbusr", true);
        ds.setAccessToken(lab.tokens().issueUserToken(learner, FirstPartyClients.AZURE_CLI,
            ResourceApplications.AZURE_SQL, "user_impersonation", Duration.ofHours(1)).accessToken());
        return ds;
    }

    @Test
    void theLearnerLogsInOnceTheAdminMadeItADatabaseUserByItsUserPrincipalName() throws Exception {
        assertThatThrownBy(() -> asLearner().getConnection().close()).hasMessageStartingWith(
            "Login failed for user '<token-identified principal>'.");

        SQLServerDataSource asAdmin = SqlLabClient.dataSource(lab, "sqlusr", "dbusr", true);
        asAdmin.setAccessToken(lab.tokens().issueManagedIdentityToken(admin, ResourceApplications.AZURE_SQL)
            .accessToken());
        try (Connection c = asAdmin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE USER [learner@milab.onmicrosoft.com] FROM EXTERNAL PROVIDER");
        }
        assertThat(lab.sqlServer("sqlusr").database("dbusr").orElseThrow().user("learner@milab.onmicrosoft.com")
            .orElseThrow().sid()).isEqualTo(learner.objectId());

        try (Connection c = asLearner().getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("learner@milab.onmicrosoft.com");
            assertThat(SqlLabClient.single(c, "SELECT SUSER_SNAME()")).isEqualTo("learner@milab.onmicrosoft.com");
        }
    }
}
