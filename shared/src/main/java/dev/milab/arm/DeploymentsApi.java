package dev.milab.arm;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Resources/deployments} at resource-group scope: ARM template deployments as {@code az vm create}
 * sends them (Microsoft Learn, "Deployments - Create Or Update", "Understand the structure and syntax of ARM
 * templates").
 *
 * <ol>
 *   <li>Synchronously, before anything changes: {@code Microsoft.Resources/deployments/write} on the deployment
 *       (403 {@code AuthorizationFailed}); the template's shape, parameters, copy loops, {@code dependsOn} and every
 *       expression ({@link TemplateLanguage}: 400 {@code InvalidTemplate}); each resource's namespace; and
 *       {@code {type}/write} on every resource (403 {@code InvalidTemplateDeployment}, as ARM's preflight answers).
 *       A template that passes here cannot fail on a missing permission half-way.</li>
 *   <li>Then each resource, in {@code dependsOn} order, is PUT through the same provider code a direct PUT uses, as
 *       the caller: validation, linked RBAC ({@code assign/action} on a user-assigned identity) and the identity
 *       lifecycle all apply. The first resource a provider refuses stops the deployment: it fails with
 *       {@code DeploymentFailed} and the provider's error in {@code details}; the refused resource is not made, and
 *       the ones before it stay, as ARM leaves them (incremental mode does not roll back).</li>
 *   <li>Outputs are evaluated ({@code reference(..., 'Full')} reads the deployed resource) and recorded.</li>
 * </ol>
 * The PUT answers 201 (200 for a name deployed before) with {@code provisioningState: Accepted} and an
 * {@code Azure-AsyncOperation} to poll ({@code .../operationStatuses/{id}}), which already holds the outcome: the lab
 * runs the deployment before it answers. {@code .../operations} lists what each resource did, {@code POST
 * .../validate} runs step 1 alone. Only incremental mode and inline templates are served.
 */
final class DeploymentsApi implements ProviderApi {

    private static final String TYPE = "Microsoft.Resources/deployments";
    private static final String SCHEMA = "https://schema.management.azure.com/schemas/2015-01-01/"
        + "deploymentTemplate.json#";
    /** Members of a template resource that describe it rather than being sent to its provider. */
    private static final Set<String> TEMPLATE_ONLY = Set.of("type", "name", "apiversion", "dependson", "copy",
        "condition", "comments", "scope", "resourcegroup", "subscriptionid", "metadata");
    private static final Set<String> BODY = Set.of("location", "tags", "properties", "identity", "id", "name", "type");
    private static final Set<String> PROPERTIES = Set.of("template", "parameters", "mode", "templateLink",
        "parametersLink", "debugSetting", "onErrorDeployment", "expressionEvaluationOptions", "validationLevel",
        "provisioningState", "outputs");
    private static final int KEPT_STATUSES = 1024;

    private final ResourceGraph graph;
    private final Clock clock;
    private final BiFunction<ArmCall, ResourcePath, LabHttpResponse> providers;
    private final AsyncOperations operations;
    private final java.util.function.Predicate<String> servedNamespace;
    private final Map<String, String> statuses = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > KEPT_STATUSES;
        }
    };

    /**
     * @param providers the Resource Manager's own dispatch to a provider (resource group check included), which
     *                  every template resource goes through
     */
    DeploymentsApi(ResourceGraph graph, Clock clock, BiFunction<ArmCall, ResourcePath, LabHttpResponse> providers,
                   AsyncOperations operations, java.util.function.Predicate<String> servedNamespace) {
        this.graph = graph;
        this.clock = clock;
        this.providers = providers;
        this.operations = operations;
        this.servedNamespace = servedNamespace;
    }

    @Override
    public String namespace() {
        return "Microsoft.Resources";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        List<String> s = path.segments();
        if (!path.is("deployments") || path.resourceGroup() == null && s.size() > 1 || s.size() > 4) {
            throw ProviderApi.unknownType(path, version);
        }
        String apiVersion = call.requireApiVersion(ResourceManagerEndpoint.RESOURCE_GROUP_API_VERSIONS, "deployments");
        if (path.name() == null) {
            if (!"GET".equals(call.method())) {
                throw ArmCall.methodNotAllowed(call.method());
            }
            call.authorize(TYPE + "/read", path.listScope());
            return ArmCall.list(graph.storedResources(TYPE).stream()
                .filter(r -> path.resourceGroup() == null || r.resourceGroup().equalsIgnoreCase(path.resourceGroup()))
                .map(DeploymentsApi::publicDocument).toList());
        }
        String id = path.resourceId();
        String child = path.childType();
        if (child != null) {
            return switch (child.toLowerCase(Locale.ROOT)) {
                case "validate" -> validate(call, path, id, s.size());
                case "operationstatuses" -> operationStatus(call, id, path.childName());
                case "operations" -> operations(call, id, path);
                default -> throw ProviderApi.unknownType(path, version);
            };
        }
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(TYPE + "/read", id);
                yield ArmCall.ok(publicDocument(require(id, path)));
            }
            case "PUT" -> deploy(call, path, id, apiVersion);
            case "DELETE" -> {
                call.authorize(TYPE + "/delete", id);
                graph.deleteStoredResource(id);
                yield ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    // --- PUT: preflight, then run ----------------------------------------------------------------------------------

    private LabHttpResponse deploy(ArmCall call, ResourcePath path, String id, String apiVersion) {
        call.authorize(TYPE + "/write", id);
        if (!path.name().matches("[-\\w._()]{1,64}")) {
            throw new ArmException(400, "InvalidDeploymentName", "The deployment name '" + path.name() + "' is "
                + "invalid. It can contain only alphanumeric characters, '-', '.', '_', '(' and ')', and be at most "
                + "64 characters long.");
        }
        ObjectNode body = call.body(BODY, PROPERTIES);
        Plan plan = checked(() -> preflight(call, path, id, body));
        Instant start = clock.instant();
        boolean existed = graph.storedResource(id).isPresent();
        Map<String, Object> document = run(call, path, id, plan, start);
        graph.putStoredResource(new StoredResource(id, TYPE, path.resourceGroup(), path.name(), document));
        String operation = UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT).substring(0, 16);
        synchronized (statuses) {
            statuses.put(operation, id);
        }
        Map<String, Object> accepted = publicDocument(new StoredResource(id, TYPE, path.resourceGroup(), path.name(),
            document));
        Map<String, Object> props = new LinkedHashMap<>(NetworkApi.map(accepted.get("properties")));
        props.put("provisioningState", "Accepted");
        props.remove("outputs");
        props.remove("outputResources");
        props.remove("error");
        accepted.put("properties", props);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Azure-AsyncOperation", "https://management.azure.com" + id + "/operationStatuses/" + operation
            + "?api-version=" + apiVersion);
        // The outcome is there already; without Retry-After, or with 0, azure-core waits its default 30 s to poll.
        headers.put("Retry-After", "1");
        return LabHttpResponse.json(existed ? 200 : 201, Json.write(accepted), headers);
    }

    private LabHttpResponse validate(ArmCall call, ResourcePath path, String id, int segments) {
        if (segments != 3 || !"POST".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        call.authorize(TYPE + "/validate/action", id);
        ObjectNode body = call.body(BODY, PROPERTIES);
        Plan plan = checked(() -> preflight(call, path, id, body));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("templateHash", plan.templateHash);
        props.put("parameters", plan.parameterValues());
        props.put("mode", "Incremental");
        props.put("provisioningState", "Succeeded");
        props.put("timestamp", clock.instant().toString());
        props.put("duration", "PT0S");
        props.put("correlationId", UUID.randomUUID().toString());
        props.put("providers", providersOf(plan));
        props.put("dependencies", dependenciesOf(plan));
        props.put("validatedResources", plan.order.stream().map(r -> Map.of("id", r.id)).toList());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("name", path.name());
        doc.put("type", TYPE);
        doc.put("properties", props);
        return ArmCall.ok(doc);
    }

    private LabHttpResponse operationStatus(ArmCall call, String id, String operation) {
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        call.authorize(TYPE + "/read", id);
        String deployment;
        synchronized (statuses) {
            deployment = operation == null ? null : statuses.get(operation.toUpperCase(Locale.ROOT));
        }
        StoredResource d = deployment == null || !deployment.equalsIgnoreCase(id) ? null
            : graph.storedResource(id).orElse(null);
        if (d == null) {
            throw new ResourceNotFoundException("DeploymentNotFound", "Deployment operation '" + operation + "' of '"
                + id.substring(id.lastIndexOf('/') + 1) + "' could not be found.");
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", d.properties().get("provisioningState"));
        if (d.properties().get("error") != null) {
            status.put("error", d.properties().get("error"));
        }
        return ArmCall.ok(status);
    }

    private LabHttpResponse operations(ArmCall call, String id, ResourcePath path) {
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        call.authorize(TYPE + "/operations/read", id);
        StoredResource d = require(id, path);
        List<Object> all = NetworkApi.list(d.document().get("operations"));
        if (path.childName() == null) {
            return ArmCall.list(all);
        }
        return ArmCall.ok(all.stream().filter(o -> path.childName().equalsIgnoreCase(String.valueOf(
            NetworkApi.map(o).get("operationId")))).findFirst().orElseThrow(() -> new ResourceNotFoundException(
            "DeploymentOperationNotFound", "Deployment operation '" + path.childName() + "' could not be found.")));
    }

    /** One resource of the template, copies expanded: its evaluated type, name, id, and what it waits for. */
    private static final class Planned {
        final Map<String, Object> definition;
        final Integer copyIndex;
        final String copyName;
        final String type;
        final String name;
        final String apiVersion;
        final String id;
        final List<Planned> dependsOn = new ArrayList<>();

        Planned(Map<String, Object> definition, Integer copyIndex, String copyName, String type, String name,
                String apiVersion, String id) {
            this.definition = definition;
            this.copyIndex = copyIndex;
            this.copyName = copyName;
            this.type = type;
            this.name = name;
            this.apiVersion = apiVersion;
            this.id = id;
        }
    }

    /** What preflight found: the order to deploy in, the parameters, the outputs to evaluate. */
    private static final class Plan {
        final List<Planned> order = new ArrayList<>();
        final Map<String, Object> parameters = new LinkedHashMap<>();
        final Map<String, Object> parameterTypes = new LinkedHashMap<>();
        final Map<String, Object> variables = new LinkedHashMap<>();
        Map<String, Object> outputs = Map.of();
        String templateHash;

        Map<String, Object> parameterValues() {
            Map<String, Object> values = new LinkedHashMap<>();
            parameters.forEach((k, v) -> {
                boolean secure = String.valueOf(parameterTypes.get(k)).toLowerCase(Locale.ROOT).startsWith("secure");
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("type", parameterTypes.get(k));
                if (!secure) {
                    p.put("value", v);
                }
                values.put(k, p);
            });
            return values;
        }
    }

    private Plan preflight(ArmCall call, ResourcePath path, String deploymentId, ObjectNode body) {
        JsonNode props = body.get("properties");
        if (props == null || !props.isObject()) {
            throw new ArmException(400, "InvalidRequestContent", "The request content was invalid and could not be "
                + "deserialized: 'Required property 'properties' not found in JSON. Path '', line 1, position 2.'.");
        }
        if (props.has("templateLink") || props.has("parametersLink")) {
            // the lab reaches no URL but its own, so a linked template cannot be fetched
            throw invalidTemplate("The lab deploys inline templates only ('properties.template'): it fetches no "
                + "'templateLink' or 'parametersLink'.");
        }
        String mode = ArmCall.text(props, "mode");
        if (mode == null || !mode.equalsIgnoreCase("Incremental")) {
            throw new ArmException(400, "InvalidDeploymentMode", "The deployment mode '" + mode + "' is not "
                + "supported by the lab: it runs 'Incremental' deployments only.");
        }
        JsonNode templateNode = props.get("template");
        if (templateNode == null || !templateNode.isObject()) {
            throw invalidTemplate("The template is missing ('properties.template' must be a JSON object).");
        }
        Map<String, Object> template = Json.MAPPER.convertValue(templateNode, LINKED_MAP);
        Plan plan = new Plan();
        plan.templateHash = Long.toUnsignedString(Integer.toUnsignedLong(templateNode.toString().hashCode())
            * 2654435761L);
        bindParameters(plan, NetworkApi.map(template.get("parameters")), props.get("parameters"));
        plan.variables.putAll(NetworkApi.map(template.get("variables")));
        plan.outputs = NetworkApi.map(template.get("outputs"));
        Object resources = template.get("resources");
        if (!(resources instanceof List<?> list)) {
            throw invalidTemplate("The template 'resources' must be an array.");
        }
        Deployment scope = new Deployment(call, path, plan);
        try {
            for (Object v : plan.variables.values()) {
                TemplateLanguage.expressions(v);
            }
            for (Object o : plan.outputs.values()) {
                TemplateLanguage.expressions(o);
            }
        } catch (TemplateLanguage.ExpressionException e) {
            throw invalidTemplate(e.getMessage());
        }
        List<Planned> planned = new ArrayList<>();
        for (Object r : list) {
            Map<String, Object> definition = NetworkApi.map(r);
            String label = String.valueOf(definition.get("name"));
            try {
                TemplateLanguage.expressions(definition);
                Map<String, Object> copy = NetworkApi.map(definition.get("copy"));
                if (copy.isEmpty()) {
                    planned.add(plan(scope, definition, null, null));
                } else {
                    Object count = scope.at(null).evaluate(copy.get("count"));
                    if (!(count instanceof Number n) || n.intValue() < 0 || n.intValue() > 800) {
                        throw new TemplateLanguage.ExpressionException("The copy count must be an integer from 0 to "
                            + "800; it is '" + count + "'.");
                    }
                    for (int i = 0; i < n.intValue(); i++) {
                        planned.add(plan(scope, definition, i, String.valueOf(copy.get("name"))));
                    }
                }
            } catch (TemplateLanguage.ExpressionException e) {
                throw invalidTemplate("The template resource '" + label + "' is not valid: " + e.getMessage());
            }
        }
        for (Planned p : planned) {
            for (Object dependency : NetworkApi.list(p.definition.get("dependsOn"))) {
                Object target;
                try {
                    target = scope.at(p.copyIndex).evaluate(dependency);
                } catch (TemplateLanguage.ExpressionException e) {
                    throw invalidTemplate("The template resource '" + p.name + "' is not valid: " + e.getMessage());
                }
                List<Planned> found = planned.stream().filter(q -> q != p && names(q, String.valueOf(target)))
                    .toList();
                if (found.isEmpty()) {
                    throw invalidTemplate("The resource '" + target + "' is not defined in the template.");
                }
                p.dependsOn.addAll(found);
            }
        }
        plan.order.addAll(order(planned));
        for (Planned p : plan.order) {
            String namespace = p.type.substring(0, p.type.indexOf('/'));
            if (namespace.equalsIgnoreCase("Microsoft.Resources")) {
                throw invalidTemplate("The template resource '" + p.name + "' is a nested deployment, which the lab "
                    + "does not run.");
            }
            if (!servedNamespace.test(namespace)) {
                // as ARM's preflight answers a namespace no provider serves; Microsoft.Authorization's role
                // assignments are served by path, not as a template resource
                throw new ArmException(400, "InvalidResourceNamespace", "The resource namespace '" + namespace
                    + "' is invalid.");
            }
            if (!call.isAllowed(p.type + "/write", p.id)) {
                throw new ArmException(403, "InvalidTemplateDeployment", "The template deployment failed with error: "
                    + "'Authorization failed for template resource '" + p.name + "' of type '" + p.type + "'. The "
                    + "client '" + call.principalId() + "' with object id '" + call.principalId() + "' does not have "
                    + "permission to perform action '" + p.type + "/write' at scope '" + p.id + "'.'.");
            }
            requireLinkedAccess(call, scope, p);
        }
        return plan;
    }

    /** Preflight, with a template member of the wrong JSON type (a number for a type, ...) as InvalidTemplate. */
    private static Plan checked(java.util.function.Supplier<Plan> preflight) {
        try {
            return preflight.get();
        } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw invalidTemplate("The template or its parameters have a member of the wrong type.");
        }
    }

    /** Attaching a user-assigned identity needs assign/action on it, checked here so nothing is half-deployed. */
    private static void requireLinkedAccess(ArmCall call, Deployment scope, Planned p) {
        Object identity = p.definition.get("identity");
        if (identity == null || TemplateLanguage.expressions(identity).stream()
            .anyMatch(e -> TemplateLanguage.calls(e, "reference"))) {
            return;
        }
        Object evaluated;
        try {
            evaluated = scope.at(p.copyIndex).evaluate(identity);
        } catch (TemplateLanguage.ExpressionException e) {
            throw invalidTemplate("The template resource '" + p.name + "' is not valid: " + e.getMessage());
        }
        List<String> linked = new ArrayList<>(NetworkApi.map(NetworkApi.map(evaluated).get("userAssignedIdentities"))
            .keySet());
        call.authorizeLinked(p.type + "/write", p.id, "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
            linked);
    }

    private Planned plan(Deployment scope, Map<String, Object> definition, Integer copyIndex, String copyName) {
        Deployment.At at = scope.at(copyIndex);
        Object type = at.evaluate(definition.get("type"));
        Object name = at.evaluate(definition.get("name"));
        Object apiVersion = at.evaluate(definition.get("apiVersion"));
        if (!(type instanceof String t) || t.split("/").length < 2 || !(name instanceof String n) || n.isBlank()
            || !(apiVersion instanceof String v)) {
            throw new TemplateLanguage.ExpressionException("A resource needs a 'type' of the form "
                + "'{namespace}/{type}', a 'name' and an 'apiVersion'.");
        }
        String[] types = t.split("/");
        String[] names = n.split("/");
        if (names.length != types.length - 1) {
            throw new TemplateLanguage.ExpressionException("The resource name '" + n + "' has " + names.length
                + " segment(s) for the type '" + t + "', which needs " + (types.length - 1) + ".");
        }
        return new Planned(definition, copyIndex, copyName, t, n, v, resourceId(scope.groupId(), types, names));
    }

    static String resourceId(String groupId, String[] types, String[] names) {
        StringBuilder id = new StringBuilder(groupId).append("/providers/").append(types[0]);
        for (int i = 1; i < types.length; i++) {
            id.append('/').append(types[i]).append('/').append(names[i - 1]);
        }
        return id.toString();
    }

    /** Whether a {@code dependsOn} entry (a name, {@code type/name}, a resource id, or a copy loop) names it. */
    private static boolean names(Planned p, String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        String shortForm = (p.type + "/" + p.name).toLowerCase(Locale.ROOT);
        return e.equals(ResourceIds.key(p.id)) || e.equals(p.name.toLowerCase(Locale.ROOT)) || typeAndName(p, e)
            || p.copyName != null && e.equals(p.copyName.toLowerCase(Locale.ROOT)) || e.equals(shortForm);
    }

    /** {@code Microsoft.Network/virtualNetworks/vnet1} and, for a child, the interleaved id tail. */
    private static boolean typeAndName(Planned p, String entry) {
        String[] types = p.type.split("/");
        String[] names = p.name.split("/");
        StringBuilder tail = new StringBuilder(types[0]);
        for (int i = 1; i < types.length; i++) {
            tail.append('/').append(types[i]).append('/').append(names[i - 1]);
        }
        return entry.equals(tail.toString().toLowerCase(Locale.ROOT));
    }

    /** Kahn's algorithm, template order among what is ready; a cycle is ARM's InvalidTemplate. */
    private static List<Planned> order(List<Planned> planned) {
        List<Planned> done = new ArrayList<>();
        Set<Planned> placed = new HashSet<>();
        while (done.size() < planned.size()) {
            Planned next = planned.stream().filter(p -> !placed.contains(p) && placed.containsAll(p.dependsOn))
                .findFirst().orElse(null);
            if (next == null) {
                Planned stuck = planned.stream().filter(p -> !placed.contains(p)).findFirst().orElseThrow();
                throw invalidTemplate("Circular dependency detected on resource: '" + stuck.id + "'. Please see "
                    + "https://aka.ms/arm-syntax-resources for usage details.");
            }
            placed.add(next);
            done.add(next);
        }
        return done;
    }

    private void bindParameters(Plan plan, Map<String, Object> declared, JsonNode given) {
        Map<String, Object> supplied = given == null || given.isNull() ? Map.of()
            : Json.MAPPER.convertValue(given, LINKED_MAP);
        for (String name : supplied.keySet()) {
            if (declared.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                throw invalidTemplate("The template parameters '" + name + "' in the parameters file are not valid; "
                    + "they are not present in the original template and can therefore not be provided at deployment "
                    + "time. The only supported parameters for this template are '" + String.join(", ",
                    declared.keySet()) + "'. Please see https://aka.ms/arm-pass-parameter-values for usage details.");
            }
        }
        declared.forEach((name, definition) -> {
            Map<String, Object> d = NetworkApi.map(definition);
            Object value = supplied.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> NetworkApi.map(e.getValue()).get("value")).findFirst().orElse(d.get("defaultValue"));
            if (value == null) {
                throw invalidTemplate("The value for the template parameter '" + name + "' at line '1' and column "
                    + "'1' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.");
            }
            plan.parameters.put(name, value);
            plan.parameterTypes.put(name, d.getOrDefault("type", "string"));
        });
    }

    private Map<String, Object> run(ArmCall call, ResourcePath path, String id, Plan plan, Instant start) {
        Deployment scope = new Deployment(call, path, plan);
        List<Object> operations = new ArrayList<>();
        List<Object> outputResources = new ArrayList<>();
        Map<String, Object> error = null;
        for (Planned p : plan.order) {
            Instant began = clock.instant();
            ArmException failure;
            LabHttpResponse response = null;
            try {
                Deployment.At at = scope.at(p.copyIndex);
                Object condition = p.definition.containsKey("condition") ? at.evaluate(p.definition.get("condition"))
                    : Boolean.TRUE;
                if (Boolean.FALSE.equals(condition)) {
                    continue;
                }
                Map<String, Object> request = new LinkedHashMap<>();
                p.definition.forEach((k, v) -> {
                    if (!TEMPLATE_ONLY.contains(k.toLowerCase(Locale.ROOT))) {
                        request.put(k, at.evaluate(v));
                    }
                });
                response = put(call, p, request);
                failure = asyncFailure(response);
            } catch (TemplateLanguage.ExpressionException | ClassCastException e) {
                failure = invalidTemplate("Unable to process template language expressions for resource '" + p.id
                    + "'. '" + (e instanceof ClassCastException ? "An argument has the wrong type." : e.getMessage())
                    + "'");
            } catch (ArmException e) {
                failure = e;
            }
            operations.add(operation(p, began, failure, response));
            if (failure != null) {
                error = deploymentFailed(id, List.of(detail(failure)));
                break;
            }
            outputResources.add(Map.of("id", p.id));
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        if (error == null) {
            try {
                for (Map.Entry<String, Object> o : plan.outputs.entrySet()) {
                    Map<String, Object> out = NetworkApi.map(o.getValue());
                    Map<String, Object> value = new LinkedHashMap<>();
                    value.put("type", out.getOrDefault("type", "string"));
                    value.put("value", scope.at(null).evaluate(out.get("value")));
                    outputs.put(o.getKey(), value);
                }
            } catch (TemplateLanguage.ExpressionException | ArmException | ClassCastException e) {
                Map<String, Object> inner = new LinkedHashMap<>();
                inner.put("code", "DeploymentOutputEvaluationFailed");
                inner.put("message", "Unable to evaluate template outputs: '" + String.join(", ",
                    plan.outputs.keySet()) + "'. Please see error details and deployment operations. Please see "
                    + "https://aka.ms/arm-common-errors for usage details.");
                inner.put("details", List.of(Map.of("code", e instanceof ArmException a ? a.code()
                    : "DeploymentOutputEvaluationFailed", "message", e.getMessage())));
                error = inner;
                outputs.clear();
            }
        }
        Instant end = clock.instant();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("templateHash", plan.templateHash);
        props.put("parameters", plan.parameterValues());
        props.put("mode", "Incremental");
        props.put("provisioningState", error == null ? "Succeeded" : "Failed");
        props.put("timestamp", end.toString());
        props.put("duration", Duration.between(start, end).toString());
        props.put("correlationId", UUID.randomUUID().toString());
        props.put("providers", providersOf(plan));
        props.put("dependencies", dependenciesOf(plan));
        if (error == null) {
            props.put("outputs", outputs);
        }
        props.put("outputResources", outputResources);
        if (error != null) {
            props.put("error", error);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", id);
        doc.put("name", path.name());
        doc.put("type", TYPE);
        doc.put("properties", props);
        doc.put("operations", operations);
        return doc;
    }

    /** The template resource's PUT, through the provider that serves its type, as the deployment's caller. */
    private LabHttpResponse put(ArmCall call, Planned p, Map<String, Object> body) {
        String[] types = p.type.split("/");
        String[] names = p.name.split("/");
        List<String> segments = new ArrayList<>();
        for (int i = 1; i < types.length; i++) {
            segments.add(types[i]);
            segments.add(names[i - 1]);
        }
        ResourcePath target = new ResourcePath(graph.subscriptionId(), p.id.split("/")[4], types[0], segments);
        ArmCall inner = call.internal("PUT", p.id, p.apiVersion, Json.write(body).getBytes(StandardCharsets.UTF_8));
        LabHttpResponse response = providers.apply(inner, target);
        if (response.status() >= 300) {
            throw new ArmException(response.status(), "ResourceDeploymentFailure", response.bodyAsString());
        }
        return response;
    }

    /** A provider's 202 (Azure SQL's): its operation has already ended; a failure there fails the resource. */
    private ArmException asyncFailure(LabHttpResponse response) {
        String async = response.headers().get("Azure-AsyncOperation");
        if (response.status() != 202 || async == null) {
            return null;
        }
        String path = java.net.URI.create(async).getPath();
        return operations.get(path.substring(path.lastIndexOf('/') + 1)).map(AsyncOperations.Operation::error)
            .orElse(null);
    }

    private static Map<String, Object> operation(Planned p, Instant began, ArmException failure,
                                                 LabHttpResponse response) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("provisioningOperation", "Create");
        props.put("provisioningState", failure == null ? "Succeeded" : "Failed");
        props.put("timestamp", began.toString());
        props.put("duration", "PT0S");
        props.put("trackingId", UUID.randomUUID().toString());
        props.put("statusCode", failure != null ? (failure.status() == 403 ? "Forbidden" : failure.status() == 404
            ? "NotFound" : failure.status() == 409 ? "Conflict" : "BadRequest")
            : response.status() == 201 ? "Created" : response.status() == 202 ? "Accepted" : "OK");
        if (failure != null) {
            props.put("statusMessage", Map.of("status", "Failed", "error", detail(failure)));
        }
        props.put("targetResource", Map.of("id", p.id, "resourceType", p.type, "resourceName", p.name));
        String operationId = Long.toHexString(UUID.randomUUID().getMostSignificantBits()).toUpperCase(Locale.ROOT);
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("id", "/operations/" + operationId);
        op.put("operationId", operationId);
        op.put("properties", props);
        return op;
    }

    /** A provider's error as a detail: the provider's own code and message (its JSON error when it sent one). */
    private static Map<String, Object> detail(ArmException failure) {
        Map<String, Object> d = new LinkedHashMap<>();
        if ("ResourceDeploymentFailure".equals(failure.code()) && failure.getMessage().startsWith("{")) {
            try {
                JsonNode error = Json.read(failure.getMessage()).path("error");
                d.put("code", error.path("code").asText());
                d.put("message", error.path("message").asText());
                return d;
            } catch (java.io.IOException e) {
                // not JSON after all: the text is the message
            }
        }
        d.put("code", failure.code());
        d.put("message", failure.getMessage());
        return d;
    }

    static Map<String, Object> deploymentFailed(String deploymentId, List<Object> details) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", "DeploymentFailed");
        error.put("target", deploymentId);
        error.put("message", "At least one resource deployment operation failed. Please list deployment operations "
            + "for details. Please see https://aka.ms/arm-deployment-operations for usage details.");
        error.put("details", details);
        return error;
    }

    private static List<Object> providersOf(Plan plan) {
        Map<String, Map<String, Set<String>>> byNamespace = new LinkedHashMap<>();
        for (Planned p : plan.order) {
            String namespace = p.type.substring(0, p.type.indexOf('/'));
            String type = p.type.substring(p.type.indexOf('/') + 1);
            Object location = p.definition.get("location");
            byNamespace.computeIfAbsent(namespace, k -> new LinkedHashMap<>())
                .computeIfAbsent(type, k -> new java.util.LinkedHashSet<>())
                .add(location instanceof String l && !TemplateLanguage.isExpression(l) ? l : "");
        }
        List<Object> out = new ArrayList<>();
        byNamespace.forEach((ns, types) -> {
            List<Object> rt = new ArrayList<>();
            types.forEach((t, locations) -> rt.add(Map.of("resourceType", t, "locations", List.copyOf(locations))));
            out.add(Map.of("namespace", ns, "resourceTypes", rt));
        });
        return out;
    }

    private static List<Object> dependenciesOf(Plan plan) {
        List<Object> out = new ArrayList<>();
        for (Planned p : plan.order) {
            if (p.dependsOn.isEmpty()) {
                continue;
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("dependsOn", p.dependsOn.stream().map(q -> Map.of("id", q.id, "resourceType", q.type,
                "resourceName", q.name)).toList());
            d.put("id", p.id);
            d.put("resourceType", p.type);
            d.put("resourceName", p.name);
            out.add(d);
        }
        return out;
    }

    private static Map<String, Object> publicDocument(StoredResource d) {
        Map<String, Object> doc = new LinkedHashMap<>(d.document());
        doc.remove("operations");
        return doc;
    }

    private StoredResource require(String id, ResourcePath path) {
        return graph.storedResource(id).filter(r -> r.type().equals(TYPE)).orElseThrow(() ->
            new ResourceNotFoundException("DeploymentNotFound", "Deployment '" + path.name() + "' could not be "
                + "found."));
    }

    static ArmException invalidTemplate(String detail) {
        return new ArmException(400, "InvalidTemplate", "Deployment template validation failed: '" + detail + "'.");
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> LINKED_MAP =
        new com.fasterxml.jackson.core.type.TypeReference<>() {
        };

    // --- the functions ------------------------------------------------------------------------------------------

    /** The template functions' view of one deployment: parameters, variables, the group, deployed resources. */
    private final class Deployment {
        private final ArmCall call;
        private final ResourcePath path;
        private final Plan plan;
        private final Map<String, Object> variableValues = new HashMap<>();
        private final Deque<String> evaluatingVariables = new ArrayDeque<>();

        Deployment(ArmCall call, ResourcePath path, Plan plan) {
            this.call = call;
            this.path = path;
            this.plan = plan;
        }

        String groupId() {
            return ResourceIds.resourceGroup(graph.subscriptionId(), path.resourceGroup());
        }

        At at(Integer copyIndex) {
            return new At(copyIndex);
        }

        final class At implements TemplateLanguage.Scope {
            private final Integer copyIndex;

            At(Integer copyIndex) {
                this.copyIndex = copyIndex;
            }

            Object evaluate(Object value) {
                return TemplateLanguage.evaluate(value, this);
            }

            @Override
            public Object call(String function, List<Object> args) {
                return switch (function) {
                    case "parameters" -> lookup("parameter", plan.parameters, args);
                    case "variables" -> variable(args);
                    case "concat" -> concat(args);
                    case "resourceid" -> resourceIdOf(args);
                    case "reference" -> reference(args);
                    case "copyindex" -> {
                        if (copyIndex == null) {
                            throw new TemplateLanguage.ExpressionException("The template function 'copyIndex' is not "
                                + "expected at this location. Please see https://aka.ms/arm-copy for usage details.");
                        }
                        yield (long) copyIndex + (args.isEmpty() ? 0 : ((Number) args.get(args.size() - 1))
                            .longValue());
                    }
                    case "resourcegroup" -> {
                        Map<String, Object> rg = new LinkedHashMap<>();
                        rg.put("id", groupId());
                        rg.put("name", path.resourceGroup());
                        rg.put("type", "Microsoft.Resources/resourceGroups");
                        rg.put("location", graph.resourceGroups().get(path.resourceGroup().toLowerCase(Locale.ROOT)));
                        rg.put("properties", Map.of("provisioningState", "Succeeded"));
                        yield rg;
                    }
                    default -> {
                        Map<String, Object> sub = new LinkedHashMap<>();
                        sub.put("id", ResourceIds.subscription(graph.subscriptionId()));
                        sub.put("subscriptionId", graph.subscriptionId());
                        sub.put("tenantId", graph.tenantId());
                        sub.put("displayName", "Managed Identity Lab");
                        yield sub;
                    }
                };
            }

            private Object lookup(String kind, Map<String, Object> values, List<Object> args) {
                String name = args.isEmpty() ? null : String.valueOf(args.get(0));
                return values.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElseThrow(() -> new TemplateLanguage.ExpressionException(
                        "The template " + kind + " '" + name + "' is not found. Please see https://aka.ms/arm-syntax "
                            + "for usage details."));
            }

            private Object variable(List<Object> args) {
                String name = String.valueOf(args.isEmpty() ? null : args.get(0)).toLowerCase(Locale.ROOT);
                if (variableValues.containsKey(name)) {
                    return variableValues.get(name);
                }
                Object raw = lookup("variable", plan.variables, args);
                if (evaluatingVariables.contains(name)) {
                    throw new TemplateLanguage.ExpressionException("The template variable '" + name + "' refers to "
                        + "itself.");
                }
                evaluatingVariables.push(name);
                try {
                    Object value = new At(null).evaluate(raw);
                    variableValues.put(name, value);
                    return value;
                } finally {
                    evaluatingVariables.pop();
                }
            }

            private Object concat(List<Object> args) {
                if (!args.isEmpty() && args.stream().allMatch(a -> a instanceof List<?>)) {
                    List<Object> all = new ArrayList<>();
                    args.forEach(a -> all.addAll((List<?>) a));
                    return all;
                }
                StringBuilder b = new StringBuilder();
                for (Object a : args) {
                    if (a instanceof Map<?, ?> || a instanceof List<?>) {
                        throw new TemplateLanguage.ExpressionException("The provided arguments for template language "
                            + "function 'concat' is not valid: all arguments must be strings, integers or all "
                            + "arrays.");
                    }
                    b.append(a);
                }
                return b.toString();
            }

            private Object resourceIdOf(List<Object> args) {
                List<String> a = args.stream().map(String::valueOf).toList();
                int typeAt = -1;
                for (int i = 0; i < a.size() && i < 3; i++) {
                    if (a.get(i).contains("/")) {
                        typeAt = i;
                        break;
                    }
                }
                if (typeAt < 0) {
                    throw new TemplateLanguage.ExpressionException("Unable to evaluate template language function "
                        + "'resourceId': the type or name segments are not valid. Please see "
                        + "https://aka.ms/arm-resourceid for usage details.");
                }
                String subscription = typeAt == 2 ? a.get(0) : graph.subscriptionId();
                String group = typeAt == 2 ? a.get(1) : typeAt == 1 ? a.get(0) : path.resourceGroup();
                String[] types = a.get(typeAt).split("/");
                String[] names = a.subList(typeAt + 1, a.size()).toArray(String[]::new);
                if (names.length != types.length - 1) {
                    throw new TemplateLanguage.ExpressionException("Unable to evaluate template language function "
                        + "'resourceId': function requires exactly one multi-segmented argument which must be "
                        + "resource type including resource provider namespace. Current function arguments '"
                        + String.join(",", a) + "'. Please see https://aka.ms/arm-resourceid for usage details.");
                }
                return resourceId(ResourceIds.resourceGroup(subscription, group), types, names);
            }

            /** {@code reference(nameOrId[, apiVersion[, 'Full']])}: the resource as its provider returns it now. */
            private Object reference(List<Object> args) {
                if (args.isEmpty()) {
                    throw new TemplateLanguage.ExpressionException("The template language function 'reference' "
                        + "requires 1 to 3 arguments.");
                }
                String target = String.valueOf(args.get(0));
                String id = target.startsWith("/") ? target : plan.order.stream()
                    .filter(p -> p.name.equalsIgnoreCase(target)).map(p -> p.id).findFirst()
                    .orElseThrow(() -> new TemplateLanguage.ExpressionException("The template reference '" + target
                        + "' is not valid: could not find template resource or resource copy with this name. Please "
                        + "see https://aka.ms/arm-function-reference for usage details."));
                Optional<Planned> inTemplate = plan.order.stream().filter(p -> p.id.equalsIgnoreCase(id)).findFirst();
                String apiVersion = args.size() > 1 ? String.valueOf(args.get(1)) : inTemplate.map(p -> p.apiVersion)
                    .orElseThrow(() -> new TemplateLanguage.ExpressionException("The 'reference' of a resource "
                        + "outside the template needs its api-version."));
                boolean full = args.size() > 2 && "full".equalsIgnoreCase(String.valueOf(args.get(2)));
                String[] s = id.substring(1).split("/");
                if (s.length < 8 || !s[4].equalsIgnoreCase("providers")) {
                    throw new TemplateLanguage.ExpressionException("The resource id '" + id + "' is not valid.");
                }
                ArmCall get = call.internal("GET", id, apiVersion, new byte[0]);
                LabHttpResponse response = providers.apply(get, new ResourcePath(s[1], s[3], s[5],
                    List.of(s).subList(6, s.length)));
                Map<String, Object> resource;
                try {
                    resource = Json.MAPPER.convertValue(Json.read(response.bodyAsString()), LINKED_MAP);
                } catch (java.io.IOException e) {
                    throw new TemplateLanguage.ExpressionException("The resource '" + id + "' could not be read.");
                }
                if (!full) {
                    return NetworkApi.map(resource.get("properties"));
                }
                resource.put("apiVersion", apiVersion);
                return resource;
            }
        }
    }

}
