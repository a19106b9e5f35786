package dev.milab.entra;

import java.time.Instant;

/**
 * An access token the lab issued, with the times the token endpoints report beside it.
 */
public record IssuedToken(String accessToken, String resource, Instant issuedAt, Instant notBefore,
                          Instant expiresOn, String kid, ServicePrincipal principal) {
}
