package dev.milab.entra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.milab.http.Json;

/**
 * A JSON Web Token in compact serialization (RFC 7519), signed with RS256 (RFC 7518 section 3.3). Only what the
 * lab needs: sign a claim set, split and verify a token. Validation rules (issuer, audience, times) are in
 * {@link TokenValidator}.
 *
 * @param header        the decoded JOSE header
 * @param claims        the decoded claim set
 * @param signingInput  {@code base64url(header) + "." + base64url(claims)}
 * @param signature     the raw signature bytes
 */
public record JsonWebToken(Map<String, Object> header, Map<String, Object> claims, String signingInput,
                           byte[] signature) {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Signs {@code claims} with RS256 under {@code kid}, with the header Entra ID writes. */
    public static String sign(Map<String, Object> claims, String kid, PrivateKey key) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5t", kid);
        header.put("kid", kid);
        return signWithHeader(header, claims, key);
    }

    /** Signs {@code claims} with RS256 under the given JOSE header (which must say {@code "alg":"RS256"}). */
    public static String signWithHeader(Map<String, Object> header, Map<String, Object> claims, PrivateKey key) {
        String input = B64.encodeToString(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
            + B64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signing failed", e);
        }
    }

    /**
     * Splits and decodes a compact JWT without verifying it.
     *
     * @throws IllegalArgumentException if it is not three canonical base64url parts with JSON objects in the first
     *                                  two
     */
    public static JsonWebToken parse(String token) {
        if (token == null || token.length() > 16 * 1024) {
            throw new IllegalArgumentException("not a JWT (missing or longer than 16 KiB)");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new IllegalArgumentException("not a JWT (a compact JWS has three dot-separated parts)");
        }
        try {
            Map<String, Object> header = Json.readMap(canonical("header", token.substring(0, first)));
            Map<String, Object> claims = Json.readMap(canonical("claims", token.substring(first + 1, second)));
            byte[] signature = canonical("signature", token.substring(second + 1));
            if (header == null || claims == null) {
                throw new IllegalArgumentException("not a JWT (header or claims are not JSON objects)");
            }
            return new JsonWebToken(header, claims, token.substring(0, second), signature);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                && iae.getMessage().startsWith("not a JWT")) {
                throw iae;
            }
            throw new IllegalArgumentException("not a JWT (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * Decodes one part, accepting only its one canonical spelling: base64url without padding (RFC 7515 section 2
     * and appendix C) whose unused trailing bits are zero, so that decoding and re-encoding give the same text.
     * Without this, {@code ==} after a signature or another last character in its unused low bits would be other
     * spellings of the same token.
     */
    private static byte[] canonical(String part, String text) {
        byte[] bytes = B64D.decode(text);
        if (!B64.encodeToString(bytes).equals(text)) {
            throw new IllegalArgumentException("not a JWT (the " + part
                + " is not canonical base64url: padding or non-zero unused bits)");
        }
        return bytes;
    }

    /** Whether the RS256 signature verifies with {@code key}. */
    public boolean verifies(PublicKey key) {
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return rs256.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public String headerString(String name) {
        Object v = header.get(name);
        return v instanceof String s ? s : null;
    }

    public String claimString(String name) {
        Object v = claims.get(name);
        return v instanceof String s ? s : null;
    }

    /** A numeric date claim (seconds since the epoch), or null if absent or not a number. */
    public Long claimEpochSeconds(String name) {
        Object v = claims.get(name);
        return v instanceof Number n ? n.longValue() : null;
    }
}
