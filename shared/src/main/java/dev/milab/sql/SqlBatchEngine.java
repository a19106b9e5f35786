package dev.milab.sql;

import java.util.List;

/**
 * Runs a SQL batch for a logged-in session: the seam where a query engine plugs in. The lab's
 * {@link IdentityStatementEngine} answers identity statements and hands everything else to the next engine (the
 * next issue puts H2 there).
 */
@FunctionalInterface
public interface SqlBatchEngine {

    /** The results of the batch's statements, in order; an error stops the batch as in SQL Server. */
    List<StatementResult> execute(SqlSessionContext session, String batch);

    /** The engine used until a real one plugs in: it runs nothing and says so. */
    SqlBatchEngine NOTHING_YET = (session, batch) -> List.of(new StatementResult.Failed(
        AzureSqlErrors.notSupportedYet(batch.strip())));
}
