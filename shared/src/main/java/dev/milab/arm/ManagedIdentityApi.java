package dev.milab.arm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.ManagedIdentity/userAssignedIdentities} (PUT, GET, list by resource group and subscription,
 * DELETE) and their {@code federatedIdentityCredentials} (PUT, GET, list, DELETE) (Microsoft Learn, "Managed Service
 * Identity REST API").
 */
final class ManagedIdentityApi implements ProviderApi {

    static final List<String> API_VERSIONS = List.of("2025-05-31-preview", "2024-11-30", "2023-07-31-preview", "2023-01-31",
        "2022-01-31-preview", "2021-09-30-preview", "2018-11-30", "2015-08-31-preview");
    private static final String TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities";
    private static final String FIC_TYPE = TYPE + "/federatedIdentityCredentials";
    private static final Set<String> MEMBERS = Set.of("location", "tags", "properties", "id", "name", "type",
        "systemData");
    private static final Set<String> PROPERTIES = Set.of("isolationScope", "tenantId", "principalId", "clientId");
    private static final Set<String> FIC_MEMBERS = Set.of("properties", "id", "name", "type", "systemData");
    private static final Set<String> FIC_PROPERTIES = Set.of("issuer", "subject", "audiences",
        "claimsMatchingExpression");

    private final ResourceGraph graph;

    ManagedIdentityApi(ResourceGraph graph) {
        this.graph = graph;
    }

    @Override
    public String namespace() {
        return "Microsoft.ManagedIdentity";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        boolean fic = path.childType() != null;
        if (!path.is("userAssignedIdentities") || path.segments().size() > 4
            || (fic && !path.childType().equalsIgnoreCase("federatedIdentityCredentials"))) {
            throw ProviderApi.unknownType(path, version);
        }
        call.requireApiVersion(API_VERSIONS, fic ? "userAssignedIdentities/federatedIdentityCredentials"
            : "userAssignedIdentities");
        if (fic) {
            return federatedCredentials(call, path);
        }
        if (path.name() == null) {
            return call.listResources(path, TYPE + "/read", graph.userAssignedIdentities(),
                UserAssignedIdentity::resourceGroup, ManagedIdentityApi::json);
        }
        String id = path.resourceId();
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(TYPE + "/read", id);
                yield ArmCall.ok(json(require(id, path)));
            }
            case "PUT" -> {
                call.authorize(TYPE + "/write", id);
                ObjectNode body = call.body(MEMBERS, PROPERTIES);
                boolean existed = graph.userAssignedIdentity(id).isPresent();
                if (!existed && ArmCall.text(body, "location") == null) {
                    throw new ArmException(400, "LocationRequired",
                        "The location property is required for this definition.");
                }
                Map<String, String> tags = ArmCall.tags(body);
                UserAssignedIdentity identity = graph.putUserAssignedIdentity(path.resourceGroup(), path.name(),
                    tags == null ? Map.of() : tags);
                yield existed ? ArmCall.ok(json(identity)) : ArmCall.created(json(identity));
            }
            case "DELETE" -> {
                call.authorize(TYPE + "/delete", id);
                // "200" and "204" with no body (REST spec, Managed Identity 2023-01-31, UserAssignedIdentities_Delete).
                yield graph.deleteUserAssignedIdentity(id) ? ArmCall.okWithoutBody() : ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private LabHttpResponse federatedCredentials(ArmCall call, ResourcePath path) {
        String identityId = path.resourceId();
        String name = path.childName();
        String scope = name == null ? identityId : identityId + "/federatedIdentityCredentials/" + name;
        if (name == null) {
            if (!"GET".equals(call.method())) {
                throw ArmCall.methodNotAllowed(call.method());
            }
            call.authorize(FIC_TYPE + "/read", scope);
            UserAssignedIdentity identity = require(identityId, path);
            return ArmCall.list(identity.federatedCredentials().stream().map(f -> ficJson(identity, f)).toList());
        }
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(FIC_TYPE + "/read", scope);
                UserAssignedIdentity identity = require(identityId, path);
                FederatedIdentityCredential f = identity.federatedCredentials().stream()
                    .filter(c -> c.name().equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new ResourceNotFoundException("The Resource '" + FIC_TYPE + "/"
                        + path.name() + "/" + name + "' under resource group '" + path.resourceGroup()
                        + "' was not found."));
                yield ArmCall.ok(ficJson(identity, f));
            }
            case "PUT" -> {
                call.authorize(FIC_TYPE + "/write", scope);
                FederatedIdentityCredential f = parseFic(call, name);
                UserAssignedIdentity identity = require(identityId, path);
                boolean existed = identity.federatedCredentials().stream().anyMatch(c -> c.name()
                    .equalsIgnoreCase(name));
                graph.putFederatedIdentityCredential(identityId, f);
                yield existed ? ArmCall.ok(ficJson(identity, f)) : ArmCall.created(ficJson(identity, f));
            }
            case "DELETE" -> {
                call.authorize(FIC_TYPE + "/delete", scope);
                require(identityId, path);
                // As for the identity: 200 or 204, no body (REST spec, FederatedIdentityCredentials_Delete).
                yield graph.deleteFederatedIdentityCredential(identityId, name) ? ArmCall.okWithoutBody()
                    : ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private static FederatedIdentityCredential parseFic(ArmCall call, String name) {
        // Microsoft Learn, "Configure a user-assigned managed identity to trust an external identity provider":
        // names are 3 to 120 letters, digits, dashes or underscores, starting with a letter or digit.
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{2,119}")) {
            throw new ArmException(400, "BadRequest", "The federated identity credential name '" + name
                + "' is not valid. It must be 3 to 120 characters long, start with a letter or number, and contain "
                + "only letters, numbers, hyphens and underscores.");
        }
        ObjectNode body = call.body(FIC_MEMBERS, FIC_PROPERTIES);
        JsonNode props = body.get("properties");
        String issuer = ArmCall.text(props, "issuer");
        String subject = ArmCall.text(props, "subject");
        JsonNode audiencesNode = props == null ? null : props.get("audiences");
        if (issuer == null || !issuer.startsWith("https://")) {
            throw new ArmException(400, "BadRequest", "The issuer must be a valid URL that starts with 'https://'.");
        }
        if (subject == null || subject.isBlank()) {
            throw new ArmException(400, "BadRequest", "The subject must not be empty.");
        }
        if (audiencesNode == null || !audiencesNode.isArray() || audiencesNode.size() != 1) {
            throw new ArmException(400, "BadRequest", "Exactly one audience must be given.");
        }
        List<String> audiences = new ArrayList<>();
        audiencesNode.forEach(a -> audiences.add(a.asText()));
        return new FederatedIdentityCredential(name, issuer, subject, audiences);
    }

    private UserAssignedIdentity require(String id, ResourcePath path) {
        return graph.userAssignedIdentity(id).orElseThrow(() -> ArmCall.notFound(TYPE, path.name(),
            path.resourceGroup()));
    }

    static Map<String, Object> json(UserAssignedIdentity u) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("isolationScope", "None");
        properties.put("tenantId", u.tenantId());
        properties.put("principalId", u.principalId());
        properties.put("clientId", u.clientId());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("location", u.location());
        json.put("tags", u.tags());
        json.put("properties", properties);
        json.put("id", u.id());
        json.put("name", u.name());
        json.put("type", TYPE);
        return json;
    }

    private static Map<String, Object> ficJson(UserAssignedIdentity u, FederatedIdentityCredential f) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("issuer", f.issuer());
        properties.put("subject", f.subject());
        properties.put("audiences", f.audiences());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("properties", properties);
        json.put("id", u.id() + "/federatedIdentityCredentials/" + f.name());
        json.put("name", f.name());
        json.put("type", FIC_TYPE);
        return json;
    }
}
