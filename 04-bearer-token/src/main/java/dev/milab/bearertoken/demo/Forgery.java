package dev.milab.bearertoken.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * What someone who holds a genuine token might try: change its claims, drop its signature, or sign it themselves
 * with an algorithm the API might accept. Each result is a token the API must refuse.
 */
final class Forgery {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private Forgery() {
    }

    /** The same header and signature, with the payload changed after signing. */
    static String tamperedPayload(String token, Consumer<Map<String, Object>> change) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + encode(changed(parts[1], change)) + "." + parts[2];
    }

    /** {@code "alg": "none"} and no signature: an "unsecured JWT" (RFC 7519, section 6). */
    static String unsigned(String token) {
        String[] parts = token.split("\\.");
        return encode(Map.of("typ", "JWT", "alg", "none")) + "." + parts[1] + ".";
    }

    /**
     * {@code "alg": "HS256"}, with an HMAC keyed with the issuer's public key in PEM: a validator that takes the
     * algorithm from the token and "the key" from the JWKS would verify it (the classic algorithm confusion).
     */
    static String hs256WithPublicKey(String token, PublicKey publicKey) throws GeneralSecurityException {
        String[] parts = token.split("\\.");
        Map<String, Object> header = decode(parts[0]);
        header.put("alg", "HS256");
        String input = encode(header) + "." + parts[1];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(pem(publicKey).getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    static Map<String, Object> decode(String part) {
        try {
            return JSONObjectUtils.parse(new String(DECODE.decode(part), StandardCharsets.UTF_8));
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> changed(String part, Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = decode(part);
        change.accept(claims);
        return claims;
    }

    private static String encode(Map<String, Object> json) {
        return B64.encodeToString(JSONObjectUtils.toJSONString(json).getBytes(StandardCharsets.UTF_8));
    }
}
