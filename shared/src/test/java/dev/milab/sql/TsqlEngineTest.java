package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;
import dev.milab.sql.tds.ColMetadataToken;
import dev.milab.testing.SharedLab;

/** The T-SQL front as a handler: batch text in, results out, no socket (H2 behind it, as for clients). */
class TsqlEngineTest {

    static Lab lab;
    static SqlSession admin;

    @BeforeAll
    static void session() {
        lab = SharedLab.get();
        SqlServer server = lab.azureSql().createServer("sqlengine");
        SqlDatabase db = server.createDatabase("dbengine");
        admin = new SqlSession(new SqlSessionContext(server, db, new SessionIdentity("app@tenant", "dbo", true,
            true, null), 60));
        lab.createUserAssignedIdentity("engine-id");
    }

    @AfterAll
    static void end() {
        admin.close();
    }

    static List<StatementResult> run(String batch) {
        StatementResults results = new StatementResults();
        lab.azureSql().engine().batch(admin, batch, results);
        return results.results();
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
    void statementsRunInOrderAndAStatementErrorEndsOnlyThatStatement() {
        List<StatementResult> results = run("CREATE USER [engine-id] FROM EXTERNAL PROVIDER; "
            + "CREATE USER [engine-id] FROM EXTERNAL PROVIDER; SELECT 1");
        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isEqualTo(new StatementResult.Completed(-1));
        assertThat(error(results.get(1)).number()).isEqualTo(15023);
        assertThat(results.get(2)).isInstanceOf(StatementResult.Rows.class);
    }

    @Test
    void syntaxErrorsAreMsg102AndUnclosedQuotesMsg105() {
        assertThat(error(run("ALTER ROLE db_owner ADD [x]").get(0)).message())
            .isEqualTo("Incorrect syntax near 'x'.");
        assertThat(error(run("SELECT N'open").get(0)).number()).isEqualTo(105);
    }

    @Test
    void statementsWithoutSemicolonsSplitWhereTheNextOneStarts() {
        List<StatementResult> results = run("CREATE TABLE dbo.Split (Id int IDENTITY(1,1) PRIMARY KEY, Name "
            + "nvarchar(20)) INSERT INTO dbo.Split (Name) VALUES (N'a') select SCOPE_IDENTITY() AS GENERATED_KEYS"
            + " where SCOPE_IDENTITY() is not null");
        assertThat(results).hasSize(3);
        assertThat(results.get(1)).isEqualTo(new StatementResult.Completed(1));
        StatementResult.Rows keys = (StatementResult.Rows) results.get(2);
        assertThat(keys.columns().get(0).name()).isEqualTo("GENERATED_KEYS");
        assertThat(((Number) keys.rows().get(0).get(0)).intValue()).isEqualTo(1);
    }

    @Test
    void whatTheLabDoesNotRunSaysSo() {
        SqlError e = error(run("DECLARE @x int = 1").get(0));
        assertThat(e.number()).isEqualTo(50000);
        assertThat(e.message()).endsWith("DECLARE @x int = 1");
    }
}
