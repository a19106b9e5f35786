package dev.milab.arm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.milab.entra.Directory;
import dev.milab.entra.ServicePrincipal;

/**
 * The lab's Azure resources: one subscription with its resource groups, virtual machines and user-assigned
 * identities, and their identity lifecycle as Azure runs it.
 *
 * <ul>
 *   <li>A system-assigned identity is created with its VM's identity setting and deleted with the VM or when the
 *       setting is turned off; its service principal goes with it.</li>
 *   <li>A user-assigned identity is created and deleted on its own; attaching it to VMs does not change its
 *       lifetime, and deleting a VM only detaches it.</li>
 * </ul>
 *
 * <p>It also holds SQL servers, key vaults, App Service plans and web apps, and role assignments. A role assignment
 * outlives its principal: when a VM with a system-assigned identity is deleted, its assignments elsewhere stay, as
 * orphans, as in Azure; the assignments whose scope is a deleted resource or group go with it.
 *
 * <p>Every change happens under one lock and replaces immutable records, so a reader never sees half a change.
 */
public final class ResourceGraph {

    /** Told about VMs as they come and go (the lab starts each VM's IMDS when the VM appears). */
    public interface Listener {
        default void virtualMachineCreated(VirtualMachine vm) {
        }

        default void virtualMachineDeleted(VirtualMachine vm) {
        }

        /** A SQL server was created or its Entra admin, firewall rules or databases changed. */
        default void sqlServerChanged(SqlServer server) {
        }

        /** A key vault was created or its settings changed. */
        default void keyVaultChanged(KeyVault vault) {
        }

        /**
         * A SQL server's administrator password was set (at create, or changed by a later PUT). The graph keeps no
         * password: the listener that serves logins stores what it needs (a salted hash) and the string is dropped.
         */
        default void sqlAdministratorPasswordSet(SqlServer server, String password) {
        }

        /** A SQL server was deleted, with its databases and firewall rules. */
        default void sqlServerDeleted(SqlServer server) {
        }

        /** A database was deleted from a server that stays. */
        default void sqlDatabaseDeleted(SqlServer server, String database) {
        }

        /** A key vault was deleted (with its resource group). */
        default void keyVaultDeleted(KeyVault vault) {
        }
    }

    private final String subscriptionId;
    private final Directory directory;
    private final Map<String, String> resourceGroups = new LinkedHashMap<>();
    private final Map<String, VirtualMachine> vms = new LinkedHashMap<>();
    private final Map<String, UserAssignedIdentity> identities = new LinkedHashMap<>();
    private final Map<String, SqlServer> sqlServers = new LinkedHashMap<>();
    private final Map<String, KeyVault> keyVaults = new LinkedHashMap<>();
    private final Map<String, AppServicePlan> plans = new LinkedHashMap<>();
    private final Map<String, WebSite> sites = new LinkedHashMap<>();
    private final Map<String, RoleAssignment> roleAssignments = new LinkedHashMap<>();
    /** Networking resources and deployments, by resource id key ({@link StoredResource}). */
    private final Map<String, StoredResource> stored = new LinkedHashMap<>();
    /** What RBAC reads on every request: replaced, never changed, so readers take no lock. */
    private volatile List<RoleAssignment> roleAssignmentSnapshot = List.of();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public ResourceGraph(String subscriptionId, Directory directory) {
        this.subscriptionId = subscriptionId;
        this.directory = directory;
    }

    public String subscriptionId() {
        return subscriptionId;
    }

    public String tenantId() {
        return directory.tenant().id();
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public synchronized void createResourceGroup(String name, String location) {
        resourceGroups.putIfAbsent(name.toLowerCase(Locale.ROOT), location);
    }

    public synchronized boolean resourceGroupExists(String name) {
        return resourceGroups.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** Resource group names (as first created, lower case) and their locations. */
    public synchronized Map<String, String> resourceGroups() {
        return Map.copyOf(resourceGroups);
    }

    public Directory directory() {
        return directory;
    }

    /** Creates a VM with no identity. */
    public VirtualMachine createVirtualMachine(String resourceGroup, String name) {
        VirtualMachine vm;
        synchronized (this) {
            String location = requireResourceGroup(resourceGroup);
            String key = ResourceIds.key(ResourceIds.virtualMachine(subscriptionId, resourceGroup, name));
            if (vms.containsKey(key)) {
                throw new ResourceConflictException("Virtual machine '" + name + "' already exists.");
            }
            vm = new VirtualMachine(subscriptionId, resourceGroup, name, location, UUID.randomUUID().toString(),
                null, List.of());
            vms.put(key, vm);
        }
        listeners.forEach(l -> l.virtualMachineCreated(vm));
        return vm;
    }

    public synchronized Optional<VirtualMachine> virtualMachine(String resourceGroup, String name) {
        return Optional.ofNullable(vms.get(ResourceIds.key(ResourceIds.virtualMachine(subscriptionId, resourceGroup,
            name))));
    }

    public synchronized List<VirtualMachine> virtualMachines() {
        return List.copyOf(vms.values());
    }

    /**
     * Turns the VM's system-assigned identity on: a new service principal named after the VM. Turning it on when
     * it is already on keeps the same principal, as Azure does.
     */
    public synchronized VirtualMachine enableSystemAssignedIdentity(String resourceGroup, String name) {
        VirtualMachine vm = requireVm(resourceGroup, name);
        if (vm.systemAssigned() != null) {
            return vm;
        }
        ServicePrincipal principal = directory.createManagedIdentity(vm.name(),
            ServicePrincipal.Kind.SYSTEM_ASSIGNED_MANAGED_IDENTITY, ResourceIds.tokenForm(vm.id()));
        return replace(vm.withSystemAssigned(principal));
    }

    /** Turns the system-assigned identity off: its principal is deleted; turning it on again makes a new one. */
    public synchronized VirtualMachine disableSystemAssignedIdentity(String resourceGroup, String name) {
        VirtualMachine vm = requireVm(resourceGroup, name);
        if (vm.systemAssigned() == null) {
            return vm;
        }
        directory.delete(vm.systemAssigned().objectId());
        return replace(vm.withSystemAssigned(null));
    }

    /** Creates a user-assigned identity, or returns the existing one of that name (ARM PUT is idempotent). */
    public synchronized UserAssignedIdentity createUserAssignedIdentity(String resourceGroup, String name) {
        String location = requireResourceGroup(resourceGroup);
        String key = ResourceIds.key(ResourceIds.userAssignedIdentity(subscriptionId, resourceGroup, name));
        UserAssignedIdentity existing = identities.get(key);
        if (existing != null) {
            return existing;
        }
        String id = ResourceIds.userAssignedIdentity(subscriptionId, resourceGroup, name);
        ServicePrincipal principal = directory.createManagedIdentity(name,
            ServicePrincipal.Kind.USER_ASSIGNED_MANAGED_IDENTITY, ResourceIds.tokenForm(id));
        UserAssignedIdentity identity = new UserAssignedIdentity(subscriptionId, resourceGroup, name, location,
            tenantId(), principal);
        identities.put(key, identity);
        return identity;
    }

    public synchronized Optional<UserAssignedIdentity> userAssignedIdentity(String resourceId) {
        return Optional.ofNullable(identities.get(ResourceIds.key(resourceId)));
    }

    public synchronized List<UserAssignedIdentity> userAssignedIdentities() {
        return List.copyOf(identities.values());
    }

    /**
     * Deletes a user-assigned identity and its principal. VMs that still list it keep a dangling reference in
     * Azure; the lab detaches it from them so their IMDS no longer serves it.
     *
     * @return whether it existed
     */
    public synchronized boolean deleteUserAssignedIdentity(String resourceId) {
        UserAssignedIdentity removed = identities.remove(ResourceIds.key(resourceId));
        if (removed == null) {
            return false;
        }
        directory.delete(removed.principalId());
        removeRoleAssignmentsWithin(removed.id());
        for (VirtualMachine vm : List.copyOf(vms.values())) {
            if (vm.userAssigned().stream().anyMatch(u -> u.id().equalsIgnoreCase(removed.id()))) {
                replace(vm.withUserAssigned(vm.userAssigned().stream()
                    .filter(u -> !u.id().equalsIgnoreCase(removed.id())).toList()));
            }
        }
        return true;
    }

    /** Attaches an existing user-assigned identity to a VM (nothing changes if it is attached already). */
    public synchronized VirtualMachine attachUserAssignedIdentity(String resourceGroup, String vmName,
                                                                  String identityResourceId) {
        VirtualMachine vm = requireVm(resourceGroup, vmName);
        UserAssignedIdentity identity = userAssignedIdentity(identityResourceId).orElseThrow(() ->
            new ResourceNotFoundException("The user-assigned identity '" + identityResourceId + "' was not found."));
        if (vm.userAssigned().stream().anyMatch(u -> u.id().equalsIgnoreCase(identity.id()))) {
            return vm;
        }
        List<UserAssignedIdentity> list = new ArrayList<>(vm.userAssigned());
        list.add(identity);
        return replace(vm.withUserAssigned(list));
    }

    public synchronized VirtualMachine detachUserAssignedIdentity(String resourceGroup, String vmName,
                                                                  String identityResourceId) {
        VirtualMachine vm = requireVm(resourceGroup, vmName);
        return replace(vm.withUserAssigned(vm.userAssigned().stream()
            .filter(u -> !u.id().equalsIgnoreCase(identityResourceId)).toList()));
    }

    /**
     * Deletes a VM. Its system-assigned identity's principal is deleted with it; user-assigned identities are
     * only detached and live on.
     *
     * @return whether it existed
     */
    public boolean deleteVirtualMachine(String resourceGroup, String name) {
        VirtualMachine removed;
        synchronized (this) {
            removed = vms.remove(ResourceIds.key(ResourceIds.virtualMachine(subscriptionId, resourceGroup, name)));
            if (removed == null) {
                return false;
            }
            if (removed.systemAssigned() != null) {
                directory.delete(removed.systemAssigned().objectId());
            }
            removeRoleAssignmentsWithin(removed.id());
        }
        listeners.forEach(l -> l.virtualMachineDeleted(removed));
        return true;
    }

    /**
     * Creates a VM or replaces its tags and profiles (ARM PUT), keeping its identities; a new VM gets the lab's
     * default profiles where the request has none.
     *
     * @return the VM after the change
     */
    public VirtualMachine putVirtualMachine(String resourceGroup, String name, String location,
                                            Map<String, String> tags, Map<String, Object> profiles) {
        VirtualMachine created = null;
        VirtualMachine result;
        synchronized (this) {
            requireResourceGroup(resourceGroup);
            Optional<VirtualMachine> existing = virtualMachine(resourceGroup, name);
            if (existing.isPresent()) {
                result = replace(existing.get().withTagsAndProfiles(tags, profiles));
            } else {
                Map<String, Object> merged = new LinkedHashMap<>(VirtualMachineProfiles.defaults(subscriptionId,
                    resourceGroup, name));
                merged.putAll(profiles);
                created = new VirtualMachine(subscriptionId, resourceGroup, name, location,
                    UUID.randomUUID().toString(), null, List.of(), tags, merged);
                result = replace(created);
            }
        }
        if (created != null) {
            VirtualMachine vm = created;
            listeners.forEach(l -> l.virtualMachineCreated(vm));
        }
        return result;
    }

    /** Changes a VM's tags and profiles (ARM PATCH): given members replace, others stay. */
    public synchronized VirtualMachine updateVirtualMachine(String resourceGroup, String name, Map<String, String> tags,
                                                            Map<String, Object> profiles) {
        VirtualMachine vm = requireVm(resourceGroup, name);
        Map<String, Object> merged = new LinkedHashMap<>(vm.profiles());
        merged.putAll(profiles);
        return replace(vm.withTagsAndProfiles(tags == null ? vm.tags() : tags, merged));
    }

    /**
     * Sets a VM's identities to exactly {@code systemAssigned} and {@code userAssignedIds}, in one step: every
     * user-assigned identity must exist, or nothing changes. Enabling creates a new principal; disabling deletes it.
     */
    public synchronized VirtualMachine setVirtualMachineIdentities(String resourceGroup, String name,
                                                                   boolean systemAssigned,
                                                                   List<String> userAssignedIds) {
        String vmId = requireVm(resourceGroup, name).id();
        List<UserAssignedIdentity> wanted = new ArrayList<>();
        for (String id : userAssignedIds) {
            UserAssignedIdentity identity = userAssignedIdentity(id).orElseThrow(() -> identityNotFound(vmId, id));
            if (wanted.stream().noneMatch(u -> u.id().equalsIgnoreCase(identity.id()))) {
                wanted.add(identity);
            }
        }
        VirtualMachine vm = systemAssigned ? enableSystemAssignedIdentity(resourceGroup, name)
            : disableSystemAssignedIdentity(resourceGroup, name);
        return replace(vm.withUserAssigned(wanted));
    }

    /** Creates or updates a user-assigned identity's tags (ARM PUT); a new one gets a new principal. */
    public synchronized UserAssignedIdentity putUserAssignedIdentity(String resourceGroup, String name,
                                                                     Map<String, String> tags) {
        UserAssignedIdentity identity = createUserAssignedIdentity(resourceGroup, name).withTags(tags);
        identities.put(ResourceIds.key(identity.id()), identity);
        return identity;
    }

    /** Adds or replaces a federated identity credential on a user-assigned identity. */
    public synchronized FederatedIdentityCredential putFederatedIdentityCredential(String identityId,
                                                                                   FederatedIdentityCredential fic) {
        UserAssignedIdentity identity = requireIdentity(identityId);
        List<FederatedIdentityCredential> list = new ArrayList<>(identity.federatedCredentials().stream()
            .filter(f -> !f.name().equalsIgnoreCase(fic.name())).toList());
        // Microsoft Learn, "Workload identity federation considerations": at most 20 per identity.
        if (list.size() >= 20) {
            throw new ArmException(400, "BadRequest", "Too many Federated Identity Credentials are written to "
                + "Managed Identity '" + identity.id() + "'. The maximum number of federated identity credentials "
                + "per managed identity is 20.");
        }
        list.add(fic);
        identities.put(ResourceIds.key(identity.id()), identity.withFederatedCredentials(list));
        return fic;
    }

    /** @return whether it existed */
    public synchronized boolean deleteFederatedIdentityCredential(String identityId, String name) {
        UserAssignedIdentity identity = requireIdentity(identityId);
        List<FederatedIdentityCredential> list = identity.federatedCredentials().stream()
            .filter(f -> !f.name().equalsIgnoreCase(name)).toList();
        identities.put(ResourceIds.key(identity.id()), identity.withFederatedCredentials(list));
        return list.size() != identity.federatedCredentials().size();
    }

    // --- SQL servers -------------------------------------------------------------------------------------------

    /** Creates a logical SQL server with "Allow Azure services" on and no Entra admin. */
    public SqlServer createSqlServer(String resourceGroup, String name, String administratorLogin) {
        SqlServer server;
        synchronized (this) {
            String location = requireResourceGroup(resourceGroup);
            String id = ResourceIds.sqlServer(subscriptionId, resourceGroup, name);
            if (sqlServers.containsKey(ResourceIds.key(id))) {
                throw new ResourceConflictException("Server '" + name + "' already exists.");
            }
            server = new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, null,
                List.of(new SqlServer.FirewallRule("AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0")), List.of());
            sqlServers.put(ResourceIds.key(id), server);
        }
        listeners.forEach(l -> l.sqlServerChanged(server));
        return server;
    }

    public synchronized Optional<SqlServer> sqlServer(String resourceGroup, String name) {
        return Optional.ofNullable(sqlServers.get(ResourceIds.key(ResourceIds.sqlServer(subscriptionId, resourceGroup, name))));
    }

    /** The server a client reaches as {@code host} ({@code sql1.database.windows.net}), for the TDS endpoint. */
    public synchronized Optional<SqlServer> sqlServerByHostName(String host) {
        return sqlServers.values().stream().filter(s -> s.fullyQualifiedDomainName().equalsIgnoreCase(host))
            .findFirst();
    }

    public synchronized List<SqlServer> sqlServers() {
        return List.copyOf(sqlServers.values());
    }

    /** Sets (or, with null, removes) a SQL server's Microsoft Entra admin. */
    public SqlServer setSqlEntraAdmin(String resourceGroup, String serverName, SqlServer.SqlEntraAdmin admin) {
        return changeSqlServer(resourceGroup, serverName, s -> s.withEntraAdmin(admin));
    }

    public SqlServer createSqlDatabase(String resourceGroup, String serverName, String database) {
        return changeSqlServer(resourceGroup, serverName, s -> s.databases().stream()
            .anyMatch(d -> d.equalsIgnoreCase(database)) ? s : s.withDatabase(database));
    }

    public SqlServer putSqlFirewallRule(String resourceGroup, String serverName, SqlServer.FirewallRule rule) {
        return changeSqlServer(resourceGroup, serverName, s -> s.withFirewallRule(rule));
    }

    private SqlServer changeSqlServer(String resourceGroup, String serverName,
                                      java.util.function.UnaryOperator<SqlServer> change) {
        SqlServer changed;
        synchronized (this) {
            changed = changeSqlServerLocked(resourceGroup, serverName, change);
        }
        listeners.forEach(l -> l.sqlServerChanged(changed));
        return changed;
    }

    private SqlServer changeSqlServerLocked(String resourceGroup, String serverName,
                                            java.util.function.UnaryOperator<SqlServer> change) {
        SqlServer server = sqlServer(resourceGroup, serverName).orElseThrow(() -> new ResourceNotFoundException(
            "ResourceNotFound", "The Resource 'Microsoft.Sql/servers/" + serverName + "' under resource group '"
            + resourceGroup + "' was not found."));
        SqlServer changed = change.apply(server);
        sqlServers.put(ResourceIds.key(changed.id()), changed);
        return changed;
    }

    /**
     * Creates or updates a logical SQL server (ARM PUT). Server names are global, as they are host names: a name
     * another resource group holds is 409 {@code NameAlreadyExists}. A new server gets no firewall rule (the portal,
     * not the API, adds "Allow Azure services"). The password, when given, goes to the listeners only.
     *
     * @return the server, and whether it was created
     */
    public Put<SqlServer> putSqlServer(String resourceGroup, String name, String location, String administratorLogin,
                                       SqlServer.SqlEntraAdmin entraAdmin, String password) {
        SqlServer server;
        boolean created;
        synchronized (this) {
            requireResourceGroup(resourceGroup);
            String key = ResourceIds.key(ResourceIds.sqlServer(subscriptionId, resourceGroup, name));
            for (SqlServer other : sqlServers.values()) {
                if (other.name().equalsIgnoreCase(name) && !ResourceIds.key(other.id()).equals(key)) {
                    throw new ResourceConflictException("NameAlreadyExists", "The name '" + name.toLowerCase(Locale.ROOT)
                        + ".database.windows.net' already exists. Choose a different name.");
                }
            }
            SqlServer existing = sqlServers.get(key);
            created = existing == null;
            if (created) {
                server = new SqlServer(subscriptionId, resourceGroup, name, location, administratorLogin, entraAdmin,
                    List.of(), List.of());
            } else {
                requireSameLocation(existing.id(), existing.location(), location, resourceGroup);
                server = entraAdmin == null ? existing : existing.withEntraAdmin(entraAdmin);
            }
            sqlServers.put(key, server);
        }
        listeners.forEach(l -> l.sqlServerChanged(server));
        if (password != null) {
            listeners.forEach(l -> l.sqlAdministratorPasswordSet(server, password));
        }
        return new Put<>(server, created);
    }

    /** What an ARM PUT did: the resource after it, and whether it was created (201) or updated (200). */
    public record Put<T>(T resource, boolean created) {
    }

    /** Creates a database with a service objective ({@code Basic}, ...); an existing one is returned as it is. */
    public Put<SqlServer> putSqlDatabase(String resourceGroup, String serverName, String database, String sku) {
        boolean[] created = new boolean[1];
        SqlServer server = changeSqlServer(resourceGroup, serverName, s -> {
            created[0] = s.databases().stream().noneMatch(d -> d.equalsIgnoreCase(database));
            return created[0] ? s.withDatabase(database, sku) : s;
        });
        return new Put<>(server, created[0]);
    }

    /**
     * Deletes a logical server with its databases and firewall rules, and the role assignments at its scope.
     *
     * @return whether it existed
     */
    public boolean deleteSqlServer(String resourceGroup, String name) {
        SqlServer removed;
        synchronized (this) {
            removed = sqlServers.remove(ResourceIds.key(ResourceIds.sqlServer(subscriptionId, resourceGroup, name)));
            if (removed == null) {
                return false;
            }
            removeRoleAssignmentsWithin(removed.id());
        }
        listeners.forEach(l -> l.sqlServerDeleted(removed));
        return true;
    }

    /** @return whether the database existed */
    public boolean deleteSqlDatabase(String resourceGroup, String serverName, String database) {
        SqlServer before = sqlServer(resourceGroup, serverName).orElse(null);
        if (before == null || before.databases().stream().noneMatch(d -> d.equalsIgnoreCase(database))
            || SQL_MASTER.equalsIgnoreCase(database)) {
            return false;
        }
        SqlServer after;
        synchronized (this) {
            after = changeSqlServerLocked(resourceGroup, serverName, s -> s.withoutDatabase(database));
            removeRoleAssignmentsWithin(after.id() + "/databases/" + database);
        }
        listeners.forEach(l -> l.sqlDatabaseDeleted(after, database));
        listeners.forEach(l -> l.sqlServerChanged(after));
        return true;
    }

    private static final String SQL_MASTER = "master";

    /** @return whether the rule existed */
    public boolean deleteSqlFirewallRule(String resourceGroup, String serverName, String rule) {
        boolean[] existed = new boolean[1];
        changeSqlServer(resourceGroup, serverName, s -> {
            existed[0] = s.firewallRules().stream().anyMatch(r -> r.name().equalsIgnoreCase(rule));
            return s.withoutFirewallRule(rule);
        });
        return existed[0];
    }

    // --- App Service -------------------------------------------------------------------------------------------

    /** Creates or updates an App Service plan (ARM PUT). */
    public synchronized Put<AppServicePlan> putAppServicePlan(String resourceGroup, String name, String location,
                                                              String skuName, boolean linux, Map<String, String> tags) {
        requireResourceGroup(resourceGroup);
        AppServicePlan plan = new AppServicePlan(subscriptionId, resourceGroup, name, location, skuName, linux, tags);
        AppServicePlan existing = plans.get(ResourceIds.key(plan.id()));
        if (existing != null) {
            requireSameLocation(existing.id(), existing.location(), location, resourceGroup);
        }
        plans.put(ResourceIds.key(plan.id()), plan);
        return new Put<>(plan, existing == null);
    }

    public synchronized Optional<AppServicePlan> appServicePlan(String resourceGroup, String name) {
        return Optional.ofNullable(plans.get(ResourceIds.key(ResourceIds.resourceGroup(subscriptionId, resourceGroup)
            + "/providers/Microsoft.Web/serverfarms/" + name)));
    }

    public synchronized List<AppServicePlan> appServicePlans() {
        return List.copyOf(plans.values());
    }

    /**
     * Deletes a plan; one that still hosts apps cannot be deleted (409, as App Service answers).
     *
     * @return whether it existed
     */
    public synchronized boolean deleteAppServicePlan(String resourceGroup, String name) {
        AppServicePlan plan = appServicePlan(resourceGroup, name).orElse(null);
        if (plan == null) {
            return false;
        }
        List<String> hosted = sites.values().stream().filter(w -> w.serverFarmId().equalsIgnoreCase(plan.id()))
            .map(WebSite::name).toList();
        if (!hosted.isEmpty()) {
            // App Service's answer (seen from the portal and az appservice plan delete); its code is "Conflict".
            throw new ResourceConflictException("Server farm '" + plan.name() + "' cannot be deleted because it has "
                + "web app(s) " + String.join(",", hosted) + " assigned to it.");
        }
        plans.remove(ResourceIds.key(plan.id()));
        removeRoleAssignmentsWithin(plan.id());
        return true;
    }

    /**
     * Creates or updates a web app (ARM PUT) on an existing plan, its system-assigned identity on or off as asked:
     * turning it on creates a service principal named after the app (kept while it stays on), turning it off deletes
     * it.
     */
    public synchronized Put<WebSite> putWebSite(String resourceGroup, String name, String location, String serverFarmId,
                                                String linuxFxVersion, boolean systemAssigned,
                                                Map<String, String> tags) {
        requireResourceGroup(resourceGroup);
        String key = ResourceIds.key(ResourceIds.webSite(subscriptionId, resourceGroup, name));
        WebSite existing = sites.get(key);
        if (existing != null) {
            requireSameLocation(existing.id(), existing.location(), location, resourceGroup);
        }
        ServicePrincipal principal = existing == null ? null : existing.systemAssigned();
        String id = ResourceIds.webSite(subscriptionId, resourceGroup, name);
        if (systemAssigned && principal == null) {
            principal = directory.createManagedIdentity(name, ServicePrincipal.Kind.SYSTEM_ASSIGNED_MANAGED_IDENTITY,
                ResourceIds.tokenForm(id));
        } else if (!systemAssigned && principal != null) {
            directory.delete(principal.objectId());
            principal = null;
        }
        WebSite site = new WebSite(subscriptionId, resourceGroup, name, location, serverFarmId,
            linuxFxVersion != null ? linuxFxVersion : existing == null ? null : existing.linuxFxVersion(), principal,
            tags);
        sites.put(key, site);
        return new Put<>(site, existing == null);
    }

    public synchronized Optional<WebSite> webSite(String resourceGroup, String name) {
        return Optional.ofNullable(sites.get(ResourceIds.key(ResourceIds.webSite(subscriptionId, resourceGroup, name))));
    }

    /** Web app names are global ({@code name.azurewebsites.net}). */
    public synchronized Optional<WebSite> webSiteByName(String name) {
        return sites.values().stream().filter(w -> w.name().equalsIgnoreCase(name)).findFirst();
    }

    public synchronized List<WebSite> webSites() {
        return List.copyOf(sites.values());
    }

    /**
     * Deletes a web app; its system-assigned identity's principal goes with it, its role assignments elsewhere stay
     * as orphans.
     *
     * @return whether it existed
     */
    public synchronized boolean deleteWebSite(String resourceGroup, String name) {
        WebSite removed = sites.remove(ResourceIds.key(ResourceIds.webSite(subscriptionId, resourceGroup, name)));
        if (removed == null) {
            return false;
        }
        if (removed.systemAssigned() != null) {
            directory.delete(removed.systemAssigned().objectId());
        }
        removeRoleAssignmentsWithin(removed.id());
        return true;
    }

    // --- stored resources (networking, deployments) ---------------------------------------------------------------

    public synchronized Optional<StoredResource> storedResource(String id) {
        return Optional.ofNullable(stored.get(ResourceIds.key(id)));
    }

    /** The stored resources of one type ({@code Microsoft.Network/networkInterfaces}, ...), in creation order. */
    public synchronized List<StoredResource> storedResources(String type) {
        return stored.values().stream().filter(r -> r.type().equalsIgnoreCase(type)).toList();
    }

    /** Creates or replaces a stored resource; its resource group must exist. */
    public synchronized StoredResource putStoredResource(StoredResource resource) {
        requireResourceGroup(resource.resourceGroup());
        stored.put(ResourceIds.key(resource.id()), resource);
        return resource;
    }

    /** Deletes a stored resource and the role assignments at its scope; whether it existed. */
    public synchronized boolean deleteStoredResource(String id) {
        if (stored.remove(ResourceIds.key(id)) == null) {
            return false;
        }
        removeRoleAssignmentsWithin(id);
        return true;
    }

    // --- resource groups ---------------------------------------------------------------------------------------

    /**
     * Deletes a resource group and everything in it, as ARM does: VMs and web apps (their system-assigned
     * identities' principals with them), user-assigned identities (they are resources in the group) with their
     * principals, SQL servers with their databases, key vaults, App Service plans, and the role assignments whose
     * scope is the group or lies in it. Role assignments elsewhere that name a deleted principal stay, as orphans.
     * The whole change is made under the graph's lock from state already checked, so it cannot stop half-way.
     *
     * @return whether the group existed
     */
    public boolean deleteResourceGroup(String name) {
        List<VirtualMachine> deletedVms;
        List<SqlServer> deletedServers;
        List<KeyVault> deletedVaults;
        synchronized (this) {
            String location = resourceGroups.get(name.toLowerCase(Locale.ROOT));
            if (location == null) {
                return false;
            }
            String groupId = ResourceIds.resourceGroup(subscriptionId, name);
            deletedVms = removeWithin(vms, groupId, VirtualMachine::id);
            List<WebSite> deletedSites = removeWithin(sites, groupId, WebSite::id);
            List<UserAssignedIdentity> deletedIdentities = removeWithin(identities, groupId, UserAssignedIdentity::id);
            deletedServers = removeWithin(sqlServers, groupId, SqlServer::id);
            deletedVaults = removeWithin(keyVaults, groupId, KeyVault::id);
            removeWithin(plans, groupId, AppServicePlan::id);
            removeWithin(stored, groupId, StoredResource::id);
            removeRoleAssignmentsWithin(groupId);
            resourceGroups.remove(name.toLowerCase(Locale.ROOT));
            deletedVms.stream().filter(v -> v.systemAssigned() != null)
                .forEach(v -> directory.delete(v.systemAssigned().objectId()));
            deletedSites.stream().filter(w -> w.systemAssigned() != null)
                .forEach(w -> directory.delete(w.systemAssigned().objectId()));
            for (UserAssignedIdentity identity : deletedIdentities) {
                directory.delete(identity.principalId());
                // VMs in other groups that listed it keep a dangling reference in Azure; the lab detaches it.
                for (VirtualMachine vm : List.copyOf(vms.values())) {
                    if (vm.userAssigned().stream().anyMatch(u -> u.id().equalsIgnoreCase(identity.id()))) {
                        replace(vm.withUserAssigned(vm.userAssigned().stream()
                            .filter(u -> !u.id().equalsIgnoreCase(identity.id())).toList()));
                    }
                }
            }
        }
        deletedVms.forEach(vm -> listeners.forEach(l -> l.virtualMachineDeleted(vm)));
        deletedServers.forEach(server -> listeners.forEach(l -> l.sqlServerDeleted(server)));
        deletedVaults.forEach(vault -> listeners.forEach(l -> l.keyVaultDeleted(vault)));
        return true;
    }

    private static <T> List<T> removeWithin(Map<String, T> resources, String scope,
                                            java.util.function.Function<T, String> id) {
        List<T> removed = resources.values().stream().filter(r -> ResourceIds.within(id.apply(r), scope)).toList();
        removed.forEach(r -> resources.remove(ResourceIds.key(id.apply(r))));
        return removed;
    }

    /** Role assignments go with the scope they are at (a deleted resource or group), not with their principal. */
    private void removeRoleAssignmentsWithin(String resourceId) {
        if (roleAssignments.values().removeIf(a -> ResourceIds.within(a.scope(), resourceId))) {
            roleAssignmentSnapshot = List.copyOf(roleAssignments.values());
        }
    }

    /** ARM's answer to a PUT that would move an existing resource to another location. */
    private static void requireSameLocation(String id, String existing, String requested, String resourceGroup) {
        if (requested != null && !existing.equalsIgnoreCase(requested)) {
            String name = id.substring(id.lastIndexOf('/') + 1);
            throw new ArmException(409, "InvalidResourceLocation", "The resource '" + name + "' already exists in "
                + "location '" + existing + "' in resource group '" + resourceGroup + "'. A resource with the same "
                + "name cannot be created in location '" + requested + "'. Please select a new resource name.");
        }
    }

    // --- key vaults --------------------------------------------------------------------------------------------

    /** Creates or updates a key vault (ARM PUT). */
    public KeyVault putKeyVault(String resourceGroup, String name, String location, String skuName,
                                boolean enableRbacAuthorization, int softDeleteRetentionInDays,
                                Map<String, String> tags) {
        KeyVault vault;
        synchronized (this) {
            String rgLocation = requireResourceGroup(resourceGroup);
            vault = new KeyVault(subscriptionId, resourceGroup, name, location == null ? rgLocation : location,
                tenantId(), skuName, enableRbacAuthorization, true, softDeleteRetentionInDays, tags);
            for (KeyVault other : keyVaults.values()) {
                if (other.name().equalsIgnoreCase(name) && !other.id().equalsIgnoreCase(vault.id())) {
                    // Vault names are global: they are host names.
                    throw new ResourceConflictException("VaultAlreadyExists", "The vault name '" + name
                        + "' is already in use. Vault names are globally unique so it is possible that the name is "
                        + "already taken.");
                }
            }
            keyVaults.put(ResourceIds.key(vault.id()), vault);
        }
        KeyVault changed = vault;
        listeners.forEach(l -> l.keyVaultChanged(changed));
        return vault;
    }

    public synchronized Optional<KeyVault> keyVault(String resourceGroup, String name) {
        return Optional.ofNullable(keyVaults.get(ResourceIds.key(ResourceIds.keyVault(subscriptionId, resourceGroup, name))));
    }

    /** The vault whose data plane answers at {@code https://{name}.vault.azure.net}. */
    public synchronized Optional<KeyVault> keyVaultByName(String name) {
        return keyVaults.values().stream().filter(v -> v.name().equalsIgnoreCase(name)).findFirst();
    }

    public synchronized List<KeyVault> keyVaults() {
        return List.copyOf(keyVaults.values());
    }

    // --- role assignments --------------------------------------------------------------------------------------

    /** Every role assignment, in creation order (orphans included). */
    public List<RoleAssignment> roleAssignments() {
        return roleAssignmentSnapshot;
    }

    public synchronized Optional<RoleAssignment> roleAssignment(String id) {
        return Optional.ofNullable(roleAssignments.get(ResourceIds.key(id)));
    }

    /**
     * Writes a role assignment as ARM's PUT does: the principal must exist, the role must exist, the scope must
     * exist; the same grant under another name is 409 {@code RoleAssignmentExists}; the same name with another
     * grant is 409 {@code RoleAssignmentUpdateNotPermitted}; the same name and grant returns the existing one.
     */
    public synchronized RoleAssignment createRoleAssignment(RoleAssignment requested) {
        return createRoleAssignment(requested, true);
    }

    /**
     * As {@link #createRoleAssignment(RoleAssignment)}; without a stated principal type ({@code principalType} in the
     * request) Resource Manager must find the principal in the directory first, which fails for one that has not
     * replicated yet ({@link Directory#isReplicated}).
     */
    public synchronized RoleAssignment createRoleAssignment(RoleAssignment requested, boolean principalTypeStated) {
        if (!directory.principalExists(requested.principalId())
            || (!principalTypeStated && !directory.isReplicated(requested.principalId()))) {
            throw new ArmException(400, "PrincipalNotFound", "Principal " + requested.principalId().replace("-", "")
                + " does not exist in the directory " + tenantId() + ". Check that you have the correct principal ID. "
                + "If you are creating this principal and then immediately assigning a role, this error might be "
                + "related to a replication delay. In this case, set the role assignment principalType property to a "
                + "value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype");
        }
        if (BuiltInRoles.byId(requested.roleDefinitionName()).isEmpty()) {
            throw new ArmException(400, "RoleDefinitionDoesNotExist", "The specified role definition with ID '"
                + requested.roleDefinitionName() + "' does not exist.");
        }
        requireScope(requested.scope());
        RoleAssignment existing = roleAssignments.get(ResourceIds.key(requested.id()));
        if (existing != null) {
            if (existing.sameGrantAs(requested)) {
                return existing;
            }
            throw new ResourceConflictException("RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, "
                + "principal ID, and scope are not allowed to be updated.");
        }
        if (roleAssignments.values().stream().anyMatch(a -> a.sameGrantAs(requested))) {
            throw new ResourceConflictException("RoleAssignmentExists", "The role assignment already exists.");
        }
        roleAssignments.put(ResourceIds.key(requested.id()), requested);
        roleAssignmentSnapshot = List.copyOf(roleAssignments.values());
        return requested;
    }

    /** @return the deleted assignment, if it existed */
    public synchronized Optional<RoleAssignment> deleteRoleAssignment(String id) {
        RoleAssignment removed = roleAssignments.remove(ResourceIds.key(id));
        roleAssignmentSnapshot = List.copyOf(roleAssignments.values());
        return Optional.ofNullable(removed);
    }

    /**
     * Whether a scope names something that exists: {@code /}, this subscription, one of its resource groups, or a
     * VM, user-assigned identity, SQL server or database, or key vault.
     */
    public synchronized boolean scopeExists(String scope) {
        try {
            requireScope(scope);
            return true;
        } catch (ArmException e) {
            return false;
        }
    }

    private void requireScope(String scope) {
        if ("/".equals(scope)) {
            return;
        }
        String[] s = scope.substring(1).split("/");
        if (s.length < 2 || !s[0].equalsIgnoreCase("subscriptions") || !s[1].equalsIgnoreCase(subscriptionId)) {
            throw new ArmException(400, "InvalidScope", "The scope '" + scope + "' is not valid.");
        }
        if (s.length == 2) {
            return;
        }
        if (s.length < 4 || !s[2].equalsIgnoreCase("resourceGroups")) {
            throw new ArmException(400, "InvalidScope", "The scope '" + scope + "' is not valid.");
        }
        requireResourceGroup(s[3]);
        if (s.length == 4) {
            return;
        }
        String key = ResourceIds.key(scope);
        boolean exists = vms.containsKey(key) || identities.containsKey(key) || sqlServers.containsKey(key)
            || keyVaults.containsKey(key) || sites.containsKey(key) || plans.containsKey(key) || stored.containsKey(key)
            || sqlServers.values().stream().anyMatch(server -> server.databases()
                .stream().anyMatch(d -> ResourceIds.key(server.id() + "/databases/" + d).equals(key)));
        if (!exists) {
            throw new ResourceNotFoundException("The resource '" + scope + "' could not be found.");
        }
    }

    /** Compute's answer when a VM names a user-assigned identity that does not exist (as Azure is seen to word it). */
    static ArmException identityNotFound(String vmId, String identityId) {
        return new ArmException(400, "FailedIdentityOperation", "Identity operation for resource '" + vmId
            + "' failed with error 'Failed to perform resource identity operation. Status: 'NotFound'. Response: "
            + "'{\"error\":{\"code\":\"NotFound\",\"message\":\"Resource '" + identityId + "' not found.\"}}'.'.");
    }

    private UserAssignedIdentity requireIdentity(String identityId) {
        UserAssignedIdentity identity = identities.get(ResourceIds.key(identityId));
        if (identity == null) {
            String name = identityId.substring(identityId.lastIndexOf('/') + 1);
            throw new ResourceNotFoundException("The Resource 'Microsoft.ManagedIdentity/userAssignedIdentities/"
                + name + "' under resource group '" + identityId.split("/")[4] + "' was not found.");
        }
        return identity;
    }

    private VirtualMachine replace(VirtualMachine vm) {
        vms.put(ResourceIds.key(vm.id()), vm);
        return vm;
    }

    private VirtualMachine requireVm(String resourceGroup, String name) {
        VirtualMachine vm = vms.get(ResourceIds.key(ResourceIds.virtualMachine(subscriptionId, resourceGroup, name)));
        if (vm == null) {
            throw new ResourceNotFoundException("The Resource 'Microsoft.Compute/virtualMachines/" + name
                + "' under resource group '" + resourceGroup + "' was not found.");
        }
        return vm;
    }

    private String requireResourceGroup(String resourceGroup) {
        String location = resourceGroups.get(resourceGroup.toLowerCase(Locale.ROOT));
        if (location == null) {
            throw new ResourceNotFoundException("ResourceGroupNotFound", "Resource group '" + resourceGroup
                + "' could not be found.");
        }
        return location;
    }
}
