package dev.milab.sql;

/**
 * A login as Azure SQL decided it, for whoever watches logins (the lab's trace).
 *
 * @param serverName the lab server that decided, or the name the client gave if the lab has no such server
 * @param database   the database the client asked for; empty for the login's default ({@code master})
 * @param token      the Entra access token the client presented (FEDAUTH), or null for a SQL login
 * @param result     the session identity, or the errors sent to the client
 */
public record LoginAttempt(String serverName, String database, String token, LoginResult result) {
}
