package dev.milab.arm;

import java.util.Map;

/**
 * An App Service plan ({@code Microsoft.Web/serverfarms}): where web apps run. The lab keeps what Resource Manager
 * returns (SKU, Linux or Windows) and runs nothing.
 *
 * @param skuName {@code B1}, {@code S1}, {@code P1v3}, ...
 * @param linux   {@code properties.reserved}: true for a Linux plan
 */
public record AppServicePlan(String subscriptionId, String resourceGroup, String name, String location, String skuName,
                             boolean linux, Map<String, String> tags) {

    public AppServicePlan {
        tags = Map.copyOf(tags);
    }

    public String id() {
        return ResourceIds.resourceGroup(subscriptionId, resourceGroup) + "/providers/Microsoft.Web/serverfarms/" + name;
    }
}
