package dev.milab.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.FederatedIdentityCredential;
import dev.milab.arm.KeyVault;
import dev.milab.arm.RoleAssignment;
import dev.milab.arm.RoleDefinition;
import dev.milab.arm.SqlServer;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.arm.VirtualMachine;
import dev.milab.entra.Application;
import dev.milab.entra.ClientCertificate;
import dev.milab.entra.ClientSecret;
import dev.milab.entra.FederatedCredential;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.SigningKey;
import dev.milab.sql.DatabaseRole;
import dev.milab.sql.DatabaseUser;
import dev.milab.sql.SqlDatabase;

/**
 * The lab's state as the page shows it, read from the services at the moment of the request: what Resource Manager
 * holds, what Entra ID's directory holds. Credentials appear by kind, id and dates; a secret's value, hash or hint
 * never leaves the lab.
 */
final class LabView {

    /** What the portal shows for an assignment whose principal was deleted. */
    static final String IDENTITY_NOT_FOUND = "Identity not found";

    private final LabConsole.Sources lab;

    LabView(LabConsole.Sources lab) {
        this.lab = lab;
    }

    /** Subscription, resource groups, VMs, user-assigned identities, SQL servers, key vaults, role assignments. */
    Map<String, Object> resources() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tenantId", lab.tenant().id());
        view.put("subscriptionId", lab.subscriptionId());
        List<Map<String, Object>> groups = new ArrayList<>();
        lab.resources().resourceGroups().forEach((name, location) -> groups.add(Map.of("name", name,
            "location", location)));
        view.put("resourceGroups", groups);
        List<VirtualMachine> vms = lab.resources().virtualMachines();
        view.put("virtualMachines", vms.stream().sorted(Comparator.comparing(VirtualMachine::name))
            .map(this::virtualMachine).toList());
        view.put("userAssignedIdentities", lab.resources().userAssignedIdentities().stream()
            .map(u -> userAssignedIdentity(u, vms)).toList());
        view.put("sqlServers", lab.resources().sqlServers().stream().map(this::sqlServer).toList());
        view.put("keyVaults", lab.resources().keyVaults().stream().map(LabView::keyVault).toList());
        view.put("roleAssignments", lab.resources().roleAssignments().stream().map(this::roleAssignment).toList());
        return view;
    }

    private Map<String, Object> virtualMachine(VirtualMachine vm) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", vm.name());
        v.put("resourceGroup", vm.resourceGroup());
        v.put("id", vm.id());
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("type", vm.identityType());
        if (vm.systemAssigned() != null) {
            identity.put("principalId", vm.systemAssigned().objectId());
            identity.put("clientId", vm.systemAssigned().appId());
        }
        identity.put("userAssignedIdentities", vm.userAssigned().stream().map(u -> Map.of("name", u.name(),
            "id", u.id(), "principalId", u.principalId(), "clientId", u.clientId())).toList());
        v.put("identity", identity);
        return v;
    }

    private static Map<String, Object> userAssignedIdentity(UserAssignedIdentity u, List<VirtualMachine> vms) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", u.name());
        v.put("resourceGroup", u.resourceGroup());
        v.put("id", u.id());
        v.put("principalId", u.principalId());
        v.put("clientId", u.clientId());
        v.put("attachedTo", vms.stream().filter(vm -> vm.userAssigned().stream()
            .anyMatch(a -> a.id().equalsIgnoreCase(u.id()))).map(VirtualMachine::name).sorted().toList());
        v.put("federatedCredentials", u.federatedCredentials().stream().map(LabView::federated).toList());
        return v;
    }

    private Map<String, Object> sqlServer(SqlServer server) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", server.name());
        v.put("fqdn", server.fullyQualifiedDomainName());
        v.put("id", server.id());
        SqlServer.SqlEntraAdmin admin = server.entraAdmin();
        v.put("entraAdmin", admin == null ? null : Map.of("login", admin.login(), "sid", admin.sid(),
            "principalType", String.valueOf(admin.principalType())));
        Optional<dev.milab.sql.SqlServer> data = lab.sql().server(server.name());
        List<Map<String, Object>> databases = new ArrayList<>();
        for (String name : server.databases()) {
            Optional<SqlDatabase> db = data.flatMap(s -> s.database(name));
            databases.add(Map.of("name", name, "users", db.map(d -> d.users().stream()
                .sorted(Comparator.comparing(DatabaseUser::name)).map(this::databaseUser).toList())
                .orElse(List.of())));
        }
        v.put("databases", databases);
        return v;
    }

    /** A contained user: name, how it authenticates, whose identity it maps, its roles; never a password hash. */
    private Map<String, Object> databaseUser(DatabaseUser user) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", user.name());
        v.put("kind", user.kind() == DatabaseUser.Kind.EXTERNAL ? "Microsoft Entra (FROM EXTERNAL PROVIDER)"
            : "SQL (WITH PASSWORD)");
        v.put("sid", user.sid());
        v.put("objectId", user.objectId());
        // An Entra user whose object is gone from the directory: the orphan a deleted VM leaves in the database.
        v.put("orphan", user.kind() == DatabaseUser.Kind.EXTERNAL && user.objectId() != null
            && !lab.directory().principalExists(user.objectId()));
        v.put("roles", user.roles().stream().map(DatabaseRole::sqlName).sorted().toList());
        return v;
    }

    private static Map<String, Object> keyVault(KeyVault vault) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", vault.name());
        v.put("uri", vault.vaultUri());
        v.put("id", vault.id());
        v.put("permissionModel", vault.enableRbacAuthorization() ? "Azure RBAC" : "Access policies");
        return v;
    }

    private Map<String, Object> roleAssignment(RoleAssignment a) {
        Map<String, Object> v = new LinkedHashMap<>();
        Optional<String> principal = lab.directory().principalName(a.principalId());
        v.put("name", a.name());
        v.put("role", BuiltInRoles.byId(a.roleDefinitionName()).map(RoleDefinition::roleName)
            .orElse(a.roleDefinitionName()));
        v.put("scope", a.scope());
        v.put("principalId", a.principalId());
        v.put("principal", principal.orElse(IDENTITY_NOT_FOUND));
        // Resource Manager lists an assignment whose principal is gone with principalType Unknown.
        v.put("principalType", principal.isPresent() ? a.principalType() : "Unknown");
        v.put("orphan", principal.isEmpty());
        v.put("createdOn", a.createdOn().toString());
        return v;
    }

    /** Service principals with their credentials (kind, id, dates), and Entra ID's published signing keys. */
    Map<String, Object> directory() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("tenantId", lab.tenant().id());
        view.put("issuer", lab.tenant().v1Issuer());
        List<ServicePrincipal> principals = new ArrayList<>(lab.directory().all());
        principals.sort(Comparator.comparing((ServicePrincipal p) -> p.kind().ordinal())
            .thenComparing(p -> p.displayName().toLowerCase(Locale.ROOT)));
        view.put("servicePrincipals", principals.stream().map(this::principal).toList());
        String current = lab.signingKeys().current().kid();
        view.put("signingKeys", lab.signingKeys().published().stream().map(k -> signingKey(k, current)).toList());
        return view;
    }

    private Map<String, Object> principal(ServicePrincipal p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("displayName", p.displayName());
        v.put("kind", switch (p.kind()) {
            case SYSTEM_ASSIGNED_MANAGED_IDENTITY -> "Managed identity (system-assigned)";
            case USER_ASSIGNED_MANAGED_IDENTITY -> "Managed identity (user-assigned)";
            case APPLICATION -> "Application";
        });
        v.put("objectId", p.objectId());
        v.put("appId", p.appId());
        v.put("resourceId", p.resourceId());
        List<Map<String, Object>> credentials = new ArrayList<>();
        List<Map<String, Object>> federated = new ArrayList<>();
        Optional<Application> app = p.kind().isManagedIdentity() ? Optional.empty()
            : lab.directory().application(p.appId());
        app.ifPresent(a -> {
            a.secrets().forEach(s -> credentials.add(secret(s)));
            a.certificates().forEach(c -> credentials.add(certificate(c)));
            a.federatedCredentials().forEach(f -> federated.add(federated(f)));
        });
        if (p.kind().isManagedIdentity()) {
            lab.resources().userAssignedIdentities().stream().filter(u -> u.principalId().equals(p.objectId()))
                .flatMap(u -> u.federatedCredentials().stream()).forEach(f -> federated.add(federated(f)));
        }
        v.put("credentials", credentials);
        v.put("federatedCredentials", federated);
        v.put("credentialNote", p.kind().isManagedIdentity()
            ? "Azure holds and rotates this identity's credential; nobody can see or use it" : null);
        return v;
    }

    /** A client secret: its id, description and dates; never its value, hash or hint. */
    private Map<String, Object> secret(ClientSecret s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", "Client secret");
        v.put("id", s.keyId());
        v.put("description", s.description());
        v.put("start", s.startDateTime().toString());
        v.put("expires", s.endDateTime().toString());
        v.put("expired", s.isExpiredAt(now()));
        return v;
    }

    private Map<String, Object> certificate(ClientCertificate c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kind", "Certificate");
        v.put("id", c.thumbprint());
        v.put("description", c.certificate().getSubjectX500Principal().getName());
        v.put("start", c.startDateTime().toString());
        v.put("expires", c.endDateTime().toString());
        v.put("expired", !now().isBefore(c.endDateTime()));
        return v;
    }

    private static Map<String, Object> federated(FederatedCredential f) {
        return Map.of("name", f.name(), "issuer", f.issuer(), "subject", f.subject(), "audiences", f.audiences());
    }

    private static Map<String, Object> federated(FederatedIdentityCredential f) {
        return Map.of("name", f.name(), "issuer", f.issuer(), "subject", f.subject(), "audiences", f.audiences());
    }

    private static Map<String, Object> signingKey(SigningKey k, String current) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("kid", k.kid());
        v.put("signing", k.kid().equals(current));
        v.put("publishedAt", k.publishedAt().toString());
        return v;
    }

    /** The lab's time, as the directory judges expiry. */
    private java.time.Instant now() {
        return lab.clock().instant();
    }
}
