package dev.milab.keyvault;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One vault's secrets with Key Vault's semantics: every set adds a version, nothing is overwritten; delete is soft
 * (the secret moves to the deleted state for the retention period and its name cannot be reused until it is
 * recovered or purged). Names compare ignoring case, as in Key Vault. All changes happen under one lock, so
 * concurrent writers never lose a version.
 */
public final class SecretStore {

    /** Secret names (Microsoft Learn, "About Key Vault secrets": 1-127 characters, letters, digits and dashes). */
    public static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z-]{1,127}$");
    /** "Azure Key Vault supports secrets up to 25k bytes" (Microsoft Learn, "About Azure Key Vault secrets"). */
    public static final int MAX_VALUE_BYTES = 25 * 1024;
    /** Soft-delete retention: 90 days by default. */
    public static final Duration RETENTION = Duration.ofDays(90);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Map<String, List<SecretVersion>> secrets = new TreeMap<>();
    private final Map<String, DeletedSecret> deleted = new TreeMap<>();

    public SecretStore(Clock clock) {
        this.clock = clock;
    }

    /** Adds a new version (creating the secret if needed) and returns it. */
    public synchronized SecretVersion set(String name, String value, String contentType, Boolean enabled,
                                          Instant notBefore, Instant expires, Map<String, String> tags) {
        requireName(name);
        if (value == null) {
            throw new KeyVaultException(400, "BadParameter", "The parameter value is required.");
        }
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            // Key Vault refuses values over 25 KB; the wording is the lab's.
            throw new KeyVaultException(400, "BadParameter", "The secret value is larger than " + MAX_VALUE_BYTES
                + " bytes, the most Key Vault stores.");
        }
        String key = key(name);
        if (deleted.containsKey(key)) {
            throw new KeyVaultException(409, "Conflict", "Secret " + name + " is currently in a deleted but "
                + "recoverable state, and its name cannot be reused; in this state, the secret can only be recovered "
                + "or purged.", "ObjectIsDeletedButRecoverable");
        }
        Instant now = clock.instant();
        List<SecretVersion> versions = secrets.computeIfAbsent(key, k -> new ArrayList<>());
        String displayName = versions.isEmpty() ? name : versions.get(0).name();
        SecretVersion version = new SecretVersion(displayName, newVersionId(), value, contentType,
            enabled == null || enabled, notBefore, expires, now, now, tags);
        versions.add(version);
        return version;
    }

    /** The current version, or a given one. */
    public synchronized SecretVersion get(String name, String version) {
        List<SecretVersion> versions = secrets.get(key(name));
        if (versions == null) {
            throw KeyVaultException.secretNotFound(name);
        }
        if (version == null || version.isEmpty()) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version().equalsIgnoreCase(version)).findFirst()
            .orElseThrow(() -> KeyVaultException.secretNotFound(name));
    }

    /** The current version of every secret, in name order. */
    public synchronized List<SecretVersion> list() {
        return secrets.values().stream().map(v -> v.get(v.size() - 1)).toList();
    }

    /** Every version of a secret, oldest first. */
    public synchronized List<SecretVersion> versions(String name) {
        List<SecretVersion> versions = secrets.get(key(name));
        if (versions == null) {
            throw KeyVaultException.secretNotFound(name);
        }
        return List.copyOf(versions);
    }

    /** Replaces a version's attributes (the value never changes: a new value is a new version). */
    public synchronized SecretVersion update(String name, String version, AttributeUpdate update) {
        List<SecretVersion> versions = secrets.get(key(name));
        if (versions == null) {
            throw KeyVaultException.secretNotFound(name);
        }
        for (int i = 0; i < versions.size(); i++) {
            SecretVersion v = versions.get(i);
            if (version == null || version.isEmpty() ? i == versions.size() - 1 : v.version().equalsIgnoreCase(version)) {
                SecretVersion updated = v.withAttributes(update.contentType(), update.enabled(), update.notBefore(),
                    update.expires(), update.tags(), false, false, clock.instant());
                versions.set(i, updated);
                return updated;
            }
        }
        throw KeyVaultException.secretNotFound(name);
    }

    /** Attribute changes; null fields stay as they are. */
    public record AttributeUpdate(String contentType, Boolean enabled, Instant notBefore, Instant expires,
                                  Map<String, String> tags) {
    }

    /** Soft-deletes a secret with all its versions. */
    public synchronized DeletedSecret delete(String name) {
        List<SecretVersion> versions = secrets.remove(key(name));
        if (versions == null) {
            throw KeyVaultException.secretNotFound(name);
        }
        Instant now = clock.instant();
        DeletedSecret d = new DeletedSecret(versions.get(0).name(), versions, now, now.plus(RETENTION));
        deleted.put(key(name), d);
        return d;
    }

    public synchronized DeletedSecret getDeleted(String name) {
        DeletedSecret d = deleted.get(key(name));
        if (d == null) {
            throw KeyVaultException.deletedSecretNotFound(name);
        }
        return d;
    }

    public synchronized List<DeletedSecret> listDeleted() {
        return List.copyOf(deleted.values());
    }

    /** Brings a deleted secret back with all its versions. */
    public synchronized SecretVersion recover(String name) {
        DeletedSecret d = deleted.remove(key(name));
        if (d == null) {
            throw KeyVaultException.deletedSecretNotFound(name);
        }
        secrets.put(key(name), new ArrayList<>(d.versions()));
        return d.latest();
    }

    /** Removes a deleted secret for good. */
    public synchronized void purge(String name) {
        if (deleted.remove(key(name)) == null) {
            throw KeyVaultException.deletedSecretNotFound(name);
        }
    }

    public synchronized Optional<SecretVersion> find(String name) {
        List<SecretVersion> versions = secrets.get(key(name));
        return versions == null ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new KeyVaultException(400, "BadParameter", "The request URI contains an invalid name: " + name);
        }
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String newVersionId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
