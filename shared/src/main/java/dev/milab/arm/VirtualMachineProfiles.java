package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code properties} of a lab VM other than identity: what a small Linux VM created in the portal has, so that
 * clients that read a VM (the azure-resourcemanager-compute fluent model reads its disks and network profile) find
 * what they expect. The names are those of Compute's {@code VirtualMachineProperties}.
 */
final class VirtualMachineProfiles {

    /** Writable members of {@code properties} (Compute REST API, "Virtual Machines - Create Or Update"). */
    static final Set<String> WRITABLE = Set.of("hardwareProfile", "scheduledEventsPolicy", "storageProfile",
        "additionalCapabilities", "osProfile", "networkProfile", "securityProfile", "diagnosticsProfile",
        "availabilitySet", "virtualMachineScaleSet", "proximityPlacementGroup", "priority", "evictionPolicy",
        "billingProfile", "host", "hostGroup", "licenseType", "extensionsTimeBudget", "platformFaultDomain",
        "scheduledEventsProfile", "userData", "capacityReservation", "applicationProfile");
    /** Members the service sets; a client may send them back and they are ignored. */
    static final Set<String> READ_ONLY = Set.of("provisioningState", "instanceView", "vmId", "timeCreated");

    /** The size of a lab VM that was created without a {@code hardwareProfile}. */
    static final String DEFAULT_VM_SIZE = "Standard_B1s";

    private VirtualMachineProfiles() {
    }

    static Map<String, Object> defaults(String subscriptionId, String resourceGroup, String name) {
        String rg = ResourceIds.resourceGroup(subscriptionId, resourceGroup);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("hardwareProfile", Map.of("vmSize", DEFAULT_VM_SIZE));
        Map<String, Object> osDisk = new LinkedHashMap<>();
        osDisk.put("osType", "Linux");
        osDisk.put("name", name + "_OsDisk_1");
        osDisk.put("createOption", "FromImage");
        osDisk.put("caching", "ReadWrite");
        osDisk.put("managedDisk", Map.of("storageAccountType", "Standard_LRS", "id",
            rg + "/providers/Microsoft.Compute/disks/" + name + "_OsDisk_1"));
        osDisk.put("deleteOption", "Delete");
        osDisk.put("diskSizeGB", 30);
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("imageReference", Map.of("publisher", "Canonical", "offer", "ubuntu-24_04-lts", "sku", "server",
            "version", "latest"));
        storage.put("osDisk", osDisk);
        storage.put("dataDisks", List.of());
        p.put("storageProfile", storage);
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("computerName", name);
        os.put("adminUsername", "azureuser");
        os.put("linuxConfiguration", Map.of("disablePasswordAuthentication", true, "provisionVMAgent", true));
        os.put("secrets", List.of());
        os.put("allowExtensionOperations", true);
        p.put("osProfile", os);
        p.put("networkProfile", Map.of("networkInterfaces", List.of(Map.of("id",
            rg + "/providers/Microsoft.Network/networkInterfaces/" + name + "-nic", "properties",
            Map.of("primary", true)))));
        return p;
    }
}
