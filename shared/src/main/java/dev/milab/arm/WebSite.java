package dev.milab.arm;

import java.util.Map;

import dev.milab.entra.ServicePrincipal;

/**
 * A web app ({@code Microsoft.Web/sites}) on an App Service plan. Its system-assigned identity is born and dies with
 * it, as a VM's is: a service principal named after the app, deleted with the app or when the identity is turned off.
 *
 * @param linuxFxVersion {@code siteConfig.linuxFxVersion} ({@code JAVA|17-java17}), or null
 * @param systemAssigned the identity's principal, or null when none is enabled
 */
public record WebSite(String subscriptionId, String resourceGroup, String name, String location, String serverFarmId,
                      String linuxFxVersion, ServicePrincipal systemAssigned, Map<String, String> tags) {

    public WebSite {
        tags = Map.copyOf(tags);
    }

    public String id() {
        return ResourceIds.webSite(subscriptionId, resourceGroup, name);
    }

    /** {@code {name}.azurewebsites.net}. */
    public String defaultHostName() {
        return name.toLowerCase(java.util.Locale.ROOT) + ".azurewebsites.net";
    }

    WebSite withSystemAssigned(ServicePrincipal principal) {
        return new WebSite(subscriptionId, resourceGroup, name, location, serverFarmId, linuxFxVersion, principal, tags);
    }
}
