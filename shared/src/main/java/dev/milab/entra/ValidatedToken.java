package dev.milab.entra;

import java.time.Instant;
import java.util.Map;

/**
 * A token that passed signature, issuer, audience and time checks: who the caller is, as a resource sees it.
 * Authorization (RBAC, database users) is the resource's next step.
 */
public record ValidatedToken(String objectId, String appId, String tenantId, String audience, String issuer,
                             Instant expiresOn, String managedIdentityResourceId, Map<String, Object> claims) {
}
