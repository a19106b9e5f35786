package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Date;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SQLServerException;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;

import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * Every login kind with unmodified mssql-jdbc over real sockets, TDS 8.0 ({@code encrypt=strict}) and TDS 7.4
 * ({@code encrypt=true}), each success and each failure with Azure SQL's error number and text.
 */
class SqlLoginIT {

    static Lab lab;
    static ServicePrincipal admin;
    static ServicePrincipal member;
    static ServicePrincipal stranger;

    @BeforeAll
    static void createServer() {
        lab = SharedLab.get();
        SqlServer server = lab.azureSql().createServer("sqllogin");
        SqlDatabase db = server.createDatabase("dblogin");
        admin = lab.createUserAssignedIdentity("sqllogin-admin").principal();
        member = lab.createUserAssignedIdentity("sqllogin-app").principal();
        stranger = lab.createUserAssignedIdentity("sqllogin-stranger").principal();
        server.setEntraAdmin(admin);
        server.setSqlAdministrator("sqladmin", "Adm1n-Passw0rd!");
        db.createExternalUser("sqllogin-app", member.appId(), member.objectId());
        db.createSqlUser("appuser", "App-Passw0rd!");
        lab.azureSql().createServer("sqlnoadmin").createDatabase("dbnoadmin");
    }

    static String tokenFor(ServicePrincipal principal) {
        return lab.tokens().issueManagedIdentityToken(principal, ResourceApplications.AZURE_SQL).accessToken();
    }

    static SQLServerDataSource callback(String server, String db, boolean strict, String token) {
        return SqlLabClient.withCallback(lab, server, db, strict,
            (spn, sts) -> new SqlAuthenticationToken(token, new Date(System.currentTimeMillis() + 3_600_000)));
    }

    static SQLServerDataSource staticToken(String server, String db, boolean strict, String token) {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, server, db, strict);
        ds.setAccessToken(token);
        return ds;
    }

    static SQLServerDataSource password(String db, boolean strict, String user, String password) {
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sqllogin", db, strict);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    static void assertLoginFails(SQLServerDataSource ds, int number, String message) {
        assertThatThrownBy(() -> ds.getConnection().close()).isInstanceOf(SQLServerException.class)
            .satisfies(e -> {
                assertThat(((SQLException) e).getErrorCode()).isEqualTo(number);
                assertThat(e.getMessage()).startsWith(message);
            });
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void theEntraAdminLogsInAsDbo(boolean strict) throws Exception {
        try (Connection c = callback("sqllogin", "dblogin", strict, tokenFor(admin)).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("dbo");
            assertThat(SqlLabClient.single(c, "SELECT SUSER_SNAME()")).isEqualTo(admin.appId() + "@"
                + lab.tenant().id());
        }
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aStaticAccessTokenTravelsInsideLogin7(boolean strict) throws Exception {
        try (Connection c = staticToken("sqllogin", "dblogin", strict, tokenFor(member)).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT CURRENT_USER")).isEqualTo("sqllogin-app");
            assertThat(SqlLabClient.single(c, "SELECT ORIGINAL_LOGIN()")).isEqualTo(member.appId() + "@"
                + lab.tenant().id());
        }
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aTokenCallbackClassIsAskedForTheSqlResource(boolean strict) throws Exception {
        LabTokenCallback.token = tokenFor(member);
        SQLServerDataSource ds = SqlLabClient.dataSource(lab, "sqllogin", "dblogin", strict);
        ds.setAccessTokenCallbackClass(LabTokenCallback.class.getName());
        try (Connection c = ds.getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("sqllogin-app");
        }
        assertThat(LabTokenCallback.lastSpn).isEqualTo("https://database.windows.net/");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void sqlAuthenticationWorksForTheServerAdminAndAContainedUser(boolean strict) throws Exception {
        try (Connection c = password("dblogin", strict, "sqladmin", "Adm1n-Passw0rd!").getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("dbo");
            assertThat(SqlLabClient.single(c, "SELECT SUSER_SNAME()")).isEqualTo("sqladmin");
        }
        try (Connection c = password("dblogin", strict, "appuser", "App-Passw0rd!").getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("appuser");
        }
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aWrongPasswordIsLoginFailedForThatUser(boolean strict) {
        assertLoginFails(password("dblogin", strict, "appuser", "wrong"), 18456,
            "Login failed for user 'appuser'.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aPrincipalWithoutAUserIsRefusedAsTheTokenIdentifiedPrincipal(boolean strict) {
        assertLoginFails(callback("sqllogin", "dblogin", strict, tokenFor(stranger)), 18456,
            "Login failed for user '<token-identified principal>'.");
        assertLoginFails(staticToken("sqllogin", "dblogin", strict, tokenFor(stranger)), 18456,
            "Login failed for user '<token-identified principal>'.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aContainedUserCannotLogInToMaster(boolean strict) {
        assertLoginFails(callback("sqllogin", "master", strict, tokenFor(member)), 18456,
            "Login failed for user '<token-identified principal>'.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void anExpiredTokenIsRefused(boolean strict) {
        String token = tokenFor(member);
        lab.clock().advance(Duration.ofHours(25));
        try {
            assertLoginFails(callback("sqllogin", "dblogin", strict, token), 18456,
                "Login failed for user '<token-identified principal>'. Token is expired.");
        } finally {
            lab.clock().reset();
        }
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aTokenForAnotherAudienceIsRefused(boolean strict) {
        String armToken = lab.tokens().issueManagedIdentityToken(member, ResourceApplications.ARM).accessToken();
        assertLoginFails(staticToken("sqllogin", "dblogin", strict, armToken), 18456,
            "Login failed for user '<token-identified principal>'. The server is not currently configured to accept"
                + " this token.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aServerWithoutAnEntraAdminAcceptsNoToken(boolean strict) {
        assertLoginFails(callback("sqlnoadmin", "dbnoadmin", strict, tokenFor(admin)), 18456,
            "Login failed for user '<token-identified principal>'. The server is not currently configured to accept"
                + " this token.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void anUnknownDatabaseCannotBeOpened(boolean strict) {
        assertLoginFails(callback("sqllogin", "nodb", strict, tokenFor(admin)), 4060,
            "Cannot open database \"nodb\" requested by the login. The login failed.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void aTokenStaysValidAfterItsIdentityIsDeleted(boolean strict) throws Exception {
        ServicePrincipal doomed = lab.createUserAssignedIdentity("sqllogin-doomed-" + strict).principal();
        lab.sqlServer("sqllogin").database("dblogin").orElseThrow().createExternalUser("doomed-" + strict,
            doomed.appId(), doomed.objectId());
        String token = tokenFor(doomed);
        lab.directory().delete(doomed.objectId());
        try (Connection c = staticToken("sqllogin", "dblogin", strict, token).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("doomed-" + strict);
        }
    }

    @org.junit.jupiter.api.Test
    void theEntraAdminThatResourceManagerSetsIsTheOneThatLogsIn() throws Exception {
        ServicePrincipal armAdmin = lab.createUserAssignedIdentity("sqlarm-admin").principal();
        lab.createSqlServer("sqlarm");
        lab.createSqlDatabase("sqlarm", "dbarm");
        assertLoginFails(staticToken("sqlarm", "dbarm", true, tokenFor(armAdmin)), 18456,
            "Login failed for user '<token-identified principal>'. The server is not currently configured to accept"
                + " this token.");

        lab.resources().setSqlEntraAdmin(Lab.DEFAULT_RESOURCE_GROUP, "sqlarm", new dev.milab.arm.SqlServer
            .SqlEntraAdmin("sqlarm-admin", armAdmin.appId(), lab.tenant().id(), "Application", false));
        try (Connection c = staticToken("sqlarm", "dbarm", true, tokenFor(armAdmin)).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT USER_NAME()")).isEqualTo("dbo");
        }

        lab.resources().setSqlEntraAdmin(Lab.DEFAULT_RESOURCE_GROUP, "sqlarm", null);
        assertLoginFails(staticToken("sqlarm", "dbarm", true, tokenFor(armAdmin)), 18456,
            "Login failed for user '<token-identified principal>'. The server is not currently configured to accept"
                + " this token.");
    }

    @ParameterizedTest(name = "strict={0}")
    @ValueSource(booleans = {true, false})
    void whoAmIFunctionsAnswerAsAzureSqlDoes(boolean strict) throws Exception {
        try (Connection c = callback("sqllogin", "dblogin", strict, tokenFor(member)).getConnection()) {
            assertThat(SqlLabClient.single(c, "SELECT SUSER_NAME()")).isEqualTo(member.appId() + "@"
                + lab.tenant().id());
            assertThat(SqlLabClient.single(c, "select @@version")).startsWith("Microsoft SQL Azure (RTM) - 12.0.2000.8");
            assertThat(SqlLabClient.single(c, "SELECT 1")).isEqualTo("1");
            assertThat(c.getMetaData().getDatabaseProductVersion()).isEqualTo("12.00.2000");
            assertThat(c.getCatalog()).isEqualTo("dblogin");
        }
    }
}
