package dev.milab.lab;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.milab.arm.ResourceIds;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.arm.VirtualMachine;
import dev.milab.entra.ServicePrincipal;
import dev.milab.graph.GraphEndpoint;
import dev.milab.http.LabHttpServer;
import dev.milab.routing.TunnelProxy;
import dev.milab.sql.DatabaseRole;
import dev.milab.sql.SqlDatabase;

/**
 * The lab as a standalone server, for curl and for SDKs in any language: fixed ports, a default scenario, and the
 * addresses and settings a client needs, printed at start. Ctrl-C stops it.
 *
 * <p>Default scenario: one tenant and subscription, resource group {@code rg-lab}, VMs {@code vm1}..{@code vm5}
 * ({@code vm1} with its system-assigned identity on), Azure SQL server {@code sql1} with database {@code db1}, and key
 * vault {@code kv1} (Azure RBAC). The learner (the directory's user) and the admin principal own the subscription;
 * nobody else is granted anything: granting is what the demos teach.
 *
 * <p>Options ({@code --help} prints them): {@code --gateway-port N} (default 47443), {@code --imds-port-base N}
 * (default 47000; VM n listens on N+n, so vm1 is 47001), {@code --sql-port N} (default 47433), {@code --proxy-port N}
 * (default 47480: the lab's {@link TunnelProxy} for clients outside a JVM), {@code --control-port N}
 * (default 47090, the lab's own {@link LabControlEndpoint}), {@code --console-port N} (default 47080, the lab
 * console), {@code --set name=value} (a {@link LabControl} setting),
 * {@code --sql-user NAME} (a database user in {@code db1} for a VM's or identity's principal), {@code --state-dir DIR}
 * (default {@code ~/.milab}).
 */
public final class LabServer {

    public static final int DEFAULT_GATEWAY_PORT = 47443;
    public static final int DEFAULT_IMDS_PORT_BASE = 47000;
    public static final int DEFAULT_SQL_PORT = 47433;
    public static final int DEFAULT_CONTROL_PORT = 47090;
    public static final int DEFAULT_CONSOLE_PORT = 47080;

    private LabServer() {
    }

    /** What {@code --help} prints; an unknown or incomplete option prints it to standard error. */
    static final String USAGE = """
        Usage: LabServer [--gateway-port N] [--imds-port-base N] [--sql-port N] [--proxy-port N]
                         [--control-port N] [--console-port N] [--set NAME=VALUE]... [--sql-user NAME]...
                         [--state-dir DIR] [--help]

          --gateway-port N     HTTPS port for login.microsoftonline.com, management.azure.com and
                               *.vault.azure.net (default %d)
          --imds-port-base N   vmK's IMDS listens on N+K: vm1 on N+1 ... vm5 on N+5 (default %d, so vm1 is %d)
          --sql-port N         TDS port of Azure SQL server sql1 (default %d)
          --proxy-port N       HTTPS_PROXY for Node.js, Python and other non-Java clients: tunnels to the
                               gateway's host names only (default %d)
          --control-port N     the lab's control endpoint: settings, clock, key rollover, device codes, VMs
                               (default %d)
          --console-port N     the lab console, a web page of the lab's state and traffic (default %d)
          --set NAME=VALUE     change a lab setting at start, for example managedIdentityTokenLifetime=2s
                               (GET /lab/settings on the control endpoint lists them)
          --sql-user NAME      create a database user in db1 for the identity of VM or user-assigned
                               identity NAME, member of db_datareader (as CREATE USER [NAME] FROM
                               EXTERNAL PROVIDER does), so that NAME can log in
          --state-dir DIR      where the lab CA, trust files and admin.env are kept (default ~/.milab)
          --help, -h           print this and exit
        """.formatted(DEFAULT_GATEWAY_PORT, DEFAULT_IMDS_PORT_BASE, DEFAULT_IMDS_PORT_BASE + 1, DEFAULT_SQL_PORT,
        TunnelProxy.DEFAULT_PORT, DEFAULT_CONTROL_PORT, DEFAULT_CONSOLE_PORT);

    /** The command line: ports and state directory, or {@code help} when only the usage is wanted. */
    record Options(int gatewayPort, int imdsPortBase, int sqlPort, int proxyPort, int controlPort, int consolePort,
                   List<String> settings, List<String> sqlUsers, Path stateDirectory, boolean help) {

        Options {
            settings = List.copyOf(settings);
            sqlUsers = List.copyOf(sqlUsers);
        }

        /** @throws IllegalArgumentException for an unknown option, a missing value or a port that is no number */
        static Options parse(String... args) {
            int gatewayPort = DEFAULT_GATEWAY_PORT;
            int imdsBase = DEFAULT_IMDS_PORT_BASE;
            int sqlPort = DEFAULT_SQL_PORT;
            int proxyPort = TunnelProxy.DEFAULT_PORT;
            int controlPort = DEFAULT_CONTROL_PORT;
            int consolePort = DEFAULT_CONSOLE_PORT;
            List<String> settings = new ArrayList<>();
            List<String> sqlUsers = new ArrayList<>();
            Path state = Path.of(System.getProperty("user.home"), ".milab");
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--help", "-h" -> {
                        return new Options(gatewayPort, imdsBase, sqlPort, proxyPort, controlPort, consolePort, settings, sqlUsers, state,
                            true);
                    }
                    case "--gateway-port" -> gatewayPort = port(option, value(args, ++i, option));
                    case "--imds-port-base" -> imdsBase = port(option, value(args, ++i, option));
                    case "--sql-port" -> sqlPort = port(option, value(args, ++i, option));
                    case "--proxy-port" -> proxyPort = port(option, value(args, ++i, option));
                    case "--control-port" -> controlPort = port(option, value(args, ++i, option));
                    case "--console-port" -> consolePort = port(option, value(args, ++i, option));
                    case "--set" -> settings.add(value(args, ++i, option));
                    case "--sql-user" -> sqlUsers.add(value(args, ++i, option));
                    case "--state-dir" -> state = Path.of(value(args, ++i, option));
                    default -> throw new IllegalArgumentException("Unknown option " + option);
                }
            }
            return new Options(gatewayPort, imdsBase, sqlPort, proxyPort, controlPort, consolePort, settings, sqlUsers, state, false);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("Option " + option + " needs a value");
            }
            return args[i];
        }

        private static int port(String option, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Option " + option + " needs a number, not " + value);
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(USAGE);
            System.out.flush();
            return;
        }
        Running running;
        try {
            running = start(options);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            System.out.println("Lab stopped.");
            stopped.countDown();
        }, "lab-shutdown"));
        printBanner(running, System.out);
        stopped.await();
    }

    /** A started standalone lab: the lab with its default scenario, and its control endpoint. */
    record Running(Lab lab, LabHttpServer control, URI console) implements AutoCloseable {

        URI controlAddress() {
            return URI.create(control.baseUri() + "/lab");
        }

        @Override
        public void close() {
            control.close();
            lab.close();
        }
    }

    /**
     * Starts the lab as {@code main} does, without the banner or waiting.
     *
     * @throws IllegalArgumentException for a {@code --set} or {@code --sql-user} the lab refuses (nothing is left
     *                                  running)
     */
    static Running start(Options options) {
        Lab lab = Lab.builder().gatewayPort(options.gatewayPort()).imdsPortBase(options.imdsPortBase())
            .sqlPort(options.sqlPort()).proxyPort(options.proxyPort()).stateDirectory(options.stateDirectory())
            .keepCaOnDisk(true).start();
        try {
            seedDefaultScenario(lab);
            LabControl control = new LabControl(lab);
            options.settings().forEach(control::set);
            options.sqlUsers().forEach(name -> addDatabaseUser(lab, name));
            LabHttpServer server = LabHttpServer.start(options.controlPort(), null, "lab-control",
                new LabControlEndpoint(control), null);
            // Device codes are approved here: what az login --use-device-code tells the learner to do.
            String deviceCodes = server.baseUri() + "/lab/device-codes";
            lab.deviceCodes().approveAt(deviceCodes, code -> "curl -X POST " + deviceCodes + "/" + code + "/approve");
            URI console = lab.startConsole(options.consolePort()).address();
            return new Running(lab, server, console);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /**
     * A user in {@code sql1}'s {@code db1} for the principal of VM {@code name} (its system-assigned identity) or of
     * the user-assigned identity {@code name}, in db_datareader: what the Entra admin's {@code CREATE USER [name] FROM
     * EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [name]} makes.
     */
    static void addDatabaseUser(Lab lab, String name) {
        ServicePrincipal principal = lab.virtualMachine(name).map(VirtualMachine::systemAssigned)
            .or(() -> lab.resources().userAssignedIdentity(ResourceIds.userAssignedIdentity(lab.subscriptionId(),
                Lab.DEFAULT_RESOURCE_GROUP, name)).map(UserAssignedIdentity::principal))
            .orElseThrow(() -> new IllegalArgumentException("--sql-user " + name + ": no VM with a system-assigned "
                + "identity and no user-assigned identity of that name (the default scenario has vm1 with one)"));
        SqlDatabase db1 = lab.sqlServer("sql1").database("db1").orElseThrow();
        db1.createExternalUser(name, principal.appId(), principal.objectId());
        db1.addRoleMember(DatabaseRole.DB_DATAREADER, name);
    }

    /** The default scenario of the standalone lab. */
    public static void seedDefaultScenario(Lab lab) {
        for (int i = 1; i <= 5; i++) {
            lab.createVirtualMachine("vm" + i);
        }
        lab.enableSystemAssignedIdentity("vm1");
        lab.createSqlServer("sql1");
        lab.createSqlDatabase("sql1", "db1");
        // sql1's Microsoft Entra admin is the admin principal, as after "az sql server ad-admin create": who may
        // create database users. Nobody else is in db1.
        AdminPrincipal admin = lab.admin();
        lab.resources().setSqlEntraAdmin(Lab.DEFAULT_RESOURCE_GROUP, "sql1", new dev.milab.arm.SqlServer.SqlEntraAdmin(
            lab.directory().byObjectId(admin.objectId()).orElseThrow().displayName(), admin.objectId(),
            admin.tenantId(), "Application", false));
        lab.createKeyVault("kv1");
        // The admin principal may register applications (Graph's application permission Application.ReadWrite.All,
        // consented as an administrator would): az ad app create, az ad sp create-for-rbac, az ad app credential
        // reset. The learner may as a user (Directory.AccessAsUser.All), as a tenant's users may by default.
        lab.directory().grantAppRole(admin.objectId(), GraphEndpoint.RESOURCE, GraphEndpoint.APPLICATION_READ_WRITE_ALL);
        // The learner owns the lab's subscription, as the person whose subscription it is.
        lab.resources().createRoleAssignment(new dev.milab.arm.RoleAssignment(java.util.UUID.randomUUID().toString(),
            ResourceIds.subscription(lab.subscriptionId()), dev.milab.arm.BuiltInRoles.OWNER.name(),
            lab.learner().objectId(), "User", "The lab's learner", lab.clock().instant().minus(java.time.Duration.ofDays(1)),
            lab.admin().objectId()));
    }

    /**
     * Writes the admin workstation's settings ({@link Lab#adminEnvironment()}) to {@code admin.env} in the state
     * directory, readable by its owner only: it holds the lab's one deliberate client secret.
     *
     * <p>Each line is {@code KEY='value'} so that a POSIX shell can source the file ({@code set -a; . admin.env}):
     * {@code MILAB_ROUTES} holds {@code ;}, which unquoted ends a shell command. systemd's {@code EnvironmentFile},
     * docker compose's {@code env_file} and python-dotenv strip the quotes too; {@code docker run --env-file} does
     * not (it takes everything after {@code =} literally), so the file is for shells first.
     */
    static Path writeAdminEnvironment(Lab lab) {
        return writeEnvironment(lab.trustFiles().caPem().resolveSibling("admin.env"),
            "# The lab's admin principal (Owner of the subscription). Lab only.", lab.adminEnvironment(), true);
    }

    /**
     * Writes {@link Lab#proxyEnvironment()} to {@code proxy.env} beside {@code admin.env}: what sends the Azure CLI,
     * Node.js, Python or curl to this lab with Azure's URLs, trusting the lab CA only. No secret in it.
     */
    static Path writeProxyEnvironment(Lab lab) {
        return writeEnvironment(lab.trustFiles().caPem().resolveSibling("proxy.env"),
            "# Azure's host names through the lab's proxy, trusting the lab CA only.", lab.proxyEnvironment(), false);
    }

    private static Path writeEnvironment(Path file, String header, Map<String, String> settings, boolean ownerOnly) {
        StringBuilder text = new StringBuilder(header + "\n# Load it into a shell with: set -a; . " + file
            + "; set +a\n");
        settings.forEach((k, v) -> text.append(shellAssignment(k, v)).append('\n'));
        try {
            java.nio.file.Files.writeString(file, text);
            if (ownerOnly) {
                try {
                    java.nio.file.Files.setPosixFilePermissions(file,
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system (Windows): the file keeps the directory's permissions
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    /**
     * {@code KEY='value'}, with each {@code '} in the value written as {@code '\''} (POSIX shell, "Single-Quotes":
     * nothing inside single quotes is special, so the value comes back exactly).
     */
    static String shellAssignment(String key, String value) {
        if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("Not a shell variable name: " + key);
        }
        return key + "='" + value.replace("'", "'\\''") + "'";
    }

    static void printBanner(Running running, PrintStream out) {
        printBanner(running.lab(), running.controlAddress(), running.console(), out);
    }

    static void printBanner(Lab lab, URI control, URI console, PrintStream out) {
        VirtualMachine vm1 = lab.virtualMachine("vm1").orElseThrow();
        String resource = URLEncoder.encode("https://management.azure.com/", StandardCharsets.UTF_8);
        String row = "%-16s%s%n";
        out.println("Managed Identity Lab is running (Ctrl-C stops it).");
        out.println();
        out.printf(row, "Tenant:", lab.tenant().id());
        out.printf(row, "Subscription:", lab.subscriptionId() + " (resource group " + Lab.DEFAULT_RESOURCE_GROUP + ")");
        out.printf(row, "Gateway:", lab.gatewayAddress() + "  serves " + String.join(", ", Lab.GATEWAY_HOSTS));
        for (VirtualMachine vm : lab.resources().virtualMachines()) {
            out.printf(row, "IMDS " + vm.name() + ":", lab.imdsAddress(vm.name()) + "  identity: " + vm.identityType()
                + (vm.systemAssigned() != null ? " (principalId " + vm.systemAssigned().objectId() + ")" : ""));
        }
        out.printf(row, "Azure SQL:", "sql1.database.windows.net at 127.0.0.1:" + lab.sqlPort()
            + "  database db1, TDS 8.0 (strict) and 7.4");
        out.printf(row, "Key Vault:", "https://kv1.vault.azure.net  (Azure RBAC) via the gateway");
        out.printf(row, "Console:", console + "  the lab's resources, identities and every hop, live (read-only)");
        out.printf(row, "Admin (Owner):", writeAdminEnvironment(lab) + "  (AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, "
            + "AZURE_TENANT_ID for DefaultAzureCredential)");
        out.printf(row, "Learner:", lab.learner().userPrincipalName() + " (Owner)  az login --use-device-code, then "
            + "curl -X POST " + control + "/device-codes/<code>/approve");
        out.printf(row, "Trust (PEM):", lab.trustFiles().caPem());
        out.printf(row, "Trust (PKCS12):", lab.trustFiles().trustStore() + " (password "
            + lab.trustFiles().trustStorePassword() + ")");
        out.printf(row, "Proxy:", lab.proxyAddress() + "  HTTPS_PROXY for the Azure CLI, Node.js, Python: "
            + writeProxyEnvironment(lab));
        out.printf(row, "Lab control:", control + "  (settings, clock, key rollover, device codes, VMs; not an Azure API)");
        out.println();
        out.println("Get a token as vm1, the way Microsoft Learn shows it for 169.254.169.254:");
        out.println("  curl -s '" + lab.imdsAddress(vm1.name()) + "/metadata/identity/oauth2/token?api-version=2018-02-01"
            + "&resource=" + resource + "' -H Metadata:true");
        out.println();
        out.println("Entra ID's signing keys, to validate that token:");
        out.println("  curl -s --cacert " + lab.trustFiles().caPem() + " --connect-to login.microsoftonline.com:443:127.0.0.1:"
            + lab.gatewayPort() + " https://login.microsoftonline.com/" + lab.tenant().id() + "/discovery/keys");
        out.println();
        boolean vm1HasAUser = lab.sqlServer("sql1").database("db1").flatMap(db -> db.user(vm1.name())).isPresent();
        out.println("JDBC URL for code on vm1 (it asks vm1's IMDS for a token; no password):");
        out.println("  jdbc:sqlserver://127.0.0.1:" + lab.sqlPort() + ";databaseName=db1;encrypt=strict;"
            + "hostNameInCertificate=sql1.database.windows.net;trustStore=" + lab.trustFiles().trustStore()
            + ";trustStorePassword=" + lab.trustFiles().trustStorePassword() + ";authentication=ActiveDirectoryManagedIdentity");
        if (vm1HasAUser) {
            out.println("  vm1 has a user in db1 (db_datareader), so this logs in as vm1.");
        } else {
            out.println("  It answers 18456 until db1 has a user for vm1, as on Azure. Start the lab with --sql-user vm1,");
            out.println("  or have sql1's Entra admin (the admin principal) run CREATE USER [vm1] FROM EXTERNAL PROVIDER.");
        }
        out.println();
        out.println("Settings (environment variables) for a JVM that runs Azure SDK code \"on vm1\":");
        lab.vmEnvironment(vm1.name()).forEach((k, v) -> out.println("  " + k + "=" + v));
        out.println();
        out.println("Settings for Node.js or Python on vm1 (shared/README.md, \"Use the standalone lab from JavaScript "
            + "and Python\"):");
        clientEnvironment(lab, vm1.name()).forEach((k, v) -> out.println("  " + k + "=" + v));
        out.flush();
    }

    /**
     * The settings of a program outside a JVM on {@code vmName} (Node.js, Python): the proxy for Azure's host names
     * (loopback bypasses it), the lab CA for Node.js and for Python's {@code ssl} module, and the VM's IMDS, which
     * {@code @azure/identity} (through msal-node) and Python's {@code azure-identity} take from
     * {@code AZURE_POD_IDENTITY_AUTHORITY_HOST}.
     */
    static Map<String, String> clientEnvironment(Lab lab, String vmName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTPS_PROXY", lab.proxyAddress().toString());
        env.put("NO_PROXY", "127.0.0.1,localhost");
        env.put("NODE_EXTRA_CA_CERTS", lab.trustFiles().caPem().toString());
        env.put("SSL_CERT_FILE", lab.trustFiles().caPem().toString());
        env.put("AZURE_POD_IDENTITY_AUTHORITY_HOST", lab.imdsAddress(vmName).toString());
        return env;
    }
}
