package dev.milab.entra;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant's directory of service principals. Managed identities are created and deleted here by the resource
 * graph (a system-assigned one with its VM); applications by the lab's seeding.
 */
public final class Directory {

    private final Tenant tenant;
    private final Map<String, ServicePrincipal> byObjectId = new ConcurrentHashMap<>();
    private final Map<String, ServicePrincipal> byAppId = new ConcurrentHashMap<>();

    public Directory(Tenant tenant) {
        this.tenant = tenant;
    }

    public Tenant tenant() {
        return tenant;
    }

    /** Creates a managed identity's service principal, with new object and client ids. */
    public ServicePrincipal createManagedIdentity(String displayName, ServicePrincipal.Kind kind, String resourceId) {
        if (!kind.isManagedIdentity()) {
            throw new IllegalArgumentException("Not a managed identity kind: " + kind);
        }
        ServicePrincipal sp = new ServicePrincipal(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
            displayName, kind, resourceId);
        add(sp);
        return sp;
    }

    /** Adds a principal with known ids. */
    public void add(ServicePrincipal principal) {
        byObjectId.put(principal.objectId().toLowerCase(Locale.ROOT), principal);
        byAppId.put(principal.appId().toLowerCase(Locale.ROOT), principal);
    }

    /** Deletes a principal; tokens already issued to it stay valid until they expire, as in Entra ID. */
    public void delete(String objectId) {
        ServicePrincipal removed = byObjectId.remove(objectId.toLowerCase(Locale.ROOT));
        if (removed != null) {
            byAppId.remove(removed.appId().toLowerCase(Locale.ROOT));
        }
    }

    public Optional<ServicePrincipal> byObjectId(String objectId) {
        return Optional.ofNullable(byObjectId.get(objectId.toLowerCase(Locale.ROOT)));
    }

    public Optional<ServicePrincipal> byAppId(String appId) {
        return Optional.ofNullable(byAppId.get(appId.toLowerCase(Locale.ROOT)));
    }

    /** Principals whose display name is {@code name}, ignoring case (display names need not be unique). */
    public List<ServicePrincipal> byDisplayName(String name) {
        return byObjectId.values().stream().filter(sp -> sp.displayName().equalsIgnoreCase(name)).toList();
    }

    public Collection<ServicePrincipal> all() {
        return List.copyOf(byObjectId.values());
    }
}
