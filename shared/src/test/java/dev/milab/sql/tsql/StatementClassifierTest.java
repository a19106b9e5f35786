package dev.milab.sql.tsql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which objects a statement reads and writes, and with which permission: what the permission checks see. */
class StatementClassifierTest {

    static List<String> accesses(String sql) {
        Statement.Simple statement = (Statement.Simple) Batch.parse(sql).statements().get(0);
        return StatementClassifier.analyze(statement).accesses().stream()
            .map(a -> a.permission() + " " + a.object().key()).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM Orders|SELECT dbo.orders",
        "SELECT o.Id FROM dbo.Orders o JOIN [sales].[Leads] AS l ON l.Id = o.Id|SELECT dbo.orders,SELECT sales.leads",
        "SELECT * FROM a, b x WITH (NOLOCK), c|SELECT dbo.a,SELECT dbo.b,SELECT dbo.c",
        "SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)|SELECT dbo.t,SELECT dbo.u",
        "SELECT * FROM (SELECT id FROM inner_t) d CROSS APPLY f(d.id)|SELECT dbo.inner_t",
        "WITH c AS (SELECT * FROM base) SELECT * FROM c|SELECT dbo.base",
        "INSERT INTO dbo.Orders VALUES (1)|INSERT dbo.orders",
        "INSERT Orders (a) SELECT a FROM Staging|INSERT dbo.orders,SELECT dbo.staging",
        "UPDATE dbo.Orders SET q = 1|UPDATE dbo.orders",
        "UPDATE dbo.Orders SET q = 1 WHERE id = 2|UPDATE dbo.orders,SELECT dbo.orders",
        "UPDATE o SET q = 1 FROM dbo.Orders o JOIN Customers c ON c.id = o.cid|UPDATE dbo.orders,SELECT dbo.orders,"
            + "SELECT dbo.customers",
        "DELETE FROM Orders|DELETE dbo.orders",
        "DELETE Orders WHERE id IN (SELECT id FROM Old)|DELETE dbo.orders,SELECT dbo.orders,SELECT dbo.old",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN INSERT (a)"
            + " VALUES (s.a);|UPDATE dbo.t,INSERT dbo.t,SELECT dbo.s",
        "SELECT * FROM INFORMATION_SCHEMA.TABLES|SELECT information_schema.tables",
        "SELECT 1|"})
    void accessesPerStatement(String sql, String expected) {
        assertThat(accesses(sql)).as(sql).containsExactlyElementsOf(expected == null ? List.of()
            : List.of(expected.split(",")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CREATE TABLE dbo.t (id int)|CREATE_TABLE|dbo.t",
        "CREATE UNIQUE NONCLUSTERED INDEX ix ON dbo.t (id)|CREATE_INDEX|dbo.t",
        "ALTER TABLE t ADD c int|ALTER_TABLE|t",
        "DROP TABLE IF EXISTS dbo.t|DROP_TABLE|dbo.t",
        "TRUNCATE TABLE sales.Leads|TRUNCATE|sales.Leads",
        "CREATE OR ALTER VIEW v AS SELECT 1 AS a|CREATE_VIEW|v"})
    void ddlNamesItsObject(String sql, String kind, String object) {
        Statement.Simple statement = (Statement.Simple) Batch.parse(sql).statements().get(0);
        StatementAnalysis analysis = StatementClassifier.analyze(statement);
        assertThat(analysis.kind().name()).isEqualTo(kind);
        assertThat(analysis.ddlObject().written()).isEqualTo(object);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "UPDATE o SET q = 1 FROM dbo.Orders o|true",
        "UPDATE dbo.Orders SET q = (SELECT MAX(q) FROM dbo.Orders)|false",
        "DELETE o FROM dbo.Orders o JOIN x ON x.id = o.id|true",
        "DELETE FROM dbo.Orders WHERE id IN (SELECT id FROM x)|false",
        "DELETE dbo.Orders|false"})
    void updatesAndDeletesWithAFromClauseAreToldApart(String sql, boolean joined) {
        Statement.Simple statement = (Statement.Simple) Batch.parse(sql).statements().get(0);
        assertThat(StatementClassifier.analyze(statement).joinedTarget()).as(sql).isEqualTo(joined);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM db2.dbo.Orders|db2",
        "SELECT * FROM [db1]..[Orders]|db1"})
    void threePartNamesKeepTheirDatabase(String sql, String database) {
        Statement.Simple statement = (Statement.Simple) Batch.parse(sql).statements().get(0);
        assertThat(StatementClassifier.analyze(statement).accesses().get(0).object().database())
            .isEqualTo(database);
    }
}
