package dev.milab.kit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON Web Token taken apart for reading: header and claims, decoded from base64url. It checks nothing; a
 * resource validates signature, issuer, audience and times before it believes a claim.
 *
 * @param header the JOSE header ({@code alg}, {@code kid}, {@code typ})
 * @param claims the payload's claims
 */
public record JwtView(Map<String, Object> header, Map<String, Object> claims) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the claims of an Entra ID access token mean, for the ones the demos show. */
    private static final Map<String, String> MEANINGS = Map.ofEntries(
        Map.entry("aud", "audience: the one resource that may accept this token"),
        Map.entry("iss", "issuer: the Entra ID tenant that signed it"),
        Map.entry("oid", "object id of the identity (its service principal): what Azure RBAC and SQL match"),
        Map.entry("sub", "subject: for an app-only token, the same principal as oid"),
        Map.entry("appid", "client (application) id of the identity"),
        Map.entry("appidacr", "how the client authenticated: 0 none, 1 secret, 2 certificate or assertion"),
        Map.entry("idtyp", "identity type: app (no user involved)"),
        Map.entry("tid", "tenant id"),
        Map.entry("xms_mirid", "the Azure resource that holds this managed identity"),
        Map.entry("iat", "issued at"),
        Map.entry("nbf", "not valid before"),
        Map.entry("exp", "expires: no resource accepts it after this, and nobody can revoke it before"),
        Map.entry("uti", "unique token id"),
        Map.entry("ver", "token format version"));

    /** Decodes {@code token} (header.payload.signature); throws IllegalArgumentException if it is no JWT. */
    @SuppressWarnings("unchecked")
    public static JwtView decode(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("A JWT has three dot-separated parts; this has " + parts.length);
        }
        try {
            Map<String, Object> header = JSON.readValue(part(parts[0]), LinkedHashMap.class);
            Map<String, Object> claims = JSON.readValue(part(parts[1]), LinkedHashMap.class);
            return new JwtView(header, claims);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a JWT: " + e.getMessage(), e);
        }
    }

    private static byte[] part(String base64url) {
        return Base64.getUrlDecoder().decode(base64url.getBytes(StandardCharsets.US_ASCII));
    }

    public String claim(String name) {
        Object value = claims.get(name);
        return value == null ? null : value.toString();
    }

    /** A time claim ({@code iat}, {@code nbf}, {@code exp}) as an instant; null if absent. */
    public Instant time(String name) {
        Object value = claims.get(name);
        return value instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
    }

    /** One sentence on what a claim means, or null for claims the demos do not explain. */
    public static String meaning(String claim) {
        return MEANINGS.get(claim);
    }

    /** Shows {@code names} with their values and meanings; time claims also as UTC instants. */
    public void showClaims(Narrator narrator, String... names) {
        for (String name : names) {
            String value = claim(name);
            Instant time = time(name);
            String shown = time != null && !"ver".equals(name) ? value + "  (" + time + ")" : String.valueOf(value);
            narrator.show(name, shown);
            String meaning = meaning(name);
            if (meaning != null) {
                narrator.show("", "  " + meaning);
            }
        }
    }
}
