package dev.milab.sql;

/**
 * The errors the lab's Azure SQL returns, with Azure SQL's numbers and texts. Where Microsoft documents no exact
 * text for a case, the text is the one Azure SQL is publicly reported to return, and the comment says so.
 */
public final class AzureSqlErrors {

    /** The name Azure SQL puts in 18456 for every token login: the token's identity is not echoed to the client. */
    public static final String TOKEN_PRINCIPAL = "<token-identified principal>";

    private AzureSqlErrors() {
    }

    /**
     * 18456, class 14: "Login failed for user '…'." (SQL Server error 18456; Azure SQL gives state 1 to the client
     * for a principal without access).
     */
    public static SqlError loginFailed(String user) {
        return new SqlError(18456, 1, 14, "Login failed for user '" + user + "'.");
    }

    /** A token that Azure SQL refuses as expired: "… Token is expired." (state 233 as reported by clients). */
    public static SqlError tokenExpired() {
        return new SqlError(18456, 233, 14, "Login failed for user '" + TOKEN_PRINCIPAL + "'. Token is expired.");
    }

    /**
     * A token for another audience or tenant, or a server without a Microsoft Entra admin: "… The server is not
     * currently configured to accept this token." (state 235 as reported; Microsoft documents no per-reason text).
     */
    public static SqlError tokenNotAccepted() {
        return new SqlError(18456, 235, 14, "Login failed for user '" + TOKEN_PRINCIPAL
            + "'. The server is not currently configured to accept this token.");
    }

    /** 4060, class 11: the database named in the login does not exist (or is not accessible). */
    public static SqlError cannotOpenDatabase(String database) {
        return new SqlError(4060, 1, 11, "Cannot open database \"" + database
            + "\" requested by the login. The login failed.");
    }

    /** 40532, class 11: Azure SQL's gateway knows no server by the name the client gave. */
    public static SqlError cannotOpenServer(String server) {
        return new SqlError(40532, 1, 11, "Cannot open server \"" + server
            + "\" requested by the login. The login failed.");
    }

    /** 4002-style protocol error before the connection ends (SQL Server's wording for a malformed stream). */
    public static SqlError protocolError(String detail) {
        return new SqlError(4002, 1, 20, "The incoming tabular data stream (TDS) protocol stream is incorrect. "
            + detail);
    }

    /** 102, class 15. */
    public static SqlError incorrectSyntax(String near) {
        return new SqlError(102, 1, 15, "Incorrect syntax near '" + near + "'.");
    }

    /** 33130, class 16: CREATE USER … FROM EXTERNAL PROVIDER for a name Entra ID does not know. */
    public static SqlError principalNotFound(String name) {
        return new SqlError(33130, 1, 16, "Principal '" + name
            + "' could not be found or this principal type is not supported.");
    }

    /** 33131, class 16: several Entra principals share the display name; WITH OBJECT_ID picks one. */
    public static SqlError duplicateDisplayName(String name) {
        return new SqlError(33131, 1, 16, "Principal '" + name + "' has a duplicate display name. Make the display"
            + " name unique in Microsoft Entra ID or use the WITH OBJECT_ID option, and execute this statement again.");
    }

    /** 33159, class 16: only Entra connections may create Entra users. */
    public static SqlError onlyEntraCanCreateEntraUsers(String name) {
        return new SqlError(33159, 1, 16, "Principal '" + name + "' could not be created. Only connections"
            + " established with Active Directory accounts can create other Active Directory users.");
    }

    /** 15023, class 16. */
    public static SqlError userExists(String name) {
        return new SqlError(15023, 1, 16, "User, group, or role '" + name + "' already exists in the current database.");
    }

    /** 15063, class 16: the same principal under a second user name. */
    public static SqlError loginHasAccount() {
        return new SqlError(15063, 1, 16, "The login already has an account under a different user name.");
    }

    /** 15151, class 16: "Cannot {verb} the {what} '{name}', because it does not exist or you do not have permission." */
    public static SqlError doesNotExistOrNoPermission(String verb, String what, String name) {
        return new SqlError(15151, 1, 16, "Cannot " + verb + " the " + what + " '" + name
            + "', because it does not exist or you do not have permission.");
    }

    /** 15247, class 16. */
    public static SqlError noPermission() {
        return new SqlError(15247, 1, 16, "User does not have permission to perform this action.");
    }

    /** 15118, class 16: Azure SQL enforces password complexity for contained users. */
    public static SqlError passwordTooSimple() {
        return new SqlError(15118, 1, 16, "Password validation failed. The password does not meet policy"
            + " requirements because it is not complex enough.");
    }

    /**
     * The lab's own error (50000 is SQL Server's number for user-raised errors) for statements its engine does not
     * run yet: tables and queries arrive with the H2 engine.
     */
    public static SqlError notSupportedYet(String statement) {
        String shown = statement.length() > 60 ? statement.substring(0, 60) + "…" : statement;
        return new SqlError(50000, 1, 16, "The lab's Azure SQL runs identity statements only (CREATE USER, DROP USER,"
            + " ALTER ROLE, who-am-I functions); it does not run this statement yet: " + shown);
    }
}
