package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Sql/servers}: PUT (202 and an asynchronous operation, as Azure SQL answers), GET, list and
 * DELETE; {@code administrators/ActiveDirectory} GET, PUT and DELETE (the server's Microsoft Entra admin, which the
 * TDS endpoint reads); {@code azureADOnlyAuthentications/Default} GET and PUT; {@code firewallRules} PUT, GET, list
 * and DELETE; {@code databases} PUT (asynchronous), GET, list and DELETE; the operations' status
 * ({@code locations/{location}/serverAzureAsyncOperation/{id}}, ...) (Microsoft Learn, "Azure SQL Database REST
 * API": "Servers - Create Or Update", "Databases - Create Or Update", "Firewall Rules - Create Or Update", "Server
 * Azure AD Only Authentications - Create Or Update"). An administrator password is handed to the TDS side as it
 * arrives and kept nowhere else; no response carries it.
 */
final class SqlApi implements ProviderApi {

    /**
     * Newest first. {@code @azure/arm-sql} 10.0 sends 2022-08-01-preview for servers and databases and
     * 2020-11-01-preview for administrators and firewall rules; the Java SDK 2.53 sends 2021-11-01.
     */
    static final List<String> API_VERSIONS = List.of("2025-02-01-preview", "2024-05-01-preview", "2023-08-01", "2023-08-01-preview",
        "2023-05-01-preview", "2022-11-01-preview", "2022-08-01-preview", "2022-05-01-preview", "2021-11-01",
        "2021-02-01-preview", "2020-11-01-preview", "2014-04-01");
    private static final String TYPE = "Microsoft.Sql/servers";
    private static final Set<String> ADMIN_MEMBERS = Set.of("properties", "id", "name", "type");
    private static final Set<String> ADMIN_PROPERTIES = Set.of("administratorType", "login", "sid", "tenantId",
        "azureADOnlyAuthentication", "principalType");

    private final ResourceGraph graph;
    private final AsyncOperations operations;

    SqlApi(ResourceGraph graph, AsyncOperations operations) {
        this.graph = graph;
        this.operations = operations;
    }

    @Override
    public String namespace() {
        return "Microsoft.Sql";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        if (path.is("locations") && path.segments().size() == 4 && path.resourceGroup() != null) {
            call.requireApiVersion(API_VERSIONS, "locations/" + path.childType());
            return operation(call, path);
        }
        String child = path.childType();
        if (!path.is("servers") || path.segments().size() > 4 || (child != null
            && !Set.of("administrators", "firewallrules", "databases", "azureadonlyauthentications")
            .contains(child.toLowerCase()))) {
            throw ProviderApi.unknownType(path, version);
        }
        call.requireApiVersion(API_VERSIONS, child == null ? "servers" : "servers/" + child);
        if (path.name() == null) {
            return call.listResources(path, TYPE + "/read", graph.sqlServers(), SqlServer::resourceGroup,
                SqlApi::json);
        }
        if (child == null) {
            return switch (call.method()) {
                case "GET" -> {
                    call.authorize(TYPE + "/read", path.resourceId());
                    yield ArmCall.ok(json(require(path)));
                }
                case "PUT" -> putServer(call, path, version);
                case "DELETE" -> deleteServer(call, path, version);
                default -> throw ArmCall.methodNotAllowed(call.method());
            };
        }
        return switch (child.toLowerCase()) {
            case "administrators" -> administrators(call, path);
            case "firewallrules" -> firewallRules(call, path);
            case "azureadonlyauthentications" -> entraOnly(call, path);
            default -> databases(call, path, version);
        };
    }

    // --- servers -----------------------------------------------------------------------------------------------

    private static final Set<String> SERVER_MEMBERS = Set.of("location", "tags", "identity", "properties", "id", "name",
        "type", "kind");
    private static final Set<String> SERVER_PROPERTIES = Set.of("administratorLogin", "administratorLoginPassword",
        "administrators", "version", "minimalTlsVersion", "publicNetworkAccess", "restrictOutboundNetworkAccess",
        "primaryUserAssignedIdentityId", "keyId", "federatedClientId", "isIPv6Enabled", "state",
        "fullyQualifiedDomainName");
    /** Logins Azure SQL reserves (Microsoft Learn, "Create a single database", the admin login's rules). */
    private static final Set<String> RESERVED_LOGINS = Set.of("admin", "administrator", "sa", "root", "dbmanager",
        "loginmanager", "dbo", "guest", "public");
    static final List<String> LOCATIONS = List.of("westeurope", "northeurope", "eastus", "westus2");

    /**
     * {@code PUT servers/{name}} ({@code az sql server create}): checked at once are the caller's right, the name,
     * the body, the location and the admin login; the password and the global name are checked while "provisioning"
     * and fail the operation (status {@code Failed}, {@code PasswordNotComplex} or {@code NameAlreadyExists}), as
     * Azure SQL reports them.
     */
    private LabHttpResponse putServer(ArmCall call, ResourcePath path, String version) {
        call.authorize(TYPE + "/write", path.resourceId());
        String name = path.name();
        if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            // Microsoft Learn, "Naming rules and restrictions for Azure resources" (Microsoft.Sql/servers).
            throw new ArmException(400, "InvalidServerName", "The server name '" + name + "' is not valid: it can "
                + "only be made up of lowercase letters 'a'-'z', the numbers 0-9 and the hyphen, 1 to 63 characters; "
                + "the hyphen may not lead or trail in the name.");
        }
        ObjectNode body = call.body(SERVER_MEMBERS, SERVER_PROPERTIES);
        String location = location(body, "servers");
        JsonNode p = body.path("properties");
        String login = ArmCall.text(p, "administratorLogin");
        String password = ArmCall.text(p, "administratorLoginPassword");
        SqlServer.SqlEntraAdmin admin = externalAdministrator(p.get("administrators"));
        SqlServer existing = graph.sqlServer(path.resourceGroup(), name).orElse(null);
        boolean entraOnly = admin != null && admin.azureADOnlyAuthentication();
        if (existing == null && !entraOnly) {
            if (login == null || login.isBlank()) {
                throw invalidParameter("Login");
            }
            if (password == null || password.isEmpty()) {
                throw invalidParameter("Password");
            }
        }
        if (existing != null) {
            login = existing.administratorLogin();
        } else if (login == null || login.isBlank()) {
            // An Entra-only server still has a SQL admin login, one nobody knows the password of.
            login = "CloudSA" + java.util.UUID.randomUUID().toString().substring(0, 8);
        } else {
            requireValidLogin(login);
        }
        AsyncOperations.Operation operation;
        try {
            if (password != null) {
                requireComplexPassword(password, login);
            }
            SqlServer server = graph.putSqlServer(path.resourceGroup(), name, location, login, admin, password)
                .resource();
            operation = operations.succeeded(json(server));
        } catch (ArmException refused) {
            operation = operations.failed(refused);
        }
        return AsyncOperations.accepted(operation, operationBase(path, location) + "server", version,
            "UpsertLogicalServer");
    }

    private LabHttpResponse deleteServer(ArmCall call, ResourcePath path, String version) {
        call.authorize(TYPE + "/delete", path.resourceId());
        SqlServer server = graph.sqlServer(path.resourceGroup(), path.name()).orElse(null);
        if (server == null || !graph.deleteSqlServer(path.resourceGroup(), path.name())) {
            return ArmCall.noContent();
        }
        return AsyncOperations.accepted(operations.succeeded(null), operationBase(path, server.location()) + "server",
            version, "DropLogicalServer");
    }

    /** {@code properties.administrators} of a server PUT, or null when it names no admin. */
    private SqlServer.SqlEntraAdmin externalAdministrator(JsonNode a) {
        if (a == null || a.isNull() || (a.isObject() && a.size() == 0)) {
            return null;
        }
        if (!a.isObject()) {
            throw ArmCall.invalidContent("Error converting value to type 'ServerExternalAdministrator'. Path "
                + "'properties.administrators'.");
        }
        return entraAdmin(a.get("login") == null ? null : ArmCall.text(a, "login"), ArmCall.text(a, "sid"),
            ArmCall.text(a, "tenantId"), ArmCall.text(a, "principalType"),
            a.path("azureADOnlyAuthentication").asBoolean(false));
    }

    /** The checks of an Entra admin, at {@code administrators/ActiveDirectory} and in a server PUT alike. */
    private SqlServer.SqlEntraAdmin entraAdmin(String login, String sid, String tenantId, String principalType,
                                               boolean entraOnly) {
        if (login == null || login.isBlank()) {
            throw invalidParameter("Login");
        }
        if (!AuthorizationApi.isGuid(sid)) {
            throw invalidParameter("Sid");
        }
        if (tenantId != null && !tenantId.equalsIgnoreCase(graph.tenantId())) {
            throw invalidParameter("TenantId");
        }
        return new SqlServer.SqlEntraAdmin(login, sid.toLowerCase(), graph.tenantId(),
            principalType == null ? principalTypeOf(sid) : principalType, entraOnly);
    }

    private static ArmException invalidParameter(String parameter) {
        return new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter " + parameter
            + ". Specify a valid parameter value.");
    }

    /** {@code location} of a PUT: required, and one of the lab's regions ("westeurope", "West Europe", ...). */
    static String location(JsonNode body, String type) {
        String location = ArmCall.text(body, "location");
        if (location == null || location.isBlank()) {
            throw new ArmException(400, "LocationRequired", "The location property is required for this definition.");
        }
        String normalized = location.toLowerCase(java.util.Locale.ROOT).replace(" ", "");
        if (!LOCATIONS.contains(normalized)) {
            throw new ArmException(400, "LocationNotAvailableForResourceType", "The provided location '" + location
                + "' is not available for resource type '" + type + "'. List of available regions for the resource "
                + "type is '" + String.join(",", LOCATIONS) + "'.");
        }
        return normalized;
    }

    /** Azure SQL's admin login rules: no reserved name, no character beyond letters, digits and underscore. */
    private static void requireValidLogin(String login) {
        if (RESERVED_LOGINS.contains(login.toLowerCase(java.util.Locale.ROOT))) {
            throw new ArmException(400, "InvalidLoginName", "The provided login name is invalid: '" + login
                + "' is a reserved name.");
        }
        if (!login.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            throw new ArmException(400, "InvalidUsername", "Supplied user name contains invalid characters.");
        }
    }

    /**
     * Azure SQL's password policy for the server admin: 8 to 128 characters from three of upper case, lower case,
     * digits and symbols, not containing the login (Microsoft Learn, "Password policy", and the error codes the
     * REST reference lists for "Servers - Create Or Update").
     */
    private static void requireComplexPassword(String password, String login) {
        if (password.length() < 8) {
            throw new ArmException(400, "PasswordTooShort", "Password validation failed. The password does not meet "
                + "policy requirements because it is too short.");
        }
        if (password.length() > 128) {
            throw new ArmException(400, "PasswordTooLong", "Password validation failed. The password does not meet "
                + "policy requirements because it is too long.");
        }
        int classes = (password.chars().anyMatch(Character::isUpperCase) ? 1 : 0)
            + (password.chars().anyMatch(Character::isLowerCase) ? 1 : 0)
            + (password.chars().anyMatch(Character::isDigit) ? 1 : 0)
            + (password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3 || password.toLowerCase(java.util.Locale.ROOT).contains(login.toLowerCase(java.util.Locale.ROOT))) {
            throw new ArmException(400, "PasswordNotComplex", "Password validation failed. The password does not meet "
                + "policy requirements because it is not complex enough.");
        }
    }

    /** {@code /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Sql/locations/{location}/}. */
    private static String operationBase(ResourcePath path, String location) {
        return ResourceIds.resourceGroup(path.subscriptionId(), path.resourceGroup()) + "/providers/Microsoft.Sql"
            + "/locations/" + location + "/";
    }

    /** {@code GET locations/{location}/{kind}AzureAsyncOperation|OperationResults/{id}}. */
    private LabHttpResponse operation(ArmCall call, ResourcePath path) {
        requireGet(call);
        String kind = path.childType().toLowerCase(java.util.Locale.ROOT);
        AsyncOperations.Operation operation = operations.get(path.childName()).orElseThrow(() ->
            new ResourceNotFoundException("OperationNotFound", "The operation '" + path.childName() + "' could not "
                + "be found."));
        if (kind.endsWith("azureasyncoperation")) {
            return AsyncOperations.status(operation);
        }
        if (kind.endsWith("operationresults")) {
            return AsyncOperations.result(operation);
        }
        throw ProviderApi.unknownType(path, call.queryParameter("api-version"));
    }

    // --- Microsoft Entra-only authentication -------------------------------------------------------------------

    private LabHttpResponse entraOnly(ArmCall call, ResourcePath path) {
        String name = path.childName();
        String scope = path.resourceId() + "/azureADOnlyAuthentications" + (name == null ? "" : "/" + name);
        if (name != null && !name.equalsIgnoreCase("Default")) {
            throw invalidParameter("authenticationName");
        }
        if (name == null) {
            requireGet(call);
            call.authorize(TYPE + "/azureADOnlyAuthentications/read", scope);
            return ArmCall.list(List.of(entraOnlyJson(require(path))));
        }
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(TYPE + "/azureADOnlyAuthentications/read", scope);
                yield ArmCall.ok(entraOnlyJson(require(path)));
            }
            case "PUT" -> {
                call.authorize(TYPE + "/azureADOnlyAuthentications/write", scope);
                JsonNode p = call.body(ADMIN_MEMBERS, Set.of("azureADOnlyAuthentication")).path("properties");
                if (!p.path("azureADOnlyAuthentication").isBoolean()) {
                    throw invalidParameter("azureADOnlyAuthentication");
                }
                SqlServer server = require(path);
                if (server.entraAdmin() == null) {
                    throw new ArmException(400, "InvalidServerAADOnlyAuthNoAADAdminPropertyName", "AAD Admin is not "
                        + "configured, AAD Admin must be set before enabling/disabling AAD Only Authentication.");
                }
                SqlServer.SqlEntraAdmin a = server.entraAdmin();
                SqlServer changed = graph.setSqlEntraAdmin(path.resourceGroup(), path.name(),
                    new SqlServer.SqlEntraAdmin(a.login(), a.sid(), a.tenantId(), a.principalType(),
                        p.get("azureADOnlyAuthentication").asBoolean()));
                yield ArmCall.ok(entraOnlyJson(changed));
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private static Map<String, Object> entraOnlyJson(SqlServer s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("properties", Map.of("azureADOnlyAuthentication", s.entraOnlyAuthentication()));
        json.put("id", s.id() + "/azureADOnlyAuthentications/Default");
        json.put("name", "Default");
        json.put("type", TYPE + "/azureADOnlyAuthentications");
        return json;
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
                SqlServer before = require(path);
                // A new admin keeps the server's Entra-only setting unless the request states it.
                boolean entraOnly = p != null && p.has("azureADOnlyAuthentication")
                    ? p.path("azureADOnlyAuthentication").asBoolean(false) : before.entraOnlyAuthentication();
                SqlServer.SqlEntraAdmin admin = entraAdmin(ArmCall.text(p, "login"), ArmCall.text(p, "sid"),
                    ArmCall.text(p, "tenantId"), ArmCall.text(p, "principalType"), entraOnly);
                SqlServer server = graph.setSqlEntraAdmin(path.resourceGroup(), path.name(), admin);
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

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
        "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private LabHttpResponse firewallRules(ArmCall call, ResourcePath path) {
        String name = path.childName();
        String scope = path.resourceId() + "/firewallRules" + (name == null ? "" : "/" + name);
        if (name == null || "GET".equals(call.method())) {
            requireGet(call);
            call.authorize(TYPE + "/firewallRules/read", scope);
            SqlServer server = require(path);
            if (name == null) {
                return ArmCall.list(server.firewallRules().stream().map(r -> ruleJson(server, r)).toList());
            }
            return ArmCall.ok(server.firewallRules().stream().filter(r -> r.name().equalsIgnoreCase(name))
                .findFirst().map(r -> ruleJson(server, r)).orElseThrow(() -> new ResourceNotFoundException(
                    "The requested resource of type '" + TYPE + "/firewallRules' with name '" + name
                        + "' was not found.")));
        }
        return switch (call.method()) {
            case "PUT" -> {
                call.authorize(TYPE + "/firewallRules/write", scope);
                JsonNode p = call.body(ADMIN_MEMBERS, Set.of("startIpAddress", "endIpAddress")).path("properties");
                // Azure SQL's errors 40617/40618 and 40611/40614 (Microsoft Learn, "Database engine errors").
                if (name.length() > 128) {
                    throw new ArmException(400, "FirewallRuleNameTooLong", "The firewall rule name that starts with '"
                        + name.substring(0, 20) + "' is too long. Maximum length is 128.");
                }
                if (!name.matches("[^<>*%&:\\\\/?]+") || name.endsWith(".")) {
                    throw new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter "
                        + "firewallRuleName. Specify a valid parameter value.");
                }
                String start = ipAddress(p, "startIpAddress");
                String end = ipAddress(p, "endIpAddress");
                if (Long.compareUnsigned(ipValue(start), ipValue(end)) > 0) {
                    throw new ArmException(400, "FirewallRuleStartIpAddressExceedsEndIpAddress", "Start IP address "
                        + "of firewall rule cannot exceed End IP address.");
                }
                SqlServer before = require(path);
                boolean exists = before.firewallRules().stream().anyMatch(r -> r.name().equalsIgnoreCase(name));
                if (!exists && before.firewallRules().size() >= 256) {
                    throw new ArmException(400, "FirewallRuleLimitExceeded", "Azure SQL Database supports a maximum "
                        + "of 256 firewall rules.");
                }
                SqlServer server = graph.putSqlFirewallRule(path.resourceGroup(), path.name(),
                    new SqlServer.FirewallRule(name, start, end));
                Map<String, Object> json = ruleJson(server, new SqlServer.FirewallRule(name, start, end));
                yield exists ? ArmCall.ok(json) : ArmCall.created(json);
            }
            case "DELETE" -> {
                call.authorize(TYPE + "/firewallRules/delete", scope);
                require(path);
                yield graph.deleteSqlFirewallRule(path.resourceGroup(), path.name(), name) ? ArmCall.okWithoutBody()
                    : ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private static String ipAddress(JsonNode properties, String member) {
        String ip = ArmCall.text(properties, member);
        if (ip == null || !IPV4.matcher(ip).matches()) {
            // Azure SQL's answer to a missing or malformed address (azure-rest-api-specs issue 869).
            throw new ArmException(400, "BadRequest", "Invalid value provided for parameter: " + member);
        }
        return ip;
    }

    private static long ipValue(String ip) {
        long value = 0;
        for (String octet : ip.split("\\.")) {
            value = value * 256 + Integer.parseInt(octet);
        }
        return value;
    }

    private static final Set<String> DATABASE_MEMBERS = Set.of("location", "tags", "sku", "properties", "identity",
        "id", "name", "type", "kind");
    private static final Set<String> DATABASE_PROPERTIES = Set.of("collation", "maxSizeBytes", "zoneRedundant",
        "readScale", "requestedBackupStorageRedundancy", "createMode", "catalogCollation", "licenseType",
        "autoPauseDelay", "minCapacity", "isLedgerOn", "elasticPoolId", "highAvailabilityReplicaCount",
        "maintenanceConfigurationId", "secondaryType", "preferredEnclaveType", "sampleName", "availabilityZone",
        "useFreeLimit", "freeLimitExhaustionBehavior");

    private LabHttpResponse databases(ArmCall call, ResourcePath path, String version) {
        String name = path.childName();
        String scope = path.resourceId() + "/databases" + (name == null ? "" : "/" + name);
        if (name == null || "GET".equals(call.method())) {
            requireGet(call);
            call.authorize(TYPE + "/databases/read", scope);
            SqlServer server = require(path);
            if (name == null) {
                return ArmCall.list(server.databases().stream().map(d -> databaseJson(server, d)).toList());
            }
            return ArmCall.ok(server.databases().stream().filter(d -> d.equalsIgnoreCase(name)).findFirst()
                .map(d -> databaseJson(server, d)).orElseThrow(() -> new ResourceNotFoundException(
                    "DatabaseDoesNotExist", "The requested resource of type '" + TYPE + "/databases' with name '"
                    + name + "' was not found.")));
        }
        return switch (call.method()) {
            case "PUT" -> {
                call.authorize(TYPE + "/databases/write", scope);
                ObjectNode body = call.body(DATABASE_MEMBERS, DATABASE_PROPERTIES);
                String location = location(body, "servers/databases");
                // Microsoft Learn, "Naming rules and restrictions": 1-128 characters, none of <>*%&:\/? or control
                // characters, not ending with a period or a space.
                if (name.length() > 128 || !name.matches("[^<>*%&:\\\\/?\\p{Cntrl}]+") || name.endsWith(".")
                    || name.endsWith(" ")) {
                    throw invalidParameter("DatabaseName");
                }
                SqlServer server = require(path);
                if (!server.location().equalsIgnoreCase(location)) {
                    // A database lives in its server's region; the wording is the lab's (Azure does not document it).
                    throw new ArmException(400, "InvalidParameterValue", "Invalid value given for parameter Location. "
                        + "A database must be in its server's location '" + server.location() + "'.");
                }
                String sku = body.has("sku") ? ArmCall.text(body.get("sku"), "name") : null;
                ResourceGraph.Put<SqlServer> put = graph.putSqlDatabase(path.resourceGroup(), path.name(), name, sku);
                String stored = put.resource().databases().stream().filter(d -> d.equalsIgnoreCase(name)).findFirst()
                    .orElse(name);
                yield AsyncOperations.accepted(operations.succeeded(databaseJson(put.resource(), stored)),
                    operationBase(path, server.location()) + "database", version, "CreateLogicalDatabase");
            }
            case "DELETE" -> {
                call.authorize(TYPE + "/databases/delete", scope);
                SqlServer server = require(path);
                if (!graph.deleteSqlDatabase(path.resourceGroup(), path.name(), name)) {
                    yield ArmCall.noContent();
                }
                yield AsyncOperations.accepted(operations.succeeded(null), operationBase(path, server.location())
                    + "database", version, "DropLogicalDatabase");
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
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

    /** A database as Azure SQL returns it; {@code Basic} and the other DTU objectives have their own sku shape. */
    private static Map<String, Object> databaseJson(SqlServer s, String database) {
        String objective = s.databaseSku(database);
        Map<String, Object> sku = objective == null
            ? Map.of("name", "GP_S_Gen5", "tier", "GeneralPurpose", "family", "Gen5", "capacity", 1)
            : dtuSku(objective);
        String serviceObjective = objective == null ? "GP_S_Gen5_1" : objective;
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("collation", "SQL_Latin1_General_CP1_CI_AS");
        properties.put("maxSizeBytes", "Basic".equalsIgnoreCase(objective) ? 2147483648L : 34359738368L);
        properties.put("status", "Online");
        properties.put("databaseId", java.util.UUID.nameUUIDFromBytes((s.id() + "/" + database).getBytes())
            .toString());
        properties.put("currentServiceObjectiveName", serviceObjective);
        properties.put("requestedServiceObjectiveName", serviceObjective);
        properties.put("zoneRedundant", false);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sku", sku);
        json.put("kind", objective == null ? "v12.0,user,vcore,serverless" : "v12.0,user");
        json.put("properties", properties);
        json.put("location", s.location());
        json.put("id", s.id() + "/databases/" + database);
        json.put("name", database);
        json.put("type", TYPE + "/databases");
        return json;
    }

    /** {@code Basic}: 5 DTUs; {@code S0}..: Standard; {@code P1}..: Premium; anything else as named. */
    private static Map<String, Object> dtuSku(String objective) {
        String upper = objective.toUpperCase(java.util.Locale.ROOT);
        if (upper.equals("BASIC")) {
            return Map.of("name", "Basic", "tier", "Basic", "capacity", 5);
        }
        if (upper.matches("S\\d+")) {
            return Map.of("name", "Standard", "tier", "Standard", "capacity", 10);
        }
        if (upper.matches("P\\d+")) {
            return Map.of("name", "Premium", "tier", "Premium", "capacity", 125);
        }
        return Map.of("name", objective);
    }
}
