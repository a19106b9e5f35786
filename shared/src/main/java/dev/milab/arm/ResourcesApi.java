package dev.milab.arm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Resources} beyond resource groups: the generic resource list of a subscription or group
 * ({@code /resources}, with {@code $filter} on {@code resourceType}, {@code name}, {@code tagName}/{@code tagValue}),
 * the resource providers' registrations ({@code /providers}, {@code /providers/{namespace}}) and the caller's tenants
 * ({@code /tenants}) (Microsoft Learn, "Resources - List", "Providers - Get", "Tenants - List"). What the Azure CLI
 * reads for {@code az resource list}, {@code az provider show} and at {@code az login}.
 */
final class ResourcesApi {

    /** The namespaces the lab serves, their resource types and the api-versions each accepts. */
    private static final Map<String, Map<String, List<String>>> PROVIDERS = Map.of(
        "Microsoft.Compute", Map.of("virtualMachines", ComputeApi.API_VERSIONS),
        "Microsoft.ManagedIdentity", Map.of("userAssignedIdentities", ManagedIdentityApi.API_VERSIONS,
            "userAssignedIdentities/federatedIdentityCredentials", ManagedIdentityApi.API_VERSIONS),
        "Microsoft.Sql", Map.of("servers", SqlApi.API_VERSIONS, "servers/databases", SqlApi.API_VERSIONS,
            "servers/administrators", SqlApi.API_VERSIONS, "servers/firewallRules", SqlApi.API_VERSIONS),
        "Microsoft.KeyVault", Map.of("vaults", KeyVaultApi.API_VERSIONS),
        "Microsoft.Web", Map.of("serverfarms", WebApi.API_VERSIONS, "sites", WebApi.API_VERSIONS),
        "Microsoft.Network", Map.of("virtualNetworks", NetworkApi.API_VERSIONS, "virtualNetworks/subnets",
            NetworkApi.API_VERSIONS, "networkSecurityGroups", NetworkApi.API_VERSIONS,
            "networkSecurityGroups/securityRules", NetworkApi.API_VERSIONS, "publicIPAddresses",
            NetworkApi.API_VERSIONS, "networkInterfaces", NetworkApi.API_VERSIONS),
        "Microsoft.Resources", Map.of("deployments", ResourceManagerEndpoint.RESOURCE_GROUP_API_VERSIONS,
            "resourceGroups", ResourceManagerEndpoint.RESOURCE_GROUP_API_VERSIONS),
        "Microsoft.Authorization", Map.of("roleAssignments", AuthorizationApi.API_VERSIONS, "roleDefinitions",
            AuthorizationApi.API_VERSIONS));
    /**
     * The generic resource list's api-versions: Microsoft.Resources' own, back to 2015-11-01, which
     * {@code az keyvault show} (azure-cli 2.45) sends to find a vault by name.
     */
    static final List<String> LIST_API_VERSIONS = java.util.stream.Stream.concat(
        ResourceManagerEndpoint.RESOURCE_GROUP_API_VERSIONS.stream(), java.util.stream.Stream.of("2015-11-01")).toList();
    private static final Pattern CLAUSE = Pattern.compile("(resourceType|name|tagName|tagValue|resourceGroup)\\s+eq\\s+"
        + "'((?:[^']|'')*)'", Pattern.CASE_INSENSITIVE);

    private final ResourceGraph graph;

    ResourcesApi(ResourceGraph graph) {
        this.graph = graph;
    }

    /** {@code GET /subscriptions/{s}[/resourceGroups/{rg}]/resources}: what the caller may read, filtered. */
    LabHttpResponse listResources(ArmCall call, String resourceGroup) {
        requireGet(call);
        call.requireApiVersion(LIST_API_VERSIONS, "resources");
        if (resourceGroup != null && !graph.resourceGroupExists(resourceGroup)) {
            throw new ResourceNotFoundException("ResourceGroupNotFound", "Resource group '" + resourceGroup
                + "' could not be found.");
        }
        Map<String, String> filter = filter(call.queryParameter("$filter"));
        List<Object> visible = new ArrayList<>();
        for (Map<String, Object> r : all()) {
            String id = (String) r.get("id");
            String type = (String) r.get("type");
            if ((resourceGroup == null || rg(id).equalsIgnoreCase(resourceGroup)) && matches(r, filter)
                && call.isAllowed(type + "/read", id)) {
                visible.add(r);
            }
        }
        return ArmCall.list(visible);
    }

    /** {@code GET /subscriptions/{s}/providers[/{namespace}]}: the lab's namespaces, all registered. */
    LabHttpResponse providers(ArmCall call, String namespace) {
        call.requireApiVersion(ResourceManagerEndpoint.RESOURCE_GROUP_API_VERSIONS, "providers");
        if (namespace == null) {
            requireGet(call);
            return ArmCall.list(PROVIDERS.keySet().stream().sorted().map(this::provider).toList());
        }
        String known = PROVIDERS.keySet().stream().filter(n -> n.equalsIgnoreCase(namespace)).findFirst()
            .orElseThrow(() -> new ArmException(404, "InvalidResourceNamespace", "The resource namespace '"
                + namespace + "' is invalid."));
        requireGet(call);
        return ArmCall.ok(provider(known));
    }

    /** {@code GET /tenants}: the one tenant the caller's token is from. */
    LabHttpResponse tenants(ArmCall call) {
        requireGet(call);
        call.requireApiVersion(ResourceManagerEndpoint.SUBSCRIPTION_API_VERSIONS, "tenants");
        String domain = graph.directory().tenant().domain();
        Map<String, Object> tenant = new LinkedHashMap<>();
        tenant.put("id", "/tenants/" + graph.tenantId());
        tenant.put("tenantId", graph.tenantId());
        tenant.put("countryCode", "NL");
        tenant.put("displayName", "Managed Identity Lab");
        tenant.put("domains", List.of(domain));
        tenant.put("tenantCategory", "Home");
        tenant.put("defaultDomain", domain);
        tenant.put("tenantType", "AAD");
        return ArmCall.list(List.of(tenant));
    }

    private Map<String, Object> provider(String namespace) {
        List<Object> types = new ArrayList<>();
        PROVIDERS.get(namespace).entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("resourceType", e.getKey());
            t.put("locations", namespace.equals("Microsoft.Authorization") ? List.of()
                : List.of("West Europe", "North Europe", "East US", "West US 2"));
            t.put("apiVersions", e.getValue());
            types.add(t);
        });
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", ResourceIds.subscription(graph.subscriptionId()) + "/providers/" + namespace);
        json.put("namespace", namespace);
        json.put("registrationState", "Registered");
        json.put("registrationPolicy", "RegistrationRequired");
        json.put("resourceTypes", types);
        return json;
    }

    /** Every resource in the graph in the generic shape: id, name, type, location, tags (and a VM's identity). */
    private List<Map<String, Object>> all() {
        List<Map<String, Object>> all = new ArrayList<>();
        for (VirtualMachine vm : graph.virtualMachines()) {
            Map<String, Object> r = generic(vm.id(), vm.name(), "Microsoft.Compute/virtualMachines", vm.location(),
                vm.tags());
            if (vm.systemAssigned() != null || !vm.userAssigned().isEmpty()) {
                Map<String, Object> identity = new LinkedHashMap<>();
                identity.put("type", vm.identityType());
                if (vm.systemAssigned() != null) {
                    identity.put("principalId", vm.systemAssigned().objectId());
                    identity.put("tenantId", graph.tenantId());
                }
                r.put("identity", identity);
            }
            all.add(r);
        }
        for (UserAssignedIdentity u : graph.userAssignedIdentities()) {
            all.add(generic(u.id(), u.name(), "Microsoft.ManagedIdentity/userAssignedIdentities", u.location(),
                u.tags()));
        }
        for (SqlServer s : graph.sqlServers()) {
            Map<String, Object> server = generic(s.id(), s.name(), "Microsoft.Sql/servers", s.location(), Map.of());
            server.put("kind", "v12.0");
            all.add(server);
            for (String db : s.databases()) {
                all.add(generic(s.id() + "/databases/" + db, s.name() + "/" + db, "Microsoft.Sql/servers/databases",
                    s.location(), Map.of()));
            }
        }
        for (KeyVault v : graph.keyVaults()) {
            all.add(generic(v.id(), v.name(), "Microsoft.KeyVault/vaults", v.location(), v.tags()));
        }
        for (AppServicePlan p : graph.appServicePlans()) {
            all.add(generic(p.id(), p.name(), "Microsoft.Web/serverFarms", p.location(), p.tags()));
        }
        for (String type : List.of(NetworkApi.VNET, NetworkApi.NSG, NetworkApi.PUBLIC_IP, NetworkApi.NIC)) {
            for (StoredResource r : graph.storedResources(type)) {
                @SuppressWarnings("unchecked")
                Map<String, String> tags = (Map<String, String>) r.document().getOrDefault("tags", Map.of());
                all.add(generic(r.id(), r.name(), type, (String) r.document().get("location"), tags));
            }
        }
        for (WebSite w : graph.webSites()) {
            Map<String, Object> site = generic(w.id(), w.name(), "Microsoft.Web/sites", w.location(), w.tags());
            if (w.systemAssigned() != null) {
                site.put("identity", Map.of("type", "SystemAssigned", "principalId", w.systemAssigned().objectId(),
                    "tenantId", graph.tenantId()));
            }
            all.add(site);
        }
        return all;
    }

    private static Map<String, Object> generic(String id, String name, String type, String location,
                                               Map<String, String> tags) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        r.put("name", name);
        r.put("type", type);
        r.put("location", location);
        r.put("tags", tags);
        return r;
    }

    private static String rg(String id) {
        String[] s = id.split("/");
        return s.length > 4 ? s[4] : "";
    }

    /** {@code clause and clause ...}, each {@code property eq 'value'}; anything else is refused. */
    private static Map<String, String> filter(String filter) {
        Map<String, String> clauses = new LinkedHashMap<>();
        if (filter == null || filter.isBlank()) {
            return clauses;
        }
        for (String clause : filter.trim().split("(?i)\\s+and\\s+")) {
            Matcher m = CLAUSE.matcher(clause.trim());
            if (!m.matches()) {
                // ARM's text for a filter it cannot apply is not documented; the wording is the lab's.
                throw new ArmException(400, "InvalidFilterInQueryString", "The $filter '" + filter + "' is not "
                    + "supported: use resourceType, name, resourceGroup, tagName and tagValue with eq, joined by and.");
            }
            clauses.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2).replace("''", "'"));
        }
        return clauses;
    }

    @SuppressWarnings("unchecked")
    private static boolean matches(Map<String, Object> r, Map<String, String> filter) {
        for (Map.Entry<String, String> c : filter.entrySet()) {
            String v = c.getValue();
            Map<String, String> tags = (Map<String, String>) r.get("tags");
            boolean ok = switch (c.getKey()) {
                case "resourcetype" -> v.equalsIgnoreCase((String) r.get("type"));
                case "name" -> v.equalsIgnoreCase((String) r.get("name"));
                case "resourcegroup" -> v.equalsIgnoreCase(rg((String) r.get("id")));
                case "tagname" -> tags.keySet().stream().anyMatch(v::equalsIgnoreCase);
                default -> tags.values().stream().anyMatch(v::equals);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void requireGet(ArmCall call) {
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
    }
}
