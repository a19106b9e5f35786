package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.milab.entra.ServicePrincipal;

/**
 * A virtual machine in the resource graph, immutable; the graph replaces it on every change.
 *
 * @param systemAssigned   the system-assigned identity's principal, or null when none is enabled
 * @param userAssigned     the attached user-assigned identities, in attach order
 */
public record VirtualMachine(String subscriptionId, String resourceGroup, String name, String location, String vmId,
                             ServicePrincipal systemAssigned, List<UserAssignedIdentity> userAssigned) {

    public VirtualMachine {
        userAssigned = List.copyOf(userAssigned);
    }

    /** {@code /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}}. */
    public String id() {
        return ResourceIds.virtualMachine(subscriptionId, resourceGroup, name);
    }

    /** Azure's identity type string: {@code None}, {@code SystemAssigned}, {@code UserAssigned} or both. */
    public String identityType() {
        boolean sys = systemAssigned != null;
        boolean user = !userAssigned.isEmpty();
        if (sys && user) {
            return "SystemAssigned, UserAssigned";
        }
        return sys ? "SystemAssigned" : user ? "UserAssigned" : "None";
    }

    /** Every identity this VM's IMDS may hand out tokens for. */
    public List<ServicePrincipal> identities() {
        List<ServicePrincipal> all = new java.util.ArrayList<>();
        if (systemAssigned != null) {
            all.add(systemAssigned);
        }
        userAssigned.forEach(u -> all.add(u.principal()));
        return all;
    }

    /** The VM's {@code identity} block, as ARM returns it. */
    public Map<String, Object> identityBlock(String tenantId) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", identityType());
        if (systemAssigned != null) {
            block.put("principalId", systemAssigned.objectId());
            block.put("tenantId", tenantId);
        }
        if (!userAssigned.isEmpty()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (UserAssignedIdentity u : userAssigned) {
                map.put(u.id(), Map.of("principalId", u.principalId(), "clientId", u.clientId()));
            }
            block.put("userAssignedIdentities", map);
        }
        return block;
    }

    VirtualMachine withSystemAssigned(ServicePrincipal principal) {
        return new VirtualMachine(subscriptionId, resourceGroup, name, location, vmId, principal, userAssigned);
    }

    VirtualMachine withUserAssigned(List<UserAssignedIdentity> identities) {
        return new VirtualMachine(subscriptionId, resourceGroup, name, location, vmId, systemAssigned, identities);
    }
}
