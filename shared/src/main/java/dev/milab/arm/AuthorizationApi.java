package dev.milab.arm;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Authorization} at any scope: the built-in role definitions ({@code $filter=roleName eq '...'}) and
 * role assignments (PUT with a client-made GUID, GET, DELETE, list with {@code atScope()} and
 * {@code principalId eq '...'}) (Microsoft Learn, "Role Assignments - Create", "List For Scope").
 */
final class AuthorizationApi {

    static final List<String> API_VERSIONS = List.of("2022-04-01", "2022-05-01-preview", "2022-01-01-preview",
        "2020-10-01-preview", "2020-08-01-preview", "2020-04-01-preview", "2018-09-01-preview", "2018-07-01",
        "2018-01-01-preview", "2017-05-01", "2015-07-01");
    private static final Set<String> ASSIGNMENT_MEMBERS = Set.of("properties", "id", "name", "type");
    private static final Set<String> ASSIGNMENT_PROPERTIES = Set.of("roleDefinitionId", "principalId",
        "principalType", "description", "condition", "conditionVersion", "delegatedManagedIdentityResourceId",
        "scope");
    private static final Pattern PRINCIPAL_FILTER = Pattern.compile("principalId\\s+eq\\s+'([^']*)'",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern ASSIGNED_TO_FILTER = Pattern.compile("assignedTo\\('([^']*)'\\)",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern ROLE_NAME_FILTER = Pattern.compile("roleName\\s+eq\\s+'([^']*)'",
        Pattern.CASE_INSENSITIVE);

    private final ResourceGraph graph;
    private final Clock clock;

    AuthorizationApi(ResourceGraph graph, Clock clock) {
        this.graph = graph;
        this.clock = clock;
    }

    LabHttpResponse handle(ArmCall call, String scope, List<String> rest) {
        String type = rest.get(0);
        if (rest.size() > 2 || !(type.equalsIgnoreCase("roleAssignments") || type.equalsIgnoreCase("roleDefinitions"))) {
            throw new ArmException(400, "InvalidResourceType", "The resource type '" + type + "' could not be found "
                + "in the namespace 'Microsoft.Authorization' for api version '" + call.queryParameter("api-version")
                + "'.");
        }
        call.requireApiVersion(API_VERSIONS, type);
        String name = rest.size() == 2 ? rest.get(1) : null;
        return type.equalsIgnoreCase("roleDefinitions") ? roleDefinitions(call, scope, name)
            : roleAssignments(call, scope, name);
    }

    // --- role definitions --------------------------------------------------------------------------------------

    private LabHttpResponse roleDefinitions(ArmCall call, String scope, String name) {
        if (!"GET".equals(call.method())) {
            // Custom roles are outside the lab's subset.
            throw ArmCall.methodNotAllowed(call.method());
        }
        // Built-in definitions at the root scope are readable by any signed-in principal (they are the same in every
        // tenant); below it, reading needs the action like any other read.
        if (!"/".equals(scope)) {
            call.authorize("Microsoft.Authorization/roleDefinitions/read", scope);
        }
        if (name != null) {
            RoleDefinition role = BuiltInRoles.byId(name).orElseThrow(() -> new ArmException(404,
                "RoleDefinitionDoesNotExist", "The specified role definition with ID '" + name + "' does not exist."));
            return ArmCall.ok(roleDefinitionJson(role, scope));
        }
        String filter = call.queryParameter("$filter");
        List<RoleDefinition> roles = BuiltInRoles.ALL;
        if (filter != null && !filter.isBlank()) {
            Matcher m = ROLE_NAME_FILTER.matcher(filter);
            if (m.find()) {
                roles = BuiltInRoles.byRoleName(m.group(1)).map(List::of).orElse(List.of());
            } else if (!filter.toLowerCase(Locale.ROOT).contains("type eq 'builtinrole'")
                && !filter.equalsIgnoreCase("atScopeAndBelow()")) {
                throw invalidFilter(filter);
            }
        }
        return ArmCall.list(roles.stream().map(r -> roleDefinitionJson(r, scope)).toList());
    }

    private Map<String, Object> roleDefinitionJson(RoleDefinition role, String scope) {
        Map<String, Object> permission = new LinkedHashMap<>();
        permission.put("actions", role.actions());
        permission.put("notActions", role.notActions());
        permission.put("dataActions", role.dataActions());
        permission.put("notDataActions", role.notDataActions());
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("roleName", role.roleName());
        properties.put("type", "BuiltInRole");
        properties.put("description", role.description());
        properties.put("assignableScopes", List.of("/"));
        properties.put("permissions", List.of(permission));
        properties.put("createdOn", "2015-02-02T21:55:09.8806423Z");
        properties.put("updatedOn", "2025-01-01T00:00:00.0000000Z");
        properties.put("createdBy", null);
        properties.put("updatedBy", null);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("properties", properties);
        json.put("id", "/".equals(scope) ? "/providers/Microsoft.Authorization/roleDefinitions/" + role.name()
            : role.idAt(graph.subscriptionId()));
        json.put("type", "Microsoft.Authorization/roleDefinitions");
        json.put("name", role.name());
        return json;
    }

    // --- role assignments --------------------------------------------------------------------------------------

    private LabHttpResponse roleAssignments(ArmCall call, String scope, String name) {
        if (name == null) {
            if (!"GET".equals(call.method())) {
                throw ArmCall.methodNotAllowed(call.method());
            }
            return listAssignments(call, scope);
        }
        if (!isGuid(name)) {
            throw new ArmException(400, "InvalidRoleAssignmentId", "The role assignment ID '" + name
                + "' is not valid. The role assignment ID must be a GUID.");
        }
        String id = RoleAssignment.idOf(scope, name);
        return switch (call.method()) {
            case "GET" -> {
                call.authorize("Microsoft.Authorization/roleAssignments/read", id);
                RoleAssignment a = graph.roleAssignment(id).orElseThrow(() -> new ArmException(404,
                    "RoleAssignmentNotFound", "The role assignment '" + name + "' is not found."));
                yield ArmCall.ok(assignmentJson(a));
            }
            case "PUT" -> put(call, scope, name, id);
            case "DELETE" -> {
                call.authorize("Microsoft.Authorization/roleAssignments/delete", id);
                yield graph.deleteRoleAssignment(id).map(a -> ArmCall.ok(assignmentJson(a)))
                    .orElseGet(ArmCall::noContent);
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private LabHttpResponse put(ArmCall call, String scope, String name, String id) {
        call.authorize("Microsoft.Authorization/roleAssignments/write", id);
        JsonNode body = call.body(ASSIGNMENT_MEMBERS, ASSIGNMENT_PROPERTIES);
        JsonNode props = body.get("properties");
        if (props == null || !props.isObject()) {
            throw ArmCall.invalidContent("Required property 'properties' not found in JSON. Path ''");
        }
        String roleDefinitionId = ArmCall.text(props, "roleDefinitionId");
        String principalId = ArmCall.text(props, "principalId");
        if (roleDefinitionId == null || !isGuid(roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1))) {
            throw new ArmException(400, "InvalidRoleDefinitionId", "The role definition ID '"
                + (roleDefinitionId == null ? "" : roleDefinitionId) + "' is not valid.");
        }
        if (principalId == null || !isGuid(principalId)) {
            throw new ArmException(400, "InvalidPrincipalId", "The Principal ID '"
                + (principalId == null ? "" : principalId) + "' is not valid. Principal ID must be a GUID.");
        }
        String principalType = ArmCall.text(props, "principalType");
        if (principalType != null && !Set.of("user", "group", "serviceprincipal", "foreigngroup", "device")
            .contains(principalType.toLowerCase(Locale.ROOT))) {
            throw ArmCall.invalidContent("Error converting value \"" + principalType + "\" to type 'PrincipalType'. "
                + "Path 'properties.principalType'");
        }
        String roleGuid = roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        boolean existed = graph.roleAssignment(id).isPresent();
        RoleAssignment stored = graph.createRoleAssignment(new RoleAssignment(name.toLowerCase(Locale.ROOT), scope,
            roleGuid, principalId.toLowerCase(Locale.ROOT), "ServicePrincipal", ArmCall.text(props, "description"),
            clock.instant(), call.principalId()), principalType != null);
        return existed ? ArmCall.ok(assignmentJson(stored)) : ArmCall.created(assignmentJson(stored));
    }

    private LabHttpResponse listAssignments(ArmCall call, String scope) {
        call.authorize("Microsoft.Authorization/roleAssignments/read", scope);
        String filter = call.queryParameter("$filter");
        boolean atScope = false;
        String principal = null;
        if (filter != null && !filter.isBlank()) {
            String f = filter.trim();
            atScope = f.toLowerCase(Locale.ROOT).contains("atscope()");
            Matcher m = PRINCIPAL_FILTER.matcher(f);
            Matcher assigned = ASSIGNED_TO_FILTER.matcher(f);
            if (m.find()) {
                principal = m.group(1);
            } else if (assigned.find()) {
                principal = assigned.group(1);
            } else if (!atScope) {
                throw invalidFilter(filter);
            }
        }
        boolean onlyAtOrAbove = atScope;
        String onlyPrincipal = principal;
        return ArmCall.list(graph.roleAssignments().stream()
            .filter(a -> RbacEvaluator.isAtOrAbove(a.scope(), scope)
                || (!onlyAtOrAbove && RbacEvaluator.isAtOrAbove(scope, a.scope())))
            .filter(a -> onlyPrincipal == null || a.principalId().equalsIgnoreCase(onlyPrincipal))
            .map(this::assignmentJson).toList());
    }

    private Map<String, Object> assignmentJson(RoleAssignment a) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("roleDefinitionId", ResourceIds.subscription(graph.subscriptionId())
            + "/providers/Microsoft.Authorization/roleDefinitions/" + a.roleDefinitionName());
        properties.put("principalId", a.principalId());
        // The principal of an orphaned assignment is gone: the portal shows "Identity not found".
        properties.put("principalType", graph.directory().principalExists(a.principalId())
            ? a.principalType() : "Unknown");
        properties.put("scope", a.scope());
        properties.put("condition", null);
        properties.put("conditionVersion", null);
        properties.put("createdOn", a.createdOn().toString());
        properties.put("updatedOn", a.createdOn().toString());
        properties.put("createdBy", a.createdBy());
        properties.put("updatedBy", a.createdBy());
        properties.put("delegatedManagedIdentityResourceId", null);
        properties.put("description", a.description());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("properties", properties);
        json.put("id", a.id());
        json.put("type", "Microsoft.Authorization/roleAssignments");
        json.put("name", a.name());
        return json;
    }

    private static ArmException invalidFilter(String filter) {
        // ARM's text for filters it does not support; the lab supports the ones the SDK sends.
        return new ArmException(400, "UnsupportedQuery", "The filter '" + filter + "' is not supported.");
    }

    static boolean isGuid(String s) {
        if (s == null || s.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
