package dev.milab.entra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
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
    /**
     * Tokens whose signature already verified, by their text. A client presents the same token until it expires,
     * so this saves an RSA verification per request; every other check still runs on every request, and a hit
     * counts only while the signing key is still published.
     */
    private final Map<String, JsonWebToken> verified = new ConcurrentHashMap<>();
    private static final int VERIFIED_CACHE_LIMIT = 10_000;
    private volatile Consumer<Check> observer;

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
        ValidatedToken accepted;
        try {
            accepted = check(token, acceptedAudiences);
        } catch (InvalidTokenException e) {
            tell(new Check(token, acceptedAudiences, null, e));
            throw e;
        }
        tell(new Check(token, acceptedAudiences, accepted, null));
        return accepted;
    }

    /**
     * One validation as a resource ran it, for whoever watches (the lab's trace): the token, the audiences the
     * resource accepts, and the validated token or the refusal.
     */
    public record Check(String token, Set<String> audiences, ValidatedToken accepted, InvalidTokenException refused) {
    }

    /** Calls {@code observer} after every validation, on the validating thread; null removes it. */
    public void onValidation(Consumer<Check> observer) {
        this.observer = observer;
    }

    private void tell(Check check) {
        Consumer<Check> o = observer;
        if (o != null) {
            try {
                o.accept(check);
            } catch (RuntimeException e) {
                // a watcher's failure must not change the resource's answer
            }
        }
    }

    private ValidatedToken check(String token, Set<String> acceptedAudiences) throws InvalidTokenException {
        JsonWebToken jwt = token == null ? null : verified.get(token);
        if (jwt == null || keys.publishedKey(jwt.headerString("kid")).isEmpty()) {
            jwt = verifySignature(token);
            if (verified.size() >= VERIFIED_CACHE_LIMIT) {
                verified.clear();
            }
            verified.put(token, jwt);
        }
        return checkClaims(jwt, acceptedAudiences);
    }

    private JsonWebToken verifySignature(String token) throws InvalidTokenException {
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
        return jwt;
    }

    private ValidatedToken checkClaims(JsonWebToken jwt, Set<String> acceptedAudiences) throws InvalidTokenException {
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
