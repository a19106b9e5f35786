package dev.milab.keyvault;

import java.time.Instant;
import java.util.Map;

/**
 * One version of a secret, immutable. Key Vault keeps every version; the newest is the secret's current value.
 *
 * @param version   32 hex characters, as Key Vault makes them
 * @param notBefore null if unset ({@code nbf})
 * @param expires   null if unset ({@code exp})
 */
public record SecretVersion(String name, String version, String value, String contentType, boolean enabled,
                            Instant notBefore, Instant expires, Instant created, Instant updated,
                            Map<String, String> tags) {

    public SecretVersion {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    SecretVersion withAttributes(String newContentType, Boolean newEnabled, Instant newNotBefore, Instant newExpires,
                                 Map<String, String> newTags, boolean clearNotBefore, boolean clearExpires,
                                 Instant now) {
        return new SecretVersion(name, version, value, newContentType != null ? newContentType : contentType,
            newEnabled != null ? newEnabled : enabled,
            clearNotBefore ? null : newNotBefore != null ? newNotBefore : notBefore,
            clearExpires ? null : newExpires != null ? newExpires : expires, created, now,
            newTags != null ? newTags : tags);
    }
}
