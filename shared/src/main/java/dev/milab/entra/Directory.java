package dev.milab.entra;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant's directory: service principals, users and application registrations. Managed identities are
 * created and deleted here by the resource graph (a system-assigned one with its VM); applications by the lab's
 * seeding (an application with its service principal at once) or through Microsoft Graph (the application,
 * then its service principal, as Entra ID makes them); users by the lab's seeding.
 *
 * <p>Reads take no lock. Writes are serialized, and {@link #change} runs a check-then-write of several steps as
 * one, so that a refused request leaves nothing half done.
 */
public final class Directory {

    private final Tenant tenant;
    private final Map<String, ServicePrincipal> byObjectId = new ConcurrentHashMap<>();
    private final Map<String, ServicePrincipal> byAppId = new ConcurrentHashMap<>();
    private final Map<String, Application> applications = new ConcurrentHashMap<>();
    private final Map<String, User> users = new ConcurrentHashMap<>();
    /** Application permissions (app role assignments): principal object id to "resource roleValue" pairs. */
    private final Map<String, java.util.Set<String>> appRoleAssignments = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET_ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";

    private final java.time.Clock clock;
    private final java.util.function.Supplier<Duration> replicationDelay;
    private final Map<String, Instant> createdOn = new ConcurrentHashMap<>();

    public Directory(Tenant tenant) {
        this(tenant, java.time.Clock.systemUTC(), () -> Duration.ZERO);
    }

    /**
     * @param replicationDelay how long a new principal takes to reach every replica of the directory (where Resource
     *                         Manager looks principals up); zero for at once
     */
    public Directory(Tenant tenant, java.time.Clock clock, java.util.function.Supplier<Duration> replicationDelay) {
        this.tenant = tenant;
        this.clock = clock;
        this.replicationDelay = replicationDelay;
    }

    /**
     * Whether a principal has reached every replica: Entra ID replicates a new principal within seconds to minutes,
     * and until then another service's look-up may not find it ("If you are creating this principal and then
     * immediately assigning a role, this error might be related to a replication delay").
     */
    public boolean isReplicated(String objectId) {
        Instant created = createdOn.get(objectId.toLowerCase(Locale.ROOT));
        return created != null && principalExists(objectId)
            && !clock.instant().isBefore(created.plus(replicationDelay.get()));
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

    /**
     * Registers an application and creates its service principal, with new ids and no credentials yet: the portal's
     * "App registrations -> New registration", which makes both.
     */
    public synchronized Application registerApplication(String displayName) {
        Application app = createApplication(displayName);
        createServicePrincipal(app.appId());
        return application(app.appId()).orElseThrow();
    }

    /**
     * Creates an application object only, with new object and client ids (Microsoft Graph's
     * {@code POST /applications}): no service principal, so no tokens for it or to it yet.
     */
    public synchronized Application createApplication(String displayName) {
        Application app = new Application(UUID.randomUUID().toString(), UUID.randomUUID().toString(), displayName,
            List.of(), null, List.of(), List.of(), List.of());
        applications.put(app.appId().toLowerCase(Locale.ROOT), app);
        return app;
    }

    /**
     * Creates the service principal of an application in this tenant (Graph's {@code POST /servicePrincipals}), with
     * a new object id and the application's name.
     *
     * @throws IllegalArgumentException if there is no such application
     * @throws IllegalStateException    if it has a service principal already
     */
    public synchronized ServicePrincipal createServicePrincipal(String appId) {
        Application app = application(appId).orElseThrow(() ->
            new IllegalArgumentException("No application with client id " + appId));
        if (app.hasServicePrincipal() || byAppId.containsKey(appId.toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("Application " + appId + " has a service principal already");
        }
        ServicePrincipal sp = new ServicePrincipal(UUID.randomUUID().toString(), app.appId(), app.displayName(),
            ServicePrincipal.Kind.APPLICATION, null);
        add(sp);
        applications.put(app.appId().toLowerCase(Locale.ROOT), app.withServicePrincipal(sp));
        return sp;
    }

    /**
     * Changes an application (its name, identifier URIs or certificates). Its ids and its service principal stay
     * what the directory says they are, whatever {@code change} returns.
     *
     * @throws IllegalArgumentException if there is no such application
     */
    public synchronized Application updateApplication(String appId, java.util.function.UnaryOperator<Application> change) {
        Application current = application(appId).orElseThrow(() ->
            new IllegalArgumentException("No application with client id " + appId));
        Application changed = change.apply(current);
        Application kept = new Application(current.objectId(), current.appId(), changed.displayName(),
            changed.identifierUris(), current.servicePrincipal(), changed.secrets(), changed.certificates(),
            changed.federatedCredentials());
        applications.put(current.appId().toLowerCase(Locale.ROOT), kept);
        return kept;
    }

    /**
     * Deletes an application and with it its service principal, as Entra ID does: no new tokens for it or to it.
     * Tokens already issued stay valid until they expire.
     *
     * @return whether there was such an application
     */
    public synchronized boolean deleteApplication(String appId) {
        Application removed = applications.remove(appId.toLowerCase(Locale.ROOT));
        if (removed == null) {
            return false;
        }
        ServicePrincipal sp = byAppId.get(removed.appId().toLowerCase(Locale.ROOT));
        if (sp != null) {
            delete(sp.objectId());
        }
        return true;
    }

    /**
     * Runs a change of several steps (checks, then writes) with no other write in between. Reads during it may see
     * the steps done so far.
     */
    public synchronized <T> T change(java.util.function.Supplier<T> steps) {
        return steps.get();
    }

    /** Every application registration (not managed identities, which have none in this tenant). */
    public List<Application> applications() {
        return List.copyOf(applications.values());
    }

    /** An application registration by its object id (not its client id). */
    public Optional<Application> applicationByObjectId(String objectId) {
        return objectId == null ? Optional.empty() : applications.values().stream()
            .filter(a -> a.objectId().equalsIgnoreCase(objectId)).findFirst();
    }

    /**
     * Whether a resource (an identifier URI, with or without trailing slash) names an application that has a service
     * principal here: what Entra ID needs to issue a token for it (else AADSTS500011).
     */
    public boolean hasResourcePrincipal(String identifierUri) {
        String wanted = resourceKey(identifierUri);
        return applications.values().stream().filter(Application::hasServicePrincipal)
            .anyMatch(a -> a.identifierUris().stream().anyMatch(u -> resourceKey(u).equals(wanted)));
    }

    /**
     * Adds a client secret valid from {@code now} for {@code validity}. The value has the shape Entra ID gives
     * values (40 characters, {@code 8Q~} after a three-character hint) and is returned only here.
     */
    public NewClientSecret addClientSecret(String appId, String description, Instant now, Duration validity) {
        return addClientSecret(appId, description, now, now.plus(validity));
    }

    /**
     * Adds a client secret valid from {@code start} until {@code end} (Graph's {@code addPassword}); the value is
     * returned only here.
     */
    public synchronized NewClientSecret addClientSecret(String appId, String description, Instant start, Instant end) {
        String key = appId.toLowerCase(Locale.ROOT);
        StringBuilder value = new StringBuilder(40);
        for (int i = 0; i < 37; i++) {
            value.append(SECRET_ALPHABET.charAt(RANDOM.nextInt(SECRET_ALPHABET.length())));
            if (i == 2) {
                value.append("8Q~");
            }
        }
        String v = value.substring(0, 40);
        ClientSecret secret = new ClientSecret(UUID.randomUUID().toString(), description, v.substring(0, 3),
            ClientSecret.sha256(v), start, end);
        Application updated = applications.computeIfPresent(key, (k, app) -> app.withSecret(secret));
        if (updated == null) {
            throw new IllegalArgumentException("No application with client id " + appId);
        }
        return new NewClientSecret(updated.appId(), secret, v);
    }

    /**
     * Removes a client secret by its key id (Graph's {@code removePassword}).
     *
     * @return whether the application had it
     */
    public synchronized boolean removeClientSecret(String appId, String keyId) {
        Application app = application(appId).orElseThrow(() ->
            new IllegalArgumentException("No application with client id " + appId));
        if (app.secrets().stream().noneMatch(s -> s.keyId().equalsIgnoreCase(keyId))) {
            return false;
        }
        update(appId, a -> a.withoutSecret(keyId));
        return true;
    }

    /** Adds a certificate credential (its public part) to an application. */
    public ClientCertificate addClientCertificate(String appId, java.security.cert.X509Certificate certificate) {
        ClientCertificate credential = ClientCertificate.of(certificate);
        update(appId, app -> app.withCertificate(credential));
        return credential;
    }

    /** Adds (or replaces, by name) a federated identity credential on an application. */
    public void addFederatedCredential(String appId, FederatedCredential credential) {
        update(appId, app -> app.withFederatedCredential(credential));
    }

    private synchronized void update(String appId, java.util.function.UnaryOperator<Application> change) {
        if (applications.computeIfPresent(appId.toLowerCase(Locale.ROOT), (k, app) -> change.apply(app)) == null) {
            throw new IllegalArgumentException("No application with client id " + appId);
        }
    }

    /** An application registration by client id. */
    public Optional<Application> application(String appId) {
        return appId == null ? Optional.empty() : Optional.ofNullable(applications.get(appId.toLowerCase(Locale.ROOT)));
    }

    /** Adds a principal with known ids. */
    public synchronized void add(ServicePrincipal principal) {
        byObjectId.put(principal.objectId().toLowerCase(Locale.ROOT), principal);
        createdOn.putIfAbsent(principal.objectId().toLowerCase(Locale.ROOT), clock.instant());
        byAppId.put(principal.appId().toLowerCase(Locale.ROOT), principal);
    }

    /**
     * Deletes a principal (a service principal or a user); tokens already issued to it stay valid until they
     * expire, as in Entra ID. An application's registration stays (Entra ID deletes the application only with
     * {@link #deleteApplication}): it has no service principal then, until one is created again.
     */
    public synchronized void delete(String objectId) {
        if (users.remove(objectId.toLowerCase(Locale.ROOT)) != null) {
            createdOn.remove(objectId.toLowerCase(Locale.ROOT));
        }
        ServicePrincipal removed = byObjectId.remove(objectId.toLowerCase(Locale.ROOT));
        if (removed != null) {
            byAppId.remove(removed.appId().toLowerCase(Locale.ROOT));
            applications.computeIfPresent(removed.appId().toLowerCase(Locale.ROOT),
                (k, app) -> app.withServicePrincipal(null));
            appRoleAssignments.remove(removed.objectId().toLowerCase(Locale.ROOT));
            createdOn.remove(removed.objectId().toLowerCase(Locale.ROOT));
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

    /**
     * Grants a principal an application permission (an app role, such as Microsoft Graph's
     * {@code Directory.Read.All}) on a resource, as "API permissions -> Grant admin consent" does. It is in the
     * {@code roles} claim of the principal's next token for that resource.
     */
    public void grantAppRole(String principalObjectId, String resource, String role) {
        appRoleAssignments.computeIfAbsent(principalObjectId.toLowerCase(Locale.ROOT),
            k -> ConcurrentHashMap.newKeySet()).add(resourceKey(resource) + " " + role);
    }

    /** The app roles a principal holds on a resource (with or without its trailing slash), sorted. */
    public List<String> appRoles(String principalObjectId, String resource) {
        String prefix = resourceKey(resource) + " ";
        return appRoleAssignments.getOrDefault(principalObjectId.toLowerCase(Locale.ROOT), java.util.Set.of()).stream()
            .filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).sorted().toList();
    }

    private static String resourceKey(String resource) {
        String r = resource.toLowerCase(Locale.ROOT);
        return r.endsWith("/") ? r.substring(0, r.length() - 1) : r;
    }

    /**
     * Creates a user {@code alias@<the tenant's initial domain>} with a new object id. The lab's users have no
     * password: they sign in by approving a device code on the lab.
     */
    public User createUser(String alias, String displayName, String givenName, String surname) {
        if (!alias.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("Not a user name: " + alias);
        }
        String upn = alias + "@" + tenant.domain();
        if (user(upn).isPresent()) {
            throw new IllegalArgumentException("A user " + upn + " exists already");
        }
        User user = new User(UUID.randomUUID().toString(), upn, displayName, givenName, surname);
        users.put(user.objectId(), user);
        createdOn.putIfAbsent(user.objectId(), clock.instant());
        return user;
    }

    /** A user by object id or user principal name (ignoring case, as Entra ID compares both). */
    public Optional<User> user(String objectIdOrUpn) {
        if (objectIdOrUpn == null) {
            return Optional.empty();
        }
        String key = objectIdOrUpn.toLowerCase(Locale.ROOT);
        User byId = users.get(key);
        return byId != null ? Optional.of(byId)
            : users.values().stream().filter(u -> u.userPrincipalName().equalsIgnoreCase(key)).findFirst();
    }

    /** Every user, by user principal name. */
    public List<User> users() {
        return users.values().stream().sorted(java.util.Comparator.comparing(User::userPrincipalName,
            String.CASE_INSENSITIVE_ORDER)).toList();
    }

    /** Whether {@code objectId} is a principal of this directory: a service principal or a user. */
    public boolean principalExists(String objectId) {
        return objectId != null && (byObjectId.containsKey(objectId.toLowerCase(Locale.ROOT))
            || users.containsKey(objectId.toLowerCase(Locale.ROOT)));
    }

    /** The display name of the service principal or user {@code objectId}, if it exists. */
    public Optional<String> principalName(String objectId) {
        if (objectId == null) {
            return Optional.empty();
        }
        return byObjectId(objectId).map(ServicePrincipal::displayName)
            .or(() -> Optional.ofNullable(users.get(objectId.toLowerCase(Locale.ROOT))).map(User::displayName));
    }

    public Collection<ServicePrincipal> all() {
        return List.copyOf(byObjectId.values());
    }
}
