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
 * @param tags             the resource's tags
 * @param profiles         the VM's writable ARM properties other than identity ({@code hardwareProfile},
 *                         {@code storageProfile}, {@code osProfile}, {@code networkProfile}, ...), as JSON values;
 *                         the lab keeps and returns them but runs nothing
 */
public record VirtualMachine(String subscriptionId, String resourceGroup, String name, String location, String vmId,
                             ServicePrincipal systemAssigned, List<UserAssignedIdentity> userAssigned,
                             Map<String, String> tags, Map<String, Object> profiles) {

    public VirtualMachine {
        userAssigned = List.copyOf(userAssigned);
        tags = Map.copyOf(tags);
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /** A VM with no tags and the lab's default profiles. */
    public VirtualMachine(String subscriptionId, String resourceGroup, String name, String location, String vmId,
                          ServicePrincipal systemAssigned, List<UserAssignedIdentity> userAssigned) {
        this(subscriptionId, resourceGroup, name, location, vmId, systemAssigned, userAssigned, Map.of(),
            VirtualMachineProfiles.defaults(subscriptionId, resourceGroup, name));
    }

    /** {@code /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{name}}. */
    public String id() {
        return ResourceIds.virtualMachine(subscriptionId, resourceGroup, name);
    }

    /**
     * {@code properties.hardwareProfile.vmSize} as Resource Manager returns it; the VM's IMDS reports the same
     * {@code compute.vmSize}.
     */
    public String vmSize() {
        return text(profile("hardwareProfile").get("vmSize"), VirtualMachineProfiles.DEFAULT_VM_SIZE);
    }

    /** {@code storageProfile.osDisk.osType} ({@code Linux} or {@code Windows}), Linux when the VM names none. */
    public String osType() {
        Object osDisk = profile("storageProfile").get("osDisk");
        return text(osDisk instanceof Map<?, ?> disk ? disk.get("osType") : null, "Linux");
    }

    /** One member of {@code storageProfile.imageReference} ({@code publisher}, {@code offer}, ...), or "". */
    public String imageReference(String member) {
        Object image = profile("storageProfile").get("imageReference");
        return text(image instanceof Map<?, ?> reference ? reference.get(member) : null, "");
    }

    private Map<?, ?> profile(String name) {
        return profiles.get(name) instanceof Map<?, ?> map ? map : Map.of();
    }

    private static String text(Object value, String otherwise) {
        return value == null ? otherwise : String.valueOf(value);
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
        return new VirtualMachine(subscriptionId, resourceGroup, name, location, vmId, principal, userAssigned, tags,
            profiles);
    }

    VirtualMachine withUserAssigned(List<UserAssignedIdentity> identities) {
        return new VirtualMachine(subscriptionId, resourceGroup, name, location, vmId, systemAssigned, identities,
            tags, profiles);
    }

    VirtualMachine withTagsAndProfiles(Map<String, String> newTags, Map<String, Object> newProfiles) {
        return new VirtualMachine(subscriptionId, resourceGroup, name, location, vmId, systemAssigned, userAssigned,
            newTags, newProfiles);
    }
}
