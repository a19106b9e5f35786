package dev.milab.systemassigned.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.authorization.models.BuiltInRole;
import com.azure.resourcemanager.authorization.models.RoleAssignment;
import com.azure.resourcemanager.compute.models.VirtualMachine;

import dev.milab.kit.DemoOptions;
import dev.milab.kit.DemoRunner;
import dev.milab.kit.JwtView;
import dev.milab.kit.Machine;
import dev.milab.kit.Narrator;
import dev.milab.kit.Step;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.systemassigned.app.OrdersApp;
import dev.milab.trace.Hop;

/**
 * Demo 01: VM1's system-assigned managed identity logs in to Azure SQL with no secret anywhere. Run it with
 * {@code ./mvnw -q -Pdemo -pl 01-system-assigned -am package}; {@code -Ddemo.args=--step} pauses between steps.
 */
public final class SystemAssignedDemo implements DemoRunner.Demo {

    static final String NAME = "01-system-assigned";
    static final String TITLE = "Demo 01: a system-assigned managed identity";
    static final String SUBTITLE = "VM1 logs in to Azure SQL (SQL1) with no password anywhere";
    private static final String SQL_SCOPE = "https://database.windows.net/.default";
    /** The "before" state's secret, on purpose: step 1 shows what is wrong with it. */
    private static final String BEFORE_PASSWORD = "Orders-App-Passw0rd!";

    private final Narrator say;
    private final LabWiring wiring;
    private final Lab lab;
    private final AdminWorkstation admin;
    private final String sqlServerId;
    private Machine vm1;
    private Machine laptop;
    private String principalId;
    private String stolenToken;

    public static void main(String[] args) {
        System.exit(new DemoRunner(NAME, TITLE, SUBTITLE).run(args, SystemAssignedDemo::create));
    }

    static DemoRunner.Demo create(DemoOptions options, Narrator narrator) throws Exception {
        options.requireLab("run the module README's az script and the app on your VM as it describes");
        return new SystemAssignedDemo(narrator, new LabWiring());
    }

    private SystemAssignedDemo(Narrator say, LabWiring wiring) throws Exception {
        this.say = say;
        this.wiring = wiring;
        this.lab = wiring.lab;
        // VM1's JVM starts while the workstation signs in: both take a moment, and neither needs the other.
        this.vm1 = wiring.startVm(LabWiring.VM);
        AzureProfile profile = new AzureProfile(lab.tenant().id(), lab.subscriptionId(), AzureEnvironment.AZURE);
        this.admin = new AdminWorkstation(new DefaultAzureCredentialBuilder().build(), profile, wiring.sqlUrl());
        this.sqlServerId = admin.sql.sqlServers().getByResourceGroup(Lab.DEFAULT_RESOURCE_GROUP,
            LabWiring.SQL_SERVER).id();
        // The database's Entra admin is you; the app's table and its "before" SQL login.
        admin.sql.sqlServers().getById(sqlServerId).setActiveDirectoryAdministrator(Lab.ADMIN_APPLICATION_NAME,
            lab.admin().objectId());
        admin.execute("CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Customer nvarchar(50), Total decimal(10,2));"
            + " INSERT INTO dbo.Orders VALUES (1, N'Contoso', 120.50), (2, N'Fabrikam', 89.90),"
            + " (3, N'Northwind', 240.00);"
            + " CREATE USER [orders_app] WITH PASSWORD = N'" + BEFORE_PASSWORD + "';"
            + " ALTER ROLE db_datareader ADD MEMBER [orders_app];");
    }

    @Override
    public List<Step> steps() {
        return List.of(
            Step.of("Before: a password in VM1's config file", n -> beforeAPasswordInTheConfigFile()),
            Step.of("Turn on VM1's system-assigned identity", n -> turnOnTheSystemAssignedIdentity()),
            Step.of("On VM1: a token from IMDS", n -> aTokenFromImds()),
            Step.of("Log in to SQL1 with the token", n -> logInWithTheTokenFails()),
            Step.of("What the notes say: Contributor on SQL1", n -> contributorOpensTheControlPlaneOnly()),
            Step.of("What opens the database: a database user", n -> aDatabaseUserOpensTheDatabase()),
            Step.of("No secret anywhere", n -> noSecretAnywhere()),
            Step.of("What \"automatic credential rotation\" means", n -> rotationIsAzuresJob()),
            Step.of("The same app on a laptop", n -> theSameAppOnALaptop()),
            Step.of("Delete VM1: the identity goes with it", n -> deleteTheVm()));
    }

    private void beforeAPasswordInTheConfigFile() throws Exception {
        Path config = writeConfig("app.properties", "sql.authentication=password", "sql.user=orders_app",
            "sql.password=" + BEFORE_PASSWORD);
        say.say("VM1's app reads a SQL login and its password from its config file (SQL authentication):");
        showFile(config);
        Machine.Result run = runApp(config);
        say.expect("the app signs in as the SQL user orders_app and reads 3 orders", run.exitCode() == 0
            && run.text().contains("(database user orders_app)") && run.text().contains("Northwind"), run::text);
        say.why("It works, but the password is a secret to store on every VM, rotate by hand, and keep out of"
            + " backups, images and repositories; whoever reads the file is the app.");
    }

    private void turnOnTheSystemAssignedIdentity() {
        say.say("The admin turns on VM1's identity through Resource Manager (azure-resourcemanager):");
        say.code("compute.virtualMachines().getByResourceGroup(\"" + Lab.DEFAULT_RESOURCE_GROUP
            + "\", \"vm1\").update().withSystemAssignedManagedServiceIdentity().apply()");
        VirtualMachine vm = admin.compute.virtualMachines().getByResourceGroup(Lab.DEFAULT_RESOURCE_GROUP,
            LabWiring.VM);
        vm.update().withSystemAssignedManagedServiceIdentity().apply();
        principalId = vm.systemAssignedManagedServiceIdentityPrincipalId();
        say.show("identity", vm.managedServiceIdentityType());
        say.show("principalId", principalId);
        say.show("tenantId", vm.systemAssignedManagedServiceIdentityTenantId());
        var principal = lab.directory().byObjectId(principalId);
        say.expect("Entra ID now has a service principal named vm1 for VM1", principal.isPresent()
            && principal.get().displayName().equals(LabWiring.VM) && principal.get().resourceId() != null
            && principal.get().resourceId().toLowerCase().endsWith("/virtualmachines/vm1"),
            () -> String.valueOf(principal));
        say.why("A system-assigned identity is part of the VM (1:1): Azure creates its service principal with the VM's"
            + " name, holds its credential, and deletes it with the VM.");
    }

    private void aTokenFromImds() {
        say.say("On VM1, ManagedIdentityCredential asks the instance metadata endpoint (IMDS) for a token:");
        say.code("new ManagedIdentityCredentialBuilder().build().getTokenSync(new TokenRequestContext()"
            + ".addScopes(\"" + SQL_SCOPE + "\"))");
        say.code("  -> GET http://169.254.169.254/metadata/identity/oauth2/token?resource=https://database"
            + ".windows.net/  (Metadata: true)");
        Machine.Result run = vm1.run(ShowToken.class, SQL_SCOPE);
        String line = run.line("token ");
        say.expect("IMDS gave VM1 a token", run.exitCode() == 0 && line != null, run::text);
        JwtView token = JwtView.decode(line.substring("token ".length()));
        token.showClaims(say, "aud", "iss", "oid", "appid", "xms_mirid", "exp");
        say.expect("aud is Azure SQL (https://database.windows.net, the resource as the SDK asked for it)",
            token.claim("aud").startsWith("https://database.windows.net"), () -> token.claim("aud"));
        say.expectEqual("oid is VM1's principalId", principalId, token.claim("oid"));
        say.expect("xms_mirid names VM1", token.claim("xms_mirid").endsWith("/virtualMachines/vm1"),
            () -> token.claim("xms_mirid"));
        say.why("The token is signed by Microsoft Entra ID (the new name of Azure Active Directory; the issuer still"
            + " says sts.windows.net) and says: this is VM1's identity, for Azure SQL, until exp.");
    }

    private void logInWithTheTokenFails() throws Exception {
        Path config = writeConfig("app.properties", "sql.authentication=managed-identity");
        say.say("VM1's app now asks for a token instead of reading a password (no sql.user, no sql.password):");
        showFile(config);
        Machine.Result run = runApp(config);
        say.expect("SQL1 refuses the login with error 18456", run.exitCode() == 1
            && run.text().contains("SQL error 18456: Login failed for user '<token-identified principal>'."),
            run::text);
        say.why("The token proves who VM1 is, and SQL1 accepts its signature; but the database has no user for that"
            + " identity, and a login without a user is refused.");
    }

    private void contributorOpensTheControlPlaneOnly() throws Exception {
        String[] read = {lab.tenant().id(), lab.subscriptionId(), sqlServerId};
        Machine.Result before = vm1.run(ReadSqlServer.class, read);
        say.say("Before any role, VM1 cannot even read SQL1 through Resource Manager:");
        say.expect("Resource Manager answers 403 AuthorizationFailed", before.text().contains("refused 403"
            + " AuthorizationFailed"), before::text);
        say.say("The admin gives VM1 the Contributor role on SQL1:");
        say.code("authorization.roleAssignments().define(...).forObjectId(principalId)"
            + ".withBuiltInRole(BuiltInRole.CONTRIBUTOR).withScope(sql1.id()).create()");
        RoleAssignment assignment = admin.authorization.roleAssignments().define(UUID.randomUUID().toString())
            .forObjectId(principalId).withBuiltInRole(BuiltInRole.CONTRIBUTOR).withScope(sqlServerId).create();
        say.show("assignment", assignment.name() + " at " + assignment.scope());
        Machine.Result after = vm1.run(ReadSqlServer.class, read);
        say.expect("VM1 now reads SQL1's settings through Resource Manager", after.exitCode() == 0
            && after.text().contains("read sql1 fqdn=sql1.database.windows.net"), after::text);
        say.show("vm1 sees", after.line("read ").substring("read ".length()));
        Machine.Result login = runApp(wiring.file(LabWiring.VM, "app.properties"));
        say.expect("and the database login still fails with 18456", login.text().contains("SQL error 18456"),
            login::text);
        say.why("Azure roles act on the control plane (management.azure.com): Contributor may change SQL1, not log in"
            + " to its databases. Data access is granted inside the database.");
    }

    private void aDatabaseUserOpensTheDatabase() throws Exception {
        say.say("The database's Microsoft Entra admin (you) runs, in db1:");
        String grant = "CREATE USER [vm1] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [vm1];";
        say.code(grant);
        admin.execute(grant);
        Path config = wiring.file(LabWiring.VM, "app.properties");
        Machine.Result run = runApp(config);
        String signedIn = run.line("Signed in");
        say.expect("VM1 signs in as the database user vm1 and reads 3 orders", run.exitCode() == 0
            && signedIn != null && signedIn.endsWith("(database user vm1)") && run.text().contains("Northwind"),
            run::text);
        say.show("SUSER_SNAME()", signedIn.substring("Signed in to Azure SQL as ".length(), signedIn.indexOf(" (")));
        Path byUrl = writeConfig("app-connection-string.properties", "sql.authentication=connection-string");
        say.say("The same with the connection string alone: authentication=ActiveDirectoryManagedIdentity, and the"
            + " driver asks IMDS itself:");
        Machine.Result viaUrl = runApp(byUrl);
        say.expect("the connection-string login works too", viaUrl.exitCode() == 0
            && viaUrl.text().contains("(database user vm1)"), viaUrl::text);
        // What an attacker who copied it off VM1 would hold (step 10 uses it): the lab recorded it on its way in.
        stolenToken = lastToken("vm1", "sql1");
        say.why("CREATE USER ... FROM EXTERNAL PROVIDER maps the identity's Entra object to a database user, and"
            + " db_datareader lets it read: that grant, not an Azure role, is what opens the database.");
    }

    private void noSecretAnywhere() throws Exception {
        Path config = writeConfig("app.properties", "sql.authentication=managed-identity");
        Files.deleteIfExists(wiring.file(LabWiring.VM, "app-connection-string.properties"));
        say.say("VM1's config file now, all of it:");
        showFile(config);
        String text = Files.readString(config, StandardCharsets.UTF_8);
        say.expect("it names the server and the database, and holds no password, key or secret",
            !text.contains("password=") && !text.contains("sql.user") && !text.toLowerCase().contains("secret"),
            () -> text);
        Map<String, String> env = lab.vmEnvironment(LabWiring.VM);
        say.expect("nor does VM1's environment", env.keySet().stream().noneMatch(k -> k.contains("SECRET")
            || k.contains("PASSWORD")), env::toString);
        admin.execute("DROP USER [orders_app]");
        say.ok("the admin dropped the old SQL user orders_app: its password opens nothing now");
        say.why("Nothing on VM1 is worth stealing: the credential behind the identity never leaves Azure, and the app"
            + " holds only tokens, one at a time.");
    }

    private void rotationIsAzuresJob() throws Exception {
        long before = lab.trace().lastSequence();
        long sqlTokens = lab.trace().hops().stream().filter(h -> h.from().equals("vm1")
            && h.to().equals("IMDS (vm1)") && h.request().contains("database.windows.net")).count();
        say.say("So far VM1 logged in to SQL1 " + count(0, "vm1", "sql1") + " times and asked IMDS for a SQL token "
            + sqlTokens + " times: azure-identity caches a token until shortly before it expires (each credential"
            + " object of the driver's has its own cache), and IMDS caches it too.");
        say.labNote("tokens now last 2 s instead of 24 h, and SQL1 closes connections idle for 0.8 s instead of 30"
            + " minutes, so that in seconds tokens expire and the pool has to log in again.");
        // The laptop of step 9 boots while this step mostly waits for tokens to expire.
        laptop = wiring.startLaptop("laptop", developerSignIn());
        lab.settings().managedIdentityTokenLifetime(Duration.ofSeconds(2)).validationClockSkew(Duration.ZERO)
            .sqlIdleSessionTimeout(Duration.ofMillis(800));
        Path config = wiring.file(LabWiring.VM, "app.properties");
        say.say("VM1 runs the app as a service: its main class, in a new JVM, reading orders 4 times, 1.2 s apart,"
            + " through one HikariCP pool:");
        say.code("java -cp ... " + OrdersApp.class.getName() + " --config app.properties --every 1200 --times 4");
        VmProcess service = lab.launchOnVm(LabWiring.VM, OrdersApp.class.getName(),
            List.of("--config", config.toString(), "--every", "1200", "--times", "4"), null);
        // Entra ID rolls its signing key while the service runs.
        boolean rolled = service.awaitLine(0, "Round 1:", 60, TimeUnit.SECONDS) >= 0;
        if (rolled) {
            lab.signingKeys().rollover();
        }
        int exit = service.waitFor(60, TimeUnit.SECONDS);
        lab.settings().managedIdentityTokenLifetime(Duration.ofHours(24)).validationClockSkew(Duration.ofMinutes(5))
            .sqlIdleSessionTimeout(Duration.ofMinutes(30));
        say.expect("the service read the orders in all 4 rounds", exit == 0
            && service.output().stream().filter(l -> l.startsWith("Round ")).count() == 4,
            () -> String.join("\n", service.output()));
        List<Hop> logins = lab.trace().since(before).stream()
            .filter(h -> h.from().equals("vm1") && h.to().equals("sql1")).toList();
        Set<String> tokens = new LinkedHashSet<>();
        Set<String> keys = new LinkedHashSet<>();
        java.time.Instant firstExpiry = null;
        for (Hop h : logins) {
            if (h.token() != null) {
                JwtView t = JwtView.decode(h.token());
                tokens.add(t.claim("uti"));
                keys.add(String.valueOf(t.header().get("kid")));
                firstExpiry = firstExpiry == null ? t.time("exp") : firstExpiry;
            }
        }
        java.time.Instant expiredAt = firstExpiry;
        boolean afterExpiry = expiredAt != null
            && logins.stream().anyMatch(h -> h.ok() && h.at().isAfter(expiredAt));
        long imdsCalls = count(before, "vm1", "IMDS (vm1)");
        say.show("logins", logins.size() + ", all accepted: " + logins.stream().allMatch(Hop::ok));
        say.show("IMDS calls", imdsCalls);
        say.show("tokens", tokens.size() + " different tokens, signed with " + keys.size() + " keys (rolled over"
            + " after round 1)");
        say.expect("new connections kept logging in with new tokens after the first one expired, signed with the old"
            + " key and then the new one", rolled && logins.size() >= 4 && logins.stream().allMatch(Hop::ok)
            && afterExpiry && tokens.size() >= 2 && keys.size() == 2, () -> logins.size() + " logins (all accepted: "
            + logins.stream().allMatch(Hop::ok) + ", one after the first token's exp: " + afterExpiry + "), "
            + tokens.size() + " tokens, " + keys.size() + " keys");
        say.why("The identity's real credential is Azure's to hold and rotate; the app only ever sees short-lived"
            + " tokens, which azure-identity renews before they expire, and SQL1 trusts whatever key Entra ID"
            + " publishes. There is no code for rotation because there is nothing to rotate.");
    }

    private void theSameAppOnALaptop() throws Exception {
        Path config = writeConfig("app.properties", "sql.authentication=managed-identity");
        try (Machine laptop = this.laptop) {
            Path onLaptop = copyTo("laptop", config);
            Machine.Result mi = laptop.run(OrdersApp.class, "--config", onLaptop.toString());
            say.say("On a laptop there is no IMDS, so ManagedIdentityCredential has nothing to ask:");
            mi.lines().forEach(l -> say.show("laptop>", l));
            say.expect("it fails: there is no managed identity here to get a token from", mi.exitCode() == 2,
                mi::text);
            Path withDefault = writeConfigOn("laptop", "app.properties", "sql.authentication=managed-identity",
                "azure.credential=default");
            say.say("With azure.credential=default the same code uses DefaultAzureCredential, which tries the"
                + " environment, workload identity, managed identity, then developer tools (az login):");
            Machine.Result dev = laptop.run(OrdersApp.class, "--config", withDefault.toString());
            say.expect("the developer's own sign-in reads the orders (as the database's Entra admin)",
                dev.exitCode() == 0 && dev.text().contains("Signed in to Azure SQL as " + lab.admin().clientId()),
                dev::text);
            say.labNote("the laptop has no route to 169.254.169.254, so the lab's HTTP client refuses at once; a real"
                + " laptop fails the same way after its connection attempts time out. The developer's sign-in here is the lab admin's settings in the laptop's environment"
                + " (EnvironmentCredential); on your laptop it is az login (AzureCliCredential), with no secret.");
        }
        say.why("Code that uses DefaultAzureCredential runs unchanged on a laptop and on VM1; on the VM it finds the"
            + " managed identity, on the laptop the developer, and neither needs a secret in the app.");
    }

    private void deleteTheVm() throws Exception {
        vm1.close();
        say.say("The admin deletes VM1:");
        say.code("compute.virtualMachines().deleteByResourceGroup(\"" + Lab.DEFAULT_RESOURCE_GROUP + "\", \"vm1\")");
        admin.compute.virtualMachines().deleteByResourceGroup(Lab.DEFAULT_RESOURCE_GROUP, LabWiring.VM);
        say.expect("its service principal is gone from Entra ID: no new token for it, ever",
            lab.directory().byObjectId(principalId).isEmpty(), () -> "still there");
        List<RoleAssignment> left = admin.authorization.roleAssignments().listByServicePrincipal(principalId)
            .stream().toList();
        say.expect("its Contributor assignment on SQL1 is left behind, its principal unknown (the portal says"
            + " \"Identity not found\")", left.size() == 1 && "Unknown".equals(String.valueOf(
            left.get(0).innerModel().principalType())), left::toString);
        say.expect("its database user vm1 is left behind in db1, holding the deleted identity's id",
            lab.sqlServer(LabWiring.SQL_SERVER).database(LabWiring.DATABASE).flatMap(d -> d.user(LabWiring.VM))
                .isPresent(), () -> "no user vm1");
        say.labNote("on Azure: SELECT name, sid FROM sys.database_principals in db1 lists it.");
        JwtView stolen = JwtView.decode(stolenToken);
        String who = admin.loginWith(stolenToken);
        say.expect("a token issued before the deletion still logs in, until its exp " + stolen.time("exp"),
            who.startsWith(stolen.claim("appid")), () -> who);
        lab.clock().advance(Duration.between(lab.clock().instant(), stolen.time("exp")).plusMinutes(6));
        try {
            admin.loginWith(stolenToken);
            say.expect("after exp it is refused", false, () -> "it still logged in");
        } catch (SQLException e) {
            say.expect("after exp (and 5 minutes' clock skew) it is refused: " + e.getMessage(),
                e.getErrorCode() == 18456 && e.getMessage().contains("Token is expired"), e::getMessage);
        } finally {
            lab.clock().reset();
        }
        say.labNote("the lab's clock moved past exp for that one login; nobody can revoke an issued token sooner.");
        say.say("A new VM1 (same name) with its identity turned on:");
        lab.createVirtualMachine(LabWiring.VM);
        VirtualMachine again = admin.compute.virtualMachines().getByResourceGroup(Lab.DEFAULT_RESOURCE_GROUP,
            LabWiring.VM);
        again.update().withSystemAssignedManagedServiceIdentity().apply();
        String newPrincipal = again.systemAssignedManagedServiceIdentityPrincipalId();
        say.show("principalId", newPrincipal + "  (was " + principalId + ")");
        vm1 = wiring.startVm(LabWiring.VM);
        Machine.Result run = runApp(wiring.file(LabWiring.VM, "app.properties"));
        say.expect("a new identity, which the orphaned database user does not let in (18456)",
            !newPrincipal.equals(principalId) && run.text().contains("SQL error 18456"), run::text);
        try {
            admin.execute("CREATE USER [vm1] FROM EXTERNAL PROVIDER");
            say.expect("the name vm1 is taken by the orphan", false, () -> "CREATE USER [vm1] worked");
        } catch (SQLException e) {
            say.expect("and the name is taken by the orphan: " + e.getMessage(), e.getErrorCode() == 15023,
                e::getMessage);
        }
        say.why("The user vm1 in db1 holds the old identity's id, not the name: the admin must DROP USER [vm1] and"
            + " create it again; a user-assigned identity (demo 02) outlives its VMs instead.");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Machine.Result runApp(Path config) {
        Machine.Result run = vm1.run(OrdersApp.class, "--config", config.toString());
        run.lines().forEach(l -> say.show(vm1.name() + ">", l));
        return run;
    }

    private Path writeConfig(String name, String... settings) throws Exception {
        return writeConfigOn(LabWiring.VM, name, settings);
    }

    private Path writeConfigOn(String machine, String name, String... settings) throws Exception {
        StringBuilder text = new StringBuilder("sql.url=").append(wiring.sqlUrl()).append('\n');
        for (String s : settings) {
            text.append(s).append('\n');
        }
        Path file = wiring.file(machine, name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private Path copyTo(String machine, Path file) throws Exception {
        Path target = wiring.file(machine, file.getFileName().toString());
        Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return target;
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

    /** The settings of a developer's laptop: no route to IMDS's address, and the developer signed in. */
    private Map<String, String> developerSignIn() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        lab.adminEnvironment().forEach((k, v) -> {
            if (k.equals("AZURE_CLIENT_ID") || k.equals("AZURE_CLIENT_SECRET") || k.equals("AZURE_TENANT_ID")) {
                env.put(k, v);
            }
        });
        return env;
    }

    private long count(long since, String from, String to) {
        return lab.trace().since(since).stream().filter(h -> h.from().equals(from) && h.to().equals(to)).count();
    }

    private String lastToken(String from, String to) {
        List<Hop> hops = lab.trace().hops();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Hop h = hops.get(i);
            if (h.from().equals(from) && h.to().equals(to) && h.ok() && h.token() != null) {
                return h.token();
            }
        }
        throw new IllegalStateException("No token of " + from + " reached " + to);
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
        if (vm1 != null) {
            vm1.close();
        }
        if (laptop != null) {
            laptop.close();
        }
        wiring.close();
    }
}
