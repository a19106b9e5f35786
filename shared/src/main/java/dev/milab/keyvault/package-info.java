/**
 * Key Vault in the lab: the secrets data plane of {@code https://{vault}.vault.azure.net} with challenge
 * authentication, token validation, RBAC data actions, versions, soft delete and recovery, as the Azure SDK's
 * {@code SecretClient} uses them.
 */
package dev.milab.keyvault;
