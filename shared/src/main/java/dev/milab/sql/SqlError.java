package dev.milab.sql;

/**
 * An error as SQL Server numbers it: message number, state, severity (class) and text. Severity 14 is a
 * security error (18456), 16 a user error, 20 and up end the connection.
 */
public record SqlError(int number, int state, int severity, String message) {
}
