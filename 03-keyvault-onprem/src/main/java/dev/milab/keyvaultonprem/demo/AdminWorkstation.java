package dev.milab.keyvaultonprem.demo;

import java.util.List;
import java.util.UUID;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.authorization.models.BuiltInRole;
import com.azure.resourcemanager.authorization.models.RoleAssignment;
import com.azure.resourcemanager.authorization.models.RoleDefinition;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.msi.MsiManager;
import com.azure.resourcemanager.msi.fluent.models.FederatedIdentityCredentialInner;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

/**
 * The admin's workstation: you, signed in (DefaultAzureCredential finds {@code az login}, or in the lab the admin
 * principal's settings), granting roles and creating federated credentials through Resource Manager, and writing
 * secrets to kv1 as its Key Vault Secrets Officer.
 */
final class AdminWorkstation {

    final ComputeManager compute;
    final AuthorizationManager authorization;
    final MsiManager msi;
    final SecretClient secrets;

    AdminWorkstation(TokenCredential credential, AzureProfile profile, String vaultUrl) {
        this.compute = ComputeManager.authenticate(credential, profile);
        this.authorization = AuthorizationManager.authenticate(credential, profile);
        this.msi = MsiManager.authenticate(credential, profile);
        this.secrets = new SecretClientBuilder().vaultUrl(vaultUrl).credential(credential).buildClient();
    }

    /** "Access control (IAM) → Add role assignment" at {@code scope}. */
    RoleAssignment grant(String principalObjectId, BuiltInRole role, String scope) {
        return authorization.roleAssignments().define(UUID.randomUUID().toString()).forObjectId(principalObjectId)
            .withBuiltInRole(role).withScope(scope).create();
    }

    /** The data actions a built-in role allows, as Resource Manager defines it. */
    List<String> dataActions(String scope, String roleName) {
        RoleDefinition role = authorization.roleDefinitions().getByScopeAndRoleName(scope, roleName);
        return role.permissions().stream().flatMap(p -> p.dataActions().stream()).toList();
    }

    /** "MyUserIdentity → Federated credentials → Add": trust tokens of {@code issuer} about {@code subject}. */
    void addFederatedCredential(String resourceGroup, String identityName, String name, String issuer,
                                String subject) {
        msi.serviceClient().getFederatedIdentityCredentials().createOrUpdate(resourceGroup, identityName, name,
            new FederatedIdentityCredentialInner().withIssuer(issuer).withSubject(subject)
                .withAudiences(List.of("api://AzureADTokenExchange")));
    }
}
