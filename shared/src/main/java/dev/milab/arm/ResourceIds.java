package dev.milab.arm;

import java.util.Locale;

/** Azure resource ids. ARM compares them ignoring case. */
public final class ResourceIds {
    private ResourceIds() {
    }

    public static String subscription(String subscriptionId) {
        return "/subscriptions/" + subscriptionId;
    }

    public static String resourceGroup(String subscriptionId, String resourceGroup) {
        return subscription(subscriptionId) + "/resourceGroups/" + resourceGroup;
    }

    public static String virtualMachine(String subscriptionId, String resourceGroup, String name) {
        return resourceGroup(subscriptionId, resourceGroup) + "/providers/Microsoft.Compute/virtualMachines/" + name;
    }

    /**
     * {@code /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/
     * {name}}: Managed Identity writes {@code resourcegroups} in lower case in the ids it returns (REST spec
     * examples, "UserAssignedIdentities_Get"), the same form as a token's {@code xms_mirid}.
     */
    public static String userAssignedIdentity(String subscriptionId, String resourceGroup, String name) {
        return subscription(subscriptionId) + "/resourcegroups/" + resourceGroup
            + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" + name;
    }

    public static String sqlServer(String subscriptionId, String resourceGroup, String name) {
        return resourceGroup(subscriptionId, resourceGroup) + "/providers/Microsoft.Sql/servers/" + name;
    }

    public static String webSite(String subscriptionId, String resourceGroup, String name) {
        return resourceGroup(subscriptionId, resourceGroup) + "/providers/Microsoft.Web/sites/" + name;
    }

    /** Whether {@code scope} is {@code resourceId} or lies below it (a child resource, or a resource in a group). */
    public static boolean within(String scope, String resourceId) {
        String s = key(scope);
        String r = key(resourceId);
        return s.equals(r) || s.startsWith(r + "/");
    }

    public static String keyVault(String subscriptionId, String resourceGroup, String name) {
        return resourceGroup(subscriptionId, resourceGroup) + "/providers/Microsoft.KeyVault/vaults/" + name;
    }

    /**
     * The form Entra ID writes in a managed identity token's {@code xms_mirid} claim: the resource id with
     * {@code resourcegroups} in lower case.
     */
    public static String tokenForm(String resourceId) {
        return resourceId.replace("/resourceGroups/", "/resourcegroups/");
    }

    /** A key for maps of resources, since ARM resource ids and names are case-insensitive. */
    public static String key(String resourceId) {
        return resourceId.toLowerCase(Locale.ROOT);
    }
}
