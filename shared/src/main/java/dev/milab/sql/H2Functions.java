package dev.milab.sql;

import java.sql.SQLException;

/**
 * The T-SQL functions the lab defines in each H2 database (as Java functions, {@code CREATE ALIAS}) because H2's
 * nearest ones would build any value asked of them: {@code REPLICATE} and {@code SPACE} check the size of what they
 * would make against the query's bound (passed by the translation) first, and answer SQL Server's 701 over it.
 * Public for H2, which calls them by reflection; not an API.
 */
public final class H2Functions {

    /** The SQLException vendor code the lab's functions raise over the bound; the engine answers 701 for it. */
    public static final int OVER_MEMORY_BOUND = 701;

    private H2Functions() {
    }

    /** {@code REPLICATE(s, n)}: NULL for a NULL or a negative count, as SQL Server returns. */
    public static String replicate(String s, Long count, long maxBytes) throws SQLException {
        if (s == null || count == null || count < 0) {
            return null;
        }
        checkSize((long) s.length() * count, maxBytes);
        return s.repeat(count.intValue());
    }

    /** {@code SPACE(n)}: NULL for a NULL or a negative count. */
    public static String space(Long count, long maxBytes) throws SQLException {
        if (count == null || count < 0) {
            return null;
        }
        checkSize(count, maxBytes);
        return " ".repeat(count.intValue());
    }

    private static void checkSize(long chars, long maxBytes) throws SQLException {
        // UTF-16 on the wire and in the JVM: two bytes a character (an overflow is negative, so over too)
        if (chars < 0 || chars > maxBytes / 2 || chars > Integer.MAX_VALUE) {
            throw new SQLException(AzureSqlErrors.insufficientMemory().message(), "HY001", OVER_MEMORY_BOUND);
        }
    }
}
