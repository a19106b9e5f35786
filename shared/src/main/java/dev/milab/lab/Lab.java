package dev.milab.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.milab.arm.BuiltInRoles;
import dev.milab.console.LabConsole;
import dev.milab.arm.RbacEvaluator;
import dev.milab.arm.ResourceGraph;
import dev.milab.arm.ResourceIds;
import dev.milab.arm.ResourceManagerEndpoint;
import dev.milab.arm.RoleAssignment;
import dev.milab.arm.RoleDefinition;
import dev.milab.arm.SqlServer;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.arm.VirtualMachine;
import dev.milab.entra.Application;
import dev.milab.entra.Directory;
import dev.milab.entra.EntraEndpoint;
import dev.milab.entra.NewClientSecret;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.SigningKeys;
import dev.milab.entra.Tenant;
import dev.milab.entra.ExternalIdentityProvider;
import dev.milab.entra.FederatedCredential;
import dev.milab.entra.TokenEndpoint;
import dev.milab.entra.TokenService;
import dev.milab.entra.TokenValidator;
import dev.milab.http.LabHttpServer;
import dev.milab.entra.ServicePrincipal;
import dev.milab.imds.AppServiceIdentityEndpoint;
import dev.milab.imds.ArcIdentityEndpoint;
import dev.milab.imds.InstanceMetadataService;
import dev.milab.imds.ManagedIdentityTokenCache;
import dev.milab.keyvault.KeyVault;
import dev.milab.keyvault.KeyVaultEndpoint;
import dev.milab.keyvault.SecretStore;
import dev.milab.graph.GraphEndpoint;
import dev.milab.routing.TunnelProxy;
import dev.milab.routing.LabHttpClientProvider;
import dev.milab.routing.LabRouting;
import dev.milab.routing.Route;
import dev.milab.routing.RouteTable;
import dev.milab.sql.AzureSql;
import dev.milab.sql.EntraAdmin;
import dev.milab.tls.LabCertificateAuthority;
import dev.milab.tls.LabTls;
import dev.milab.trace.Trace;

/**
 * The lab's front door: starts Entra ID, the resource graph, one IMDS per VM and the HTTPS gateway for Azure's
 * host names, all on loopback, and gives out their addresses and the settings a client process needs.
 *
 * <pre>{@code
 * try (Lab lab = Lab.builder().start()) {
 *     lab.resources().createVirtualMachine(Lab.DEFAULT_RESOURCE_GROUP, "vm1");
 *     lab.resources().enableSystemAssignedIdentity(Lab.DEFAULT_RESOURCE_GROUP, "vm1");
 *     LabRouting.install(lab.routesFor("vm1"));   // this JVM now "runs on vm1"
 * }
 * }</pre>
 */
public final class Lab implements AutoCloseable {

    public static final String DEFAULT_RESOURCE_GROUP = "rg-lab";
    public static final String DEFAULT_LOCATION = "westeurope";
    /** Display name of the lab's admin application (Owner of the subscription). */
    public static final String ADMIN_APPLICATION_NAME = "milab-admin";
    /** The lab's one user, {@code learner@milab.onmicrosoft.com}: the person at the workstation, with no password. */
    public static final String LEARNER_ALIAS = "learner";
    public static final String IMDS_HOST = "169.254.169.254";
    /** The Azure host names the gateway answers for. */
    public static final List<String> GATEWAY_HOSTS = List.of("login.microsoftonline.com", "management.azure.com",
        "*.vault.azure.net", "graph.microsoft.com");

    private final LabClock clock = new LabClock();
    private final LabSettings settings = new LabSettings();
    private final Trace trace = new Trace(clock);
    private final Tenant tenant;
    private final String subscriptionId;
    private final Directory directory;
    private final SigningKeys signingKeys;
    private final TokenService tokens;
    private final TokenValidator validator;
    private final TokenEndpoint tokenEndpoint;
    private final Application adminApplication;
    private final NewClientSecret adminSecret;
    private final dev.milab.entra.User learner;
    private final ResourceApplications resourceApplications = new ResourceApplications();
    private final ResourceGraph resources;
    private final RbacEvaluator rbac;
    private final LabTls tls;
    private final LabTls.TrustFiles trustFiles;
    private final Path stateDirectory;
    private final HostDispatcher gatewayDispatcher = new HostDispatcher();
    private final LabHttpServer gateway;
    private final TunnelProxy proxy;
    private final Map<String, VmEndpoint> imds = new ConcurrentHashMap<>();
    private final Map<String, KeyVault> keyVaults = new ConcurrentHashMap<>();
    private final Map<String, ManagedHost> hosts = new ConcurrentHashMap<>();
    private final Path arcKeyDirectory;

    /**
     * A host that is not a VM but has a managed identity (an Arc-enabled server, an App Service app): its identity,
     * its identity endpoint, and the settings its platform gives a process there.
     */
    private record ManagedHost(ServicePrincipal identity, LabHttpServer server, Map<String, String> platformSettings,
                               Runnable onClose) {
    }
    private final int imdsPortBase;
    private final AtomicInteger nextImdsPort = new AtomicInteger();
    private final AzureSql sql;
    private final HopRecorder hops;
    private final List<LabConsole> consoles = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private final Map<String, ExternalIdentityProvider> identityProviders = new ConcurrentHashMap<>();

    /** A VM's IMDS: the handler and the server it runs in. */
    private record VmEndpoint(InstanceMetadataService service, LabHttpServer server) {
    }

    private Lab(Builder b) {
        SigningKeys.prepareFirstKey();
        // The CA and TLS context while the first signing key is made (the first lab in a JVM; a no-op after that)
        this.stateDirectory = b.stateDirectory;
        LabCertificateAuthority ca = b.keepCaOnDisk ? LabCertificateAuthority.loadOrCreate(stateDirectory)
            : LabCertificateAuthority.create();
        this.tls = LabTls.create(ca);
        this.trustFiles = tls.exportTrust(stateDirectory);
        this.tenant = new Tenant(b.tenantId, "milab.onmicrosoft.com");
        this.subscriptionId = b.subscriptionId;
        this.directory = new Directory(tenant, clock, settings::principalReplicationDelay);
        // An API registered through Graph (identifier URI and service principal) is a resource tokens can be for.
        resourceApplications.includeApplicationsOf(directory);
        this.signingKeys = new SigningKeys(clock, settings::keyPrepublishPeriod, settings::retiredKeyRetention);
        this.tokens = new TokenService(tenant, signingKeys, clock, settings::managedIdentityTokenLifetime,
            settings::applicationTokenLifetime);
        this.resources = new ResourceGraph(subscriptionId, directory);
        this.tokenEndpoint = new TokenEndpoint(tenant, directory, tokens, resourceApplications, clock,
            issuer -> Optional.ofNullable(identityProviders.get(issuer)), this::federatedManagedIdentity);
        this.validator = new TokenValidator(tenant, signingKeys, clock, settings::validationClockSkew);
        this.rbac = new RbacEvaluator(resources, clock, settings::roleAssignmentPropagationDelay);
        this.imdsPortBase = b.imdsPortBase;
        this.arcKeyDirectory = b.arcKeyDirectory;
        EntraEndpoint entra = new EntraEndpoint(tenant, signingKeys, tokenEndpoint);
        gatewayDispatcher.bind("login.microsoftonline.com", entra);
        // curl https://127.0.0.1:port/... without --connect-to reaches Entra ID's discovery documents
        gatewayDispatcher.bind("127.0.0.1", entra);
        gatewayDispatcher.bind("localhost", entra);
        // The learner's own identity on the admin workstation: the lab's one deliberate client secret.
        this.adminApplication = directory.registerApplication(ADMIN_APPLICATION_NAME);
        this.adminSecret = directory.addClientSecret(adminApplication.appId(), "lab admin workstation",
            clock.instant(), Duration.ofDays(365));
        // The learner signs in as a user (az login --use-device-code), approving the code on the lab.
        this.learner = directory.createUser(LEARNER_ALIAS, "Lab Learner", "Lab", "Learner");
        gatewayDispatcher.bind("management.azure.com", new ResourceManagerEndpoint(resources, validator, rbac, clock));
        // Microsoft Graph over the same directory; the admin reads it as a signed-in user may (Directory.Read.All).
        gatewayDispatcher.bind("graph.microsoft.com", new GraphEndpoint(directory, validator, clock));
        tokens.appRoles((principal, resource) -> directory.appRoles(principal.objectId(), resource));
        directory.grantAppRole(adminApplication.servicePrincipal().objectId(), GraphEndpoint.RESOURCE,
            GraphEndpoint.DIRECTORY_READ_ALL);
        gatewayDispatcher.bind("*.vault.azure.net", new KeyVaultEndpoint(tenant, validator,
            name -> keyVaults.get(name.toLowerCase(java.util.Locale.ROOT)),
            rbac::isDataActionAllowed));
        this.hops = new HopRecorder(trace, directory, adminApplication.appId());
        // What decided each answer (the token's check, the role or the missing action) goes into its hop.
        validator.onValidation(hops::tokenChecked);
        rbac.onDecision(hops::rbacDecided);
        this.gateway = LabHttpServer.start(b.gatewayPort, tls.serverContext(), "gateway",
            hops.explaining(gatewayDispatcher), hops::gatewayExchange);
        this.proxy = TunnelProxy.start(b.proxyPort, routesForWorkstation());
        this.sql = new AzureSql(tenant, directory, validator, tls.serverContext(), b.sqlPort,
            settings::sqlIdleSessionTimeout);
        sql.onLogin(hops::sqlLogin);
        resources.addListener(new ResourceGraph.Listener() {
            @Override
            public void virtualMachineCreated(VirtualMachine vm) {
                startImds(vm);
            }

            @Override
            public void sqlServerChanged(SqlServer server) {
                // What ARM says about a server (its databases, its Entra admin) is what the TDS endpoint enforces.
                SqlServer.SqlEntraAdmin admin = server.entraAdmin();
                sql.applyResourceManagerState(server.name(), server.databases(), admin == null ? null
                    : new EntraAdmin(admin.login(), admin.sid(), admin.sid()))
                    .setEntraOnlyAuthentication(server.entraOnlyAuthentication());
            }

            @Override
            public void sqlAdministratorPasswordSet(SqlServer server, String password) {
                // Kept as a salted hash by the TDS side only; ARM keeps no password.
                sql.server(server.name()).ifPresent(s -> s.setSqlAdministrator(server.administratorLogin(),
                    password));
            }

            @Override
            public void sqlServerDeleted(SqlServer server) {
                sql.removeServer(server.name());
            }

            @Override
            public void sqlDatabaseDeleted(SqlServer server, String database) {
                sql.server(server.name()).ifPresent(s -> s.dropDatabase(database));
            }

            @Override
            public void keyVaultDeleted(dev.milab.arm.KeyVault vault) {
                keyVaults.remove(vault.name().toLowerCase(java.util.Locale.ROOT));
            }

            @Override
            public void keyVaultChanged(dev.milab.arm.KeyVault vault) {
                // A vault created or changed through ARM (or the shorthand) gets its data plane; secrets stay.
                keyVaults.compute(vault.name().toLowerCase(java.util.Locale.ROOT), (k, old) -> new KeyVault(
                    vault.name(), vault.id(), vault.location(), vault.enableRbacAuthorization(),
                    old == null ? new SecretStore(clock) : old.secrets()));
            }
        });
        resources.createResourceGroup(DEFAULT_RESOURCE_GROUP, DEFAULT_LOCATION);
        // Set up before anyone could be waiting for propagation, so it counts from the start.
        resources.createRoleAssignment(new RoleAssignment(UUID.randomUUID().toString(),
            ResourceIds.subscription(subscriptionId), BuiltInRoles.OWNER.name(),
            adminApplication.servicePrincipal().objectId(), "ServicePrincipal", "The lab's admin workstation",
            clock.instant().minus(Duration.ofDays(1)), adminApplication.servicePrincipal().objectId()));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a lab with free ports and a throw-away state directory. */
    public static Lab start() {
        return builder().start();
    }

    public LabClock clock() {
        return clock;
    }

    public LabSettings settings() {
        return settings;
    }

    /**
     * Every hop this lab served, in order: VMs and hosts asking their identity endpoints, those getting tokens
     * from Entra ID, calls to Entra ID, Resource Manager and Key Vault, and SQL logins, each with its caller.
     */
    public Trace trace() {
        return trace;
    }

    public Tenant tenant() {
        return tenant;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public Directory directory() {
        return directory;
    }

    public ResourceGraph resources() {
        return resources;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public TokenService tokens() {
        return tokens;
    }

    /** The validator every lab resource runs on bearer tokens. */
    public TokenValidator tokenValidator() {
        return validator;
    }

    /**
     * Starts the lab console on 127.0.0.1:{@code port} (0 for a free one): a read-only web page of this lab's
     * resources, directory and live traffic (see {@code dev.milab.console}). Closing the lab closes it.
     */
    public LabConsole startConsole(int port) {
        LabConsole console = LabConsole.start(new LabConsole.Sources(trace, clock, tenant, subscriptionId, resources,
            directory, signingKeys, sql, validator, rbac), port);
        consoles.add(console);
        return console;
    }

    /** Azure RBAC for every lab service: the one authority on who may do what where. */
    public RbacEvaluator rbac() {
        return rbac;
    }

    /**
     * Seeding shorthand: grants {@code role} to a principal at {@code scope}, as "IAM -> Add role assignment" does,
     * subject to the lab's propagation delay like any other assignment.
     */
    public RoleAssignment grantRole(String principalObjectId, RoleDefinition role, String scope) {
        return resources.createRoleAssignment(new RoleAssignment(UUID.randomUUID().toString(), scope, role.name(),
            principalObjectId, "ServicePrincipal", null, clock.instant(), admin().objectId()));
    }

    /** The default resource group's id, a scope for {@link #grantRole}. */
    public String defaultResourceGroupId() {
        return ResourceIds.resourceGroup(subscriptionId, DEFAULT_RESOURCE_GROUP);
    }

    /** Shorthand: creates a SQL server (administrator login {@code sqladmin}) in the default resource group. */
    public SqlServer createSqlServer(String name) {
        return resources.createSqlServer(DEFAULT_RESOURCE_GROUP, name, "sqladmin");
    }

    /** Shorthand: creates a database on a SQL server of the default resource group. */
    public SqlServer createSqlDatabase(String serverName, String database) {
        return resources.createSqlDatabase(DEFAULT_RESOURCE_GROUP, serverName, database);
    }

    /** Entra ID's token endpoint (client credentials), where further client authentications plug in. */
    public TokenEndpoint tokenEndpoint() {
        return tokenEndpoint;
    }

    /** The lab's user, the learner: signs in with {@code az login --use-device-code} and {@link #deviceCodes()}. */
    public dev.milab.entra.User learner() {
        return learner;
    }

    /**
     * The device codes Entra ID waits on: {@code deviceCodes().pending()} lists them, {@code approve(userCode,
     * learner())} signs the learner in where Azure's person would enter the code at microsoft.com/devicelogin.
     */
    public dev.milab.entra.DeviceCodes deviceCodes() {
        return tokenEndpoint.userGrants().deviceCodes();
    }

    /**
     * The lab's admin principal: an application with a client secret, Owner of the subscription. It stands for the
     * learner signed in on the admin workstation. Its secret is the one "before" secret the lab keeps on purpose.
     */
    public AdminPrincipal admin() {
        return new AdminPrincipal(tenant.id(), adminApplication.appId(), adminSecret.value(),
            adminApplication.servicePrincipal().objectId());
    }

    /**
     * The settings, as environment variables, of the admin workstation: {@code DefaultAzureCredential} finds the
     * admin principal through {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET} and {@code AZURE_TENANT_ID}, and the
     * lab's routing sends Azure's host names to the gateway. No IMDS route: the workstation is not a VM.
     */
    public Map<String, String> adminEnvironment() {
        Map<String, String> env = offAzureEnvironment();
        AdminPrincipal admin = admin();
        env.put("AZURE_TENANT_ID", admin.tenantId());
        env.put("AZURE_CLIENT_ID", admin.clientId());
        env.put("AZURE_CLIENT_SECRET", admin.clientSecret());
        env.put("AZURE_SUBSCRIPTION_ID", subscriptionId);
        return env;
    }

    /**
     * The settings of a machine outside Azure with no identity of its own (a workstation, an on-premises server):
     * the lab's HTTP client with routes to Azure's host names and the lab CA. Credentials come on top.
     */
    public Map<String, String> offAzureEnvironment() {
        return routingEnvironment(routesForWorkstation());
    }

    /** The lab's HTTP client, these routes, and the lab CA to trust. */
    private Map<String, String> routingEnvironment(RouteTable routes) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AZURE_HTTP_CLIENT_IMPLEMENTATION", LabHttpClientProvider.class.getName());
        env.put(RouteTable.ROUTES_SETTING, routes.routesSetting());
        env.put(RouteTable.CA_FILE_SETTING, trustFiles.caPem().toString());
        return env;
    }

    /**
     * Runs {@code mainClass} on a machine outside Azure named {@code hostName}: {@link #offAzureEnvironment()} plus
     * {@code settings} (for example a workload identity's {@code AZURE_FEDERATED_TOKEN_FILE}).
     */
    public VmProcess launchOffAzure(String hostName, Map<String, String> settings, String mainClass, List<String> args,
                                    PrintStream echo) {
        Map<String, String> env = offAzureEnvironment();
        env.putAll(settings);
        return VmProcess.start(hostName, env, VmProcess.currentClassPath(), mainClass, args, echo);
    }

    /** Runs {@code mainClass} on the admin workstation: a new JVM with {@link #adminEnvironment()}. */
    public VmProcess launchOnWorkstation(String mainClass, List<String> args, PrintStream echo) {
        return VmProcess.start("workstation", adminEnvironment(), VmProcess.currentClassPath(), mainClass,
            args, echo);
    }

    public ResourceApplications resourceApplications() {
        return resourceApplications;
    }

    public LabTls tls() {
        return tls;
    }

    public LabTls.TrustFiles trustFiles() {
        return trustFiles;
    }

    /** The HTTPS gateway's address for Azure's host names ({@code https://127.0.0.1:port}). */
    public URI gatewayAddress() {
        return gateway.baseUri();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    /**
     * The lab's HTTPS proxy ({@code http://127.0.0.1:port}) for clients that are not Java: it tunnels Azure's host
     * names to the gateway and refuses every other destination.
     */
    public URI proxyAddress() {
        return proxy.address();
    }

    /**
     * The settings, as environment variables, that send a Python, Node or curl client (the Azure CLI) to this lab
     * with Azure's URLs: {@code HTTPS_PROXY} (and {@code HTTP_PROXY}, which the proxy refuses, so that no plain
     * request leaves for its real address) to {@link #proxyAddress()}; {@code NO_PROXY} for loopback only (a VM's
     * IMDS and the SQL endpoint are reached directly, and a setting the shell had is replaced); and the lab CA as the
     * only trust ({@code REQUESTS_CA_BUNDLE}, {@code SSL_CERT_FILE}, {@code CURL_CA_BUNDLE}, {@code NODE_EXTRA_CA_CERTS}).
     */
    public Map<String, String> proxyEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
            env.put(name, proxy.address().toString());
        }
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("no_proxy", "127.0.0.1,localhost");
        for (String name : List.of("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS")) {
            env.put(name, trustFiles.caPem().toString());
        }
        return env;
    }

    /** A VM's IMDS address ({@code http://127.0.0.1:port}); the VM must have been created. */
    public URI imdsAddress(String vmName) {
        return imdsEndpoint(vmName).server().baseUri();
    }

    /** The IMDS address of the VM {@code vmName} in {@code resourceGroup} (a VM made through Resource Manager). */
    public URI imdsAddress(String resourceGroup, String vmName) {
        VmEndpoint endpoint = imds.get(vmKey(resourceGroup, vmName));
        if (endpoint == null) {
            throw new IllegalArgumentException("No VM named " + vmName + " was ever created in " + resourceGroup);
        }
        return endpoint.server().baseUri();
    }

    /** A VM's IMDS, for lab settings such as fault injection. */
    public InstanceMetadataService imds(String vmName) {
        return imdsEndpoint(vmName).service();
    }

    /** Shorthand: creates a VM in the default resource group. */
    public VirtualMachine createVirtualMachine(String name) {
        return resources.createVirtualMachine(DEFAULT_RESOURCE_GROUP, name);
    }

    /** Shorthand: turns on a VM's system-assigned identity in the default resource group. */
    public VirtualMachine enableSystemAssignedIdentity(String vmName) {
        return resources.enableSystemAssignedIdentity(DEFAULT_RESOURCE_GROUP, vmName);
    }

    /** Shorthand: creates a user-assigned identity in the default resource group. */
    public UserAssignedIdentity createUserAssignedIdentity(String name) {
        return resources.createUserAssignedIdentity(DEFAULT_RESOURCE_GROUP, name);
    }

    /** Shorthand: attaches a user-assigned identity of the default resource group to a VM there. */
    public VirtualMachine attachUserAssignedIdentity(String vmName, String identityName) {
        return resources.attachUserAssignedIdentity(DEFAULT_RESOURCE_GROUP, vmName,
            ResourceIds.userAssignedIdentity(subscriptionId, DEFAULT_RESOURCE_GROUP, identityName));
    }

    /**
     * Creates a key vault with Azure RBAC as its permission model, in the default resource group; its secrets are at
     * {@code https://{name}.vault.azure.net}.
     */
    public KeyVault createKeyVault(String name) {
        String key = name.toLowerCase(java.util.Locale.ROOT);
        if (!SecretStore.NAME.matcher(name).matches() || name.length() < 3 || name.length() > 24) {
            throw new IllegalArgumentException("A vault name has 3-24 letters, digits and dashes: " + name);
        }
        // The vault is a resource in the graph (ARM lists it, RBAC scopes name it); its data plane follows it.
        if (resources.keyVaultByName(name).isEmpty()) {
            resources.putKeyVault(DEFAULT_RESOURCE_GROUP, name, DEFAULT_LOCATION, "standard", true, 90, Map.of());
        }
        return keyVaults.get(key);
    }

    public Optional<KeyVault> keyVault(String name) {
        return Optional.ofNullable(keyVaults.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * Creates an Azure Arc-enabled server ("an on-premises server connected to Azure") with its system-assigned
     * identity and its own HIMDS on loopback. A process there gets the agent's {@code IDENTITY_ENDPOINT} and
     * {@code IMDS_ENDPOINT}, which is how MSAL recognises Arc.
     */
    public ServicePrincipal createArcServer(String name) {
        String agent = "Arc agent (" + name + ")";
        return createHost(name, "Microsoft.HybridCompute/machines", agent, identity -> {
            ArcIdentityEndpoint endpoint = new ArcIdentityEndpoint(name, () -> directory.byObjectId(identity.objectId()),
                new ManagedIdentityTokenCache(tokens, settings, clock, hops.tokensIssuedBy(name, agent)),
                resourceApplications, arcKeyDirectory, clock);
            return new HostEndpoint(endpoint, base -> Map.of("IDENTITY_ENDPOINT", base + InstanceMetadataService.TOKEN_PATH,
                "IMDS_ENDPOINT", base), endpoint::close);
        });
    }

    /**
     * Creates an App Service app with a system-assigned identity. A process there gets {@code IDENTITY_ENDPOINT}
     * and {@code IDENTITY_HEADER}, as App Service and Functions give their apps.
     */
    public ServicePrincipal createAppServiceApp(String name) {
        String platform = "App Service (" + name + ")";
        return createHost(name, "Microsoft.Web/sites", platform, identity -> {
            String header = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
            AppServiceIdentityEndpoint endpoint = new AppServiceIdentityEndpoint(header,
                () -> directory.byObjectId(identity.objectId()).map(List::of).orElse(List.of()),
                new ManagedIdentityTokenCache(tokens, settings, clock, hops.tokensIssuedBy(name, platform)),
                resourceApplications);
            return new HostEndpoint(endpoint, base -> Map.of("IDENTITY_ENDPOINT", base + "/msi/token",
                "IDENTITY_HEADER", header), () -> { });
        });
    }

    /** How a kind of host serves its identity. */
    private record HostEndpoint(dev.milab.http.LabHttpHandler handler,
                                java.util.function.Function<String, Map<String, String>> settingsForBase,
                                Runnable onClose) {
    }

    /** {@code endpointName}: the host's identity endpoint as the trace names it. */
    private ServicePrincipal createHost(String name, String resourceType, String endpointName,
                                        java.util.function.Function<ServicePrincipal, HostEndpoint> endpoint) {
        return hosts.computeIfAbsent(name.toLowerCase(java.util.Locale.ROOT), k -> {
            String resourceId = ResourceIds.resourceGroup(subscriptionId, DEFAULT_RESOURCE_GROUP) + "/providers/"
                + resourceType + "/" + name;
            ServicePrincipal identity = directory.createManagedIdentity(name,
                ServicePrincipal.Kind.SYSTEM_ASSIGNED_MANAGED_IDENTITY, ResourceIds.tokenForm(resourceId));
            HostEndpoint e = endpoint.apply(identity);
            LabHttpServer server = LabHttpServer.start(0, null, "identity-" + name, e.handler(),
                hops.identityEndpoint(name, endpointName));
            return new ManagedHost(identity, server, e.settingsForBase().apply(server.baseUri().toString()),
                e.onClose());
        }).identity();
    }

    /** Why Arc key files cannot be written here (MSAL reads them only from /var/opt/azcmagent/tokens/), if so. */
    public Optional<String> arcKeyFileProblem() {
        return ArcIdentityEndpoint.keyDirectoryProblem(arcKeyDirectory);
    }

    /**
     * The settings of a process on an Arc-enabled server or App Service app: what its platform sets (identity
     * endpoint), and routes to Azure's host names (there is no IMDS there).
     */
    public Map<String, String> hostEnvironment(String name) {
        ManagedHost host = hosts.get(name.toLowerCase(java.util.Locale.ROOT));
        if (host == null) {
            throw new IllegalArgumentException("No Arc-enabled server or App Service app named " + name);
        }
        Map<String, String> env = offAzureEnvironment();
        env.putAll(host.platformSettings());
        env.put("MILAB_HOST_NAME", name);
        return env;
    }

    /** Runs {@code mainClass} on an Arc-enabled server or App Service app, in its own JVM. */
    public VmProcess launchOnHost(String name, String mainClass, List<String> args, PrintStream echo) {
        return VmProcess.start(name, hostEnvironment(name), VmProcess.currentClassPath(), mainClass, args, echo);
    }

    /** Shorthand: deletes a VM of the default resource group. */
    public boolean deleteVirtualMachine(String vmName) {
        return resources.deleteVirtualMachine(DEFAULT_RESOURCE_GROUP, vmName);
    }

    /**
     * Hosts an external OpenID Connect issuer (for example an on-premises identity provider or a CI system) whose
     * tokens workloads can exchange for Entra ID tokens through federated identity credentials.
     */
    public ExternalIdentityProvider createExternalIdentityProvider(String issuer) {
        return identityProviders.computeIfAbsent(issuer, i -> new ExternalIdentityProvider(i, clock));
    }

    /** A user-assigned identity that has federated credentials, as a client of the token endpoint. */
    private Optional<TokenEndpoint.FederatedClient> federatedManagedIdentity(String clientId) {
        return resources.userAssignedIdentities().stream().filter(u -> u.clientId().equalsIgnoreCase(clientId))
            .findFirst().map(u -> new TokenEndpoint.FederatedClient(u.principal(), u.federatedCredentials().stream()
                .map(f -> new FederatedCredential(f.name(), f.issuer(), f.subject(), f.audiences())).toList()));
    }

    /**
     * The routes a process "running on {@code vmName}" uses: IMDS's {@code 169.254.169.254} to that VM's IMDS, and
     * Azure's host names to the gateway.
     */
    public RouteTable routesFor(String vmName) {
        List<Route> routes = new ArrayList<>();
        routes.add(new Route(IMDS_HOST, 80, "127.0.0.1", imdsEndpoint(vmName).server().port()));
        routes.addAll(gatewayRoutes());
        return new RouteTable(routes, tls.certificateAuthority().certificate());
    }

    /** The routes of a process that is on no VM (the admin workstation): Azure's host names only. */
    public RouteTable routesForWorkstation() {
        return new RouteTable(gatewayRoutes(), tls.certificateAuthority().certificate());
    }

    private List<Route> gatewayRoutes() {
        List<Route> routes = new ArrayList<>();
        for (String host : GATEWAY_HOSTS) {
            routes.add(new Route(host, 443, "127.0.0.1", gateway.port()));
        }
        return routes;
    }

    /**
     * The settings, as environment variables, that make an unmodified Azure SDK program behave as if it ran on
     * {@code vmName}: the lab's HTTP client, its routes and trust, and IMDS's address for
     * {@code DefaultAzureCredential}'s connection probe.
     */
    public Map<String, String> vmEnvironment(String vmName) {
        Map<String, String> env = routingEnvironment(routesFor(vmName));
        env.put("AZURE_POD_IDENTITY_AUTHORITY_HOST", imdsAddress(vmName).toString());
        env.put("MILAB_VM_NAME", vmName);
        return env;
    }

    /**
     * Runs {@code mainClass} "on" a VM: in a new JVM with this process's class path and
     * {@link #vmEnvironment(String)}. Output is echoed to {@code echo} (may be null) with a {@code [vm]} prefix.
     */
    public VmProcess launchOnVm(String vmName, String mainClass, List<String> args, PrintStream echo) {
        return launchOnVm(vmName, VmProcess.currentClassPath(), mainClass, args, echo);
    }

    /** As {@link #launchOnVm(String, String, List, PrintStream)}, with an explicit class path. */
    public VmProcess launchOnVm(String vmName, String classPath, String mainClass, List<String> args,
                                PrintStream echo) {
        return VmProcess.start(vmName, vmEnvironment(vmName), classPath, mainClass, args, echo);
    }

    /**
     * Makes this JVM a workstation outside Azure in this lab: azure-core's HTTP client is the lab's routing client
     * ({@code AZURE_HTTP_CLIENT_IMPLEMENTATION}), which sends Azure's host names here and trusts only the lab CA. For
     * a demo's own JVM; tests use the kit's {@code LabExtension}, which also puts things back afterwards.
     */
    public RouteTable routeThisJvmAsWorkstation() {
        System.setProperty("AZURE_HTTP_CLIENT_IMPLEMENTATION", LabHttpClientProvider.class.getName());
        RouteTable table = routesForWorkstation();
        LabRouting.install(table);
        return table;
    }

    /**
     * {@link #routeThisJvmAsWorkstation()}, signed in as the lab's admin: {@code DefaultAzureCredential} finds the
     * admin principal in {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET} and {@code AZURE_TENANT_ID}, which
     * azure-core reads from system properties as from the environment. What {@code az login} is on a real
     * workstation.
     */
    public void signInThisJvmAsAdmin() {
        routeThisJvmAsWorkstation();
        adminEnvironment().forEach((k, v) -> {
            if (k.startsWith("AZURE_") && !k.equals("AZURE_HTTP_CLIENT_IMPLEMENTATION")) {
                System.setProperty(k, v);
            }
        });
    }

    /**
     * The JDBC URL of a database on a lab SQL server, as any machine here reaches it: the lab's TDS port on loopback,
     * TDS 8.0 (strict encryption) with Azure's host name for the certificate check and the lab CA as trust store.
     * Authentication comes on top, as on Azure.
     */
    public String jdbcUrl(String server, String database) {
        return "jdbc:sqlserver://127.0.0.1:" + sqlPort() + ";databaseName=" + database + ";encrypt=strict"
            + ";hostNameInCertificate=" + sqlServer(server).hostName() + ";trustStore=" + trustFiles.trustStore()
            + ";trustStorePassword=" + trustFiles.trustStorePassword() + ";loginTimeout=15";
    }

    /** Routes this JVM's Azure SDK traffic as if it ran on {@code vmName} (tests and single-VM demos). */
    public RouteTable routeThisJvmTo(String vmName) {
        RouteTable table = routesFor(vmName);
        LabRouting.install(table);
        return table;
    }

    private VmEndpoint imdsEndpoint(String vmName) {
        VmEndpoint endpoint = imds.get(vmKey(DEFAULT_RESOURCE_GROUP, vmName));
        if (endpoint == null) {
            endpoint = imds.values().stream().filter(e -> e.service().vmName().equalsIgnoreCase(vmName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No VM named " + vmName + " was ever created"));
        }
        return endpoint;
    }

    private synchronized void startImds(VirtualMachine vm) {
        if (closed) {
            return;
        }
        // A VM created again with the same name keeps the same IMDS address, like a VM's 169.254.169.254.
        imds.computeIfAbsent(vmKey(vm.resourceGroup(), vm.name()), k -> {
            String endpoint = "IMDS (" + vm.name() + ")";
            InstanceMetadataService service = new InstanceMetadataService(vm, resources, tokens,
                resourceApplications, settings, clock, hops.tokensIssuedBy(vm.name(), endpoint));
            int port = imdsPortBase == 0 ? 0 : imdsPortBase + nextImdsPort.incrementAndGet();
            return new VmEndpoint(service, LabHttpServer.start(port, null, "imds-" + vm.name(), service,
                hops.identityEndpoint(vm.name(), endpoint)));
        });
    }

    private static String vmKey(String resourceGroup, String name) {
        return (resourceGroup + "/" + name).toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        consoles.forEach(LabConsole::close);
        proxy.close();
        gateway.close();
        sql.close();
        imds.values().forEach(e -> e.server().close());
        hosts.values().forEach(h -> {
            h.server().close();
            h.onClose().run();
        });
    }

    /** Options for starting a lab. */
    public static final class Builder {
        private int gatewayPort;
        private int imdsPortBase;
        private int sqlPort;
        private int proxyPort;
        private Path stateDirectory;
        private boolean keepCaOnDisk;
        private Path arcKeyDirectory = ArcIdentityEndpoint.LINUX_KEY_DIRECTORY;
        private String tenantId = UUID.randomUUID().toString();
        private String subscriptionId = UUID.randomUUID().toString();

        /** The HTTPS gateway's port; 0 (the default) for a free one. */
        public Builder gatewayPort(int port) {
            this.gatewayPort = port;
            return this;
        }

        /** IMDS ports: VM n gets base + n; 0 (the default) for free ports. */
        public Builder imdsPortBase(int base) {
            this.imdsPortBase = base;
            return this;
        }

        /** The HTTPS proxy's port ({@link Lab#proxyAddress()}); 0 (the default) for a free one. */
        public Builder proxyPort(int port) {
            this.proxyPort = port;
            return this;
        }

        /** The TDS port for Azure SQL; 0 (the default) for a free one. */
        public Builder sqlPort(int port) {
            this.sqlPort = port;
            return this;
        }

        /**
         * Where the lab writes its trust files (and keeps its CA, with {@link #keepCaOnDisk}); a new temporary
         * directory by default.
         */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = directory;
            return this;
        }

        /** Keeps the CA in the state directory so trust handed out before stays valid across restarts. */
        public Builder keepCaOnDisk(boolean keep) {
            this.keepCaOnDisk = keep;
            return this;
        }

        /** Where Arc-enabled servers write key files; MSAL accepts only the default, /var/opt/azcmagent/tokens. */
        public Builder arcKeyDirectory(Path directory) {
            this.arcKeyDirectory = directory;
            return this;
        }

        public Builder tenantId(String id) {
            this.tenantId = UUID.fromString(id).toString();
            return this;
        }

        public Builder subscriptionId(String id) {
            this.subscriptionId = UUID.fromString(id).toString();
            return this;
        }

        public Lab start() {
            if (stateDirectory == null) {
                try {
                    stateDirectory = Files.createTempDirectory("milab-");
                    stateDirectory.toFile().deleteOnExit();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new Lab(this);
        }
    }

    /** Azure SQL: its logical servers, and the TDS endpoint every server answers on. */
    public AzureSql azureSql() {
        return sql;
    }

    /** The TDS port on 127.0.0.1 that mssql-jdbc connects to (the lab's "1433"). */
    public int sqlPort() {
        return sql.port();
    }

    /** A SQL server's database side (databases, contained users, admins), once created through ARM or azureSql(). */
    public dev.milab.sql.SqlServer sqlServer(String name) {
        return sql.server(name).orElseThrow(() -> new IllegalArgumentException("No SQL server named " + name));
    }

    /** Finds a VM of the default resource group. */
    public Optional<VirtualMachine> virtualMachine(String name) {
        return resources.virtualMachine(DEFAULT_RESOURCE_GROUP, name);
    }
}
