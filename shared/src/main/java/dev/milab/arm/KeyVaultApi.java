package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.KeyVault/vaults}: GET, list and PUT, with {@code enableRbacAuthorization} (Microsoft Learn, "Key
 * Vault REST API, Vaults - Create Or Update"). The secrets themselves are the data plane's business.
 */
final class KeyVaultApi implements ProviderApi {

    /**
     * Newest first: 2026-02-01 is what {@code @azure/arm-keyvault} 5.0 and Azure.ResourceManager.KeyVault 1.4 send,
     * 2025-05-01 the Java SDK 2.54.
     */
    static final List<String> API_VERSIONS = List.of("2026-02-01", "2025-05-01", "2024-12-01-preview",
        "2024-11-01", "2024-04-01-preview", "2023-07-01", "2023-02-01", "2022-11-01", "2022-07-01", "2021-10-01",
        "2019-09-01", "2018-02-14");
    private static final String TYPE = "Microsoft.KeyVault/vaults";
    private static final Set<String> MEMBERS = Set.of("location", "tags", "properties", "id", "name", "type",
        "systemData");
    private static final Set<String> PROPERTIES = Set.of("tenantId", "sku", "accessPolicies", "vaultUri",
        "hsmPoolResourceId", "enabledForDeployment", "enabledForDiskEncryption", "enabledForTemplateDeployment",
        "enableSoftDelete", "softDeleteRetentionInDays", "enableRbacAuthorization", "createMode",
        "enablePurgeProtection", "networkAcls", "provisioningState", "privateEndpointConnections",
        "publicNetworkAccess");

    private final ResourceGraph graph;

    KeyVaultApi(ResourceGraph graph) {
        this.graph = graph;
    }

    @Override
    public String namespace() {
        return "Microsoft.KeyVault";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        if (!path.is("vaults") || path.segments().size() > 2) {
            throw ProviderApi.unknownType(path, call.queryParameter("api-version"));
        }
        call.requireApiVersion(API_VERSIONS, "vaults");
        if (path.name() == null) {
            return call.listResources(path, TYPE + "/read", graph.keyVaults(), KeyVault::resourceGroup,
                KeyVaultApi::json);
        }
        String id = path.resourceId();
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(TYPE + "/read", id);
                yield ArmCall.ok(json(graph.keyVault(path.resourceGroup(), path.name())
                    .orElseThrow(() -> ArmCall.notFound(TYPE, path.name(), path.resourceGroup()))));
            }
            case "PUT" -> put(call, path, id);
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private LabHttpResponse put(ArmCall call, ResourcePath path, String id) {
        call.authorize(TYPE + "/write", id);
        ObjectNode body = call.body(MEMBERS, PROPERTIES);
        JsonNode p = body.get("properties");
        if (p == null || !p.isObject()) {
            throw ArmCall.invalidContent("Required property 'properties' not found in JSON. Path ''");
        }
        String location = ArmCall.text(body, "location");
        if (location == null) {
            throw new ArmException(400, "LocationRequired", "The location property is required for this definition.");
        }
        String tenantId = ArmCall.text(p, "tenantId");
        if (tenantId == null || !tenantId.equalsIgnoreCase(graph.tenantId())) {
            throw new ArmException(400, "BadRequest", "An invalid value was provided for 'tenantId'.");
        }
        JsonNode sku = p.get("sku");
        String skuName = sku == null ? null : ArmCall.text(sku, "name");
        if (skuName == null || !Set.of("standard", "premium").contains(skuName.toLowerCase())) {
            throw new ArmException(400, "BadRequest", "An invalid value was provided for 'sku'.");
        }
        int retention = p.path("softDeleteRetentionInDays").asInt(90);
        if (retention < 7 || retention > 90) {
            throw new ArmException(400, "BadRequest", "The property \"softDeleteRetentionInDays\" has been set to an "
                + "invalid value. The value must be between 7 and 90 days.");
        }
        boolean existed = graph.keyVault(path.resourceGroup(), path.name()).isPresent();
        Map<String, String> tags = ArmCall.tags(body);
        KeyVault vault = graph.putKeyVault(path.resourceGroup(), path.name(), location, skuName.toLowerCase(),
            p.path("enableRbacAuthorization").asBoolean(false), retention, tags == null ? Map.of() : tags);
        return existed ? ArmCall.ok(json(vault)) : ArmCall.created(json(vault));
    }

    static Map<String, Object> json(KeyVault v) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("sku", Map.of("family", "A", "name", v.skuName()));
        properties.put("tenantId", v.tenantId());
        properties.put("accessPolicies", List.of());
        properties.put("enabledForDeployment", false);
        properties.put("enabledForDiskEncryption", false);
        properties.put("enabledForTemplateDeployment", false);
        properties.put("enableSoftDelete", v.enableSoftDelete());
        properties.put("softDeleteRetentionInDays", v.softDeleteRetentionInDays());
        properties.put("enableRbacAuthorization", v.enableRbacAuthorization());
        properties.put("vaultUri", v.vaultUri());
        properties.put("provisioningState", "Succeeded");
        properties.put("publicNetworkAccess", "Enabled");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", v.id());
        json.put("name", v.name());
        json.put("type", TYPE);
        json.put("location", v.location());
        json.put("tags", v.tags());
        json.put("properties", properties);
        return json;
    }
}
