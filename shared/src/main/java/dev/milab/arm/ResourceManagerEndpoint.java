package dev.milab.arm;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.JsonWebToken;
import dev.milab.entra.TokenValidator;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/**
 * {@code https://management.azure.com} in the lab: Resource Manager's REST subset over the resource graph, with
 * authentication and Azure RBAC on every request.
 *
 * <ol>
 *   <li>The bearer token is validated (signature, issuer, audience {@code https://management.azure.com/} or
 *       {@code https://management.core.windows.net/}, times); otherwise 401 with ARM's {@code WWW-Authenticate} and
 *       error code.</li>
 *   <li>The path is routed to the provider that owns it; unknown namespaces, types and api-versions are 400.</li>
 *   <li>The operation's action is checked with {@link RbacEvaluator} at the resource's scope; otherwise 403
 *       {@code AuthorizationFailed}.</li>
 * </ol>
 * Errors have ARM's shape {@code {"error":{"code":...,"message":...}}}; nothing changes when a request fails.
 */
public final class ResourceManagerEndpoint implements LabHttpHandler {

    static final List<String> RESOURCE_GROUP_API_VERSIONS = List.of("2025-04-01", "2025-03-01", "2024-11-01",
        "2024-07-01", "2024-03-01", "2023-07-01", "2022-09-01", "2021-04-01", "2020-06-01", "2019-10-01");
    static final List<String> SUBSCRIPTION_API_VERSIONS = List.of("2022-12-01", "2021-01-01", "2020-01-01",
        "2019-11-01", "2016-06-01");
    private static final Set<String> AUDIENCES = Set.of("https://management.azure.com/", "https://management.azure.com",
        "https://management.core.windows.net/", "https://management.core.windows.net");
    private static final DateTimeFormatter ARM_TIME = DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US)
        .withZone(ZoneOffset.UTC);

    private final ResourceGraph graph;
    private final TokenValidator validator;
    private final RbacEvaluator rbac;
    private final Clock clock;
    private final Map<String, ProviderApi> providers = new LinkedHashMap<>();
    private final AuthorizationApi authorization;
    private final ResourcesApi resources;
    private final AsyncOperations operations;

    public ResourceManagerEndpoint(ResourceGraph graph, TokenValidator validator, RbacEvaluator rbac, Clock clock) {
        this.graph = graph;
        this.validator = validator;
        this.rbac = rbac;
        this.clock = clock;
        this.authorization = new AuthorizationApi(graph, clock);
        this.resources = new ResourcesApi(graph);
        this.operations = new AsyncOperations(clock);
        for (ProviderApi api : List.of(new ComputeApi(graph), new ManagedIdentityApi(graph),
            new SqlApi(graph, operations), new KeyVaultApi(graph), new WebApi(graph), new NetworkApi(graph),
            new DeploymentsApi(graph, clock, this::provider, operations,
                ns -> providers.containsKey(ns.toLowerCase(Locale.ROOT))))) {
            providers.put(api.namespace().toLowerCase(Locale.ROOT), api);
        }
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        String requestId = UUID.randomUUID().toString();
        headers.put("x-ms-request-id", requestId);
        headers.put("x-ms-correlation-request-id", request.header("x-ms-correlation-request-id").orElse(requestId));
        request.header("x-ms-client-request-id").ifPresent(v -> headers.put("x-ms-client-request-id", v));
        ValidatedToken caller;
        try {
            caller = authenticate(request);
        } catch (AuthenticationFailure f) {
            headers.put("WWW-Authenticate", "Bearer authorization_uri=\"https://login.windows.net/\", "
                + "error=\"invalid_token\", error_description=\"" + f.description + "\"");
            return error(401, f.code, f.getMessage(), headers);
        }
        try {
            LabHttpResponse response = route(new ArmCall(request, caller, rbac), request.normalizedPath());
            Map<String, String> all = new LinkedHashMap<>(response.headers());
            all.putAll(headers);
            return new LabHttpResponse(response.status(), all, response.body());
        } catch (ArmException e) {
            return error(e.status(), e.code(), e.getMessage(), headers);
        }
    }

    private LabHttpResponse route(ArmCall call, String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
        String lower = path.toLowerCase(Locale.ROOT);
        int auth = lower.lastIndexOf("/providers/microsoft.authorization/");
        if (auth >= 0) {
            String scope = auth == 0 ? "/" : path.substring(0, auth);
            List<String> rest = List.of(path.substring(auth + "/providers/microsoft.authorization/".length())
                .split("/"));
            return authorization.handle(call, scope, rest);
        }
        String[] s = path.substring(1).split("/");
        if (s.length == 1 && s[0].equalsIgnoreCase("tenants")) {
            return resources.tenants(call);
        }
        if (s.length == 3 && s[0].equalsIgnoreCase("providers") && s[1].equalsIgnoreCase("Microsoft.Web")
            && s[2].equalsIgnoreCase("webAppStacks")) {
            return WebApi.webAppStacks(call);
        }
        if (s.length == 0 || !s[0].equalsIgnoreCase("subscriptions")) {
            throw noRoute(path);
        }
        if (s.length == 1) {
            return listSubscriptions(call);
        }
        String subscription = s[1];
        if (!subscription.equalsIgnoreCase(graph.subscriptionId())) {
            throw new ArmException(404, "SubscriptionNotFound", "The subscription '" + subscription
                + "' could not be found.");
        }
        if (s.length == 2) {
            return getSubscription(call);
        }
        if (s.length == 3 && s[2].equalsIgnoreCase("resources")) {
            return resources.listResources(call, null);
        }
        if (s.length == 4 && s[2].equalsIgnoreCase("operationresults")) {
            return groupDeletionResult(call, s[3]);
        }
        if (s[2].equalsIgnoreCase("providers") && s.length <= 4) {
            return resources.providers(call, s.length == 4 ? s[3] : null);
        }
        if (s[2].equalsIgnoreCase("resourceGroups")) {
            if (s.length == 3) {
                return listResourceGroups(call);
            }
            if (s.length == 4) {
                return switch (call.method()) {
                    case "PUT" -> putResourceGroup(call, s[3]);
                    case "DELETE" -> deleteResourceGroup(call, s[3]);
                    default -> resourceGroup(call, s[3]);
                };
            }
            if (s.length == 5 && s[4].equalsIgnoreCase("resources")) {
                return resources.listResources(call, s[3]);
            }
            if (s.length >= 7 && s[4].equalsIgnoreCase("providers")) {
                return provider(call, new ResourcePath(graph.subscriptionId(), s[3], s[5],
                    List.of(s).subList(6, s.length)));
            }
        } else if (s[2].equalsIgnoreCase("providers") && (s.length == 5 || s[4].equalsIgnoreCase("locations"))) {
            // a subscription-wide list, or a provider's per-region catalogue (Compute's VM images)
            return provider(call, new ResourcePath(graph.subscriptionId(), null, s[3], List.of(s).subList(4, s.length)));
        }
        throw noRoute(path);
    }

    private LabHttpResponse provider(ArmCall call, ResourcePath path) {
        ProviderApi api = providers.get(path.namespace().toLowerCase(Locale.ROOT));
        if (api == null) {
            throw new ArmException(400, "InvalidResourceNamespace", "The resource namespace '" + path.namespace()
                + "' is invalid.");
        }
        if (path.resourceGroup() != null && !graph.resourceGroupExists(path.resourceGroup())) {
            throw new ResourceNotFoundException("ResourceGroupNotFound", "Resource group '" + path.resourceGroup()
                + "' could not be found.");
        }
        return api.handle(call, path);
    }

    private static ArmException noRoute(String path) {
        // ARM's answer to a path no provider serves; its exact text is not documented, so the wording is the lab's.
        return new ArmException(404, "InvalidRequestUri", "The request URI '" + path + "' is not served by the lab's "
            + "Resource Manager.");
    }

    private LabHttpResponse listSubscriptions(ArmCall call) {
        call.requireApiVersion(SUBSCRIPTION_API_VERSIONS, "subscriptions");
        if (!call.isAllowed("Microsoft.Resources/subscriptions/read", ResourceIds.subscription(graph.subscriptionId()))
            && graph.roleAssignments().stream().noneMatch(a -> a.principalId().equalsIgnoreCase(call.principalId()))) {
            return ArmCall.list(List.of());
        }
        return ArmCall.list(List.of(subscription()));
    }

    private LabHttpResponse getSubscription(ArmCall call) {
        requireGet(call);
        call.requireApiVersion(SUBSCRIPTION_API_VERSIONS, "subscriptions");
        call.authorize("Microsoft.Resources/subscriptions/read", ResourceIds.subscription(graph.subscriptionId()));
        return ArmCall.ok(subscription());
    }

    private Map<String, Object> subscription() {
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("id", ResourceIds.subscription(graph.subscriptionId()));
        sub.put("authorizationSource", "RoleBased");
        sub.put("managedByTenants", List.of());
        sub.put("subscriptionId", graph.subscriptionId());
        sub.put("tenantId", graph.tenantId());
        sub.put("displayName", "Managed Identity Lab");
        sub.put("state", "Enabled");
        sub.put("subscriptionPolicies", Map.of("locationPlacementId", "Public_2014-09-01", "quotaId",
            "PayAsYouGo_2014-09-01", "spendingLimit", "Off"));
        return sub;
    }

    private LabHttpResponse listResourceGroups(ArmCall call) {
        requireGet(call);
        call.requireApiVersion(RESOURCE_GROUP_API_VERSIONS, "resourceGroups");
        List<Object> visible = new ArrayList<>();
        // ARM lists the groups the caller may read, whether the grant is on the subscription or the group.
        graph.resourceGroups().forEach((name, location) -> {
            String id = ResourceIds.resourceGroup(graph.subscriptionId(), name);
            if (call.isAllowed("Microsoft.Resources/subscriptions/resourceGroups/read", id)) {
                visible.add(resourceGroupJson(name, location));
            }
        });
        return ArmCall.list(visible);
    }

    private LabHttpResponse resourceGroup(ArmCall call, String name) {
        requireGet(call);
        call.requireApiVersion(RESOURCE_GROUP_API_VERSIONS, "resourceGroups");
        String id = ResourceIds.resourceGroup(graph.subscriptionId(), name);
        call.authorize("Microsoft.Resources/subscriptions/resourceGroups/read", id);
        String location = graph.resourceGroups().get(name.toLowerCase(Locale.ROOT));
        if (location == null) {
            throw new ResourceNotFoundException("ResourceGroupNotFound", "Resource group '" + name
                + "' could not be found.");
        }
        return ArmCall.ok(resourceGroupJson(name, location));
    }

    /**
     * {@code PUT} of a resource group ({@code az group create}): 201 when new, 200 when it existed (its location
     * cannot change: 409 {@code InvalidResourceGroupLocation}, as ARM answers). Group names are 1 to 90 letters,
     * digits, underscores, hyphens, periods and parentheses, not ending in a period (Microsoft Learn, "Naming rules
     * and restrictions for Azure resources").
     */
    private LabHttpResponse putResourceGroup(ArmCall call, String name) {
        call.requireApiVersion(RESOURCE_GROUP_API_VERSIONS, "resourceGroups");
        String id = ResourceIds.resourceGroup(graph.subscriptionId(), name);
        call.authorize("Microsoft.Resources/subscriptions/resourceGroups/write", id);
        if (!name.matches("[-\\w._()]{1,90}") || name.endsWith(".")) {
            throw new ArmException(400, "InvalidResourceGroup", "The provided resource group name '" + name
                + "' has these invalid characters: '" + name.replaceAll("[-\\w._()]", "") + "'. The name can only be "
                + "a letter, digit, '-', '.', '(', ')' or '_'.");
        }
        var body = call.body(Set.of("location", "tags", "properties", "managedBy", "id", "name", "type"),
            Set.of("provisioningState"));
        String location = ArmCall.text(body, "location");
        if (location == null || location.isBlank()) {
            throw new ArmException(400, "LocationRequired", "The location property is required for this definition.");
        }
        String normalized = location.toLowerCase(Locale.ROOT).replace(" ", "");
        String existing = graph.resourceGroups().get(name.toLowerCase(Locale.ROOT));
        if (existing != null && !existing.equalsIgnoreCase(normalized)) {
            throw new ArmException(409, "InvalidResourceGroupLocation", "Invalid resource group location '"
                + normalized + "'. The Resource group already exists in location '" + existing + "'.");
        }
        graph.createResourceGroup(name, normalized);
        Map<String, Object> json = resourceGroupJson(name, normalized);
        return existing == null ? ArmCall.created(json) : ArmCall.ok(json);
    }

    /**
     * {@code DELETE} of a resource group ({@code az group delete}): 202 with a {@code Location} to poll, which
     * answers 200 once everything in the group is gone (Microsoft Learn, "Resource Groups - Delete"). The lab
     * deletes at once ({@link ResourceGraph#deleteResourceGroup}), so the first poll already answers 200. A group
     * that does not exist is 404 {@code ResourceGroupNotFound}.
     */
    private LabHttpResponse deleteResourceGroup(ArmCall call, String name) {
        String version = call.requireApiVersion(RESOURCE_GROUP_API_VERSIONS, "resourceGroups");
        String id = ResourceIds.resourceGroup(graph.subscriptionId(), name);
        call.authorize("Microsoft.Resources/subscriptions/resourceGroups/delete", id);
        String location = graph.resourceGroups().get(name.toLowerCase(Locale.ROOT));
        if (location == null || !graph.deleteResourceGroup(name)) {
            throw new ResourceNotFoundException("ResourceGroupNotFound", "Resource group '" + name
                + "' could not be found.");
        }
        AsyncOperations.Operation operation = operations.succeeded(null);
        // Resource Manager's token is base64url JSON naming the deletion job and its region.
        String job = "{\"jobId\":\"RESOURCEGROUPDELETIONJOB-" + name.toUpperCase(Locale.ROOT) + "-"
            + location.toUpperCase(Locale.ROOT) + ":" + operation.id() + "\",\"jobLocation\":\"" + location + "\"}";
        String token = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
            job.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", "https://management.azure.com" + ResourceIds.subscription(graph.subscriptionId())
            + "/operationresults/" + token + "?api-version=" + version);
        headers.put("Retry-After", "0");
        return new LabHttpResponse(202, headers, new byte[0]);
    }

    /** {@code GET /subscriptions/{s}/operationresults/{token}}: 200 once the deletion is done (always, here). */
    private LabHttpResponse groupDeletionResult(ArmCall call, String token) {
        requireGet(call);
        String job;
        try {
            job = new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw noRoute("/operationresults/" + token);
        }
        int colon = job.indexOf(':', job.indexOf("RESOURCEGROUPDELETIONJOB"));
        int quote = colon < 0 ? -1 : job.indexOf('"', colon);
        AsyncOperations.Operation operation = quote < 0 ? null : operations.get(job.substring(colon + 1, quote))
            .orElse(null);
        if (operation == null) {
            throw new ResourceNotFoundException("OperationNotFound", "The operation '" + token + "' could not be "
                + "found.");
        }
        return AsyncOperations.result(operation).status() == 204 ? ArmCall.okWithoutBody()
            : AsyncOperations.result(operation);
    }

    private Map<String, Object> resourceGroupJson(String name, String location) {
        Map<String, Object> rg = new LinkedHashMap<>();
        rg.put("id", ResourceIds.resourceGroup(graph.subscriptionId(), name));
        rg.put("name", name);
        rg.put("type", "Microsoft.Resources/resourceGroups");
        rg.put("location", location);
        rg.put("properties", Map.of("provisioningState", "Succeeded"));
        return rg;
    }

    private static void requireGet(ArmCall call) {
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
    }

    // --- authentication ----------------------------------------------------------------------------------------

    private static final class AuthenticationFailure extends Exception {
        final String code;
        final String description;

        AuthenticationFailure(String code, String message, String description) {
            super(message);
            this.code = code;
            this.description = description;
        }
    }

    private ValidatedToken authenticate(LabHttpRequest request) throws AuthenticationFailure {
        String header = request.header("Authorization").orElse(null);
        if (header == null) {
            throw new AuthenticationFailure("AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw new AuthenticationFailure("AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of an invalid 'Authorization' header format.");
        }
        String token = header.substring(7).trim();
        try {
            return validator.validate(token, AUDIENCES);
        } catch (InvalidTokenException e) {
            throw switch (e.reason()) {
                case WRONG_AUDIENCE -> new AuthenticationFailure("InvalidAuthenticationTokenAudience",
                    "The access token has been obtained for wrong audience or resource '" + claim(token, "aud")
                        + "'. It should exactly match with one of the allowed audiences "
                        + "'https://management.core.windows.net/','https://management.core.windows.net',"
                        + "'https://management.azure.com/','https://management.azure.com'.",
                    "The access token has been obtained for wrong audience or resource.");
                case WRONG_ISSUER -> new AuthenticationFailure("InvalidAuthenticationTokenTenant",
                    "The access token is from the wrong issuer '" + claim(token, "iss") + "'. It must match the tenant "
                        + "'https://sts.windows.net/" + graph.tenantId() + "/' associated with this subscription. "
                        + "Please use the authority (URL) 'https://login.windows.net/" + graph.tenantId() + "' to get "
                        + "the token. Note, if the subscription is transferred to another tenant there is no impact to "
                        + "the services, but information about new tenant could take time to propagate (up to an "
                        + "hour). If you just transferred your subscription and see this error message, please try "
                        + "back later.", "The access token is from the wrong issuer.");
                case EXPIRED -> new AuthenticationFailure("ExpiredAuthenticationToken",
                    "The access token expiry UTC time '" + ARM_TIME.format(expiry(token)) + "' is earlier than current "
                        + "UTC time '" + ARM_TIME.format(clock.instant()) + "'.", "The access token expired.");
                default -> new AuthenticationFailure("InvalidAuthenticationToken", "The access token is invalid.",
                    "The access token is invalid.");
            };
        }
    }

    private static String claim(String token, String name) {
        try {
            return JsonWebToken.parse(token).claimString(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Instant expiry(String token) {
        Long exp = JsonWebToken.parse(token).claimEpochSeconds("exp");
        return Instant.ofEpochSecond(exp == null ? 0 : exp);
    }

    static LabHttpResponse error(int status, String code, String message, Map<String, String> headers) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return LabHttpResponse.json(status, Json.write(Map.of("error", error)), headers);
    }

    /** The audiences ARM accepts, for other lab services that take ARM tokens. */
    public static Set<String> audiences() {
        return AUDIENCES;
    }

}
