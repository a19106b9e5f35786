package dev.milab.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;

/** The seed example in shared/README.md runs as written (the README is read, so the two cannot drift). */
class ReadmeSeedExampleTest {

    static String seedExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf(".seed(\"\"\"\n");
        int end = readme.indexOf("\"\"\");", start);
        assertThat(start).as("the README's seed example").isPositive();
        return readme.substring(start + ".seed(\"\"\"\n".length(), end).stripIndent();
    }

    @Test
    void theReadmesSeedExampleRunsAndItsUserReadsTheOrders() throws Exception {
        try (Lab lab = Lab.start()) {
            lab.createSqlServer("sql1");
            lab.createSqlDatabase("sql1", "db1");
            lab.createVirtualMachine("vm1");
            lab.enableSystemAssignedIdentity("vm1");
            SqlDatabase db = lab.sqlServer("sql1").database("db1").orElseThrow();
            db.seed(seedExample());

            assertThat(db.user("vm1").orElseThrow().roles()).containsExactly(DatabaseRole.DB_DATAREADER);
            SessionIdentity vm1 = new SessionIdentity("vm1", "vm1", true, false, db.user("vm1").orElseThrow());
            StatementResults results = new StatementResults();
            try (SqlSession session = new SqlSession(new SqlSessionContext(db.server(), db, vm1, 70))) {
                lab.azureSql().engine().batch(session, "SELECT Customer FROM dbo.Orders ORDER BY Id; "
                    + "DELETE FROM dbo.Orders", results);
            }
            StatementResult.Rows rows = (StatementResult.Rows) results.results().get(0);
            assertThat(rows.rows()).containsExactly(List.of("Zoë"), List.of("Ana"));
            assertThat(results.firstError().orElseThrow().number()).isEqualTo(229);
        }
    }
}
