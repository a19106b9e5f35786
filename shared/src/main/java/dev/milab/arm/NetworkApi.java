package dev.milab.arm;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Network}, the four resource types {@code az vm create}'s template holds and {@code az vm open-port}
 * changes, as records with no data plane: nothing is routed and no address is reachable.
 *
 * <ul>
 *   <li>{@code virtualNetworks} with their {@code subnets} (also as child resources); a subnet's range must lie in
 *       the network's address space; a subnet a NIC uses cannot be removed.</li>
 *   <li>{@code networkSecurityGroups} with their {@code securityRules} (also as child resources, the PUT
 *       {@code az vm open-port} sends) and Azure's six default rules.</li>
 *   <li>{@code publicIPAddresses}: a static one (a Standard SKU must be static) gets its address at creation, a
 *       dynamic one when a NIC takes it. The addresses come from 203.0.113.0/24 (RFC 5737 TEST-NET-3, reserved for
 *       documentation and never routed), so no lab value can reach a real host; the lab never connects to them.</li>
 *   <li>{@code networkInterfaces}: each IP configuration gets a private address from its subnet (dynamic: the first
 *       free one from the fifth, as Azure keeps the first four; Microsoft Learn, "Virtual network FAQ") and the NIC a
 *       MAC address in Microsoft's {@code 00-0D-3A} block.</li>
 * </ul>
 * Writes answer 201 (new) or 200 with {@code provisioningState: Succeeded}: the lab finishes before it answers.
 * Every reference (subnet, NSG, public IP) must exist; a resource another one references cannot be deleted.
 */
final class NetworkApi implements ProviderApi {

    /**
     * Newest first, back to 2015-06-15, which {@code az vm create}'s template names for networks, NSGs and NICs;
     * 2022-01-01 is the Azure CLI's latest profile (and its template's public IP), 2025-03-01 what
     * azure-resourcemanager-network 2.57 sends.
     */
    static final List<String> API_VERSIONS = List.of("2025-03-01", "2025-01-01", "2024-10-01", "2024-07-01",
        "2024-05-01", "2024-03-01", "2024-01-01", "2023-11-01", "2023-09-01", "2023-06-01", "2023-05-01",
        "2023-04-01", "2023-02-01", "2022-11-01", "2022-09-01", "2022-07-01", "2022-05-01", "2022-01-01",
        "2021-08-01", "2021-05-01", "2021-03-01", "2021-02-01", "2020-11-01", "2020-07-01", "2020-06-01",
        "2020-05-01", "2019-11-01", "2019-09-01", "2019-06-01", "2019-04-01", "2019-02-01", "2018-12-01",
        "2018-11-01", "2018-10-01", "2018-08-01", "2018-07-01", "2018-06-01", "2018-04-01", "2018-02-01",
        "2018-01-01", "2017-11-01", "2017-10-01", "2017-09-01", "2017-08-01", "2017-06-01", "2017-03-01",
        "2016-12-01", "2016-09-01", "2016-06-01", "2016-03-30", "2015-06-15");
    static final String NS = "Microsoft.Network";
    static final String VNET = NS + "/virtualNetworks";
    static final String NSG = NS + "/networkSecurityGroups";
    static final String PUBLIC_IP = NS + "/publicIPAddresses";
    static final String NIC = NS + "/networkInterfaces";
    /** RFC 5737 TEST-NET-3: documentation only, never routed. */
    static final String PUBLIC_IP_RANGE = "203.0.113.0/24";
    private static final Map<String, String> TYPES = Map.of("virtualnetworks", VNET, "networksecuritygroups", NSG,
        "publicipaddresses", PUBLIC_IP, "networkinterfaces", NIC);
    private static final Set<String> MEMBERS = Set.of("location", "tags", "properties", "sku", "zones", "id", "name",
        "type", "etag", "extendedLocation");

    private final ResourceGraph graph;

    NetworkApi(ResourceGraph graph) {
        this.graph = graph;
    }

    @Override
    public String namespace() {
        return NS;
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        String type = TYPES.get(path.type().toLowerCase(Locale.ROOT));
        List<String> s = path.segments();
        boolean child = s.size() >= 3 && (VNET.equals(type) && s.get(2).equalsIgnoreCase("subnets")
            || NSG.equals(type) && s.get(2).equalsIgnoreCase("securityRules"));
        if (type == null || s.size() > 4 || s.size() > 2 && !child) {
            throw ProviderApi.unknownType(path, version);
        }
        call.requireApiVersion(API_VERSIONS, path.type());
        if (path.name() == null) {
            if (!"GET".equals(call.method())) {
                throw ArmCall.methodNotAllowed(call.method());
            }
            call.authorize(type + "/read", path.listScope());
            return ArmCall.list(graph.storedResources(type).stream()
                .filter(r -> path.resourceGroup() == null || r.resourceGroup().equalsIgnoreCase(path.resourceGroup()))
                .map(StoredResource::document).toList());
        }
        String id = path.resourceId();
        try {
            return route(call, path, type, id, child);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            // a member of the wrong JSON type (a number for a name, an object for a prefix): nothing was changed
            throw new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: a member of the body has "
                + "the wrong type.");
        }
    }

    private LabHttpResponse route(ArmCall call, ResourcePath path, String type, String id, boolean child) {
        if (child) {
            return child(call, path, type, id);
        }
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(type + "/read", id);
                yield ArmCall.ok(require(type, id, path).document());
            }
            case "PUT" -> {
                call.authorize(type + "/write", id);
                yield put(call, path, type, id);
            }
            case "DELETE" -> {
                call.authorize(type + "/delete", id);
                yield delete(id);
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    // --- PUT of a top-level resource ------------------------------------------------------------------------------

    private LabHttpResponse put(ArmCall call, ResourcePath path, String type, String id) {
        requireName(path.name());
        ObjectNode body = call.body(MEMBERS, null);
        JsonNode props = body.get("properties");
        if (props != null && !props.isNull() && !props.isObject()) {
            throw ArmCall.invalidContent("Error converting value to type 'Properties'. Path 'properties'.");
        }
        Map<String, Object> properties = props == null || props.isNull() ? new LinkedHashMap<>()
            : Json.MAPPER.convertValue(props, LINKED_MAP);
        synchronized (graph) {
            Optional<StoredResource> existing = graph.storedResource(id);
            String location = ArmCall.text(body, "location");
            if (location == null) {
                location = existing.map(r -> (String) r.document().get("location")).orElseThrow(() ->
                    new ArmException(400, "LocationRequired", "The location property is required for this "
                        + "definition."));
            }
            location = location.toLowerCase(Locale.ROOT).replace(" ", "");
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("name", path.name());
            doc.put("id", id);
            doc.put("etag", "W/\"" + java.util.UUID.randomUUID() + "\"");
            doc.put("type", type);
            doc.put("location", location);
            Map<String, String> tags = ArmCall.tags(body);
            if (tags != null && !tags.isEmpty()) {
                doc.put("tags", tags);
            }
            Map<String, Object> normalized = switch (type) {
                case VNET -> virtualNetwork(id, properties, existing.orElse(null));
                case NSG -> securityGroup(id, properties, existing.orElse(null));
                case PUBLIC_IP -> publicIp(id, properties, body.get("sku"), existing.orElse(null), doc);
                default -> networkInterface(id, path.name(), properties, existing.orElse(null));
            };
            doc.put("properties", normalized);
            graph.putStoredResource(new StoredResource(id, type, path.resourceGroup(), path.name(), doc));
            return existing.isPresent() ? ArmCall.ok(doc) : ArmCall.created(doc);
        }
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> LINKED_MAP =
        new com.fasterxml.jackson.core.type.TypeReference<>() {
        };

    private Map<String, Object> virtualNetwork(String id, Map<String, Object> properties, StoredResource existing) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioningState", "Succeeded");
        p.put("resourceGuid", existing == null ? java.util.UUID.randomUUID().toString()
            : existing.properties().get("resourceGuid"));
        List<String> space = strings(map(properties.get("addressSpace")).get("addressPrefixes"));
        if (space.isEmpty()) {
            throw new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: the virtual network '"
                + id + "' has no address space ('properties.addressSpace.addressPrefixes').");
        }
        space.forEach(NetworkApi::cidr);
        p.put("addressSpace", Map.of("addressPrefixes", space));
        List<Object> subnets = new ArrayList<>();
        for (Object o : list(properties.get("subnets"))) {
            subnets.add(subnet(id, map(o), space));
        }
        if (existing != null) {
            for (Object old : list(existing.properties().get("subnets"))) {
                String oldId = (String) map(old).get("id");
                if (subnets.stream().noneMatch(n -> oldId.equalsIgnoreCase((String) map(n).get("id")))) {
                    requireSubnetUnused(oldId);
                }
            }
        }
        p.put("subnets", subnets);
        p.put("virtualNetworkPeerings", List.of());
        p.put("enableDdosProtection", false);
        if (properties.get("dhcpOptions") != null) {
            p.put("dhcpOptions", properties.get("dhcpOptions"));
        }
        return p;
    }

    private Map<String, Object> subnet(String vnetId, Map<String, Object> subnet, List<String> space) {
        String name = (String) subnet.get("name");
        if (name == null || name.isBlank()) {
            throw new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: a subnet of '" + vnetId
                + "' has no name.");
        }
        Map<String, Object> props = map(subnet.get("properties"));
        List<String> prefixes = props.get("addressPrefix") != null ? List.of((String) props.get("addressPrefix"))
            : strings(props.get("addressPrefixes"));
        if (prefixes.isEmpty()) {
            throw new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: the subnet '" + name
                + "' has no address prefix.");
        }
        for (String prefix : prefixes) {
            long[] range = cidr(prefix);
            if (space.stream().map(NetworkApi::cidr).noneMatch(v -> v[0] <= range[0] && range[1] <= v[1])) {
                throw new ArmException(400, "NetcfgSubnetRangeOutsideVnet", "Subnet '" + name + "' is not valid "
                    + "because its IP address range is outside the IP address range of virtual network '"
                    + vnetId.substring(vnetId.lastIndexOf('/') + 1) + "'.");
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioningState", "Succeeded");
        if (prefixes.size() == 1) {
            p.put("addressPrefix", prefixes.get(0));
        } else {
            p.put("addressPrefixes", prefixes);
        }
        if (props.get("networkSecurityGroup") != null) {
            p.put("networkSecurityGroup", props.get("networkSecurityGroup"));
        }
        p.put("privateEndpointNetworkPolicies", "Disabled");
        p.put("privateLinkServiceNetworkPolicies", "Enabled");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("id", vnetId + "/subnets/" + name);
        json.put("type", VNET + "/subnets");
        json.put("properties", p);
        return json;
    }

    private Map<String, Object> securityGroup(String id, Map<String, Object> properties, StoredResource existing) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioningState", "Succeeded");
        p.put("resourceGuid", existing == null ? java.util.UUID.randomUUID().toString()
            : existing.properties().get("resourceGuid"));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object o : list(properties.get("securityRules"))) {
            Map<String, Object> rule = map(o);
            rules.add(securityRule(id, (String) rule.get("name"), map(rule.get("properties"))));
        }
        requireDistinctPriorities(rules);
        p.put("securityRules", rules);
        p.put("defaultSecurityRules", defaultRules(id));
        return p;
    }

    /** A security rule as Network returns it; Azure's checks on priority, protocol, access and direction. */
    static Map<String, Object> securityRule(String nsgId, String name, Map<String, Object> props) {
        if (name != null && !name.isBlank()) {
            requireName(name);
        }
        if (name == null || name.isBlank()) {
            throw new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: a security rule of '"
                + nsgId + "' has no name.");
        }
        String ruleId = nsgId + "/securityRules/" + name;
        Object priority = props.get("priority");
        if (!(priority instanceof Number n) || n.intValue() < 100 || n.intValue() > 4096) {
            throw new ArmException(400, "SecurityRuleInvalidPriority", "Security rule has invalid Priority. Value "
                + "provided: " + priority + " Allowed range 100-4096.");
        }
        String protocol = oneOf(props.get("protocol"), List.of("Tcp", "Udp", "Icmp", "Esp", "Ah", "*"),
            "SecurityRuleInvalidProtocol", "Security rule has invalid Protocol. Value provided: ", ruleId);
        String access = oneOf(props.get("access"), List.of("Allow", "Deny"), "SecurityRuleInvalidAccess",
            "Security rule has invalid Access. Value provided: ", ruleId);
        String direction = oneOf(props.get("direction"), List.of("Inbound", "Outbound"),
            "SecurityRuleInvalidDirection", "Security rule has invalid Direction. Value provided: ", ruleId);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioningState", "Succeeded");
        p.put("protocol", protocol);
        for (String range : List.of("sourcePortRange", "destinationPortRange", "sourceAddressPrefix",
            "destinationAddressPrefix")) {
            Object single = props.get(range);
            Object many = props.get(range.endsWith("Range") ? range + "s" : range.replace("Prefix", "Prefixes"));
            if (single != null) {
                p.put(range, single);
            }
            p.put(range.endsWith("Range") ? range + "s" : range.replace("Prefix", "Prefixes"),
                many == null ? List.of() : many);
        }
        if (props.get("description") != null) {
            p.put("description", props.get("description"));
        }
        p.put("access", access);
        p.put("priority", ((Number) priority).intValue());
        p.put("direction", direction);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("id", ruleId);
        json.put("etag", "W/\"" + java.util.UUID.randomUUID() + "\"");
        json.put("type", NSG + "/securityRules");
        json.put("properties", p);
        return json;
    }

    /** Network's naming rule for its resources and their children (Microsoft Learn, "Naming rules and restrictions"). */
    private static void requireName(String name) {
        if (name == null || !name.matches("\\w([-\\w.]{0,78}\\w)?")) {
            throw new ArmException(400, "InvalidResourceName", "Resource name " + name + " is invalid. The name can "
                + "be up to 80 characters long. It must begin with a word character, and it must end with a word "
                + "character or with '_'. The name may contain word characters or '.', '-', '_'.");
        }
    }

    private static String oneOf(Object value, List<String> allowed, String code, String message, String ruleId) {
        String text = value == null ? null : String.valueOf(value);
        return allowed.stream().filter(a -> a.equalsIgnoreCase(text)).findFirst().orElseThrow(() ->
            new ArmException(400, code, message + text + " for rule " + ruleId + ". Allowed values are "
                + String.join(", ", allowed) + "."));
    }

    private static void requireDistinctPriorities(List<Map<String, Object>> rules) {
        for (int i = 0; i < rules.size(); i++) {
            for (int j = i + 1; j < rules.size(); j++) {
                Map<String, Object> a = map(rules.get(i).get("properties"));
                Map<String, Object> b = map(rules.get(j).get("properties"));
                if (a.get("priority").equals(b.get("priority")) && a.get("direction").equals(b.get("direction"))) {
                    throw new ArmException(400, "SecurityRuleConflict", "Security rule " + rules.get(j).get("name")
                        + " conflicts with rule " + rules.get(i).get("name") + ". Rules cannot have the same "
                        + "Priority and Direction. To learn more, see aka.ms/nsgrules.");
                }
            }
        }
    }

    /** The six rules every NSG has below its own (Microsoft Learn, "Network security groups", default rules). */
    private static List<Object> defaultRules(String nsgId) {
        List<Object> rules = new ArrayList<>();
        Object[][] table = {
            {"AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"},
            {"AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"},
            {"DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"},
            {"AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"},
            {"AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"},
            {"DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"},
        };
        for (Object[] r : table) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("provisioningState", "Succeeded");
            p.put("protocol", "*");
            p.put("sourcePortRange", "*");
            p.put("destinationPortRange", "*");
            p.put("sourceAddressPrefix", r[4]);
            p.put("destinationAddressPrefix", r[5]);
            p.put("access", r[3]);
            p.put("priority", r[1]);
            p.put("direction", r[2]);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", r[0]);
            json.put("id", nsgId + "/defaultSecurityRules/" + r[0]);
            json.put("type", NSG + "/defaultSecurityRules");
            json.put("properties", p);
            rules.add(json);
        }
        return rules;
    }

    private Map<String, Object> publicIp(String id, Map<String, Object> properties, JsonNode skuNode,
                                         StoredResource existing, Map<String, Object> doc) {
        if (skuNode != null && !skuNode.isNull() && !skuNode.isObject()) {
            throw ArmCall.invalidContent("Error converting value " + skuNode + " to type 'PublicIPAddressSku'. Path "
                + "'sku'");
        }
        String sku = skuNode != null && skuNode.has("name") ? skuNode.get("name").asText() : "Basic";
        sku = List.of("Basic", "Standard").stream().filter(sku::equalsIgnoreCase).findFirst().orElseThrow(() ->
            new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: the public IP SKU '"
                + skuNode.get("name").asText() + "' is not Basic or Standard."));
        String method = String.valueOf(properties.getOrDefault("publicIPAllocationMethod",
            "Standard".equals(sku) ? "Static" : "Dynamic"));
        method = List.of("Static", "Dynamic").stream().filter(method::equalsIgnoreCase).findFirst().orElseThrow(() ->
            new ArmException(400, "InvalidRequestFormat", "Cannot parse the request: the allocation method '"
                + properties.get("publicIPAllocationMethod") + "' is not Static or Dynamic."));
        if ("Standard".equals(sku) && "Dynamic".equals(method)) {
            throw new ArmException(400, "StandardSkuPublicIPAddressesMustBeStatic", "Standard sku publicIp " + id
                + " must have AllocationMethod set to Static.");
        }
        doc.put("sku", Map.of("name", sku, "tier", "Regional"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioningState", "Succeeded");
        p.put("resourceGuid", existing == null ? java.util.UUID.randomUUID().toString()
            : existing.properties().get("resourceGuid"));
        Object address = existing == null ? null : existing.properties().get("ipAddress");
        if (address == null && "Static".equals(method)) {
            address = freePublicAddress();
        }
        if (address != null) {
            p.put("ipAddress", address);
        }
        p.put("publicIPAddressVersion", "IPv4");
        p.put("publicIPAllocationMethod", method);
        p.put("idleTimeoutInMinutes", properties.getOrDefault("idleTimeoutInMinutes", 4));
        if (properties.get("dnsSettings") != null) {
            p.put("dnsSettings", properties.get("dnsSettings"));
        }
        p.put("ipTags", List.of());
        if (existing != null && existing.properties().get("ipConfiguration") != null) {
            p.put("ipConfiguration", existing.properties().get("ipConfiguration"));
        }
        return p;
    }

    private String freePublicAddress() {
        Set<String> used = new java.util.HashSet<>();
        graph.storedResources(PUBLIC_IP).forEach(r -> used.add(String.valueOf(r.properties().get("ipAddress"))));
        long[] range = cidr(PUBLIC_IP_RANGE);
        for (long a = range[0] + 4; a < range[1]; a++) {
            if (!used.contains(dotted(a))) {
                return dotted(a);
            }
        }
        throw new ArmException(400, "PublicIPCountLimitReached", "The lab's public IP range " + PUBLIC_IP_RANGE
            + " has no free address left.");
    }

    private Map<String, Object> networkInterface(String id, String name, Map<String, Object> properties,
                                                 StoredResource existing) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provisioningState", "Succeeded");
        p.put("resourceGuid", existing == null ? java.util.UUID.randomUUID().toString()
            : existing.properties().get("resourceGuid"));
        List<Object> configs = list(properties.get("ipConfigurations"));
        if (configs.isEmpty()) {
            throw new ArmException(400, "NetworkInterfaceMustHaveAtLeastOneIpConfiguration", "Network interface "
                + id + " must have at least one IP configuration.");
        }
        Object nsg = properties.get("networkSecurityGroup");
        if (nsg != null) {
            requireReference(map(nsg).get("id"), id);
            p.put("networkSecurityGroup", Map.of("id", map(nsg).get("id")));
        }
        List<Object> built = new ArrayList<>();
        Map<StoredResource, String> attachments = new LinkedHashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            Map<String, Object> config = map(configs.get(i));
            Map<String, Object> cp = map(config.get("properties"));
            String configName = (String) config.get("name");
            String configId = id + "/ipConfigurations/" + configName;
            Object subnetId = map(cp.get("subnet")).get("id");
            if (!(subnetId instanceof String)) {
                throw invalidReference(String.valueOf(subnetId), id);
            }
            StoredResource vnet = graph.storedResource(vnetOf((String) subnetId)).filter(r -> r.type().equals(VNET))
                .orElseThrow(() -> invalidReference((String) subnetId, id));
            Set<String> taken = privateAddressesInUse(id, vnet.id());
            built.forEach(b -> taken.add(String.valueOf(map(map(b).get("properties")).get("privateIPAddress"))));
            Map<String, Object> subnet = list(vnet.properties().get("subnets")).stream().map(NetworkApi::map)
                .filter(sn -> ((String) sn.get("id")).equalsIgnoreCase((String) subnetId)).findFirst()
                .orElseThrow(() -> invalidReference((String) subnetId, id));
            String prefix = String.valueOf(map(subnet.get("properties")).getOrDefault("addressPrefix",
                strings(map(subnet.get("properties")).get("addressPrefixes")).stream().findFirst().orElse("")));
            String method = "Static".equalsIgnoreCase(String.valueOf(cp.get("privateIPAllocationMethod")))
                ? "Static" : "Dynamic";
            String address = privateAddress(cp, existing, configId, prefix, taken, method);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("provisioningState", "Succeeded");
            out.put("privateIPAddress", address);
            out.put("privateIPAllocationMethod", method);
            out.put("subnet", Map.of("id", subnet.get("id")));
            Object publicRef = cp.get("publicIPAddress");
            if (publicRef != null) {
                String publicId = (String) map(publicRef).get("id");
                StoredResource ip = requireReference(publicId, id);
                requirePublicIpFree(ip, configId);
                if (attachments.keySet().stream().anyMatch(a -> a.id().equalsIgnoreCase(ip.id()))) {
                    throw new ArmException(400, "PublicIPAddressInUse", "Resource " + ip.id() + " is used by two IP "
                        + "configurations of " + id + ". A public IP address can be associated with one IP "
                        + "configuration only.");
                }
                attachments.put(ip, configId);
                out.put("publicIPAddress", Map.of("id", publicId));
            }
            out.put("primary", i == 0);
            out.put("privateIPAddressVersion", "IPv4");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", configName);
            json.put("id", configId);
            json.put("type", NIC + "/ipConfigurations");
            json.put("properties", out);
            built.add(json);
        }
        // every check has passed: only now are the public IPs changed
        releaseDroppedPublicIps(existing, built);
        attachments.forEach(this::attachPublicIp);
        p.put("ipConfigurations", built);
        p.put("dnsSettings", Map.of("dnsServers", List.of(), "appliedDnsServers", List.of(),
            "internalDomainNameSuffix", "lab" + Integer.toHexString(id.toLowerCase(Locale.ROOT).hashCode())
                + ".ax.internal.cloudapp.net"));
        p.put("macAddress", existing != null && existing.properties().get("macAddress") != null
            ? existing.properties().get("macAddress") : macAddress());
        p.put("enableAcceleratedNetworking", Boolean.TRUE.equals(properties.get("enableAcceleratedNetworking")));
        p.put("enableIPForwarding", Boolean.TRUE.equals(properties.get("enableIPForwarding")));
        p.put("primary", true);
        p.put("nicType", "Standard");
        return p;
    }

    private String privateAddress(Map<String, Object> cp, StoredResource existing, String configId, String prefix,
                                  Set<String> taken, String method) {
        long[] range = cidr(prefix);
        if ("Static".equals(method)) {
            String requested = String.valueOf(cp.get("privateIPAddress"));
            long a = address(requested);
            if (a < range[0] + 4 || a >= range[1]) {
                throw new ArmException(400, "PrivateIPAddressNotInSubnet", "IP configuration " + configId
                    + " references the private IP address " + requested + " which is not in the range of the "
                    + "subnet's address prefix " + prefix + ".");
            }
            if (taken.contains(requested)) {
                throw new ArmException(400, "PrivateIPAddressInUse", "IP configuration " + configId + " is using "
                    + "the private IP address " + requested + " which is already allocated to another resource.");
            }
            return requested;
        }
        if (existing != null) {
            for (Object c : list(existing.properties().get("ipConfigurations"))) {
                Map<String, Object> old = map(c);
                String oldAddress = (String) map(old.get("properties")).get("privateIPAddress");
                if (configId.equalsIgnoreCase((String) old.get("id")) && oldAddress != null
                    && address(oldAddress) >= range[0] && address(oldAddress) < range[1]) {
                    return oldAddress;
                }
            }
        }
        for (long a = range[0] + 4; a < range[1]; a++) {
            if (!taken.contains(dotted(a))) {
                return dotted(a);
            }
        }
        throw new ArmException(400, "SubnetIsFull", "Subnet with address prefix " + prefix + " does not have "
            + "enough capacity for 1 IP address.");
    }

    /** The private addresses other NICs hold in one virtual network (the NIC being written excluded). */
    private Set<String> privateAddressesInUse(String nicId, String vnetId) {
        Set<String> used = new java.util.HashSet<>();
        for (StoredResource nic : graph.storedResources(NIC)) {
            if (!nic.id().equalsIgnoreCase(nicId)) {
                for (Object c : list(nic.properties().get("ipConfigurations"))) {
                    Map<String, Object> cp = map(map(c).get("properties"));
                    if (ResourceIds.within(String.valueOf(map(cp.get("subnet")).get("id")), vnetId)) {
                        used.add(String.valueOf(cp.get("privateIPAddress")));
                    }
                }
            }
        }
        return used;
    }

    private static void requirePublicIpFree(StoredResource ip, String configId) {
        Object current = map(ip.properties().get("ipConfiguration")).get("id");
        if (current != null && !configId.equalsIgnoreCase((String) current)) {
            throw new ArmException(400, "PublicIPAddressInUse", "Resource " + ip.id() + " is already in use by "
                + current + ". A public IP address can be associated with one IP configuration only.");
        }
    }

    private void attachPublicIp(StoredResource stale, String configId) {
        StoredResource ip = graph.storedResource(stale.id()).orElse(stale);
        Map<String, Object> props = new LinkedHashMap<>(ip.properties());
        props.put("ipConfiguration", Map.of("id", configId));
        if (props.get("ipAddress") == null) {
            props.put("ipAddress", freePublicAddress());
        }
        replaceProperties(ip, props);
    }

    private void releaseDroppedPublicIps(StoredResource existing, List<Object> built) {
        if (existing == null) {
            return;
        }
        for (Object c : list(existing.properties().get("ipConfigurations"))) {
            Object oldPublic = map(map(map(c).get("properties")).get("publicIPAddress")).get("id");
            boolean kept = built.stream().anyMatch(b -> oldPublic != null && oldPublic.toString().equalsIgnoreCase(
                String.valueOf(map(map(map(b).get("properties")).get("publicIPAddress")).get("id"))));
            if (oldPublic != null && !kept) {
                graph.storedResource((String) oldPublic).ifPresent(ip -> {
                    Map<String, Object> props = new LinkedHashMap<>(ip.properties());
                    props.remove("ipConfiguration");
                    if ("Dynamic".equals(props.get("publicIPAllocationMethod"))) {
                        props.remove("ipAddress");
                    }
                    replaceProperties(ip, props);
                });
            }
        }
    }

    private void replaceProperties(StoredResource r, Map<String, Object> props) {
        Map<String, Object> doc = new LinkedHashMap<>(r.document());
        doc.put("properties", props);
        graph.putStoredResource(new StoredResource(r.id(), r.type(), r.resourceGroup(), r.name(), doc));
    }

    private static String macAddress() {
        byte[] tail = new byte[3];
        ThreadLocalRandom.current().nextBytes(tail);
        return "00-0D-3A-" + HexFormat.ofDelimiter("-").withUpperCase().formatHex(tail);
    }

    // --- child resources: subnets, security rules -------------------------------------------------------------------

    private LabHttpResponse child(ArmCall call, ResourcePath path, String type, String parentId) {
        boolean subnets = type.equals(VNET);
        String childType = type + (subnets ? "/subnets" : "/securityRules");
        String member = subnets ? "subnets" : "securityRules";
        String childName = path.childName();
        String scope = childName == null ? parentId : parentId + "/" + member + "/" + childName;
        String action = switch (call.method()) {
            case "GET" -> "/read";
            case "PUT" -> "/write";
            case "DELETE" -> "/delete";
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
        call.authorize(childType + action, scope);
        synchronized (graph) {
            StoredResource parent = require(type, parentId, path);
            List<Object> children = new ArrayList<>(list(parent.properties().get(member)));
            if (childName == null) {
                if (!"GET".equals(call.method())) {
                    throw ArmCall.methodNotAllowed(call.method());
                }
                return ArmCall.list(children);
            }
            int index = -1;
            for (int i = 0; i < children.size(); i++) {
                if (childName.equalsIgnoreCase((String) map(children.get(i)).get("name"))) {
                    index = i;
                }
            }
            switch (call.method()) {
                case "GET" -> {
                    if (index < 0) {
                        throw ArmCall.notFound(childType, path.name() + "/" + childName, path.resourceGroup());
                    }
                    return ArmCall.ok(children.get(index));
                }
                case "DELETE" -> {
                    if (index < 0) {
                        return ArmCall.noContent();
                    }
                    if (subnets) {
                        requireSubnetUnused(scope);
                    }
                    children.remove(index);
                    Map<String, Object> props = new LinkedHashMap<>(parent.properties());
                    props.put(member, children);
                    replaceProperties(parent, props);
                    return ArmCall.okWithoutBody();
                }
                default -> {
                    ObjectNode body = call.body(Set.of("name", "id", "type", "etag", "properties"), null);
                    Map<String, Object> props = body.get("properties") == null ? Map.of()
                        : Json.MAPPER.convertValue(body.get("properties"), LINKED_MAP);
                    Map<String, Object> built;
                    if (subnets) {
                        built = subnet(parentId, Map.of("name", childName, "properties", props),
                            strings(map(parent.properties().get("addressSpace")).get("addressPrefixes")));
                    } else {
                        built = securityRule(parentId, childName, props);
                    }
                    boolean created = index < 0;
                    if (created) {
                        children.add(built);
                    } else {
                        children.set(index, built);
                    }
                    if (!subnets) {
                        @SuppressWarnings("unchecked")
                        List<Map<String, Object>> rules = (List<Map<String, Object>>) (List<?>) children;
                        requireDistinctPriorities(rules);
                    }
                    Map<String, Object> parentProps = new LinkedHashMap<>(parent.properties());
                    parentProps.put(member, children);
                    replaceProperties(parent, parentProps);
                    return created ? ArmCall.created(built) : ArmCall.ok(built);
                }
            }
        }
    }

    // --- deletes and references ------------------------------------------------------------------------------------

    private LabHttpResponse delete(String id) {
        synchronized (graph) {
            Optional<StoredResource> r = graph.storedResource(id);
            if (r.isEmpty()) {
                return ArmCall.noContent();
            }
            String user = referrer(r.get());
            if (user != null) {
                throw switch (r.get().type()) {
                    case NIC -> new ArmException(400, "NicInUse", "Network Interface " + id + " is used by existing "
                        + "resource " + user + ". In order to delete the network interface, it must be dissociated "
                        + "from the resource. To learn more, see aka.ms/deletenic.");
                    case PUBLIC_IP -> new ArmException(400, "PublicIPAddressCannotBeDeleted", "Public IP address "
                        + id + " can not be deleted since it is still allocated to resource " + user + ". In order to "
                        + "delete the public IP, disassociate/detach the Public IP address from the resource.");
                    case NSG -> new ArmException(400, "InUseNetworkSecurityGroupCannotBeDeleted", "Network security "
                        + "group " + id + " cannot be deleted because it is in use by the following resources: "
                        + user + ".");
                    default -> new ArmException(400, "InUseSubnetCannotBeDeleted", "Subnet " + user
                        + " is in use and cannot be deleted. In order to delete the subnet, delete all the resources "
                        + "within the subnet.");
                };
            }
            graph.deleteStoredResource(id);
            return ArmCall.okWithoutBody();
        }
    }

    /** What still uses a resource (a VM its NIC, a NIC its public IP, NSG or a subnet of its network), or null. */
    private String referrer(StoredResource r) {
        String key = ResourceIds.key(r.id());
        if (r.type().equals(NIC)) {
            for (VirtualMachine vm : graph.virtualMachines()) {
                Object profile = vm.profiles().get("networkProfile");
                for (Object nic : list(map(profile).get("networkInterfaces"))) {
                    if (key.equals(ResourceIds.key(String.valueOf(map(nic).get("id"))))) {
                        return vm.id();
                    }
                }
            }
            return null;
        }
        for (StoredResource nic : graph.storedResources(NIC)) {
            if (r.type().equals(NSG) && key.equals(ResourceIds.key(String.valueOf(map(nic.properties()
                .get("networkSecurityGroup")).get("id"))))) {
                return nic.id();
            }
            for (Object c : list(nic.properties().get("ipConfigurations"))) {
                Map<String, Object> cp = map(map(c).get("properties"));
                String ref = String.valueOf(map(cp.get(r.type().equals(PUBLIC_IP) ? "publicIPAddress" : "subnet"))
                    .get("id"));
                if (r.type().equals(PUBLIC_IP) && key.equals(ResourceIds.key(ref))
                    || r.type().equals(VNET) && ResourceIds.within(ref, r.id())) {
                    return r.type().equals(VNET) ? ref : String.valueOf(map(c).get("id"));
                }
            }
        }
        return null;
    }

    private void requireSubnetUnused(String subnetId) {
        for (StoredResource nic : graph.storedResources(NIC)) {
            for (Object c : list(nic.properties().get("ipConfigurations"))) {
                Object ref = map(map(map(c).get("properties")).get("subnet")).get("id");
                if (ref != null && ref.toString().equalsIgnoreCase(subnetId)) {
                    throw new ArmException(400, "InUseSubnetCannotBeDeleted", "Subnet " + subnetId + " is in use by "
                        + map(c).get("id") + " and cannot be deleted. In order to delete the subnet, delete all the "
                        + "resources within the subnet. See aka.ms/deletesubnet.");
                }
            }
        }
    }

    private StoredResource requireReference(Object referencedId, String byId) {
        if (!(referencedId instanceof String ref)) {
            throw invalidReference(String.valueOf(referencedId), byId);
        }
        return graph.storedResource(ref).orElseThrow(() -> invalidReference(ref, byId));
    }

    private static ArmException invalidReference(String ref, String byId) {
        return new ArmException(400, "InvalidResourceReference", "Resource " + ref + " referenced by resource "
            + byId + " was not found. Please make sure that the referenced resource exists, and that both resources "
            + "are in the same region.");
    }

    private static String vnetOf(String subnetId) {
        int i = subnetId.toLowerCase(Locale.ROOT).indexOf("/subnets/");
        return i < 0 ? subnetId : subnetId.substring(0, i);
    }

    private StoredResource require(String type, String id, ResourcePath path) {
        return graph.storedResource(id).filter(r -> r.type().equals(type))
            .orElseThrow(() -> ArmCall.notFound(type, path.name(), path.resourceGroup()));
    }

    // --- small JSON and address helpers -----------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static List<String> strings(Object o) {
        return list(o).stream().map(String::valueOf).toList();
    }

    /** {@code a.b.c.d/n} as the first address and one past the last; bad text is Azure's format error. */
    static long[] cidr(String prefix) {
        String[] parts = prefix == null ? new String[0] : prefix.split("/");
        try {
            int bits = Integer.parseInt(parts[1]);
            long base = address(parts[0]);
            if (parts.length != 2 || bits < 0 || bits > 32) {
                throw new IllegalArgumentException();
            }
            long size = 1L << (32 - bits);
            return new long[] {base & ~(size - 1), (base & ~(size - 1)) + size};
        } catch (RuntimeException e) {
            throw new ArmException(400, "InvalidAddressPrefixFormat", "Address prefix " + prefix + " does not have "
                + "a valid format.");
        }
    }

    private static long address(String dotted) {
        String[] o = dotted.split("\\.");
        if (o.length != 4) {
            throw new ArmException(400, "InvalidAddressFormat", "The IP address " + dotted + " is not valid.");
        }
        long a = 0;
        for (String octet : o) {
            int v;
            try {
                v = Integer.parseInt(octet);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255) {
                throw new ArmException(400, "InvalidAddressFormat", "The IP address " + dotted + " is not valid.");
            }
            a = a << 8 | v;
        }
        return a;
    }

    private static String dotted(long a) {
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }
}
