package dev.milab.arm;

import dev.milab.entra.ServicePrincipal;

/**
 * A user-assigned managed identity: an Azure resource of its own ({@code Microsoft.ManagedIdentity/
 * userAssignedIdentities}) with a service principal in the tenant. It lives until it is deleted, whatever happens
 * to the VMs it is attached to.
 */
public record UserAssignedIdentity(String subscriptionId, String resourceGroup, String name, String location,
                                   String tenantId, ServicePrincipal principal) {

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
