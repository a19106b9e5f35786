package dev.milab.sql;

import dev.milab.entra.ServicePrincipal;

/**
 * A server's Microsoft Entra admin ("Microsoft Entra ID" blade of the SQL server, or ARM's
 * {@code administrators/ActiveDirectory}): a login name, the principal's object id and, for a service principal,
 * its application id. The admin logs in to every database as {@code dbo}.
 */
public record EntraAdmin(String login, String objectId, String appId) {

    public static EntraAdmin of(ServicePrincipal principal) {
        return new EntraAdmin(principal.displayName(), principal.objectId(), principal.appId());
    }

    /** Whether a token with these claims is the admin's: by object id, or by application id for an app. */
    public boolean matches(String tokenObjectId, String tokenAppId) {
        return (objectId != null && objectId.equalsIgnoreCase(tokenObjectId))
            || (appId != null && appId.equalsIgnoreCase(tokenAppId));
    }
}
