package dev.milab.userassigned.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.Region;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentInner;
import com.azure.resourcemanager.authorization.models.PrincipalType;
import com.azure.resourcemanager.authorization.models.RoleAssignmentCreateParameters;
import com.azure.resourcemanager.compute.models.VirtualMachine;
import com.azure.resourcemanager.msi.models.Identity;

import dev.milab.entra.ServicePrincipal;
import dev.milab.kit.DemoOptions;
import dev.milab.kit.DemoRunner;
import dev.milab.kit.JwtView;
import dev.milab.kit.Machine;
import dev.milab.kit.Narrator;
import dev.milab.kit.Step;
import dev.milab.lab.Lab;
import dev.milab.trace.Hop;
import dev.milab.userassigned.app.InventoryApp;

/**
 * Demo 02: one user-assigned managed identity, created on its own, attached to five VMs and let into Azure SQL by
 * one database user; then the pitfalls, detaching, and the identity outliving a VM. Run it with
 * {@code ./mvnw -q -Pdemo -pl 02-user-assigned -am package}; {@code -Ddemo.args=--step} pauses between steps.
 */
public final class UserAssignedDemo implements DemoRunner.Demo {

    static final String NAME = "02-user-assigned";
    static final String TITLE = "Demo 02: a user-assigned managed identity";
    static final String SUBTITLE = "One identity, five VMs, one database user in SQL1";
    static final String IDENTITY = "MyUserIdentity";
    static final String BATCH_IDENTITY = "MyBatchIdentity";
    private static final String RG = Lab.DEFAULT_RESOURCE_GROUP;
    /** IMDS's answer when a VM has several user-assigned identities and the request names none. */
    static final String MULTIPLE_IDENTITIES = "Multiple user assigned identities exist, please specify the clientId"
        + " / resourceId of the identity in the token request";

    private final Narrator say;
    private final LabWiring wiring;
    private final Lab lab;
    private final AdminWorkstation admin;
    private final String sqlServerId;
    private final Map<String, Machine> vms = new LinkedHashMap<>();
    /** A second process on VM2 that has asked for no token yet: what a restart or a new deployment starts with. */
    private final Machine vm2Restarted;
    private final ExecutorService parallel = Executors.newFixedThreadPool(LabWiring.VMS.size());
    private Identity identity;
    private Identity batch;

    public static void main(String[] args) {
        System.exit(new DemoRunner(NAME, TITLE, SUBTITLE).run(args, UserAssignedDemo::create));
    }

    static DemoRunner.Demo create(DemoOptions options, Narrator narrator) throws Exception {
        options.requireLab("run the module README's az script (azure/setup.sh) and the app on your VMs as it"
            + " describes");
        return new UserAssignedDemo(narrator, new LabWiring());
    }

    private UserAssignedDemo(Narrator say, LabWiring wiring) throws Exception {
        this.say = say;
        this.wiring = wiring;
        this.lab = wiring.lab;
        // The five VMs' JVMs (and a spare on VM2) boot while the workstation signs in and the admin works.
        LabWiring.VMS.forEach(vm -> vms.put(vm, wiring.startVm(vm)));
        this.vm2Restarted = wiring.startVm("vm2");
        AzureProfile profile = new AzureProfile(lab.tenant().id(), lab.subscriptionId(), AzureEnvironment.AZURE);
        this.admin = new AdminWorkstation(new DefaultAzureCredentialBuilder().build(), profile, wiring.sqlUrl());
        this.sqlServerId = admin.sql.sqlServers().getByResourceGroup(RG, LabWiring.SQL_SERVER).id();
        // The database's Entra admin is you; the app's table.
        admin.sql.sqlServers().getById(sqlServerId).setActiveDirectoryAdministrator(Lab.ADMIN_APPLICATION_NAME,
            lab.admin().objectId());
        admin.execute("CREATE TABLE dbo.Inventory (Sku nvarchar(8) PRIMARY KEY, Name nvarchar(40), OnHand int);"
            + " INSERT INTO dbo.Inventory VALUES (N'A-100', N'Hex bolts M8', 1200), (N'B-220', N'Wing nuts M6', 640),"
            + " (N'C-310', N'Washers 8 mm', 3000);");
    }

    @Override
    public List<Step> steps() {
        return List.of(
            Step.of("Create MyUserIdentity on its own", n -> createTheIdentity()),
            Step.of("Attach it to VM1..VM5", n -> attachItToFiveVms()),
            Step.of("One database user for five VMs", n -> oneDatabaseUserForFiveVms()),
            Step.of("Pitfall: a role for an identity created a moment ago", n -> aRoleForANewIdentity()),
            Step.of("Pitfall: two user-assigned identities, no client id", n -> twoIdentitiesNoClientId()),
            Step.of("Pitfall: a wrong client id", n -> aWrongClientId()),
            Step.of("Detach the identity from VM3", n -> detachFromVm3()),
            Step.of("Delete VM1, then the identity", n -> deleteVm1ThenTheIdentity()));
    }

    private void createTheIdentity() {
        say.say("The admin creates the identity as a resource of its own, before any VM uses it"
            + " (azure-resourcemanager-msi):");
        say.code("msi.identities().define(\"" + IDENTITY + "\").withRegion(Region.EUROPE_WEST)"
            + ".withExistingResourceGroup(\"" + RG + "\").create()");
        identity = admin.msi.identities().define(IDENTITY).withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();
        say.show("id", identity.id());
        say.show("clientId", identity.clientId() + "  (what the app names: azure.client-id)");
        say.show("principalId", identity.principalId() + "  (its object id: what RBAC and SQL match)");
        var principal = lab.directory().byObjectId(identity.principalId());
        say.expect("Entra ID has a service principal named " + IDENTITY + ", of a user-assigned identity",
            principal.isPresent() && principal.get().displayName().equals(IDENTITY)
            && principal.get().kind() == ServicePrincipal.Kind.USER_ASSIGNED_MANAGED_IDENTITY
            && principal.get().appId().equals(identity.clientId()), () -> String.valueOf(principal));
        long users = admin.compute.virtualMachines().listByResourceGroup(RG).stream()
            .filter(vm -> vm.userAssignedManagedServiceIdentityIds().stream()
                .anyMatch(id -> id.equalsIgnoreCase(identity.id()))).count();
        say.expect("no VM uses it yet: it exists without one", users == 0, () -> users + " VMs use it");
        say.why("A user-assigned identity is its own Azure resource (Microsoft.ManagedIdentity/userAssignedIdentities):"
            + " you create it, name it and delete it; no VM has to exist for it.");
    }

    private void attachItToFiveVms() {
        say.say("VM1..VM5 exist (the scenario); the admin attaches the same identity to each:");
        say.code("compute.virtualMachines().getByResourceGroup(\"" + RG + "\", name).update()"
            + ".withExistingUserAssignedManagedServiceIdentity(identity).apply()");
        Set<String> principals = new LinkedHashSet<>();
        for (String name : LabWiring.VMS) {
            VirtualMachine vm = admin.compute.virtualMachines().getByResourceGroup(RG, name);
            vm.update().withExistingUserAssignedManagedServiceIdentity(identity).apply();
            say.show(name, vm.managedServiceIdentityType() + "  " + String.join(", ",
                vm.userAssignedManagedServiceIdentityIds().stream().map(UserAssignedDemo::lastSegment).sorted().toList()));
            lab.virtualMachine(name).ifPresent(v -> v.userAssigned().forEach(u -> principals.add(u.principalId())));
        }
        say.expect("all five VMs carry " + IDENTITY + ": one principal for five VMs",
            principals.equals(Set.of(identity.principalId())), principals::toString);
        say.why("Attaching creates nothing in Entra ID: each VM's IMDS may now get tokens for the one existing"
            + " identity (N VMs : 1 identity).");
    }

    private void oneDatabaseUserForFiveVms() throws Exception {
        say.say("The database's Microsoft Entra admin (you) runs, in db1, once for all five VMs:");
        String grant = "CREATE USER [" + IDENTITY + "] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER ["
            + IDENTITY + "];";
        say.code(grant);
        admin.execute(grant);
        say.say("Each VM's app.properties names the identity by its client id:");
        for (String vm : LabWiring.VMS) {
            writeConfig(vm, "app.properties", "sql.authentication=managed-identity",
                "azure.client-id=" + identity.clientId());
        }
        showFile(wiring.file("vm1", "app.properties"));
        say.say("The five VMs run the app at the same time:");
        long before = lab.trace().lastSequence();
        Map<String, Machine.Result> runs = onEach(LabWiring.VMS, vm -> runApp(vm, "app.properties"));
        runs.forEach((vm, run) -> say.show(vm + ">", String.valueOf(run.line("Signed in"))));
        runs.get("vm1").lines().stream().skip(1).forEach(l -> say.show("vm1>", l));
        Set<String> logins = new LinkedHashSet<>();
        runs.values().forEach(r -> logins.add(loginOf(r)));
        say.expect("all five sign in as the database user " + IDENTITY + " and read 3 items", runs.values().stream()
            .allMatch(r -> r.exitCode() == 0 && r.text().contains("(database user " + IDENTITY + ")")
                && r.text().contains("C-310")), () -> runs.toString());
        say.expectEqual("SUSER_SNAME() is the same principal on all five (client id@tenant)",
            Set.of(identity.clientId() + "@" + lab.tenant().id()), logins);
        List<Hop> sqlLogins = lab.trace().since(before).stream()
            .filter(h -> h.to().equals(LabWiring.SQL_SERVER) && h.ok() && h.token() != null).toList();
        Set<String> callers = new java.util.TreeSet<>();
        Set<String> tokens = new LinkedHashSet<>();
        Set<String> oids = new LinkedHashSet<>();
        Set<String> mirids = new LinkedHashSet<>();
        for (Hop h : sqlLogins) {
            JwtView t = JwtView.decode(h.token());
            callers.add(h.from());
            tokens.add(t.claim("uti"));
            oids.add(t.claim("oid"));
            mirids.add(t.claim("xms_mirid"));
        }
        say.show("tokens", tokens.size() + " different tokens, each from its own VM's IMDS (" + String.join(", ",
            callers) + ")");
        say.show("oid", String.join(", ", oids));
        say.show("xms_mirid", String.join(", ", mirids));
        say.expect("five tokens, one oid, and xms_mirid names the identity, not a VM", tokens.size() == 5
            && callers.size() == 5 && oids.equals(Set.of(identity.principalId())) && mirids.size() == 1
            && mirids.iterator().next().endsWith("/userAssignedIdentities/" + IDENTITY), () -> sqlLogins.toString());
        Path byUrl = writeConfig("vm5", "app-connection-string.properties", "sql.authentication=connection-string",
            "azure.client-id=" + identity.clientId());
        say.say("The same with the connection string alone: the driver asks IMDS itself, for the identity msiClientId"
            + " names:");
        say.code("...;authentication=ActiveDirectoryManagedIdentity;msiClientId=" + identity.clientId());
        Machine.Result viaUrl = vms.get("vm5").run(InventoryApp.class, "--config", byUrl.toString());
        say.show("vm5>", String.valueOf(viaUrl.line("Signed in")));
        say.expect("the connection-string login works too", viaUrl.exitCode() == 0
            && viaUrl.text().contains("(database user " + IDENTITY + ")"), viaUrl::text);
        say.why("SQL1 sees one principal, whichever VM logs in: one database user (and one role membership) covers"
            + " every VM that carries the identity, and no VM holds a secret.");
    }

    private void aRoleForANewIdentity() {
        say.say("A batch job on VM2 needs its own identity, with Reader on SQL1. The admin creates " + BATCH_IDENTITY
            + " and assigns the role in the same breath:");
        batch = admin.msi.identities().define(BATCH_IDENTITY).withRegion(Region.EUROPE_WEST)
            .withExistingResourceGroup(RG).create();
        String reader = admin.authorization.roleDefinitions().getByScopeAndRoleName(sqlServerId, "Reader").id();
        say.show("principalId", batch.principalId() + "  (created a moment ago)");
        say.say("Right after an identity is created, Entra ID may not have replicated it to where Resource Manager"
            + " looks it up. The assignment without principalType:");
        say.code("authorization.roleServiceClient().getRoleAssignments().create(sql1.id(), UUID.randomUUID().toString(),");
        say.code("    new RoleAssignmentCreateParameters().withRoleDefinitionId(reader).withPrincipalId(principalId))");
        try {
            admin.authorization.roleServiceClient().getRoleAssignments().create(sqlServerId,
                UUID.randomUUID().toString(), new RoleAssignmentCreateParameters().withRoleDefinitionId(reader)
                    .withPrincipalId(batch.principalId()));
            say.expect("400 PrincipalNotFound for an identity created a moment ago", false,
                () -> "the assignment was created");
        } catch (ManagementException e) {
            say.show("status", e.getResponse().getStatusCode() + " " + e.getValue().getCode());
            say.show("message", e.getValue().getMessage());
            say.expect("400 PrincipalNotFound, and the message names the cure: set principalType",
                e.getResponse().getStatusCode() == 400 && "PrincipalNotFound".equals(e.getValue().getCode())
                && e.getValue().getMessage().contains(batch.principalId().replace("-", ""))
                && e.getValue().getMessage().contains("replication delay")
                && e.getValue().getMessage().contains("principalType"), () -> e.getValue().getMessage());
        }
        say.say("The cure: say what the principal is, so Resource Manager does not need to find it first:");
        say.code("authorization.roleServiceClient().getRoleAssignments().create(sql1.id(), UUID.randomUUID().toString(),");
        say.code("    new RoleAssignmentCreateParameters().withRoleDefinitionId(reader).withPrincipalId(principalId)");
        say.code("        .withPrincipalType(PrincipalType.SERVICE_PRINCIPAL))");
        RoleAssignmentInner assignment = admin.authorization.roleServiceClient().getRoleAssignments().create(sqlServerId,
            UUID.randomUUID().toString(), new RoleAssignmentCreateParameters().withRoleDefinitionId(reader)
                .withPrincipalId(batch.principalId()).withPrincipalType(PrincipalType.SERVICE_PRINCIPAL));
        say.show("assignment", assignment.name() + "  principalType=" + assignment.principalType());
        say.expect("the assignment for " + BATCH_IDENTITY + " is created, principalType ServicePrincipal",
            batch.principalId().equalsIgnoreCase(assignment.principalId())
            && PrincipalType.SERVICE_PRINCIPAL.equals(assignment.principalType()), assignment::toString);
        say.labNote("this demo turns on the lab's replication window (settings().principalReplicationDelay, "
            + LabWiring.REPLICATION_WINDOW.toSeconds() + " s; off by default). On Azure it lasts seconds to minutes"
            + " and may not show at all. The fluent define().forObjectId() sends no principalType and retries that 400"
            + " up to 3 times, backing off from 10 s; az role assignment create takes --assignee-principal-type"
            + " ServicePrincipal.");
        say.why("With principalType set (api-version 2018-09-01-preview or later), Resource Manager accepts an"
            + " assignment for a principal that Entra ID has not replicated yet, so scripts that create an identity"
            + " and grant it a role at once do not fail at random.");
    }

    private void twoIdentitiesNoClientId() throws Exception {
        say.say("The admin attaches " + BATCH_IDENTITY + " to VM2 for the batch job; VM2 now carries two"
            + " user-assigned identities:");
        say.code("vm2.update().withExistingUserAssignedManagedServiceIdentity(batchIdentity).apply()");
        VirtualMachine vm2 = admin.compute.virtualMachines().getByResourceGroup(RG, "vm2");
        vm2.update().withExistingUserAssignedManagedServiceIdentity(batch).apply();
        say.show("vm2", String.join(", ", vm2.userAssignedManagedServiceIdentityIds().stream()
            .map(UserAssignedDemo::lastSegment).sorted().toList()));
        say.say("An app.properties without azure.client-id, on VM1 (one identity) and on VM2 (two):");
        for (String vm : List.of("vm1", "vm2")) {
            writeConfig(vm, "app-no-client-id.properties", "sql.authentication=managed-identity");
        }
        showFile(wiring.file("vm2", "app-no-client-id.properties"));
        Map<String, Machine.Result> runs = onEach(List.of("vm1", "vm2"),
            vm -> runApp(vm, "app-no-client-id.properties"));
        runs.forEach((vm, run) -> say.show(vm + ">", run.lines().get(0)));
        say.expect("on VM1 it works: IMDS picks the only identity there", runs.get("vm1").exitCode() == 0,
            () -> runs.get("vm1").text());
        say.expect("on VM2 there is no token: IMDS will not choose between two identities",
            runs.get("vm2").exitCode() == 2 && runs.get("vm2").text().contains(MULTIPLE_IDENTITIES),
            () -> runs.get("vm2").text());
        Machine.Result raw = vms.get("vm2").run(AskImds.class);
        say.say("What IMDS answered VM2 (the same request with curl on VM2):");
        say.show("vm2>", raw.lines().get(0));
        say.expect("400 with Azure's text: \"" + MULTIPLE_IDENTITIES + "\"", raw.text().startsWith("status 400")
            && raw.text().contains(MULTIPLE_IDENTITIES), raw::text);
        Machine.Result withId = runApp("vm2", "app.properties");
        say.show("vm2>", withId.lines().get(0) + "  (app.properties, with azure.client-id)");
        say.expect("with azure.client-id VM2 signs in as " + IDENTITY + " again", withId.exitCode() == 0
            && withId.text().contains("(database user " + IDENTITY + ")"), withId::text);
        say.why("Without a client id IMDS falls back to the VM's only identity; the day someone attaches a second one,"
            + " every app that relied on that fallback stops getting tokens. Always set the client id.");
    }

    private void aWrongClientId() throws Exception {
        say.say("VM4's app.properties gets the identity's principalId (object id) where the client id belongs, an"
            + " easy slip: both are GUIDs on the identity's page.");
        Path wrong = writeConfig("vm4", "app-wrong-client-id.properties", "sql.authentication=managed-identity",
            "azure.client-id=" + identity.principalId());
        showFile(wrong);
        Machine.Result run = vms.get("vm4").run(InventoryApp.class, "--config", wrong.toString());
        say.show("vm4>", run.lines().get(0));
        say.expect("no token: IMDS answers \"Identity not found\"", run.exitCode() == 2
            && run.text().contains("Identity not found"), run::text);
        Machine.Result raw = vms.get("vm4").run(AskImds.class, identity.principalId());
        say.show("IMDS said", raw.lines().get(0));
        say.expect("400 invalid_request \"Identity not found\"", raw.text().startsWith("status 400")
            && raw.text().contains("\"error_description\":\"Identity not found\""), raw::text);
        say.why("IMDS looks the client_id up among the identities attached to this VM only: a mistyped id, an object id"
            + " or an identity attached elsewhere all get the same 400 \"Identity not found\".");
    }

    private void detachFromVm3() throws Exception {
        say.say("The admin detaches the identity from VM3:");
        say.code("vm3.update().withoutUserAssignedManagedServiceIdentity(identity.id()).apply()");
        VirtualMachine vm3 = admin.compute.virtualMachines().getByResourceGroup(RG, "vm3");
        vm3.update().withoutUserAssignedManagedServiceIdentity(identity.id()).apply();
        VirtualMachine after = admin.compute.virtualMachines().getByResourceGroup(RG, "vm3");
        say.show("vm3", "user-assigned identities: " + (after.userAssignedManagedServiceIdentityIds().isEmpty()
            ? "none" : String.join(", ", after.userAssignedManagedServiceIdentityIds())));
        say.expect("VM3 carries no identity now", after.userAssignedManagedServiceIdentityIds().isEmpty(),
            () -> after.userAssignedManagedServiceIdentityIds().toString());
        say.say("Each VM asks its IMDS for a new token for " + IDENTITY + " (curl on each VM, at the same time):");
        Map<String, Machine.Result> asks = onEach(LabWiring.VMS,
            vm -> vms.get(vm).run(AskImds.class.getName(), identity.clientId()));
        asks.forEach((vm, r) -> say.show(vm + ">", r.lines().get(0)));
        say.expect("VM3 gets 400 \"Identity not found\"", asks.get("vm3").exitCode() == 1
            && asks.get("vm3").text().contains("Identity not found"), () -> asks.get("vm3").text());
        say.expect("VM1, VM2, VM4 and VM5 still get tokens", asks.entrySet().stream()
            .filter(e -> !e.getKey().equals("vm3")).allMatch(e -> e.getValue().exitCode() == 0), asks::toString);
        Machine.Result app = runApp("vm3", "app.properties");
        String exp = lastTokenExpiry("vm3");
        say.say("The JVM on VM3 that ran the app in step 3 still holds the token azure-identity cached then:");
        say.show("vm3>", app.lines().get(0));
        say.expect("it still logs in, with the token issued before the detach (exp " + exp + ")",
            app.exitCode() == 0, app::text);
        say.why("Detaching stops IMDS from issuing VM3 new tokens for the identity; a token issued before stays valid"
            + " until its exp, and the other VMs are not touched.");
    }

    private void deleteVm1ThenTheIdentity() throws Exception {
        vms.remove("vm1").close();
        say.say("The admin deletes VM1:");
        say.code("compute.virtualMachines().deleteByResourceGroup(\"" + RG + "\", \"vm1\")");
        admin.compute.virtualMachines().deleteByResourceGroup(RG, "vm1");
        Identity still = admin.msi.identities().getById(identity.id());
        say.show("identity", still.name() + "  principalId " + still.principalId());
        say.expect(IDENTITY + " survives VM1, with the same principal", still.principalId()
            .equals(identity.principalId()) && lab.directory().byObjectId(identity.principalId()).isPresent(),
            still::principalId);
        Machine.Result ask = vms.get("vm2").run(AskImds.class, identity.clientId());
        Machine.Result app = runApp("vm2", "app.properties");
        say.show("vm2>", ask.lines().get(0));
        say.show("vm2>", app.lines().get(0));
        say.expect("VM2 still gets new tokens and logs in", ask.exitCode() == 0 && app.exitCode() == 0,
            () -> ask.text() + "\n" + app.text());
        say.say("Then the admin deletes the identity itself:");
        say.code("msi.identities().deleteById(identity.id())");
        admin.msi.identities().deleteById(identity.id());
        say.expect("its service principal is gone from Entra ID", lab.directory()
            .byObjectId(identity.principalId()).isEmpty(), () -> "still there");
        List<String> left = List.copyOf(vms.keySet());
        Map<String, Machine.Result> asks = onEach(left, vm -> vms.get(vm).run(AskImds.class.getName(),
            identity.clientId()));
        asks.forEach((vm, r) -> say.show(vm + ">", r.lines().get(0)));
        say.expect("no VM gets a token for it any more: 400 \"Identity not found\" on " + String.join(", ", left),
            asks.values().stream().allMatch(r -> r.exitCode() == 1 && r.text().contains("Identity not found")),
            asks::toString);
        Path config = wiring.file("vm2", "app.properties");
        Machine.Result restarted = vm2Restarted.run(InventoryApp.class, "--config", config.toString());
        say.say("A process that starts now on VM2 (a restart, a new deployment) has no token to fall back on:");
        say.show("vm2>", restarted.lines().get(0));
        say.expect("the app gets no token: \"Identity not found\"", restarted.exitCode() == 2
            && restarted.text().contains("Identity not found"), restarted::text);
        say.say("System-assigned (demo 01) and user-assigned (this demo), side by side:");
        String row = "%-10s| %-30s| %-30s| %s";
        say.code(String.format(row, "", "system-assigned", "user-assigned", "seen in"));
        say.code(String.format(row, "created", "with the VM, by turning it on", "on its own, before any VM",
            "step 1"));
        say.code(String.format(row, "lifecycle", "automatic: deleted with VM", "manual: lives until deleted",
            "step 8"));
        say.code(String.format(row, "used by", "one resource", "many: here 5 VMs, 1 DB user", "steps 2, 3"));
        say.why("A user-assigned identity's lifecycle is yours: deleting a VM only detaches it, and deleting the"
            + " identity cuts off every VM at once (tokens already issued expire on their own; the database user"
            + " [" + IDENTITY + "] stays behind until you drop it).");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Machine.Result runApp(String vm, String configName) {
        try {
            return vms.get(vm).run(InventoryApp.class, "--config", wiring.file(vm, configName).toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code program} on each of {@code names} at the same time; results in the order of {@code names}. */
    private Map<String, Machine.Result> onEach(List<String> names, Function<String, Machine.Result> program)
        throws Exception {
        List<Future<Machine.Result>> futures = new ArrayList<>();
        for (String name : names) {
            futures.add(parallel.submit(() -> program.apply(name)));
        }
        Map<String, Machine.Result> results = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            results.put(names.get(i), futures.get(i).get());
        }
        return results;
    }

    private static String loginOf(Machine.Result run) {
        String line = run.line("Signed in to Azure SQL as ");
        return line == null ? null : line.substring("Signed in to Azure SQL as ".length(), line.indexOf(" ("));
    }

    private Path writeConfig(String machine, String name, String... settings) throws Exception {
        StringBuilder text = new StringBuilder("sql.url=").append(wiring.sqlUrl()).append('\n');
        for (String s : settings) {
            text.append(s).append('\n');
        }
        Path file = wiring.file(machine, name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private void showFile(Path file) throws Exception {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            say.code(line.startsWith("sql.url=") ? "sql.url=" + shortUrl(line.substring(8)) : line);
        }
    }

    /** The JDBC URL without the lab's trust-store path, which is long and the same on every line. */
    private static String shortUrl(String url) {
        return url.replaceAll(";trustStore=[^;]*;trustStorePassword=[^;]*", ";trustStore=<lab CA>");
    }

    private static String lastSegment(String resourceId) {
        return resourceId.substring(resourceId.lastIndexOf('/') + 1);
    }

    /** The exp of the last token {@code vm} presented to SQL1. */
    private String lastTokenExpiry(String vm) {
        List<Hop> hops = lab.trace().hops();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Hop h = hops.get(i);
            if (h.from().equals(vm) && h.to().equals(LabWiring.SQL_SERVER) && h.ok() && h.token() != null) {
                return String.valueOf(JwtView.decode(h.token()).time("exp"));
            }
        }
        return "unknown";
    }

    @Override
    public List<Hop> trace() {
        return lab.trace().hops();
    }

    @Override
    public java.util.Optional<Lab> lab() {
        return java.util.Optional.of(lab);
    }

    @Override
    public void close() {
        parallel.shutdownNow();
        vms.values().forEach(Machine::close);
        vm2Restarted.close();
        wiring.close();
    }
}
