package dev.milab.bearertoken.app;

import java.text.ParseException;
import java.time.Instant;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * IMDS's answer to a token request. IMDS sends every value as a JSON string, times in seconds since 1970.
 *
 * @param accessToken the JWT to send as {@code Authorization: Bearer}
 * @param expiresIn   seconds until it expires (about 24 hours for a managed identity)
 * @param expiresOn   when it expires
 * @param notBefore   when it became valid (Entra ID back-dates it five minutes, for clock skew)
 * @param resource    the resource it is for, as requested (it is also the token's {@code aud})
 * @param tokenType   {@code Bearer}: whoever holds it may use it
 * @param clientId    the client (application) id of the identity that got it
 */
public record ImdsToken(String accessToken, long expiresIn, Instant expiresOn, Instant notBefore, String resource,
                        String tokenType, String clientId) {

    /** Reads IMDS's JSON answer. */
    public static ImdsToken parse(String json) {
        try {
            Map<String, Object> body = JSONObjectUtils.parse(json);
            return new ImdsToken(text(body, "access_token"), number(body, "expires_in"),
                Instant.ofEpochSecond(number(body, "expires_on")), Instant.ofEpochSecond(number(body, "not_before")),
                text(body, "resource"), text(body, "token_type"), String.valueOf(body.get("client_id")));
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("Not an IMDS token answer: " + e.getMessage(), e);
        }
    }

    private static String text(Map<String, Object> body, String name) {
        Object value = body.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value.toString();
    }

    private static long number(Map<String, Object> body, String name) {
        Object value = body.get(name);
        return value instanceof Number n ? n.longValue() : Long.parseLong(text(body, name));
    }

    /** Never print a token: this shows only its first characters. */
    @Override
    public String toString() {
        return "ImdsToken[" + accessToken.substring(0, Math.min(12, accessToken.length())) + "…, expiresOn="
            + expiresOn + ", resource=" + resource + ", clientId=" + clientId + "]";
    }
}
