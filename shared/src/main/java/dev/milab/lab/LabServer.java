package dev.milab.lab;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import dev.milab.arm.VirtualMachine;

/**
 * The lab as a standalone server, for curl and for SDKs in any language: fixed ports, a default scenario, and the
 * addresses and settings a client needs, printed at start. Ctrl-C stops it.
 *
 * <p>Default scenario: one tenant and subscription, resource group {@code rg-lab}, VMs {@code vm1}..{@code vm5}
 * ({@code vm1} with its system-assigned identity on), Azure SQL server {@code sql1} with database {@code db1}, and key
 * vault {@code kv1} (Azure RBAC). Nobody is granted anything: granting is what the demos teach.
 *
 * <p>Options ({@code --help} prints them): {@code --gateway-port N} (default 47443), {@code --imds-port-base N}
 * (default 47000; VM n listens on N+n, so vm1 is 47001), {@code --sql-port N} (default 47433),
 * {@code --console-port N} (default 47080), {@code --state-dir DIR} (default {@code ~/.milab}).
 */
public final class LabServer {

    public static final int DEFAULT_GATEWAY_PORT = 47443;
    public static final int DEFAULT_IMDS_PORT_BASE = 47000;
    public static final int DEFAULT_SQL_PORT = 47433;
    public static final int DEFAULT_CONSOLE_PORT = 47080;

    private LabServer() {
    }

    /** What {@code --help} prints; an unknown or incomplete option prints it to standard error. */
    static final String USAGE = """
        Usage: LabServer [--gateway-port N] [--imds-port-base N] [--sql-port N] [--console-port N] [--state-dir DIR]
                         [--help]

          --gateway-port N     HTTPS port for login.microsoftonline.com, management.azure.com and
                               *.vault.azure.net (default %d)
          --imds-port-base N   vmK's IMDS listens on N+K: vm1 on N+1 ... vm5 on N+5 (default %d, so vm1 is %d)
          --sql-port N         TDS port of Azure SQL server sql1 (default %d)
          --console-port N     the lab console, a web page of the lab's state and traffic (default %d)
          --state-dir DIR      where the lab CA, trust files and admin.env are kept (default ~/.milab)
          --help, -h           print this and exit
        """.formatted(DEFAULT_GATEWAY_PORT, DEFAULT_IMDS_PORT_BASE, DEFAULT_IMDS_PORT_BASE + 1, DEFAULT_SQL_PORT,
            DEFAULT_CONSOLE_PORT);

    /** The command line: ports and state directory, or {@code help} when only the usage is wanted. */
    record Options(int gatewayPort, int imdsPortBase, int sqlPort, Path stateDirectory, boolean help,
                   int consolePort) {

        Options(int gatewayPort, int imdsPortBase, int sqlPort, Path stateDirectory, boolean help) {
            this(gatewayPort, imdsPortBase, sqlPort, stateDirectory, help, DEFAULT_CONSOLE_PORT);
        }

        /** @throws IllegalArgumentException for an unknown option, a missing value or a port that is no number */
        static Options parse(String... args) {
            int gatewayPort = DEFAULT_GATEWAY_PORT;
            int imdsBase = DEFAULT_IMDS_PORT_BASE;
            int sqlPort = DEFAULT_SQL_PORT;
            int consolePort = DEFAULT_CONSOLE_PORT;
            Path state = Path.of(System.getProperty("user.home"), ".milab");
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--help", "-h" -> {
                        return new Options(gatewayPort, imdsBase, sqlPort, state, true, consolePort);
                    }
                    case "--gateway-port" -> gatewayPort = port(option, value(args, ++i, option));
                    case "--imds-port-base" -> imdsBase = port(option, value(args, ++i, option));
                    case "--sql-port" -> sqlPort = port(option, value(args, ++i, option));
                    case "--console-port" -> consolePort = port(option, value(args, ++i, option));
                    case "--state-dir" -> state = Path.of(value(args, ++i, option));
                    default -> throw new IllegalArgumentException("Unknown option " + option);
                }
            }
            return new Options(gatewayPort, imdsBase, sqlPort, state, false, consolePort);
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
        Lab lab = Lab.builder().gatewayPort(options.gatewayPort()).imdsPortBase(options.imdsPortBase())
            .sqlPort(options.sqlPort()).stateDirectory(options.stateDirectory()).keepCaOnDisk(true).start();
        seedDefaultScenario(lab);
        URI console = lab.startConsole(options.consolePort()).address();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            System.out.println("Lab stopped.");
            stopped.countDown();
        }, "lab-shutdown"));
        printBanner(lab, console, System.out);
        stopped.await();
    }

    /** The default scenario of the standalone lab. */
    public static void seedDefaultScenario(Lab lab) {
        for (int i = 1; i <= 5; i++) {
            lab.createVirtualMachine("vm" + i);
        }
        lab.enableSystemAssignedIdentity("vm1");
        lab.createSqlServer("sql1");
        lab.createSqlDatabase("sql1", "db1");
        lab.createKeyVault("kv1");
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
        Path file = lab.trustFiles().caPem().resolveSibling("admin.env");
        StringBuilder text = new StringBuilder("# The lab's admin principal (Owner of the subscription). Lab only.\n"
            + "# Load it into a shell with: set -a; . " + file + "; set +a\n");
        lab.adminEnvironment().forEach((k, v) -> text.append(shellAssignment(k, v)).append('\n'));
        try {
            java.nio.file.Files.writeString(file, text);
            try {
                java.nio.file.Files.setPosixFilePermissions(file,
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system (Windows): the file keeps the directory's permissions
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

    static void printBanner(Lab lab, URI console, PrintStream out) {
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
        out.printf(row, "Trust (PEM):", lab.trustFiles().caPem());
        out.printf(row, "Trust (PKCS12):", lab.trustFiles().trustStore() + " (password "
            + lab.trustFiles().trustStorePassword() + ")");
        out.println();
        out.println("Get a token as vm1, the way Microsoft Learn shows it for 169.254.169.254:");
        out.println("  curl -s '" + lab.imdsAddress(vm1.name()) + "/metadata/identity/oauth2/token?api-version=2018-02-01"
            + "&resource=" + resource + "' -H Metadata:true");
        out.println();
        out.println("Entra ID's signing keys, to validate that token:");
        out.println("  curl -s --cacert " + lab.trustFiles().caPem() + " --connect-to login.microsoftonline.com:443:127.0.0.1:"
            + lab.gatewayPort() + " https://login.microsoftonline.com/" + lab.tenant().id() + "/discovery/keys");
        out.println();
        out.println("JDBC URL for code on vm1 (it asks vm1's IMDS for a token; no password):");
        out.println("  jdbc:sqlserver://127.0.0.1:" + lab.sqlPort() + ";databaseName=db1;encrypt=strict;"
            + "hostNameInCertificate=sql1.database.windows.net;trustStore=" + lab.trustFiles().trustStore()
            + ";trustStorePassword=" + lab.trustFiles().trustStorePassword() + ";authentication=ActiveDirectoryManagedIdentity");
        out.println();
        out.println("Settings (environment variables) for a JVM that runs Azure SDK code \"on vm1\":");
        lab.vmEnvironment(vm1.name()).forEach((k, v) -> out.println("  " + k + "=" + v));
        out.flush();
    }
}
