package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;
import dev.milab.sql.tds.ColMetadataToken;
import dev.milab.testing.SharedLab;

/** The identity statements and who-am-I selects, run as handlers: batch text in, results out, no socket. */
class IdentityStatementEngineTest {

    static Lab lab;
    static SqlSessionContext admin;

    @BeforeAll
    static void session() {
        lab = SharedLab.get();
        SqlServer server = lab.azureSql().createServer("sqlengine");
        SqlDatabase db = server.createDatabase("dbengine");
        admin = new SqlSessionContext(server, db, new SessionIdentity("app@tenant", "dbo", true, true, null), 60);
        lab.createUserAssignedIdentity("engine-id");
    }

    static List<StatementResult> run(String batch) {
        return lab.azureSql().engine().execute(admin, batch);
    }

    static SqlError error(StatementResult r) {
        return ((StatementResult.Failed) r).error();
    }

    @Test
    void whoAmIItemsMixWithLiteralsAndAliases() {
        List<StatementResult> results = run("-- who am I\nSELECT SUSER_SNAME() AS login, USER_NAME() [user], "
            + "DB_NAME(), 42, N'it''s' AS quote /* done */");
        StatementResult.Rows rows = (StatementResult.Rows) results.get(0);
        assertThat(rows.columns()).extracting(ColMetadataToken.Column::name)
            .containsExactly("login", "user", "", "", "quote");
        assertThat(rows.rows().get(0)).containsExactly("app@tenant", "dbo", "dbengine", 42, "it's");
    }

    @Test
    void statementsRunInOrderAndAnErrorStopsTheBatch() {
        List<StatementResult> results = run("CREATE USER [engine-id] FROM EXTERNAL PROVIDER; "
            + "CREATE USER [engine-id] FROM EXTERNAL PROVIDER; SELECT 1");
        assertThat(results).hasSize(2);
        assertThat(results.get(0)).isEqualTo(new StatementResult.Completed(-1));
        assertThat(error(results.get(1)).number()).isEqualTo(15023);
    }

    @Test
    void syntaxErrorsAreMsg102AndUnclosedQuotesMsg105() {
        assertThat(error(run("ALTER ROLE db_owner ADD [x]").get(0)).message())
            .isEqualTo("Incorrect syntax near 'x'.");
        assertThat(error(run("SELECT N'open").get(0)).number()).isEqualTo(105);
    }

    @Test
    void otherStatementsGoToTheNextEngine() {
        SqlError e = error(run("SELECT name FROM sys.tables").get(0));
        assertThat(e.number()).isEqualTo(50000);
        assertThat(e.message()).endsWith("SELECT name FROM sys.tables");
    }
}
