package dev.milab.arm;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/**
 * A lab whose Resource Manager handler a test calls directly (no sockets), as principals holding built-in roles on
 * the subscription, in resource groups of its own.
 */
final class DirectArm implements AutoCloseable {

    final Lab lab;
    private final ResourceManagerEndpoint arm;
    private final String groupPrefix;
    private int groups;

    private DirectArm(String groupPrefix) {
        this.lab = Lab.start();
        this.arm = new ResourceManagerEndpoint(lab.resources(), lab.tokenValidator(), lab.rbac(), lab.clock());
        this.groupPrefix = groupPrefix;
    }

    static DirectArm start(String groupPrefix) {
        return new DirectArm(groupPrefix);
    }

    /** A Resource Manager token for a new user-assigned identity holding {@code role} on the subscription. */
    String tokenWithRole(String identityName, RoleDefinition role) {
        var principal = lab.createUserAssignedIdentity(identityName).principal();
        lab.grantRole(principal.objectId(), role, ResourceIds.subscription(lab.subscriptionId()));
        return lab.tokens().issueManagedIdentityToken(principal, "https://management.azure.com/").accessToken();
    }

    /** A new resource group in westeurope. */
    synchronized String group() {
        String name = groupPrefix + (++groups);
        lab.resources().createResourceGroup(name, "westeurope");
        return name;
    }

    String networkId(String rg, String typeAndName) {
        return ResourceIds.resourceGroup(lab.subscriptionId(), rg) + "/providers/Microsoft.Network/" + typeAndName;
    }

    LabHttpResponse call(String method, String path, String apiVersion, String token, String body) {
        return call(method, path, apiVersion, token, body, null);
    }

    LabHttpResponse call(String method, String path, String apiVersion, String token, String body, String query) {
        return arm.handle(new LabHttpRequest(method, "management.azure.com", path, "api-version=" + apiVersion
            + (query == null ? "" : "&" + query), Map.of("authorization", List.of("Bearer " + token)),
            body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A GET of a URL the lab handed out (a polling header). */
    LabHttpResponse get(String url, String token) {
        URI uri = URI.create(url);
        return arm.handle(new LabHttpRequest("GET", uri.getHost(), uri.getPath(), uri.getRawQuery(),
            Map.of("authorization", List.of("Bearer " + token)), new byte[0]));
    }

    static JsonNode json(LabHttpResponse response) throws IOException {
        return Json.read(response.bodyAsString());
    }

    @Override
    public void close() {
        lab.close();
    }
}
