package dev.milab.arm;

import java.util.Map;

/**
 * A key vault ({@code Microsoft.KeyVault/vaults}) as Resource Manager knows it. Its data plane answers at
 * {@link #vaultUri()}; with {@code enableRbacAuthorization} it authorizes through Azure RBAC data actions.
 */
public record KeyVault(String subscriptionId, String resourceGroup, String name, String location, String tenantId,
                       String skuName, boolean enableRbacAuthorization, boolean enableSoftDelete,
                       int softDeleteRetentionInDays, Map<String, String> tags) {

    public KeyVault {
        tags = Map.copyOf(tags);
    }

    public String id() {
        return ResourceIds.keyVault(subscriptionId, resourceGroup, name);
    }

    /** {@code https://{name}.vault.azure.net/}: the vault's name is its host name. */
    public String vaultUri() {
        return "https://" + name.toLowerCase(java.util.Locale.ROOT) + ".vault.azure.net/";
    }
}
