package dev.milab.arm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.milab.http.LabHttpResponse;

/**
 * {@code Microsoft.Web}: App Service plans ({@code serverfarms}) and web apps ({@code sites}) with their
 * system-assigned identity, the name check and the runtime stacks {@code az webapp create} reads first, and the
 * publishing profile it reads after (Microsoft Learn, "App Service Plans - Create Or Update", "Web Apps - Create Or
 * Update", "Check Name Availability", "Provider - Get Web App Stacks", "Web Apps - List Publishing Profile Xml With
 * Secrets"). Nothing runs: a site is its ARM resource and its identity in the directory.
 */
final class WebApi implements ProviderApi {

    /** Newest first; Azure CLI 2.45 sends 2022-03-01, azure-resourcemanager-appservice 2.53 2023-12-01. */
    static final List<String> API_VERSIONS = List.of("2024-04-01", "2023-12-01", "2023-01-01", "2022-09-01",
        "2022-03-01", "2021-03-01", "2021-02-01");
    private static final String PLANS = "Microsoft.Web/serverfarms";
    private static final String SITES = "Microsoft.Web/sites";
    private static final Map<String, String> DISPLAY = Map.of("westeurope", "West Europe", "northeurope",
        "North Europe", "eastus", "East US", "westus2", "West US 2");

    private final ResourceGraph graph;

    WebApi(ResourceGraph graph) {
        this.graph = graph;
    }

    @Override
    public String namespace() {
        return "Microsoft.Web";
    }

    @Override
    public LabHttpResponse handle(ArmCall call, ResourcePath path) {
        String version = call.queryParameter("api-version");
        if (path.resourceGroup() == null && path.segments().size() == 1 && path.is("checknameavailability")) {
            call.requireApiVersion(API_VERSIONS, "checknameavailability");
            return checkNameAvailability(call);
        }
        if (path.is("serverfarms") && path.segments().size() <= 2) {
            call.requireApiVersion(API_VERSIONS, "serverfarms");
            return path.name() == null ? call.listResources(path, PLANS + "/read", graph.appServicePlans(),
                AppServicePlan::resourceGroup, this::planJson) : plan(call, path);
        }
        if (path.is("sites") && path.segments().size() <= 2) {
            call.requireApiVersion(API_VERSIONS, "sites");
            return path.name() == null ? call.listResources(path, SITES + "/read", graph.webSites(),
                WebSite::resourceGroup, this::siteJson) : site(call, path);
        }
        if (path.is("sites") && path.segments().size() == 3 && path.childType().equalsIgnoreCase("publishxml")) {
            call.requireApiVersion(API_VERSIONS, "sites");
            return publishingProfile(call, path);
        }
        throw ProviderApi.unknownType(path, version);
    }

    // --- plans -------------------------------------------------------------------------------------------------

    private LabHttpResponse plan(ArmCall call, ResourcePath path) {
        String id = path.resourceId();
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(PLANS + "/read", id);
                yield ArmCall.ok(planJson(graph.appServicePlan(path.resourceGroup(), path.name())
                    .orElseThrow(() -> ArmCall.notFound(PLANS, path.name(), path.resourceGroup()))));
            }
            case "PUT" -> {
                call.authorize(PLANS + "/write", id);
                requireName(path.name(), 1, 60, "App Service plan");
                ObjectNode body = call.lenientBody();
                String location = SqlApi.location(body, "serverfarms");
                String sku = ArmCall.text(body.path("sku"), "name");
                boolean linux = body.path("properties").path("reserved").asBoolean(false)
                    || "linux".equalsIgnoreCase(ArmCall.text(body, "kind"));
                ResourceGraph.Put<AppServicePlan> put = graph.putAppServicePlan(path.resourceGroup(), path.name(),
                    location, sku == null ? "F1" : sku.toUpperCase(Locale.ROOT), linux, tagsOf(body));
                // App Service answers 200 to a create as to an update (REST reference: 200 or 202).
                yield ArmCall.ok(planJson(put.resource()));
            }
            case "DELETE" -> {
                call.authorize(PLANS + "/delete", id);
                yield graph.deleteAppServicePlan(path.resourceGroup(), path.name()) ? ArmCall.okWithoutBody()
                    : ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    private Map<String, Object> planJson(AppServicePlan p) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("serverFarmId", 0);  // App Service returns 0 here; the plan's id is the resource's id
        properties.put("name", p.name());
        properties.put("status", "Ready");
        properties.put("numberOfSites", graph.webSites().stream().filter(w -> w.serverFarmId()
            .equalsIgnoreCase(p.id())).count());
        properties.put("reserved", p.linux());
        properties.put("isXenon", false);
        properties.put("perSiteScaling", false);
        properties.put("zoneRedundant", false);
        properties.put("resourceGroup", p.resourceGroup());
        properties.put("provisioningState", "Succeeded");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", p.id());
        json.put("name", p.name());
        json.put("type", PLANS);
        json.put("kind", p.linux() ? "linux" : "app");
        json.put("location", DISPLAY.getOrDefault(p.location(), p.location()));
        json.put("tags", p.tags());
        json.put("properties", properties);
        json.put("sku", Map.of("name", p.skuName(), "tier", tier(p.skuName()), "size", p.skuName(), "family",
            p.skuName().replaceAll("\\d.*", ""), "capacity", 1));
        return json;
    }

    private static String tier(String sku) {
        return switch (sku.charAt(0)) {
            case 'F' -> "Free";
            case 'D' -> "Shared";
            case 'B' -> "Basic";
            case 'S' -> "Standard";
            case 'P' -> sku.endsWith("V3") ? "PremiumV3" : sku.endsWith("V2") ? "PremiumV2" : "Premium";
            default -> sku;
        };
    }

    // --- sites -------------------------------------------------------------------------------------------------

    private LabHttpResponse site(ArmCall call, ResourcePath path) {
        String id = path.resourceId();
        return switch (call.method()) {
            case "GET" -> {
                call.authorize(SITES + "/read", id);
                yield ArmCall.ok(siteJson(requireSite(path)));
            }
            case "PUT" -> {
                call.authorize(SITES + "/write", id);
                yield ArmCall.ok(siteJson(putSite(call, path)));
            }
            case "DELETE" -> {
                call.authorize(SITES + "/delete", id);
                yield graph.deleteWebSite(path.resourceGroup(), path.name()) ? ArmCall.okWithoutBody()
                    : ArmCall.noContent();
            }
            default -> throw ArmCall.methodNotAllowed(call.method());
        };
    }

    /**
     * A site PUT: its plan must exist; the name is global ({@code name.azurewebsites.net}); {@code identity.type}
     * {@code SystemAssigned} turns the system-assigned identity on, {@code None} turns it off, no identity block
     * keeps it as it is. User-assigned identities on sites are not in the lab.
     */
    private WebSite putSite(ArmCall call, ResourcePath path) {
        requireName(path.name(), 2, 60, "site");
        graph.webSiteByName(path.name()).filter(w -> !w.resourceGroup().equalsIgnoreCase(path.resourceGroup()))
            .ifPresent(w -> {
                throw new ArmException(409, "Conflict", "Website with given name " + path.name()
                    + " already exists.");
            });
        ObjectNode body = call.lenientBody();
        String location = SqlApi.location(body, "sites");
        JsonNode p = body.path("properties");
        String farmId = ArmCall.text(p, "serverFarmId");
        WebSite existing = graph.webSite(path.resourceGroup(), path.name()).orElse(null);
        if (farmId == null && existing != null) {
            farmId = existing.serverFarmId();
        }
        String wanted = farmId;
        AppServicePlan plan = wanted == null ? null : graph.appServicePlans().stream().filter(x -> x.id().equalsIgnoreCase(wanted)
            || x.name().equalsIgnoreCase(wanted)).findFirst().orElse(null);
        if (plan == null) {
            throw new ResourceNotFoundException("NotFound", "Cannot find ServerFarm with name "
                + (wanted == null ? "" : wanted.substring(wanted.lastIndexOf('/') + 1)) + ".");
        }
        String identityType = ArmCall.text(body.path("identity"), "type");
        boolean systemAssigned;
        if (identityType == null) {
            systemAssigned = existing != null && existing.systemAssigned() != null;
        } else {
            String normalized = identityType.replace(" ", "").toLowerCase(Locale.ROOT);
            if (!normalized.equals("systemassigned") && !normalized.equals("none")) {
                throw new ArmException(400, "BadRequest", "The lab's App Service takes identity type "
                    + "'SystemAssigned' or 'None'; '" + identityType + "' (user-assigned identities on sites) is not "
                    + "modelled.");
            }
            systemAssigned = normalized.equals("systemassigned");
        }
        String fx = ArmCall.text(p.path("siteConfig"), "linuxFxVersion");
        return graph.putWebSite(path.resourceGroup(), path.name(), location, plan.id(),
            fx == null || fx.isEmpty() ? null : fx, systemAssigned, tagsOf(body)).resource();
    }

    private WebSite requireSite(ResourcePath path) {
        return graph.webSite(path.resourceGroup(), path.name())
            .orElseThrow(() -> ArmCall.notFound(SITES, path.name(), path.resourceGroup()));
    }

    private Map<String, Object> siteJson(WebSite w) {
        AppServicePlan plan = graph.appServicePlans().stream().filter(p -> p.id().equalsIgnoreCase(w.serverFarmId()))
            .findFirst().orElse(null);
        boolean linux = plan != null && plan.linux();
        Map<String, Object> siteConfig = new LinkedHashMap<>();
        siteConfig.put("linuxFxVersion", w.linuxFxVersion() == null ? "" : w.linuxFxVersion());
        siteConfig.put("alwaysOn", false);
        siteConfig.put("http20Enabled", true);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("name", w.name());
        properties.put("state", "Running");
        properties.put("hostNames", List.of(w.defaultHostName()));
        properties.put("enabledHostNames", List.of(w.defaultHostName(), w.name().toLowerCase(Locale.ROOT)
            + ".scm.azurewebsites.net"));
        properties.put("defaultHostName", w.defaultHostName());
        properties.put("serverFarmId", w.serverFarmId());
        properties.put("reserved", linux);
        properties.put("siteConfig", siteConfig);
        properties.put("httpsOnly", false);
        properties.put("resourceGroup", w.resourceGroup());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", w.id());
        json.put("name", w.name());
        json.put("type", SITES);
        json.put("kind", linux ? "app,linux" : "app");
        json.put("location", DISPLAY.getOrDefault(w.location(), w.location()));
        json.put("tags", w.tags());
        json.put("properties", properties);
        if (w.systemAssigned() != null) {
            json.put("identity", Map.of("type", "SystemAssigned", "principalId", w.systemAssigned().objectId(),
                "tenantId", graph.tenantId()));
        }
        return json;
    }

    /**
     * {@code POST sites/{name}/publishxml}: the publishing profiles, as XML. The lab has no deployment endpoint, so
     * the profiles name Azure's hosts and carry no password.
     */
    private LabHttpResponse publishingProfile(ArmCall call, ResourcePath path) {
        if (!"POST".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        call.authorize(SITES + "/publishxml/action", path.resourceId());
        WebSite w = requireSite(path);
        String user = "$" + w.name();
        String xml = "<publishData>"
            + "<publishProfile profileName=\"" + w.name() + " - Web Deploy\" publishMethod=\"MSDeploy\" publishUrl=\""
            + w.name().toLowerCase(Locale.ROOT) + ".scm.azurewebsites.net:443\" msdeploySite=\"" + w.name()
            + "\" userName=\"" + user + "\" userPWD=\"\" destinationAppUrl=\"https://" + w.defaultHostName() + "\"/>"
            + "<publishProfile profileName=\"" + w.name() + " - FTP\" publishMethod=\"FTP\" publishUrl=\"ftps://"
            + "waws-prod-am2-000.ftp.azurewebsites.windows.net/site/wwwroot\" userName=\"" + w.name() + "\\" + user
            + "\" userPWD=\"\" destinationAppUrl=\"https://" + w.defaultHostName() + "\"/>"
            + "</publishData>";
        return new LabHttpResponse(200, Map.of("Content-Type", "application/xml"),
            xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@code POST /subscriptions/{s}/providers/Microsoft.Web/checknameavailability}: site names are global. */
    private LabHttpResponse checkNameAvailability(ArmCall call) {
        if (!"POST".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        ObjectNode body = call.lenientBody();
        String name = ArmCall.text(body, "name");
        Map<String, Object> json = new LinkedHashMap<>();
        if (name == null || !name.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,58}[A-Za-z0-9])?")) {
            json.put("nameAvailable", false);
            json.put("reason", "Invalid");
            json.put("message", "The name '" + name + "' is not valid: letters, digits and hyphens, 2 to 60 "
                + "characters, not starting or ending with a hyphen.");
        } else if (graph.webSiteByName(name).isPresent()) {
            json.put("nameAvailable", false);
            json.put("reason", "AlreadyExists");
            json.put("message", "Hostname '" + name + "' already exists. Please select a different name.");
        } else {
            json.put("nameAvailable", true);
        }
        return ArmCall.ok(json);
    }

    /**
     * {@code GET /providers/Microsoft.Web/webAppStacks}: the stacks {@code az webapp create --runtime} resolves
     * against. The lab lists Java SE on Linux (Java 17, 11, 8), what the demos deploy.
     */
    static LabHttpResponse webAppStacks(ArmCall call) {
        if (!"GET".equals(call.method())) {
            throw ArmCall.methodNotAllowed(call.method());
        }
        call.requireApiVersion(API_VERSIONS, "webAppStacks");
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("java17Runtime", "JAVA|17-java17");
        container.put("java11Runtime", "JAVA|11-java11");
        container.put("java8Runtime", "JAVA|8-jre8");
        container.put("isHidden", false);
        container.put("isDeprecated", false);
        Map<String, Object> minor = Map.of("displayText", "Java SE (Embedded Web Server)", "value", "SE",
            "stackSettings", Map.of("linuxContainerSettings", container));
        Map<String, Object> major = Map.of("displayText", "Java SE (Embedded Web Server)", "value", "javase",
            "minorVersions", List.of(minor));
        Map<String, Object> stack = new LinkedHashMap<>();
        stack.put("id", null);
        stack.put("name", "javacontainers");
        stack.put("type", "Microsoft.Web/webAppStacks");
        stack.put("properties", Map.of("displayText", "Java Containers", "value", "javacontainers",
            "preferredOs", "linux", "majorVersions", List.of(major)));
        return ArmCall.list(List.of(stack));
    }

    private static void requireName(String name, int min, int max, String what) {
        if (name.length() < min || name.length() > max || !name.matches("[A-Za-z0-9][A-Za-z0-9-_]*")
            || name.endsWith("-")) {
            // App Service's naming rules (Microsoft Learn, "Naming rules and restrictions", Microsoft.Web).
            throw new ArmException(400, "InvalidResourceName", "The " + what + " name '" + name + "' is not valid: "
                + "letters, digits and hyphens, " + min + " to " + max + " characters, not ending with a hyphen.");
        }
    }

    private static Map<String, String> tagsOf(JsonNode body) {
        Map<String, String> tags = ArmCall.tags(body);
        return tags == null ? Map.of() : tags;
    }
}
