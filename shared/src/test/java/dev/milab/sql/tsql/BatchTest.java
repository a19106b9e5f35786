package dev.milab.sql.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Statement boundaries as SQL Server finds them, with and without semicolons. */
class BatchTest {

    /** The statements of a batch as text, IF and blocks written out as {@code IF(cond){…}else{…}} and {@code {…}}. */
    static List<String> split(String sql) {
        Batch batch = Batch.parse(sql);
        List<String> out = new ArrayList<>();
        batch.statements().forEach(s -> out.add(show(batch.source(), s)));
        return out;
    }

    static String show(String source, Statement s) {
        if (s instanceof Statement.Simple simple) {
            return simple.text(source);
        }
        if (s instanceof Statement.Block block) {
            List<String> inner = new ArrayList<>();
            block.statements().forEach(i -> inner.add(show(source, i)));
            return "{" + String.join(" | ", inner) + "}";
        }
        Statement.If branch = (Statement.If) s;
        String condition = source.substring(branch.condition().get(0).start(),
            branch.condition().get(branch.condition().size() - 1).end());
        return "IF(" + condition + ")" + show(source, branch.then())
            + (branch.otherwise() == null ? "" : " else " + show(source, branch.otherwise()));
    }

    @Test
    void whatMssqlJdbcSendsForTransactionsAndKeys() {
        assertThat(split("set implicit_transactions off IF @@TRANCOUNT > 0 COMMIT TRAN "))
            .containsExactly("set implicit_transactions off", "IF(@@TRANCOUNT > 0)COMMIT TRAN");
        assertThat(split("IF @@TRANCOUNT = 0 BEGIN BEGIN TRAN IF @@TRANCOUNT = 2 COMMIT TRAN END SAVE TRAN [sp1]"))
            .containsExactly("IF(@@TRANCOUNT = 0){BEGIN TRAN | IF(@@TRANCOUNT = 2)COMMIT TRAN}", "SAVE TRAN [sp1]");
        assertThat(split("INSERT INTO t (a) VALUES (1) select SCOPE_IDENTITY() AS GENERATED_KEYS where "
            + "SCOPE_IDENTITY() is not null")).containsExactly("INSERT INTO t (a) VALUES (1)",
            "select SCOPE_IDENTITY() AS GENERATED_KEYS where SCOPE_IDENTITY() is not null");
        assertThat(split("EXEC sp_unprepare 1;EXEC sp_unprepare 2;"))
            .containsExactly("EXEC sp_unprepare 1", "EXEC sp_unprepare 2");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INSERT INTO t SELECT a FROM u UNION ALL SELECT b FROM v|1",
        "UPDATE t SET a = 1 WHERE b IN (SELECT c FROM u) SET NOCOUNT ON|2",
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u(id) ON DELETE CASCADE ON UPDATE SET NULL|1",
        "ALTER TABLE t DROP COLUMN a ALTER TABLE t ALTER COLUMN b int|2",
        "DROP TABLE IF EXISTS t CREATE TABLE t (id int)|2",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON dbo.Orders TO app WITH GRANT OPTION SELECT 1|2",
        "WITH c AS (SELECT 1 AS x) SELECT * FROM c WITH (NOLOCK)|1",
        "WITH c AS (SELECT 1 AS x) INSERT INTO t SELECT x FROM c SELECT 2|2",
        "SELECT CASE WHEN a = 1 THEN 'x' ELSE 'y' END FROM t|1",
        "CREATE VIEW v AS SELECT 1 AS a; SELECT 2|1",
        "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET a = u.a WHEN NOT MATCHED THEN INSERT (a)"
            + " VALUES (u.a);SELECT 1|2",
        "CREATE USER [x] FROM EXTERNAL PROVIDER WITH OBJECT_ID = 'abc' SELECT 1|2",
        "COMMIT TRAN WITH ( DELAYED_DURABILITY =  ON )|1",
        "SELECT 1 SELECT 2; SELECT 3|3"})
    void statementsEndWhereTheNextOneStarts(String sql, int count) {
        assertThat(split(sql)).as(sql).hasSize(count);
    }

    @Test
    void ifElseAndBlocksNest() {
        assertThat(split("IF OBJECT_ID(N'dbo.t') IS NULL CREATE TABLE dbo.t (id int) ELSE BEGIN DELETE FROM dbo.t; "
            + "INSERT INTO dbo.t VALUES (1) END SELECT 1")).containsExactly(
            "IF(OBJECT_ID(N'dbo.t') IS NULL)CREATE TABLE dbo.t (id int) else {DELETE FROM dbo.t | "
                + "INSERT INTO dbo.t VALUES (1)}", "SELECT 1");
        assertThat(split("IF EXISTS (SELECT 1 FROM t) SELECT 1; ELSE SELECT 2"))
            .containsExactly("IF(EXISTS (SELECT 1 FROM t))SELECT 1 else SELECT 2");
    }

    @Test
    void malformedBatchesAreSqlServersErrors() {
        assertThatThrownBy(() -> split("BEGIN SELECT 1")).isInstanceOf(TsqlException.class)
            .hasMessage("Incorrect syntax near '1'.");
        assertThatThrownBy(() -> split("END")).hasMessage("Incorrect syntax near 'END'.");
        assertThatThrownBy(() -> split("IF 1 = 1")).hasMessage("Incorrect syntax near '1'.");
        assertThatThrownBy(() -> split("SELECT 'open")).isInstanceOf(TsqlException.class).satisfies(e ->
            assertThat(((TsqlException) e).number()).isEqualTo(105));
        assertThatThrownBy(() -> split("SELECT 1 /* no end")).satisfies(e ->
            assertThat(((TsqlException) e).number()).isEqualTo(113));
    }
}
