package dev.milab.arm;

import java.util.List;

/**
 * A Resource Manager path below a provider:
 * {@code /subscriptions/{sub}[/resourceGroups/{rg}]/providers/{namespace}/{type}[/{name}[/{childType}[/{childName}]]]}.
 *
 * @param resourceGroup null for a subscription-level list
 * @param segments      type, name, child type, child name, ... as sent
 */
record ResourcePath(String subscriptionId, String resourceGroup, String namespace, List<String> segments) {

    String type() {
        return segments.get(0);
    }

    /** The resource's name, or null for a list. */
    String name() {
        return segments.size() > 1 ? segments.get(1) : null;
    }

    /** The child resource type ({@code federatedIdentityCredentials}, {@code databases}, ...), or null. */
    String childType() {
        return segments.size() > 2 ? segments.get(2) : null;
    }

    String childName() {
        return segments.size() > 3 ? segments.get(3) : null;
    }

    /** The top-level resource's id. */
    String resourceId() {
        return ResourceIds.resourceGroup(subscriptionId, resourceGroup) + "/providers/" + namespace + "/" + type() + "/"
            + name();
    }

    /** Where a list is taken: the resource group, or the subscription. */
    String listScope() {
        return resourceGroup == null ? ResourceIds.subscription(subscriptionId)
            : ResourceIds.resourceGroup(subscriptionId, resourceGroup);
    }

    boolean is(String expectedType) {
        return type().equalsIgnoreCase(expectedType);
    }
}
