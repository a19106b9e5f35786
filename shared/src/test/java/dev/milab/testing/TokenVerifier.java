package dev.milab.testing;

import java.util.Date;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

/**
 * Verifies a token the way an independent resource server would, with nimbus-jose-jwt: find the tenant's OpenID
 * configuration, fetch its JWKS (through the lab's routing, never from the network), check the RS256 signature,
 * issuer, audience and times.
 */
public final class TokenVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenVerifier() {
    }

    /**
     * @param tenantId the tenant whose v1.0 discovery document names issuer and JWKS
     * @param audience the audience the resource expects
     * @return the verified claims
     */
    public static JWTClaimsSet verify(String token, String tenantId, String audience) throws Exception {
        JsonNode config = JSON.readTree(RoutedHttp.get("https://login.microsoftonline.com/" + tenantId
            + "/.well-known/openid-configuration").body());
        String issuer = config.get("issuer").asText();
        JWKSet keys = JWKSet.parse(RoutedHttp.get(config.get("jwks_uri").asText()).body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
            new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(), java.util.Set.of("oid", "exp", "nbf", "iat", "tid")));
        return processor.process(token, null);
    }

    /** Whether the verified claims' times hold now (nimbus checks them too; this spells it out in assertions). */
    public static boolean currentlyValid(JWTClaimsSet claims) {
        Date now = new Date();
        return claims.getNotBeforeTime().before(now) && claims.getExpirationTime().after(now);
    }

}
