package dev.milab.keyvault;

/**
 * A key vault's data plane: its name (the host name's first label, {@code kv1} for
 * {@code https://kv1.vault.azure.net}), its Azure resource id (the RBAC scope), location, permission model and
 * secrets.
 *
 * @param rbacAuthorization {@code enableRbacAuthorization}: Azure RBAC decides data access; otherwise access
 *                          policies do (the lab grants no access policies, so such a vault refuses everyone)
 */
public record KeyVault(String name, String resourceId, String location, boolean rbacAuthorization,
                       SecretStore secrets) {

    public String vaultUri() {
        return "https://" + name + ".vault.azure.net";
    }
}
