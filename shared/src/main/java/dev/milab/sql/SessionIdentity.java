package dev.milab.sql;

/**
 * Who a session is, once logged in, in the forms Azure SQL reports them.
 *
 * @param loginName    what SUSER_SNAME(), SUSER_NAME(), ORIGINAL_LOGIN() and SYSTEM_USER return: for an Entra
 *                     service principal (managed identities included) {@code <client id>@<tenant id>}, as Azure SQL
 *                     returns it (MicrosoftDocs/sql-docs#9584); for SQL authentication the login name
 * @param userName     what USER_NAME() and CURRENT_USER return: the contained user's name, or {@code dbo} for the
 *                     server's Entra admin and SQL administrator
 * @param entra        logged in with an Entra token
 * @param serverAdmin  the server's Entra admin or SQL administrator
 * @param user         the contained user, or null for a server admin
 */
public record SessionIdentity(String loginName, String userName, boolean entra, boolean serverAdmin,
                              DatabaseUser user) {
}
