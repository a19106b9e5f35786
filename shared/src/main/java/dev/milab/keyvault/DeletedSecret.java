package dev.milab.keyvault;

import java.time.Instant;
import java.util.List;

/** A soft-deleted secret: all its versions, kept until recovered or purged. */
public record DeletedSecret(String name, List<SecretVersion> versions, Instant deletedDate,
                            Instant scheduledPurgeDate) {

    public DeletedSecret {
        versions = List.copyOf(versions);
    }

    public SecretVersion latest() {
        return versions.get(versions.size() - 1);
    }
}
