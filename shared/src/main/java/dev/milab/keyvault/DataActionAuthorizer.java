package dev.milab.keyvault;

/**
 * Decides whether a principal may perform a data action (for example
 * {@code Microsoft.KeyVault/vaults/secrets/getSecret/action}) at a scope. The lab's RBAC evaluator is the one
 * implementation; the Key Vault data plane only asks.
 */
@FunctionalInterface
public interface DataActionAuthorizer {
    boolean isAllowed(String principalObjectId, String dataAction, String scope);
}
