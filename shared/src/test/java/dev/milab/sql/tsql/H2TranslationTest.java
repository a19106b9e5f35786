package dev.milab.sql.tsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What H2 gets: the statement as written, but for the parts H2 lacks. */
class H2TranslationTest {

    static final H2Translation.Context CONTEXT = new H2Translation.Context() {
        @Override
        public String systemVariable(String name) {
            return name.equals("@@TRANCOUNT") ? "1" : null;
        }

        @Override
        public String identityValue(String name) {
            return name.equals("DB_NAME") ? "db1" : "app's";
        }

        @Override
        public String databaseName() {
            return "db1";
        }

        @Override
        public boolean isParameter(String name) {
            return Set.of("@p0", "@p1").contains(name.toLowerCase());
        }

        @Override
        public String catalogView(String schema, String view, String written) {
            if (!(schema + "." + view).equals("INFORMATION_SCHEMA.TABLES")) {
                throw new TsqlException(208, "Invalid object name '" + written + "'.");
            }
            return "(SELECT N'Orders' AS TABLE_NAME)";
        }

        @Override
        public long maxValueBytes() {
            return 1000;
        }
    };

    static H2Translation.Result translate(String sql) {
        Statement.Simple s = (Statement.Simple) Batch.parse(sql).statements().get(0);
        return H2Translation.translate(sql, s.tokens(), CONTEXT);
    }

    @Test
    void parametersBecomeQuestionMarksInOrder() {
        H2Translation.Result r = translate("SELECT * FROM t WHERE a = @P1 AND b = @P0 OR c = @P1");
        assertThat(r.sql()).isEqualTo("SELECT * FROM t WHERE a = ? AND b = ? OR c = ?");
        assertThat(r.parameters()).containsExactly("@P1", "@P0", "@P1");
        assertThatThrownBy(() -> translate("SELECT @x")).isInstanceOf(TsqlException.class)
            .hasMessage("Must declare the scalar variable \"@x\".");
    }

    @Test
    void sessionValuesAndClockFunctionsBecomeLiteralsAndH2Expressions() {
        assertThat(translate("SELECT @@TRANCOUNT, USER_NAME(), DB_NAME(), CURRENT_USER, SYSUTCDATETIME()").sql())
            .isEqualTo("SELECT 1, N'app''s', N'db1', N'app''s', CAST(CURRENT_TIMESTAMP(7) AT TIME ZONE 'UTC' AS "
                + "TIMESTAMP(7))");
        assertThat(translate("SELECT IIF(a > @P0, N'big', N'small') FROM t").sql())
            .isEqualTo("SELECT CASE WHEN a > ? THEN N'big' ELSE N'small' END FROM t");
    }

    @Test
    void countAndLenAreCastToIntAndCountBigIsH2sCount() {
        assertThat(translate("SELECT COUNT(*), count(DISTINCT a), LEN(b), COUNT_BIG(*) FROM t").sql())
            .isEqualTo("SELECT CAST(COUNT(*) AS INT), CAST(count(DISTINCT a) AS INT), CAST(LENGTH(RTRIM(b)) AS INT), "
                + "COUNT(*) "
                + "FROM t");
        assertThat(translate("SELECT a FROM t GROUP BY a HAVING COUNT(*) > @P0").sql())
            .isEqualTo("SELECT a FROM t GROUP BY a HAVING CAST(COUNT(*) AS INT) > ?");
    }

    @Test
    void aWindowedCountKeepsItsOverClauseInsideTheCast() {
        assertThat(translate("SELECT COUNT(*) OVER (PARTITION BY a), COUNT_BIG(b) OVER (ORDER BY b) FROM t").sql())
            .isEqualTo("SELECT CAST(COUNT(*) OVER (PARTITION BY a) AS INT), COUNT(b) OVER (ORDER BY b) FROM t");
    }

    @Test
    void aColumnOrAQualifiedFunctionNamedCountIsLeftAlone() {
        assertThat(translate("SELECT count, dbo.COUNT(a), LEN(COUNT_BIG(*)) FROM t").sql())
            .isEqualTo("SELECT count, dbo.COUNT(a), CAST(LENGTH(RTRIM(COUNT(*))) AS INT) FROM t");
    }

    @Test
    void typesH2LacksBecomeTheirNearestH2Types() {
        assertThat(translate("CREATE TABLE t (time time, at datetimeoffset(3), d datetime2, small tinyint NOT NULL,"
            + " m money, CONSTRAINT pk PRIMARY KEY (time))").sql())
            .isEqualTo("CREATE TABLE t (time TIME(7), at TIMESTAMP(3) WITH TIME ZONE, d TIMESTAMP(7), small "
                + "PUBLIC.MILAB_TINYINT NOT NULL, m DECIMAL(19,4), CONSTRAINT pk PRIMARY KEY (time))");
        assertThat(translate("SELECT CAST(x AS datetimeoffset), CONVERT(tinyint, y), time FROM t").sql())
            .isEqualTo("SELECT CAST(x AS TIMESTAMP(7) WITH TIME ZONE), CONVERT(PUBLIC.MILAB_TINYINT, y), time FROM t");
        assertThat(translate("ALTER TABLE t ADD created datetime2(3), n int").sql())
            .isEqualTo("ALTER TABLE t ADD created TIMESTAMP(3), n int");
    }

    @Test
    void theCurrentDatabaseDropsOutOfThreePartNames() {
        assertThat(translate("SELECT * FROM db1.dbo.Orders JOIN [db1]..Lines ON 1 = 1").sql())
            .isEqualTo("SELECT * FROM dbo.Orders JOIN dbo.Lines ON 1 = 1");
    }

    @Test
    void aCatalogViewBecomesTheSessionsRowsHoweverItIsSpelledAndKeepsItsAlias() {
        assertThat(translate("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE 1 = 1").sql())
            .isEqualTo("SELECT TABLE_NAME FROM (SELECT N'Orders' AS TABLE_NAME) AS \"TABLES\" WHERE 1 = 1");
        assertThat(translate("SELECT t.TABLE_NAME FROM [information_schema].[tables] t").sql())
            .isEqualTo("SELECT t.TABLE_NAME FROM (SELECT N'Orders' AS TABLE_NAME) t");
        assertThat(translate("SELECT * FROM db1.INFORMATION_SCHEMA.TABLES AS x").sql())
            .isEqualTo("SELECT * FROM (SELECT N'Orders' AS TABLE_NAME) AS x");
        assertThatThrownBy(() -> translate("SELECT * FROM INFORMATION_SCHEMA.SESSIONS"))
            .isInstanceOfSatisfying(TsqlException.class, e -> assertThat(e.number()).isEqualTo(208));
        assertThatThrownBy(() -> translate("SELECT sys.fn_secret(1)"))
            .isInstanceOfSatisfying(TsqlException.class, e -> assertThat(e.number()).isEqualTo(4121));
    }

    @Test
    void replicateAndSpaceBecomeTheBoundedFunctionsAndH2sGeneratorsAreUnknown() {
        assertThat(translate("SELECT REPLICATE(N'ab', @P0), SPACE(3) FROM t").sql())
            .isEqualTo("SELECT PUBLIC.MILAB_REPLICATE(N'ab', ?, 1000), PUBLIC.MILAB_SPACE(3, 1000) FROM t");
        for (String bomb : List.of("SELECT REPEAT('a', 9)", "SELECT * FROM SYSTEM_RANGE(1, 9)", "SELECT LPAD('a', 9)")) {
            assertThatThrownBy(() -> translate(bomb)).as(bomb)
                .isInstanceOfSatisfying(TsqlException.class, e -> assertThat(e.number()).isEqualTo(195));
        }
        assertThat(translate("SELECT session_id, repeat FROM t").sql()).as("columns with such names")
            .isEqualTo("SELECT session_id, repeat FROM t");
    }
}
