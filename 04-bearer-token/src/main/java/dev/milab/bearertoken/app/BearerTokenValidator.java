package dev.milab.bearertoken.app;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Checks a bearer token as a resource must before it believes a single claim: Entra ID's OpenID configuration
 * tells the issuer and where the signing keys are; the keys (JWKS) are cached, and fetched again when a token names
 * a key ({@code kid}) the cache does not have, as after Entra ID rolls its keys; then the signature (RS256 only),
 * the issuer, the audience and the times. Built on nimbus-jose-jwt.
 *
 * <p>Microsoft Learn, "Access tokens in the Microsoft identity platform", section "Validate tokens".
 */
public final class BearerTokenValidator {

    /** The claims every Entra ID access token has, and an app-only token must have for us to know its caller. */
    private static final Set<String> REQUIRED_CLAIMS = Set.of("exp", "nbf", "oid", "sub", "tid");

    /** Who the token says is calling: for a managed identity, an application (there is no user). */
    public record Caller(String objectId, String appId, List<String> roles, JWTClaimsSet claims) {
    }

    /** The token is not one to believe; the message says why, for {@code error_description}. */
    public static final class InvalidTokenException extends Exception {
        public InvalidTokenException(String reason) {
            super(reason);
        }
    }

    /** Entra ID's configuration or keys could not be fetched: no token can be checked now. */
    public static final class KeysUnavailableException extends Exception {
        public KeysUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ApiConfig config;
    private final ResourceRetriever retriever;
    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private volatile String issuer;

    public BearerTokenValidator(ApiConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        int timeout = (int) TimeUnit.SECONDS.toMillis(5);
        this.retriever = config.trustStore().isPresent()
            ? new DefaultResourceRetriever(timeout, timeout, 512 * 1024, true,
                Tls.trusting(config.trustStore().get(), config.trustStorePassword()).getSocketFactory())
            : new DefaultResourceRetriever(timeout, timeout, 512 * 1024);
    }

    /** Validates a compact JWT; returns its caller, or throws with the reason it is refused. */
    public Caller validate(String token) throws InvalidTokenException, KeysUnavailableException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("not a JWT: " + e.getMessage());
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new InvalidTokenException("the token is not signed (alg " + jwt.getHeader().getAlgorithm()
                + "): anyone could have written it");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!JWSAlgorithm.RS256.equals(alg)) {
            // An HS256 token "signed" with Entra ID's public key would verify if the key were used as an HMAC secret.
            throw new InvalidTokenException("alg " + alg + " is not accepted: Entra ID signs with RS256");
        }
        String kid = signed.getHeader().getKeyID();
        JWTClaimsSet claims;
        try {
            claims = processor().process(signed, null);
        } catch (BadJWSException e) {
            throw new InvalidTokenException("the signature does not verify: the token was changed after it was"
                + " signed, or not signed by Entra ID");
        } catch (BadJWTException e) {
            throw new InvalidTokenException(claimsProblem(signed, e));
        } catch (BadJOSEException | RateLimitReachedException e) {
            // No published key has this kid, even after fetching the keys again (at most twice in 30 s).
            throw new InvalidTokenException("no signing key " + kid + " is published by the tenant");
        } catch (KeySourceException e) {
            throw new KeysUnavailableException("Entra ID's signing keys could not be fetched: " + e.getMessage(), e);
        } catch (JOSEException e) {
            throw new InvalidTokenException(e.getMessage());
        }
        Object appId = claims.getClaim("appid") != null ? claims.getClaim("appid") : claims.getClaim("azp");
        List<String> roles;
        try {
            roles = claims.getStringListClaim("roles");
        } catch (ParseException e) {
            throw new InvalidTokenException("roles is not a list of strings");
        }
        return new Caller(String.valueOf(claims.getClaim("oid")), String.valueOf(appId),
            roles == null ? List.of() : roles, claims);
    }

    /**
     * Which claim nimbus refused, said with its value. The signature was good, so the claims are Entra ID's: the
     * token is genuine, just not for this API, or not now.
     */
    private String claimsProblem(SignedJWT signed, BadJWTException refusal) {
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return refusal.getMessage();
        }
        Instant now = Instant.now();
        if (claims.getAudience().stream().noneMatch(config.audiences()::contains)) {
            return "the token is for another audience (aud " + String.join(" ", claims.getAudience()) + ")";
        }
        if (!issuer.equals(claims.getIssuer())) {
            return "the token is from another issuer (iss " + claims.getIssuer() + ")";
        }
        if (claims.getExpirationTime() != null
            && !now.isBefore(claims.getExpirationTime().toInstant().plus(config.clockSkew()))) {
            return "the token expired at " + claims.getExpirationTime().toInstant();
        }
        if (claims.getNotBeforeTime() != null
            && now.isBefore(claims.getNotBeforeTime().toInstant().minus(config.clockSkew()))) {
            return "the token is not valid before " + claims.getNotBeforeTime().toInstant();
        }
        return refusal.getMessage();
    }

    /**
     * The processor, made on first use from Entra ID's OpenID configuration: the issuer to expect and the keys'
     * address. Cached keys live an hour; a token with an unknown {@code kid} makes nimbus fetch them again.
     */
    private DefaultJWTProcessor<SecurityContext> processor() throws KeysUnavailableException {
        DefaultJWTProcessor<SecurityContext> p = processor;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (processor != null) {
                return processor;
            }
            String issuer;
            URI jwksUri;
            try {
                Map<String, Object> discovery = JSONObjectUtils.parse(retriever.retrieveResource(
                    config.openIdConfiguration().toURL()).getContent());
                issuer = JSONObjectUtils.getString(discovery, "issuer");
                jwksUri = config.jwksUri().orElse(JSONObjectUtils.getURI(discovery, "jwks_uri"));
            } catch (IOException | ParseException | RuntimeException e) {
                throw new KeysUnavailableException("Entra ID's OpenID configuration could not be read from "
                    + config.openIdConfiguration() + ": " + e.getMessage(), e);
            }
            JWKSource<SecurityContext> keys;
            try {
                keys = JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(), retriever)
                    .cache(TimeUnit.HOURS.toMillis(1), TimeUnit.SECONDS.toMillis(15))
                    .build();
            } catch (IOException e) {
                throw new KeysUnavailableException("Bad jwks_uri " + jwksUri, e);
            }
            DefaultJWTProcessor<SecurityContext> made = new DefaultJWTProcessor<>();
            made.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
            DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(config.audiences(),
                new JWTClaimsSet.Builder().issuer(issuer).build(), REQUIRED_CLAIMS, null);
            claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
            made.setJWTClaimsSetVerifier(claims);
            this.issuer = issuer;
            processor = made;
            return made;
        }
    }
}
