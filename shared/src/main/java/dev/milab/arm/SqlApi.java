package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Sql/servers}: GET and list; {@code administrators/ActiveDirectory} GET, PUT and DELETE (the
 * server's Microsoft Entra admin, which the TDS endpoint reads); {@code firewallRules} GET and list;
 * {@code databases} GET and list (Microsoft Learn, "Azure SQL Database REST API").
 */
final class SqlApi implements ProviderApi {

    /**
     * Newest first. {@code @azure/arm-sql} 10.0 sends 2022-08-01-preview for servers and databases and
     * 2020-11-01-preview for administrators and firewall rules; the Java SDK 2.53 sends 2021-11-01.
     */
    static final List<String> API_VERSIONS = List.of("2024-05-01-preview", "2023-08-01", "2023-08-01-preview",
        "2023-05-01-preview", "2022-11-01-preview", "2022-08-01-preview", "2022-05-01-preview", "2021-11-01",
        "2021-02-01-preview", "2020-11-01-preview", "2014-04-01");
    private static final String TYPE = "Microsoft.Sql/servers";
    private static final Set<String> ADMIN_MEMBERS = Set.of("properties", "id", "name", "type");
    private static final Set<String> ADMIN_PROPERTIES = Set.of("administratorType", "login", "sid", "tenantId",
        "azureADOnlyAuthentication", "principalType");

    private final ResourceGraph graph;

    SqlApi(ResourceGraph graph) {
        this.graph = graph;
    }

    @Override
    public String namespace() {
        return "Microsoft.Sql";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        String child = path.childType();
        if (!path.is("servers") || path.segments().size() > 4 || (child != null
            && !Set.of("administrators", "firewallrules", "databases").contains(child.toLowerCase()))) {
            throw ProviderApi.unknownType(path, version);
        }
        call.requireApiVersion(API_VERSIONS, child == null ? "servers" : "servers/" + child);
        if (path.name() == null) {
            return call.listResources(path, TYPE + "/read", graph.sqlServers(), SqlServer::resourceGroup,
                SqlApi::json);
        }
        if (child == null) {
            requireGet(call);
            call.authorize(TYPE + "/read", path.resourceId());
            return ArmCall.ok(json(require(path)));
        }
        return switch (child.toLowerCase()) {
            case "administrators" -> administrators(call, path);
            case "firewallrules" -> firewallRules(call, path);
            default -> databases(call, path);
        };
    }

    private LabHttpResponse administrators(ArmCall call, ResourcePath path) {
        String name = path.childName();
        String scope = path.resourceId() + "/administrators" + (name == null ? "" : "/" + name);
        if (name != null && !name.equalsIgnoreCase("ActiveDirectory")) {
            throw new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter "
                + "administratorName. Specify a valid parameter value.");
        }
        if (name == null) {
            requireGet(call);
            call.authorize(TYPE + "/administrators/read", scope);
            SqlServer server = require(path);
            return ArmCall.list(server.entraAdmin() == null ? List.of() : List.of(adminJson(server)));
        }
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(TYPE + "/administrators/read", scope);
                SqlServer server = require(path);
                if (server.entraAdmin() == null) {
                    throw new ResourceNotFoundException("The requested resource of type '" + TYPE
                        + "/administrators' with name 'ActiveDirectory' was not found.");
                }
                yield ArmCall.ok(adminJson(server));
            }
            case "PUT" -> {
                call.authorize(TYPE + "/administrators/write", scope);
                ObjectNode body = call.body(ADMIN_MEMBERS, ADMIN_PROPERTIES);
                JsonNode p = body.get("properties");
                String login = ArmCall.text(p, "login");
                String sid = ArmCall.text(p, "sid");
                String tenantId = ArmCall.text(p, "tenantId");
                if (login == null || login.isBlank()) {
                    throw new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter Login. "
                        + "Specify a valid parameter value.");
                }
                if (!AuthorizationApi.isGuid(sid)) {
                    throw new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter Sid. "
                        + "Specify a valid parameter value.");
                }
                if (tenantId != null && !tenantId.equalsIgnoreCase(graph.tenantId())) {
                    throw new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter "
                        + "TenantId. Specify a valid parameter value.");
                }
                boolean entraOnly = p != null && p.path("azureADOnlyAuthentication").asBoolean(false);
                String principalType = ArmCall.text(p, "principalType");
                SqlServer before = require(path);
                SqlServer server = graph.setSqlEntraAdmin(path.resourceGroup(), path.name(),
                    new SqlServer.SqlEntraAdmin(login, sid.toLowerCase(), graph.tenantId(),
                        principalType == null ? principalTypeOf(sid) : principalType, entraOnly));
                yield before.entraAdmin() == null ? ArmCall.created(adminJson(server)) : ArmCall.ok(adminJson(server));
            }
            case "DELETE" -> {
                call.authorize(TYPE + "/administrators/delete", scope);
                SqlServer server = require(path);
                if (server.entraAdmin() == null) {
                    yield ArmCall.noContent();
                }
                graph.setSqlEntraAdmin(path.resourceGroup(), path.name(), null);
                yield ArmCall.ok(Map.of());
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    /** An Entra admin's kind, as the portal records it: an application when {@code sid} is a client id. */
    private String principalTypeOf(String sid) {
        return graph.directory().byAppId(sid).isPresent() ? "Application" : "User";
    }

    private LabHttpResponse firewallRules(ArmCall call, ResourcePath path) {
        requireGet(call);
        String name = path.childName();
        call.authorize(TYPE + "/firewallRules/read", path.resourceId() + "/firewallRules" + (name == null ? ""
            : "/" + name));
        SqlServer server = require(path);
        if (name == null) {
            return ArmCall.list(server.firewallRules().stream().map(r -> ruleJson(server, r)).toList());
        }
        return ArmCall.ok(server.firewallRules().stream().filter(r -> r.name().equalsIgnoreCase(name))
            .findFirst().map(r -> ruleJson(server, r)).orElseThrow(() -> new ResourceNotFoundException(
                "The requested resource of type '" + TYPE + "/firewallRules' with name '" + name
                    + "' was not found.")));
    }

    private LabHttpResponse databases(ArmCall call, ResourcePath path) {
        requireGet(call);
        String name = path.childName();
        call.authorize(TYPE + "/databases/read", path.resourceId() + "/databases" + (name == null ? "" : "/" + name));
        SqlServer server = require(path);
        if (name == null) {
            return ArmCall.list(server.databases().stream().map(d -> databaseJson(server, d)).toList());
        }
        return ArmCall.ok(server.databases().stream().filter(d -> d.equalsIgnoreCase(name)).findFirst()
            .map(d -> databaseJson(server, d)).orElseThrow(() -> new ResourceNotFoundException("DatabaseDoesNotExist",
                "The requested resource of type '" + TYPE + "/databases' with name '" + name + "' was not found.")));
    }

    private SqlServer require(ResourcePath path) {
        return graph.sqlServer(path.resourceGroup(), path.name())
            .orElseThrow(() -> ArmCall.notFound(TYPE, path.name(), path.resourceGroup()));
    }

    private static void requireGet(ArmCall call) {
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
    }

    static Map<String, Object> json(SqlServer s) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("administratorLogin", s.administratorLogin());
        properties.put("version", "12.0");
        properties.put("state", "Ready");
        properties.put("fullyQualifiedDomainName", s.fullyQualifiedDomainName());
        properties.put("privateEndpointConnections", List.of());
        properties.put("minimalTlsVersion", "1.2");
        properties.put("publicNetworkAccess", "Enabled");
        properties.put("restrictOutboundNetworkAccess", "Disabled");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", "v12.0");
        json.put("properties", properties);
        json.put("location", s.location());
        json.put("id", s.id());
        json.put("name", s.name());
        json.put("type", TYPE);
        return json;
    }

    private static Map<String, Object> adminJson(SqlServer s) {
        SqlServer.SqlEntraAdmin a = s.entraAdmin();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("administratorType", "ActiveDirectory");
        properties.put("login", a.login());
        properties.put("sid", a.sid());
        properties.put("tenantId", a.tenantId());
        properties.put("azureADOnlyAuthentication", a.azureADOnlyAuthentication());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("properties", properties);
        json.put("id", s.id() + "/administrators/ActiveDirectory");
        json.put("name", "ActiveDirectory");
        json.put("type", TYPE + "/administrators");
        return json;
    }

    private static Map<String, Object> ruleJson(SqlServer s, SqlServer.FirewallRule r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("properties", Map.of("startIpAddress", r.startIpAddress(), "endIpAddress", r.endIpAddress()));
        json.put("id", s.id() + "/firewallRules/" + r.name());
        json.put("name", r.name());
        json.put("type", TYPE + "/firewallRules");
        return json;
    }

    private static Map<String, Object> databaseJson(SqlServer s, String database) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("collation", "SQL_Latin1_General_CP1_CI_AS");
        properties.put("maxSizeBytes", 34359738368L);
        properties.put("status", "Online");
        properties.put("databaseId", java.util.UUID.nameUUIDFromBytes((s.id() + "/" + database).getBytes())
            .toString());
        properties.put("currentServiceObjectiveName", "GP_S_Gen5_1");
        properties.put("requestedServiceObjectiveName", "GP_S_Gen5_1");
        properties.put("zoneRedundant", false);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sku", Map.of("name", "GP_S_Gen5", "tier", "GeneralPurpose", "family", "Gen5", "capacity", 1));
        json.put("kind", "v12.0,user,vcore,serverless");
        json.put("properties", properties);
        json.put("location", s.location());
        json.put("id", s.id() + "/databases/" + database);
        json.put("name", database);
        json.put("type", TYPE + "/databases");
        return json;
    }
}
