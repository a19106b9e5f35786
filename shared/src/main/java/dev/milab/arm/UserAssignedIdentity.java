package dev.milab.arm;

import java.util.List;
import java.util.Map;

import dev.milab.entra.ServicePrincipal;

/**
 * A user-assigned managed identity: an Azure resource of its own ({@code Microsoft.ManagedIdentity/
 * userAssignedIdentities}) with a service principal in the tenant. It lives until it is deleted, whatever happens
 * to the VMs it is attached to.
 */
public record UserAssignedIdentity(String subscriptionId, String resourceGroup, String name, String location,
                                   String tenantId, ServicePrincipal principal, Map<String, String> tags,
                                   List<FederatedIdentityCredential> federatedCredentials) {

    public UserAssignedIdentity {
        tags = Map.copyOf(tags);
        federatedCredentials = List.copyOf(federatedCredentials);
    }

    public UserAssignedIdentity(String subscriptionId, String resourceGroup, String name, String location,
                                String tenantId, ServicePrincipal principal) {
        this(subscriptionId, resourceGroup, name, location, tenantId, principal, Map.of(), List.of());
    }

    UserAssignedIdentity withTags(Map<String, String> newTags) {
        return new UserAssignedIdentity(subscriptionId, resourceGroup, name, location, tenantId, principal, newTags,
            federatedCredentials);
    }

    UserAssignedIdentity withFederatedCredentials(List<FederatedIdentityCredential> credentials) {
        return new UserAssignedIdentity(subscriptionId, resourceGroup, name, location, tenantId, principal, tags,
            credentials);
    }

    public String id() {
        return ResourceIds.userAssignedIdentity(subscriptionId, resourceGroup, name);
    }

    public String principalId() {
        return principal.objectId();
    }

    public String clientId() {
        return principal.appId();
    }
}
