package dev.milab.imds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.milab.entra.IssuedToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * The managed identity endpoint of an App Service or Functions app, for a process that is not a VM: the platform
 * gives the app {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}, and the app sends the header's value back as
 * {@code X-IDENTITY-HEADER} (Microsoft Learn, "How to use managed identities for App Service and Azure Functions",
 * REST endpoint reference, api-version 2019-08-01).
 */
public final class AppServiceIdentityEndpoint implements LabHttpHandler {

    public static final String API_VERSION = "2019-08-01";

    private final String identityHeader;
    private final Supplier<List<ServicePrincipal>> identities;
    private final ManagedIdentityTokenCache tokens;
    private final ResourceApplications resources;

    /**
     * @param identityHeader the value the platform puts in the app's {@code IDENTITY_HEADER}
     * @param identities     the app's identities, the system-assigned one first if it has one
     */
    public AppServiceIdentityEndpoint(String identityHeader, Supplier<List<ServicePrincipal>> identities,
                                      ManagedIdentityTokenCache tokens, ResourceApplications resources) {
        this.identityHeader = identityHeader;
        this.identities = identities;
        this.tokens = tokens;
        this.resources = resources;
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        if (!"GET".equals(request.method())) {
            return InstanceMetadataService.error(405, "method_not_allowed", "Only GET is allowed.");
        }
        if (!request.header("X-IDENTITY-HEADER").map(identityHeader::equals).orElse(false)) {
            // The platform refuses requests that do not prove they come from the app; the wording is the lab's.
            return InstanceMetadataService.error(401, "unauthorized",
                "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
        }
        Map<String, List<String>> query;
        try {
            query = request.queryParameters();
        } catch (IllegalArgumentException e) {
            return InstanceMetadataService.error(400, "invalid_request", "The query string is not valid URL encoding.");
        }
        if (!API_VERSION.equals(single(query, "api-version"))) {
            return InstanceMetadataService.error(400, "invalid_request", "The api-version must be " + API_VERSION
                + ".");
        }
        String resource = single(query, "resource");
        if (resource == null || resource.isEmpty()) {
            return InstanceMetadataService.error(400, "invalid_request", "Required query variable 'resource' is missing");
        }
        String clientId = single(query, "client_id");
        String resourceId = single(query, "mi_res_id");
        String objectId = single(query, "principal_id") != null ? single(query, "principal_id")
            : single(query, "object_id");
        List<ServicePrincipal> all = identities.get();
        ServicePrincipal identity;
        if (clientId == null && resourceId == null && objectId == null) {
            identity = all.stream().filter(sp -> sp.kind() == ServicePrincipal.Kind.SYSTEM_ASSIGNED_MANAGED_IDENTITY)
                .findFirst().orElse(null);
        } else {
            identity = all.stream().filter(sp -> clientId != null ? sp.appId().equalsIgnoreCase(clientId)
                : objectId != null ? sp.objectId().equalsIgnoreCase(objectId)
                : sp.resourceId() != null && sp.resourceId().equalsIgnoreCase(
                    dev.milab.arm.ResourceIds.tokenForm(resourceId))).findFirst().orElse(null);
        }
        if (identity == null) {
            return InstanceMetadataService.error(400, "invalid_request", "Identity not found");
        }
        if (resources.resolve(resource).isEmpty()) {
            return InstanceMetadataService.error(400, "invalid_resource", "AADSTS500011: The resource principal named "
                + resource + " was not found in the tenant.");
        }
        IssuedToken issued = tokens.tokenFor(identity, resources.resolve(resource).get());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.accessToken());
        body.put("expires_on", Long.toString(issued.expiresOn().getEpochSecond()));
        body.put("resource", issued.resource());
        body.put("token_type", "Bearer");
        body.put("client_id", identity.appId());
        return LabHttpResponse.json(200, Json.write(body));
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null ? null : values.get(0);
    }
}
