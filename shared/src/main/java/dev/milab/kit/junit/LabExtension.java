package dev.milab.kit.junit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.milab.arm.SqlServer.SqlEntraAdmin;
import dev.milab.entra.ServicePrincipal;
import dev.milab.kit.Machine;
import dev.milab.kit.MachineShell;
import dev.milab.lab.AdminPrincipal;
import dev.milab.lab.Lab;
import dev.milab.routing.LabHttpClientProvider;
import dev.milab.routing.LabRouting;
import dev.milab.routing.RouteTable;

/**
 * A JUnit 5 extension for testing your own copy of a demo's app code with no Azure subscription: one lab per test
 * class, with the VMs, managed identities and SQL servers the test names.
 *
 * <pre>{@code
 * @RegisterExtension
 * static LabExtension lab = LabExtension.withVm("vm1").systemAssigned().sqlServer("sql1", "db1");
 *
 * @Test
 * void vm1ReadsTheOrders() throws Exception {
 *     lab.sqlAdmin("sql1", "db1").execute("CREATE USER [vm1] FROM EXTERNAL PROVIDER");
 *     Files.writeString(config, "sql.url=" + lab.jdbcUrl("sql1", "db1"));
 *     Machine.Result run = lab.runOnVm("vm1", OrdersApp.class, "--config", config.toString());
 *     assertThat(run.exitCode()).isZero();
 * }
 * }</pre>
 *
 * <p>Before the class's first test the lab starts on free loopback ports and the test JVM becomes the admin
 * workstation: its Azure SDK traffic goes to the lab ({@code AZURE_HTTP_CLIENT_IMPLEMENTATION} and the lab's routes),
 * and it is on no VM, so it has no managed identity. Code that should run <em>on</em> a VM runs in that VM's own JVM
 * ({@link #runOnVm}), because azure-identity's managed identity token cache (MSAL's) is one per JVM: in the test JVM it
 * would hand one VM's token to another, or an earlier lab's token to this one. After the last test, the VMs' JVMs end,
 * the lab closes, and the test JVM's routing is what it was before.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    /** The setting azure-core reads to pick its HTTP client. */
    static final String HTTP_CLIENT_SETTING = "AZURE_HTTP_CLIENT_IMPLEMENTATION";

    /** A VM the test asked for, with the identities it should have. */
    private static final class PlannedVm {
        final String name;
        boolean systemAssigned;
        final List<String> userAssigned = new ArrayList<>();

        PlannedVm(String name) {
            this.name = name;
        }
    }

    private final List<PlannedVm> vms = new ArrayList<>();
    private final Map<String, List<String>> sqlServers = new LinkedHashMap<>();
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();

    private Lab lab;
    private String startedFor;
    private RouteTable routes;
    private RouteTable routesBefore;
    private String httpClientBefore;

    private LabExtension() {
    }

    /** A lab with one VM (no identity yet: add {@link #systemAssigned()} or {@link #userAssigned}). */
    public static LabExtension withVm(String name) {
        return new LabExtension().andVm(name);
    }

    /** A lab with a SQL server and its databases, and no VM (yet: add {@link #andVm}). */
    public static LabExtension withSqlServer(String server, String... databases) {
        return new LabExtension().sqlServer(server, databases);
    }

    /** One more VM; the identity methods that follow apply to it. */
    public LabExtension andVm(String name) {
        requireNotStarted();
        vms.add(new PlannedVm(name));
        return this;
    }

    /** Turns on the system-assigned identity of the VM named last: its service principal is named after the VM. */
    public LabExtension systemAssigned() {
        lastVm("systemAssigned()").systemAssigned = true;
        return this;
    }

    /**
     * Creates the user-assigned identity {@code identityName} (once, however many VMs name it) and attaches it to the
     * VM named last.
     */
    public LabExtension userAssigned(String identityName) {
        lastVm("userAssigned(...)").userAssigned.add(identityName);
        return this;
    }

    /** A logical SQL server ({@code <server>.database.windows.net}) with these databases. */
    public LabExtension sqlServer(String server, String... databases) {
        requireNotStarted();
        sqlServers.computeIfAbsent(server, s -> new ArrayList<>()).addAll(List.of(databases));
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (lab != null) {
            // A @Nested class inherits the extension: it shares the lab its enclosing class started.
            return;
        }
        startedFor = context.getUniqueId();
        httpClientBefore = System.getProperty(HTTP_CLIENT_SETTING);
        routesBefore = LabRouting.current().orElse(null);
        lab = Lab.start();
        try {
            System.setProperty(HTTP_CLIENT_SETTING, LabHttpClientProvider.class.getName());
            routes = lab.routesForWorkstation();
            LabRouting.install(routes);
            for (PlannedVm vm : vms) {
                lab.createVirtualMachine(vm.name);
                if (vm.systemAssigned) {
                    lab.enableSystemAssignedIdentity(vm.name);
                }
                for (String identity : vm.userAssigned) {
                    lab.createUserAssignedIdentity(identity);
                    lab.attachUserAssignedIdentity(vm.name, identity);
                }
            }
            sqlServers.forEach((server, databases) -> {
                lab.createSqlServer(server);
                databases.forEach(database -> lab.createSqlDatabase(server, database));
            });
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (lab == null) {
            throw new ExtensionConfigurationException("LabExtension starts one lab per test class: register it on a"
                + " static field (@RegisterExtension static LabExtension lab = ...)");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (lab != null && context.getUniqueId().equals(startedFor)) {
            stop();
        }
    }

    private void stop() {
        machines.values().forEach(Machine::close);
        machines.clear();
        lab.close();
        lab = null;
        LabRouting.uninstall(routes);
        if (routesBefore != null && LabRouting.current().isEmpty()) {
            LabRouting.install(routesBefore);
        }
        if (httpClientBefore == null) {
            System.clearProperty(HTTP_CLIENT_SETTING);
        } else {
            System.setProperty(HTTP_CLIENT_SETTING, httpClientBefore);
        }
    }

    /** The running lab, for anything the helpers here do not cover (its directory, resources, trace, clock). */
    public Lab get() {
        if (lab == null) {
            throw new IllegalStateException("The lab runs from before the test class's first test to after its last;"
                + " register LabExtension with @RegisterExtension on a static field");
        }
        return lab;
    }

    /**
     * The settings, as environment variables, that a process on {@code vm} gets: IMDS at the VM's address and Azure's
     * host names routed to the lab. No secret: a VM has none.
     */
    public Map<String, String> vmSettings(String vm) {
        return get().vmEnvironment(vm);
    }

    /**
     * The JDBC URL of {@code database} on {@code server} from any machine of the lab: the lab's TDS port on loopback,
     * Azure's host name for the certificate check, the lab CA as trust store. On Azure it is
     * {@code jdbc:sqlserver://<server>.database.windows.net:1433;databaseName=<database>;encrypt=true}.
     */
    public String jdbcUrl(String server, String database) {
        Lab running = get();
        dev.milab.sql.SqlServer sql = running.sqlServer(server);
        sql.database(database).orElseThrow(() -> new IllegalArgumentException(
            "SQL server " + server + " has no database " + database));
        // instanceName: LOGIN7 carries it, and it tells the lab's one TDS port which server is meant.
        return running.jdbcUrl(server, database) + ";instanceName=" + sql.name();
    }

    /**
     * Runs {@code program} on {@code vm} and waits for it to end: its {@code static int run(String[], PrintStream)}
     * if it has one, else its {@code main}. Programs on one VM run one after the other in the same JVM, which keeps
     * what a long-running process keeps (azure-identity's token cache).
     */
    public Machine.Result runOnVm(String vm, Class<?> program, String... args) {
        return machine(vm).run(program, args);
    }

    /** The JVM "on" {@code vm} (started on first use, ended after the test class). */
    public Machine machine(String vm) {
        Lab running = get();
        return machines.computeIfAbsent(vm.toLowerCase(java.util.Locale.ROOT), key -> new Machine(vm,
            running.launchOnVm(vm, MachineShell.class.getName(), List.of(), null)));
    }

    /** The system-assigned identity of {@code vm} (its service principal), once the VM has one. */
    public ServicePrincipal systemAssignedIdentity(String vm) {
        ServicePrincipal identity = get().virtualMachine(vm)
            .orElseThrow(() -> new IllegalArgumentException("No VM named " + vm)).systemAssigned();
        if (identity == null) {
            throw new IllegalStateException(vm + " has no system-assigned identity");
        }
        return identity;
    }

    /**
     * Makes the lab's admin principal the Microsoft Entra admin of {@code server} (as the portal's "Set admin" or
     * ARM's {@code administrators/ActiveDirectory} does) and returns it, signed in to {@code database}, to seed tables
     * and grant access with T-SQL.
     */
    public SqlAdmin sqlAdmin(String server, String database) {
        Lab running = get();
        AdminPrincipal admin = running.admin();
        ServicePrincipal principal = running.directory().byObjectId(admin.objectId()).orElseThrow();
        if (running.resources().sqlServer(Lab.DEFAULT_RESOURCE_GROUP, server).isPresent()) {
            // Through Resource Manager's state, which the TDS endpoint follows (and would reset a direct setting to).
            running.resources().setSqlEntraAdmin(Lab.DEFAULT_RESOURCE_GROUP, server, new SqlEntraAdmin(
                principal.displayName(), admin.objectId(), admin.tenantId(), "Application", false));
        } else {
            running.sqlServer(server).setEntraAdmin(principal);
        }
        return new SqlAdmin(running, principal, jdbcUrl(server, database));
    }

    private PlannedVm lastVm(String method) {
        requireNotStarted();
        if (vms.isEmpty()) {
            throw new IllegalStateException(method + " gives an identity to the VM named last; name one first with"
                + " withVm(...) or andVm(...)");
        }
        return vms.get(vms.size() - 1);
    }

    private void requireNotStarted() {
        if (lab != null) {
            throw new IllegalStateException("The lab has started: describe it before the first test");
        }
    }
}
