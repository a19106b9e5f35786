package dev.milab.imds;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.milab.arm.ResourceGraph;
import dev.milab.arm.ResourceIds;
import dev.milab.arm.VirtualMachine;
import dev.milab.entra.IssuedToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.TokenService;
import dev.milab.http.Json;
import dev.milab.http.LabHttpHandler;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.LabSettings;

/**
 * One VM's Instance Metadata Service ({@code http://169.254.169.254} on Azure): the managed identity token endpoint
 * and instance metadata. Each VM has its own, so a VM can only ever get tokens for identities attached to it.
 *
 * <p>Behaviour follows Microsoft Learn, "Azure Instance Metadata Service" and "How to use managed identities for
 * Azure resources on an Azure VM to acquire an access token"; response texts are the ones IMDS is seen to send.
 */
public final class InstanceMetadataService implements LabHttpHandler {

    public static final String TOKEN_PATH = "/metadata/identity/oauth2/token";
    static final String INSTANCE_PATH = "/metadata/instance";

    /** api-versions IMDS accepts, newest first (Microsoft Learn, "Supported API versions"). */
    public static final List<String> API_VERSIONS = List.of("2025-04-07", "2024-07-17", "2024-03-15",
        "2023-11-15", "2023-07-01", "2021-12-13", "2021-11-15", "2021-11-01", "2021-10-01", "2021-08-01",
        "2021-05-01", "2021-03-01", "2021-02-01", "2021-01-01", "2020-12-01", "2020-10-01", "2020-09-01",
        "2020-07-15", "2020-06-01", "2019-11-01", "2019-08-15", "2019-08-01", "2019-06-04", "2019-06-01",
        "2019-04-30", "2019-03-11", "2019-02-01", "2018-10-01", "2018-04-02", "2018-02-01", "2017-12-01",
        "2017-10-01", "2017-08-01", "2017-04-02", "2017-03-01");

    /** The identity endpoint exists from 2018-02-01 on. */
    private static final String FIRST_IDENTITY_VERSION = "2018-02-01";

    /** Azure's IMDS names itself in a Server header. */
    private static final Map<String, String> SERVER_HEADER = Map.of("Server", "IMDS/150.870.65.1854");

    private final String resourceGroup;
    private final String vmName;
    private final ResourceGraph graph;
    private final TokenService tokens;
    private final ResourceApplications resources;
    private final LabSettings settings;
    private final Clock clock;
    private volatile VirtualMachine lastKnown;

    private final ManagedIdentityTokenCache tokenCache;
    private final Deque<Integer> faults = new ArrayDeque<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private long windowSecond;
    private int windowCount;

    public InstanceMetadataService(VirtualMachine vm, ResourceGraph graph, TokenService tokens,
                                   ResourceApplications resources, LabSettings settings, Clock clock) {
        this(vm, graph, tokens, resources, settings, clock, issued -> { });
    }

    /** As above; {@code onIssue} is told of each token this IMDS gets from Entra ID (not of cached answers). */
    public InstanceMetadataService(VirtualMachine vm, ResourceGraph graph, TokenService tokens,
                                   ResourceApplications resources, LabSettings settings, Clock clock,
                                   Consumer<IssuedToken> onIssue) {
        this.resourceGroup = vm.resourceGroup();
        this.vmName = vm.name();
        this.lastKnown = vm;
        this.graph = graph;
        this.tokens = tokens;
        this.resources = resources;
        this.settings = settings;
        this.clock = clock;
        this.tokenCache = new ManagedIdentityTokenCache(tokens, settings, clock, onIssue);
    }

    public String vmName() {
        return vmName;
    }

    /**
     * Makes the next {@code count} requests fail with {@code status} (404, 410, 429 or 500, the statuses clients
     * must retry), to show a client's retry policy at work.
     */
    public void injectFaults(int count, int status) {
        if (status != 404 && status != 410 && status != 429 && status != 500 && status != 503) {
            throw new IllegalArgumentException("IMDS faults are 404, 410, 429, 500 or 503, not " + status);
        }
        synchronized (faults) {
            for (int i = 0; i < count; i++) {
                faults.add(status);
            }
        }
    }

    /** Forgets cached tokens, as a VM's IMDS does when it restarts. */
    public void clearTokenCache() {
        tokenCache.clear();
    }

    @Override
    public LabHttpResponse handle(LabHttpRequest request) {
        Integer fault;
        synchronized (faults) {
            fault = faults.poll();
        }
        if (fault != null) {
            return faultResponse(fault);
        }
        if (settings.imdsThrottling()) {
            if (!withinRate()) {
                return tooManyRequests();
            }
            try {
                if (inFlight.incrementAndGet() > settings.imdsConcurrentRequests()) {
                    return tooManyRequests();
                }
                return dispatch(request);
            } finally {
                inFlight.decrementAndGet();
            }
        }
        return dispatch(request);
    }

    private LabHttpResponse dispatch(LabHttpRequest request) {
        // "Requests must not contain an X-Forwarded-For header" (Microsoft Learn, IMDS, "Security and authentication").
        if (request.hasHeader("X-Forwarded-For")) {
            return error(400, "bad_request", "Requests with an X-Forwarded-For header are rejected.");
        }
        String path = request.normalizedPath();
        // msal-node (@azure/identity for JavaScript) asks for ".../oauth2/token/" when the IMDS address is overridden.
        boolean token = path.equals(TOKEN_PATH) || path.equals(TOKEN_PATH + "/");
        boolean instance = path.equals(INSTANCE_PATH) || path.startsWith(INSTANCE_PATH + "/");
        if (path.equals("/metadata/versions")) {
            return LabHttpResponse.json(200, Json.write(Map.of("apiVersions", API_VERSIONS)), SERVER_HEADER);
        }
        if (!token && !instance) {
            return error(404, "not_found", "The requested path was not found: " + path);
        }
        if (!"GET".equals(request.method())) {
            return error(405, "method_not_allowed", "Only GET is allowed.");
        }
        if (!request.header("Metadata").map(v -> v.equalsIgnoreCase("true")).orElse(false)) {
            return token
                ? error(400, "bad_request_102", "Required metadata header not specified")
                : LabHttpResponse.json(400, "{\"error\":\"Bad request: . Required metadata header not specified\"}",
                    SERVER_HEADER);
        }
        Map<String, List<String>> query;
        try {
            query = request.queryParameters();
        } catch (IllegalArgumentException e) {
            return error(400, "invalid_request", "The query string is not valid URL encoding.");
        }
        // "Requests with duplicate query parameter names will be rejected" (Microsoft Learn, IMDS).
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (e.getValue().size() > 1) {
                return error(400, "invalid_request", "Duplicate query parameter '" + e.getKey() + "'.");
            }
        }
        String apiVersion = single(query, "api-version");
        if (apiVersion == null || !API_VERSIONS.contains(apiVersion)
            || (token && apiVersion.compareTo(FIRST_IDENTITY_VERSION) < 0)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", "Bad request. api-version is invalid or was not specified in the request. "
                + "For more information refer to aka.ms/azureimds");
            body.put("newest-versions", API_VERSIONS.subList(0, 3));
            return LabHttpResponse.json(400, Json.write(body), SERVER_HEADER);
        }
        return token ? token(query) : instance(path, single(query, "format"));
    }

    private LabHttpResponse token(Map<String, List<String>> query) {
        String resource = single(query, "resource");
        if (resource == null || resource.isEmpty()) {
            return error(400, "invalid_request", "Required query variable 'resource' is missing");
        }
        String clientId = single(query, "client_id");
        String objectId = single(query, "object_id");
        String resId = single(query, "msi_res_id");
        String miResId = single(query, "mi_res_id");
        int selectors = (clientId == null ? 0 : 1) + (objectId == null ? 0 : 1) + (resId == null ? 0 : 1)
            + (miResId == null ? 0 : 1);
        if (selectors > 1) {
            // The REST spec declares these mutually exclusive; the wording here is the lab's.
            return error(400, "invalid_request",
                "Only one of client_id, object_id or msi_res_id may be specified in the token request.");
        }
        Optional<VirtualMachine> vm = graph.virtualMachine(resourceGroup, vmName);
        vm.ifPresent(v -> lastKnown = v);
        List<ServicePrincipal> attached = vm.map(VirtualMachine::identities).orElse(List.of());
        ServicePrincipal identity;
        if (selectors == 0) {
            ServicePrincipal system = vm.map(VirtualMachine::systemAssigned).orElse(null);
            if (system != null) {
                identity = system;
            } else if (attached.size() == 1) {
                identity = attached.get(0);
            } else if (attached.size() > 1) {
                return error(400, "invalid_request", "Multiple user assigned identities exist, please specify the "
                    + "clientId / resourceId of the identity in the token request");
            } else {
                return identityNotFound();
            }
        } else {
            identity = attached.stream().filter(sp -> matches(sp, clientId, objectId, resId != null ? resId : miResId))
                .findFirst().orElse(null);
            if (identity == null) {
                return identityNotFound();
            }
        }
        Optional<String> known = resources.resolve(resource);
        if (known.isEmpty()) {
            return error(400, "invalid_resource", "AADSTS500011: The resource principal named " + resource
                + " was not found in the tenant named " + tokens.tenant().id() + ". This can happen if the "
                + "application has not been installed by the administrator of the tenant or consented to by any "
                + "user in the tenant. You might have sent your authentication request to the wrong tenant.");
        }
        IssuedToken issued = tokenCache.tokenFor(identity, known.get());
        Map<String, Object> body = tokenCache.responseBody(issued);
        return LabHttpResponse.json(200, Json.write(body), SERVER_HEADER);
    }

    private static boolean matches(ServicePrincipal sp, String clientId, String objectId, String resourceId) {
        if (clientId != null) {
            return sp.appId().equalsIgnoreCase(clientId);
        }
        if (objectId != null) {
            return sp.objectId().equalsIgnoreCase(objectId);
        }
        return sp.resourceId() != null && ResourceIds.tokenForm(resourceId).equalsIgnoreCase(sp.resourceId());
    }

    /**
     * The instance document, or the part a route parameter filters to ("Route parameters": each path segment is a
     * key or an array index of the JSON document). A leaf answers only with {@code format=text}; an inner node
     * answers JSON by default and, with {@code format=text}, the names of its children, one a line.
     */
    private LabHttpResponse instance(String path, String format) {
        if (format != null && !format.equals("json") && !format.equals("text")) {
            // The wording of this error is the lab's; Microsoft Learn documents only "json" and "text".
            return LabHttpResponse.json(400, "{\"error\":\"Bad request. Unsupported format: " + format + "\"}",
                SERVER_HEADER);
        }
        graph.virtualMachine(resourceGroup, vmName).ifPresent(v -> lastKnown = v);
        Object node = instanceDocument(lastKnown);
        for (String segment : path.substring(INSTANCE_PATH.length()).split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            node = child(node, segment);
            if (node == null) {
                return error(404, "not_found", "The requested path was not found: " + path);
            }
        }
        boolean leaf = !(node instanceof Map) && !(node instanceof List);
        if ("text".equals(format)) {
            return textResponse(leaf ? String.valueOf(node) : childNames(node));
        }
        if (leaf) {
            // "When filtering to a leaf node, format=json doesn't work" (Microsoft Learn, IMDS, "Route parameters");
            // IMDS answers 400 there. The wording is the lab's.
            return LabHttpResponse.json(400, "{\"error\":\"Bad request. A leaf node is only available with "
                + "format=text\"}", SERVER_HEADER);
        }
        return LabHttpResponse.json(200, Json.write(node), SERVER_HEADER);
    }

    /** The whole document for {@code /metadata/instance}; every primitive a string, as IMDS writes them. */
    private static Map<String, Object> instanceDocument(VirtualMachine vm) {
        Map<String, Object> compute = new LinkedHashMap<>();
        compute.put("azEnvironment", "AzurePublicCloud");
        compute.put("location", vm.location());
        compute.put("name", vm.name());
        compute.put("offer", vm.imageReference("offer"));
        compute.put("osType", vm.osType());
        compute.put("provider", "Microsoft.Compute");
        compute.put("publisher", vm.imageReference("publisher"));
        compute.put("resourceGroupName", vm.resourceGroup());
        compute.put("resourceId", vm.id());
        compute.put("sku", vm.imageReference("sku"));
        compute.put("subscriptionId", vm.subscriptionId());
        // "tags" is "name:value" pairs joined by ';'; "tagsList" the same as an array (Microsoft Learn, IMDS).
        StringBuilder tags = new StringBuilder();
        List<Map<String, Object>> tagsList = new java.util.ArrayList<>();
        new java.util.TreeMap<>(vm.tags()).forEach((name, value) -> {
            tags.append(tags.length() == 0 ? "" : ";").append(name).append(':').append(value);
            tagsList.add(Map.of("name", name, "value", value));
        });
        compute.put("tags", tags.toString());
        compute.put("tagsList", tagsList);
        compute.put("version", vm.imageReference("version"));
        compute.put("vmId", vm.vmId());
        compute.put("vmSize", vm.vmSize());
        compute.put("zone", "");
        Map<String, Object> ipv4 = new LinkedHashMap<>();
        ipv4.put("ipAddress", List.of(Map.of("privateIpAddress", "127.0.0.1", "publicIpAddress", "")));
        ipv4.put("subnet", List.of());
        Map<String, Object> nic = new LinkedHashMap<>();
        nic.put("ipv4", ipv4);
        nic.put("ipv6", Map.of("ipAddress", List.of()));
        nic.put("macAddress", "000D3A000000");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("compute", compute);
        body.put("network", Map.of("interface", List.of(nic)));
        return body;
    }

    /** The member or element a route segment names, or null when there is none. */
    private static Object child(Object node, String segment) {
        if (node instanceof Map<?, ?> map) {
            return map.get(segment);
        }
        if (node instanceof List<?> list && segment.chars().allMatch(Character::isDigit) && segment.length() < 9) {
            int index = Integer.parseInt(segment);
            return index < list.size() ? list.get(index) : null;
        }
        return null;
    }

    /** {@code format=text} of an inner node: its keys (or indexes), an inner child's name followed by '/'. */
    private static String childNames(Object node) {
        List<String> names = new java.util.ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> names.add(k + (v instanceof Map || v instanceof List ? "/" : "")));
        } else {
            List<?> list = (List<?>) node;
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                names.add(i + (v instanceof Map || v instanceof List ? "/" : ""));
            }
        }
        return String.join("\n", names);
    }

    private static LabHttpResponse textResponse(String text) {
        Map<String, String> headers = new LinkedHashMap<>(SERVER_HEADER);
        headers.put("Content-Type", "text/plain; charset=utf-8");
        return new LabHttpResponse(200, headers, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A fixed one-second window per VM, as IMDS documents its limit ("20 requests per second"). */
    private synchronized boolean withinRate() {
        long second = clock.millis() / 1000;
        if (windowSecond != second) {
            windowSecond = second;
            windowCount = 0;
        }
        return ++windowCount <= settings.imdsRequestsPerSecond();
    }

    private LabHttpResponse tooManyRequests() {
        return error(429, "too_many_requests", "Too many requests: the managed identity endpoint allows "
            + settings.imdsRequestsPerSecond() + " requests per second and " + settings.imdsConcurrentRequests()
            + " concurrent requests per VM.");
    }

    private static LabHttpResponse identityNotFound() {
        return error(400, "invalid_request", "Identity not found");
    }

    private LabHttpResponse faultResponse(int status) {
        return switch (status) {
            case 404 -> error(404, "not_found", "IMDS is being updated. Retry the request.");
            case 410 -> error(410, "gone", "IMDS is being updated. Retry for up to 70 seconds.");
            case 429 -> tooManyRequests();
            case 503 -> error(503, "service_unavailable", "The service is unavailable. Retry the request.");
            default -> error(500, "server_error", "An unexpected error occurred. Retry the request.");
        };
    }

    private static String single(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null ? null : values.get(0);
    }

    static LabHttpResponse error(int status, String code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return LabHttpResponse.json(status, Json.write(body), SERVER_HEADER);
    }
}
