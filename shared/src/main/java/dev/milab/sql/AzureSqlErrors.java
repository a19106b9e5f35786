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

    /**
     * 18456 for a SQL login on a server with Microsoft Entra-only authentication (Microsoft Learn, "Microsoft
     * Entra-only authentication": SQL authentication is disabled, the server admin's included).
     */
    public static SqlError entraOnlyAuthentication(String user) {
        return new SqlError(18456, 1, 14, "Login failed for user '" + user + "'. Reason: Azure Active Directory "
            + "only authentication is enabled on the server.");
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
     * The lab's own error (50000 is SQL Server's number for user-raised errors) for T-SQL the lab does not run:
     * local variables, loops, TRY/CATCH, procedures, server cursors, distributed transactions.
     */
    public static SqlError notSupported(String statement) {
        String shown = statement.length() > 60 ? statement.substring(0, 60) + "…" : statement;
        return new SqlError(50000, 1, 16, "The lab's Azure SQL does not run this statement (its engine is H2 behind"
            + " a T-SQL front; see the lab README for what runs): " + shown);
    }

    /** The lab's own error for what H2 refuses and SQL Server has no better number for; H2's words follow. */
    public static SqlError engineRefused(String h2Message) {
        return new SqlError(50000, 2, 16, "The lab's engine (H2) could not run this statement: " + h2Message);
    }

    /** 208, class 16: the object as the statement wrote it does not exist. */
    public static SqlError invalidObjectName(String written) {
        return new SqlError(208, 1, 16, "Invalid object name '" + written + "'.");
    }

    /** 207, class 16. */
    public static SqlError invalidColumnName(String column) {
        return new SqlError(207, 1, 16, "Invalid column name '" + column + "'.");
    }

    /** 4104, class 16: a qualified column whose qualifier names nothing in the statement. */
    public static SqlError multiPartIdentifierNotBound(String identifier) {
        return new SqlError(4104, 1, 16, "The multi-part identifier \"" + identifier + "\" could not be bound.");
    }

    /** 2627, class 14: a PRIMARY KEY or UNIQUE KEY constraint refused a duplicate. */
    public static SqlError duplicateKey(String constraintKind, String constraint, String object, String value) {
        return new SqlError(2627, 1, 14, "Violation of " + constraintKind + " constraint '" + constraint
            + "'. Cannot insert duplicate key in object '" + object + "'. The duplicate key value is " + value + ".");
    }

    /** 2601, class 14: a unique index (not a constraint) refused a duplicate. */
    public static SqlError duplicateKeyRow(String object, String index, String value) {
        return new SqlError(2601, 1, 14, "Cannot insert duplicate key row in object '" + object
            + "' with unique index '" + index + "'. The duplicate key value is " + value + ".");
    }

    /**
     * 547, class 16: "The INSERT statement conflicted with the FOREIGN KEY constraint …" (also REFERENCE for the
     * referenced side, and CHECK); {@code column} may be null.
     */
    public static SqlError constraintConflict(String verb, String constraintKind, String constraint, String database,
                                              String table, String column) {
        return new SqlError(547, 0, 16, "The " + verb + " statement conflicted with the " + constraintKind
            + " constraint \"" + constraint + "\". The conflict occurred in database \"" + database + "\", table \""
            + table + "\"" + (column == null ? "" : ", column '" + column + "'") + ".");
    }

    /** 515, class 16. */
    public static SqlError nullNotAllowed(String column, String table, String verb) {
        return new SqlError(515, 2, 16, "Cannot insert the value NULL into column '" + column + "', table '" + table
            + "'; column does not allow nulls. " + verb + " fails.");
    }

    /** 2628, class 16: the text Azure SQL gives for truncation. */
    public static SqlError truncated(String table, String column, String truncatedValue) {
        return new SqlError(2628, 1, 16, "String or binary data would be truncated in table '" + table
            + "', column '" + column + "'. Truncated value: '" + truncatedValue + "'.");
    }

    /** 8134, class 16. */
    public static SqlError divideByZero() {
        return new SqlError(8134, 1, 16, "Divide by zero error encountered.");
    }

    /** 8115, class 16. */
    public static SqlError arithmeticOverflow(String type) {
        return new SqlError(8115, 2, 16, "Arithmetic overflow error converting expression to data type " + type
            + ".");
    }

    /** 245, class 16; SQL Server names both types, H2 tells only the value, so the lab's text ends earlier. */
    public static SqlError conversionFailed(String value) {
        return new SqlError(245, 1, 16, "Conversion failed when converting the value '" + value
            + "' to the data type the statement needs.");
    }

    /** 2714, class 16. */
    public static SqlError objectExists(String name) {
        return new SqlError(2714, 6, 16, "There is already an object named '" + name + "' in the database.");
    }

    /** 195, class 15. */
    public static SqlError notBuiltInFunction(String name) {
        return new SqlError(195, 10, 15, "'" + name + "' is not a recognized built-in function name.");
    }

    /** 195, class 15. */
    public static SqlError notSetOption(String name) {
        return new SqlError(195, 1, 15, "'" + name + "' is not a recognized SET option.");
    }

    /** 2760, class 16. */
    public static SqlError schemaNotFound(String schema) {
        return new SqlError(2760, 1, 16, "The specified schema name \"" + schema
            + "\" either does not exist or you do not have permission to use it.");
    }

    /**
     * 229, class 14: "The SELECT permission was denied on the object 'Orders', database 'db1', schema 'dbo'."
     */
    public static SqlError permissionDenied(String permission, String object, String database, String schema) {
        return new SqlError(229, 5, 14, "The " + permission + " permission was denied on the object '" + object
            + "', database '" + database + "', schema '" + schema + "'.");
    }

    /** 262, class 14: "CREATE TABLE permission denied in database 'db1'." */
    public static SqlError createPermissionDenied(String what, String database) {
        return new SqlError(262, 1, 14, "CREATE " + what + " permission denied in database '" + database + "'.");
    }

    /** 1088, class 16: ALTER TABLE, CREATE INDEX, TRUNCATE without permission (or on nothing). */
    public static SqlError cannotFindObject(String name) {
        return new SqlError(1088, 7, 16, "Cannot find the object \"" + name
            + "\" because it does not exist or you do not have permissions.");
    }

    /** 3701, class 14: DROP TABLE or VIEW without permission (or of nothing). */
    public static SqlError cannotDrop(String kind, String name) {
        return new SqlError(3701, 20, 14, "Cannot drop the " + kind + " '" + name
            + "', because it does not exist or you do not have permission.");
    }

    /** 15151, class 16, as GRANT, DENY and REVOKE report an unknown object or principal, or no permission. */
    public static SqlError cannotFind(String what, String name) {
        return new SqlError(15151, 1, 16, "Cannot find the " + what + " '" + name
            + "', because it does not exist or you do not have permission.");
    }

    /** 4617, class 16: GRANT, DENY or REVOKE to dbo, a fixed role, or oneself. */
    public static SqlError cannotGrantToSpecialPrincipal() {
        return new SqlError(4617, 1, 16, "Cannot grant, deny or revoke permissions to sa, dbo, entity owner,"
            + " information_schema, sys, or yourself.");
    }

    /** 8178, class 16: a declared parameter without a value. */
    public static SqlError parameterNotSupplied(String declarations, String parameter) {
        return new SqlError(8178, 1, 16, "The parameterized query '(" + declarations + ")' expects the parameter '"
            + parameter + "', which was not supplied.");
    }

    /** 2812, class 16. */
    public static SqlError procedureNotFound(String name) {
        return new SqlError(2812, 62, 16, "Could not find stored procedure '" + name + "'.");
    }

    /** 8179, class 16: sp_execute with a handle the session does not have (mssql-jdbc then prepares again). */
    public static SqlError preparedHandleNotFound(int handle) {
        return new SqlError(8179, 4, 16, "Could not find prepared statement with handle " + handle + ".");
    }

    /** 214, class 16. */
    public static SqlError procedureExpectsParameter(String parameter, String type) {
        return new SqlError(214, 201, 16, "Procedure expects parameter '" + parameter + "' of type '" + type + "'.");
    }

    /** 40508, class 16: Azure SQL Database has no USE. */
    public static SqlError useNotSupported() {
        return new SqlError(40508, 1, 16, "USE statement is not supported to switch between databases. Use a new"
            + " connection to connect to a different database.");
    }

    /** 40515, class 15: Azure SQL Database has no cross-database names. */
    public static SqlError crossDatabaseReference(String name) {
        return new SqlError(40515, 1, 15, "Reference to database and/or server name in '" + name
            + "' is not supported in this version of SQL Server.");
    }

    /** 3902, class 16. */
    public static SqlError commitWithoutBegin() {
        return new SqlError(3902, 1, 16, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.");
    }

    /** 3903, class 16. */
    public static SqlError rollbackWithoutBegin() {
        return new SqlError(3903, 1, 16, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
    }

    /** 628, class 16. */
    public static SqlError saveWithoutTransaction() {
        return new SqlError(628, 0, 16, "Cannot issue SAVE TRANSACTION when there is no active transaction.");
    }

    /** 6401, class 16. */
    public static SqlError noSuchSavepoint(String name) {
        return new SqlError(6401, 1, 16, "Cannot roll back " + name
            + ". No transaction or savepoint of that name was found.");
    }

    /** 1222, class 16: a row lock held by another session did not come free in time. */
    public static SqlError lockTimeout() {
        return new SqlError(1222, 51, 16, "Lock request time out period exceeded.");
    }

    /** 1205, class 13; SQL Server rolls back the victim's transaction. */
    public static SqlError deadlock(int spid) {
        return new SqlError(1205, 51, 13, "Transaction (Process ID " + spid + ") was deadlocked on lock resources"
            + " with another process and has been chosen as the deadlock victim. Rerun the transaction.");
    }

    /**
     * 701: a query (or a session) went over the memory the lab allows it ({@link SqlLimits}); SQL Server sends it
     * with class 17 when a resource pool runs out, and ends the batch.
     */
    public static SqlError insufficientMemory() {
        return new SqlError(701, 1, 17, "There is insufficient system memory in resource pool 'default' to run this"
            + " query.");
    }

    /**
     * Whether SQL Server ends the whole batch on this error (compile and name-resolution errors, conversion,
     * deadlock) rather than only the statement (constraints, permissions, arithmetic, transaction misuse).
     */
    public static boolean abortsBatch(SqlError error) {
        return switch (error.number()) {
            case 102, 105, 113, 137, 195, 207, 208, 245, 701, 1205, 2812, 4104, 40515, 2760 -> true;
            default -> false;
        };
    }
}
