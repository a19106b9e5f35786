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
 * Every change happens under one lock and replaces immutable records, so a reader never sees half a change.
 */
public final class ResourceGraph {

    /** Told about VMs as they come and go (the lab starts each VM's IMDS when the VM appears). */
    public interface Listener {
        default void virtualMachineCreated(VirtualMachine vm) {
        }

        default void virtualMachineDeleted(VirtualMachine vm) {
        }
    }

    private final String subscriptionId;
    private final Directory directory;
    private final Map<String, String> resourceGroups = new LinkedHashMap<>();
    private final Map<String, VirtualMachine> vms = new LinkedHashMap<>();
    private final Map<String, UserAssignedIdentity> identities = new LinkedHashMap<>();
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
        }
        listeners.forEach(l -> l.virtualMachineDeleted(removed));
        return true;
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
            throw new ResourceNotFoundException("Resource group '" + resourceGroup + "' could not be found.");
        }
        return location;
    }
}
