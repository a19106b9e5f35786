package dev.milab.keyvault;

/**
 * The Key Vault secret data actions that RBAC roles grant (Microsoft Learn, "Azure permissions for Security":
 * Microsoft.KeyVault data actions).
 */
public final class SecretDataActions {
    public static final String GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action";
    public static final String READ_METADATA = "Microsoft.KeyVault/vaults/secrets/readMetadata/action";
    public static final String SET_SECRET = "Microsoft.KeyVault/vaults/secrets/setSecret/action";
    public static final String UPDATE = "Microsoft.KeyVault/vaults/secrets/update/action";
    public static final String DELETE = "Microsoft.KeyVault/vaults/secrets/delete";
    public static final String RECOVER = "Microsoft.KeyVault/vaults/secrets/recover/action";
    public static final String PURGE = "Microsoft.KeyVault/vaults/secrets/purge/action";

    private SecretDataActions() {
    }
}
