package dev.milab.entra;

import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.milab.tls.KeyPairs;

/**
 * An OpenID Connect issuer outside Entra ID (an on-premises identity provider, a CI system, a Kubernetes cluster)
 * whose tokens a workload exchanges for Entra ID tokens through a federated identity credential. The lab hosts
 * it: it signs tokens for its workloads and publishes its keys, which the lab's Entra ID reads as Entra ID reads a
 * real issuer's JWKS.
 */
public final class ExternalIdentityProvider {

    private final String issuer;
    private final KeyPair keys;
    private final String kid;
    private final Clock clock;

    public ExternalIdentityProvider(String issuer, Clock clock) {
        this.issuer = issuer;
        this.clock = clock;
        this.keys = KeyPairs.rsa2048();
        this.kid = UUID.randomUUID().toString();
    }

    public String issuer() {
        return issuer;
    }

    /** A signed token about {@code subject} for {@code audience}, as the workload would get it from its platform. */
    public String issueToken(String subject, String audience, Duration lifetime) {
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        return JsonWebToken.signWithHeader(Map.of("typ", "JWT", "alg", "RS256", "kid", kid), claims, keys.getPrivate());
    }

    /** Verifies a token's signature with this issuer's key (what Entra ID does after fetching the JWKS). */
    public boolean signed(JsonWebToken token) {
        return kid.equals(token.headerString("kid")) && token.verifies(keys.getPublic());
    }

    /** The issuer's OpenID configuration. */
    public Map<String, Object> openIdConfiguration() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("issuer", issuer);
        c.put("jwks_uri", base + "/.well-known/jwks.json");
        c.put("id_token_signing_alg_values_supported", List.of("RS256"));
        c.put("subject_types_supported", List.of("public"));
        c.put("response_types_supported", List.of("id_token"));
        return c;
    }

    /** The issuer's JWKS. */
    public Map<String, Object> jwks() {
        Map<String, Object> jwk = Jwk.rsa(kid, (RSAPublicKey) keys.getPublic());
        jwk.put("alg", "RS256");
        return Map.of("keys", List.of(jwk));
    }
}
