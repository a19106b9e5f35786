package dev.milab.entra;

import java.time.Instant;
import java.util.Map;

/**
 * A token that passed signature, issuer, audience and time checks: who the caller is, as a resource sees it.
 * Authorization (RBAC, database users) is the resource's next step.
 */
public record ValidatedToken(String objectId, String appId, String tenantId, String audience, String issuer,
                             Instant expiresOn, String managedIdentityResourceId, Map<String, Object> claims) {

    /**
     * Whether a user signed in for this token (a delegated token): {@code idtyp} says {@code user}, or, where the
     * optional {@code idtyp} is absent, the token carries delegated permissions ({@code scp}), which app-only tokens
     * never do (Microsoft Learn, "Access token claims reference").
     */
    public boolean isUser() {
        Object idtyp = claims.get("idtyp");
        return idtyp != null ? "user".equals(idtyp) : claims.get("scp") != null;
    }

    /** The signed-in user's name ({@code upn}, else {@code unique_name}), or null for an app-only token. */
    public String userPrincipalName() {
        if (!isUser()) {
            return null;
        }
        Object upn = claims.get("upn") != null ? claims.get("upn") : claims.get("unique_name");
        return upn == null ? null : upn.toString();
    }
}
