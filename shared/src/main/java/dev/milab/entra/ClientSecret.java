package dev.milab.entra;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;

/**
 * A client secret of an application registration ("Certificates &amp; secrets" in the portal). The directory keeps
 * only a SHA-256 hash of the value, as a real directory would never show it again.
 *
 * @param keyId         the secret's id (a GUID; not the value, which learners often confuse with it)
 * @param hint          the first three characters of the value, as the portal shows them
 * @param valueSha256   SHA-256 of the value
 * @param startDateTime when it becomes usable
 * @param endDateTime   when it expires (AADSTS7000222 after that)
 */
public record ClientSecret(String keyId, String description, String hint, byte[] valueSha256, Instant startDateTime,
                           Instant endDateTime) {

    /** Whether {@code value} is this secret's value (compared in constant time). */
    public boolean matches(String value) {
        return value != null && MessageDigest.isEqual(valueSha256, sha256(value));
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(endDateTime);
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
