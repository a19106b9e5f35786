package dev.milab.entra;

import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON Web Keys (RFC 7517) for RSA signing keys. */
final class Jwk {

    private Jwk() {
    }

    /** {@code kty}, {@code use}, {@code kid}, {@code n}, {@code e}; callers add what their issuer publishes too. */
    static Map<String, Object> rsa(String kid, RSAPublicKey key) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("kid", kid);
        jwk.put("n", b64.encodeToString(unsigned(key.getModulus().toByteArray())));
        jwk.put("e", b64.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
        return jwk;
    }

    /** Base64url of an unsigned big-endian integer: Java's two's complement form may lead with a zero byte. */
    private static byte[] unsigned(byte[] twosComplement) {
        return twosComplement.length > 1 && twosComplement[0] == 0
            ? Arrays.copyOfRange(twosComplement, 1, twosComplement.length) : twosComplement;
    }
}
