package dev.milab.entra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

import dev.milab.entra.InvalidTokenException.Reason;

/**
 * What every lab resource does with a bearer token before it authorizes anything: check the RS256 signature
 * against the tenant's published keys, the issuer, the audience and the times, as Microsoft's token validation
 * libraries do. A token stays valid until it expires even if its principal was deleted since: Entra ID access
 * tokens cannot be revoked.
 */
public final class TokenValidator {

    private final Tenant tenant;
    private final SigningKeys keys;
    private final Clock clock;
    private final Supplier<Duration> clockSkew;

    public TokenValidator(Tenant tenant, SigningKeys keys, Clock clock, Supplier<Duration> clockSkew) {
        this.tenant = tenant;
        this.keys = keys;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /**
     * Validates {@code token} for a resource that accepts the given audiences (compared exactly; list both forms,
     * with and without trailing slash, where the resource accepts both).
     */
    public ValidatedToken validate(String token, Set<String> acceptedAudiences) throws InvalidTokenException {
        JsonWebToken jwt;
        try {
            jwt = JsonWebToken.parse(token);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token is malformed: " + e.getMessage() + ".");
        }
        if (!"RS256".equals(jwt.headerString("alg"))) {
            throw new InvalidTokenException(Reason.UNSUPPORTED_ALGORITHM,
                "The token's algorithm '" + jwt.headerString("alg") + "' is not RS256.");
        }
        String kid = jwt.headerString("kid");
        SigningKey key = kid == null ? null : keys.publishedKey(kid).orElse(null);
        if (key == null) {
            throw new InvalidTokenException(Reason.UNKNOWN_SIGNING_KEY,
                "The token is signed with key '" + kid + "', which the tenant does not publish.");
        }
        if (!jwt.verifies(key.publicKey())) {
            throw new InvalidTokenException(Reason.BAD_SIGNATURE, "The token's signature is invalid.");
        }
        String issuer = jwt.claimString("iss");
        if (!tenant.v1Issuer().equals(issuer) && !tenant.v2Issuer().equals(issuer)) {
            throw new InvalidTokenException(Reason.WRONG_ISSUER, "The token's issuer '" + issuer + "' is invalid.");
        }
        String audience = jwt.claimString("aud");
        if (audience == null || !acceptedAudiences.contains(audience)) {
            throw new InvalidTokenException(Reason.WRONG_AUDIENCE,
                "The token's audience '" + audience + "' is invalid.");
        }
        Long nbf = jwt.claimEpochSeconds("nbf");
        Long exp = jwt.claimEpochSeconds("exp");
        if (exp == null) {
            throw new InvalidTokenException(Reason.MALFORMED, "The token has no expiry (exp).");
        }
        Instant now = clock.instant();
        Duration skew = clockSkew.get();
        if (nbf != null && now.plus(skew).isBefore(Instant.ofEpochSecond(nbf))) {
            throw new InvalidTokenException(Reason.NOT_YET_VALID, "The token is not valid before "
                + Instant.ofEpochSecond(nbf) + ".");
        }
        Instant expiresOn = Instant.ofEpochSecond(exp);
        if (!now.minus(skew).isBefore(expiresOn)) {
            throw new InvalidTokenException(Reason.EXPIRED, "The token expired at " + expiresOn + ".");
        }
        return new ValidatedToken(jwt.claimString("oid"), jwt.claimString("appid") != null
            ? jwt.claimString("appid") : jwt.claimString("azp"), jwt.claimString("tid"), audience, issuer, expiresOn,
            jwt.claimString("xms_mirid"), jwt.claims());
    }
}
