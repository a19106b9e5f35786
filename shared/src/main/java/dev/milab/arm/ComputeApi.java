package dev.milab.arm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Compute/virtualMachines}: GET, list (resource group, subscription), PUT, PATCH and DELETE, with
 * Azure's identity semantics (Microsoft Learn, "Configure managed identities on Azure VMs using REST API calls"):
 * {@code identity.type} turns the system-assigned identity on or off; {@code userAssignedIdentities} entries attach
 * ({@code {}}) or, in a PATCH, detach ({@code null}); attaching needs {@code .../assign/action} on the identity.
 */
final class ComputeApi implements ProviderApi {

    /** Newest first: 2026-03-01 is what {@code @azure/arm-compute} 24.1 sends, 2025-04-01 the Java SDK 2.55. */
    static final List<String> API_VERSIONS = List.of("2026-03-01", "2025-11-01", "2025-04-01", "2024-11-01", "2024-07-01",
        "2024-03-01", "2023-09-01", "2023-07-01", "2023-03-01", "2022-11-01", "2022-08-01", "2022-03-01", "2021-11-01",
        "2021-07-01", "2021-03-01", "2020-12-01", "2020-06-01", "2019-12-01", "2019-07-01", "2019-03-01", "2018-10-01",
        "2018-06-01", "2018-04-01", "2017-12-01", "2017-03-30", "2016-04-30-preview", "2016-03-30", "2015-06-15");
    private static final String TYPE = "Microsoft.Compute/virtualMachines";
    private static final Set<String> MEMBERS = Set.of("location", "tags", "identity", "properties", "zones", "plan",
        "extendedLocation", "placement", "id", "name", "type", "etag", "managedBy", "resources");
    private static final Set<String> PROPERTIES = union(VirtualMachineProfiles.WRITABLE, VirtualMachineProfiles.READ_ONLY);

    private final ResourceGraph graph;

    ComputeApi(ResourceGraph graph) {
        this.graph = graph;
    }

    @Override
    public String namespace() {
        return "Microsoft.Compute";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        if (path.is("locations") && path.resourceGroup() == null) {
            call.requireApiVersion(API_VERSIONS, "locations/publishers/artifacttypes/offers/skus/versions");
            return VirtualMachineImages.handle(call, path);
        }
        boolean instanceView = path.segments().size() == 3 && path.childType().equalsIgnoreCase("instanceView");
        if (!path.is("virtualMachines") || path.segments().size() > 2 && !instanceView) {
            throw ProviderApi.unknownType(path, version);
        }
        call.requireApiVersion(API_VERSIONS, "virtualMachines");
        if (instanceView) {
            if (!"GET".equals(call.method())) {
                throw ArmCall.methodNotAllowed(call.method());
            }
            call.authorize(TYPE + "/instanceView/read", path.resourceId());
            Map<String, Object> vm = json(require(path));
            withInstanceView(vm);
            return ArmCall.ok(((Map<?, ?>) vm.get("properties")).get("instanceView"));
        }
        if (path.name() == null) {
            return call.listResources(path, TYPE + "/read", graph.virtualMachines(), VirtualMachine::resourceGroup,
                this::json);
        }
        String id = path.resourceId();
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(TYPE + "/read", id);
                Map<String, Object> vm = json(require(path));
                if ("instanceView".equalsIgnoreCase(call.queryParameter("$expand"))) {
                    withInstanceView(vm);
                }
                yield ArmCall.ok(vm);
            }
            case "PUT" -> put(call, path, id);
            case "PATCH" -> patch(call, path, id);
            case "DELETE" -> {
                call.authorize(TYPE + "/delete", id);
                yield graph.deleteVirtualMachine(path.resourceGroup(), path.name()) ? ArmCall.ok(Map.of())
                    : ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private LabHttpResponse put(ArmCall call, ResourcePath path, String id) {
        call.authorize(TYPE + "/write", id);
        ObjectNode body = call.body(MEMBERS, PROPERTIES);
        Optional<VirtualMachine> existing = graph.virtualMachine(path.resourceGroup(), path.name());
        String location = ArmCall.text(body, "location");
        if (location == null && existing.isEmpty()) {
            throw new ArmException(400, "LocationRequired", "The location property is required for this definition.");
        }
        IdentityState identity = desiredIdentity(body.get("identity"), existing.orElse(null), false);
        checkIdentity(call, id, identity, existing.orElse(null));
        Map<String, String> tags = ArmCall.tags(body);
        VirtualMachine vm = graph.putVirtualMachine(path.resourceGroup(), path.name(), location,
            tags == null ? Map.of() : tags, profiles(body));
        if (identity != null) {
            vm = graph.setVirtualMachineIdentities(path.resourceGroup(), path.name(), identity.systemAssigned(),
                identity.userAssigned());
        }
        return existing.isPresent() ? ArmCall.ok(json(vm)) : ArmCall.created(json(vm));
    }

    private LabHttpResponse patch(ArmCall call, ResourcePath path, String id) {
        call.authorize(TYPE + "/write", id);
        ObjectNode body = call.body(MEMBERS, PROPERTIES);
        VirtualMachine current = require(path);
        IdentityState identity = desiredIdentity(body.get("identity"), current, true);
        checkIdentity(call, id, identity, current);
        VirtualMachine vm = graph.updateVirtualMachine(path.resourceGroup(), path.name(), ArmCall.tags(body),
            profiles(body));
        if (identity != null) {
            vm = graph.setVirtualMachineIdentities(path.resourceGroup(), path.name(), identity.systemAssigned(),
                identity.userAssigned());
        }
        return ArmCall.ok(json(vm));
    }

    /** The identities a VM is to have after a request, or null when the request leaves them alone. */
    record IdentityState(boolean systemAssigned, List<String> userAssigned) {
    }

    private IdentityState desiredIdentity(JsonNode identity, VirtualMachine current, boolean patch) {
        if (identity == null || identity.isNull()) {
            return null;
        }
        if (!identity.isObject()) {
            throw ArmCall.invalidContent("Error converting value to type 'VirtualMachineIdentity'. Path 'identity'");
        }
        Iterator<String> names = identity.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!Set.of("type", "userAssignedIdentities", "principalId", "tenantId").contains(n)) {
                throw ArmCall.invalidContent("Could not find member '" + n + "' on object of type "
                    + "'VirtualMachineIdentity'. Path 'identity." + n + "'");
            }
        }
        String type = ArmCall.text(identity, "type");
        String normalized = type == null ? "" : type.replace(" ", "").toLowerCase(Locale.ROOT);
        boolean system;
        boolean user;
        switch (normalized) {
            case "none" -> {
                system = false;
                user = false;
            }
            case "systemassigned" -> {
                system = true;
                user = false;
            }
            case "userassigned" -> {
                system = false;
                user = true;
            }
            case "systemassigned,userassigned" -> {
                system = true;
                user = true;
            }
            default -> throw new ArmException(400, "InvalidParameter", "The value '" + type + "' of parameter "
                + "'identity.type' is not valid. Allowed values are 'None', 'SystemAssigned', 'UserAssigned' and "
                + "'SystemAssigned, UserAssigned'.");
        }
        JsonNode map = identity.get("userAssignedIdentities");
        if (map != null && !map.isNull() && !map.isObject()) {
            throw ArmCall.invalidContent("Error converting value to type 'Dictionary`2'. Path "
                + "'identity.userAssignedIdentities'");
        }
        List<String> result = new ArrayList<>();
        if (user) {
            if (patch && current != null) {
                current.userAssigned().forEach(u -> result.add(u.id()));
            }
            if (map != null && map.isObject()) {
                map.fields().forEachRemaining(e -> {
                    String key = canonicalIdentityId(e.getKey());
                    result.removeIf(r -> r.equalsIgnoreCase(key));
                    if (!e.getValue().isNull()) {
                        result.add(key);
                    }
                });
            }
            if (result.isEmpty()) {
                throw new ArmException(400, "InvalidParameter", "The identity type is '" + type + "' but no "
                    + "user-assigned identity is given in 'identity.userAssignedIdentities'.");
            }
        } else if (map != null && map.isObject() && map.size() > 0) {
            throw new ArmException(400, "InvalidParameter", "'identity.userAssignedIdentities' may only be given when "
                + "'identity.type' includes 'UserAssigned'.");
        }
        return new IdentityState(system, result);
    }

    private String canonicalIdentityId(String id) {
        String[] s = id.split("/");
        if (s.length != 9 || !id.toLowerCase(Locale.ROOT).contains("/providers/microsoft.managedidentity/"
            + "userassignedidentities/")) {
            throw new ArmException(400, "InvalidParameter", "The user-assigned identity id '" + id + "' is not a "
                + "valid Microsoft.ManagedIdentity/userAssignedIdentities resource id.");
        }
        return graph.userAssignedIdentity(id).map(UserAssignedIdentity::id).orElse(id);
    }

    /** Attaching an identity needs assign/action on it; every identity must exist. Nothing has changed yet. */
    private void checkIdentity(ArmCall call, String vmId, IdentityState identity, VirtualMachine current) {
        if (identity == null) {
            return;
        }
        Set<String> before = new HashSet<>();
        if (current != null) {
            current.userAssigned().forEach(u -> before.add(ResourceIds.key(u.id())));
        }
        List<String> attached = identity.userAssigned().stream()
            .filter(id -> !before.contains(ResourceIds.key(id))).toList();
        call.authorizeLinked(TYPE + "/write", vmId, "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action",
            attached);
        for (String id : identity.userAssigned()) {
            if (graph.userAssignedIdentity(id).isEmpty()) {
                throw ResourceGraph.identityNotFound(vmId, id);
            }
        }
    }

    private static Map<String, Object> profiles(ObjectNode body) {
        Map<String, Object> profiles = new LinkedHashMap<>();
        JsonNode props = body.get("properties");
        if (props != null && props.isObject()) {
            props.fields().forEachRemaining(e -> {
                if (VirtualMachineProfiles.WRITABLE.contains(e.getKey()) && !e.getValue().isNull()) {
                    profiles.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
                }
            });
        }
        return profiles;
    }

    private VirtualMachine require(ResourcePath path) {
        return graph.virtualMachine(path.resourceGroup(), path.name())
            .orElseThrow(() -> ArmCall.notFound(TYPE, path.name(), path.resourceGroup()));
    }

    private Map<String, Object> json(VirtualMachine vm) {
        Map<String, Object> properties = new LinkedHashMap<>(vm.profiles());
        properties.put("vmId", vm.vmId());
        properties.put("provisioningState", "Succeeded");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", vm.name());
        json.put("id", vm.id());
        json.put("type", TYPE);
        json.put("location", vm.location());
        if (!vm.tags().isEmpty()) {
            json.put("tags", vm.tags());
        }
        if (!"None".equals(vm.identityType())) {
            json.put("identity", vm.identityBlock(graph.tenantId()));
        }
        json.put("properties", properties);
        return json;
    }

    /**
     * {@code $expand=instanceView}: what a running VM reports (Microsoft Learn, "Virtual Machines - Instance View");
     * every lab VM runs from its creation, so its power state is {@code PowerState/running}.
     */
    @SuppressWarnings("unchecked")
    private void withInstanceView(Map<String, Object> vm) {
        Map<String, Object> properties = (Map<String, Object>) vm.get("properties");
        Map<String, Object> view = new LinkedHashMap<>();
        Object os = properties.get("osProfile");
        view.put("computerName", os instanceof Map<?, ?> m && m.get("computerName") != null ? m.get("computerName")
            : vm.get("name"));
        view.put("osName", "ubuntu");
        view.put("vmAgent", Map.of("vmAgentVersion", "2.12.0.2", "statuses", List.of(Map.of("code",
            "ProvisioningState/succeeded", "level", "Info", "displayStatus", "Ready", "message",
            "Guest Agent is running"))));
        view.put("hyperVGeneration", "V2");
        view.put("statuses", List.of(
            Map.of("code", "ProvisioningState/succeeded", "level", "Info", "displayStatus", "Provisioning succeeded"),
            Map.of("code", "PowerState/running", "level", "Info", "displayStatus", "VM running")));
        properties.put("instanceView", view);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
