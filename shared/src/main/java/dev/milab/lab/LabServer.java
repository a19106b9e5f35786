package dev.milab.lab;

import java.io.PrintStream;
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
 * <p>Options: {@code --gateway-port N} (default 47443), {@code --imds-port-base N} (default 47000: vm1 is 47001),
 * {@code --sql-port N} (default 47433), {@code --state-dir DIR} (default {@code ~/.milab}).
 */
public final class LabServer {

    public static final int DEFAULT_GATEWAY_PORT = 47443;
    public static final int DEFAULT_IMDS_PORT_BASE = 47000;
    public static final int DEFAULT_SQL_PORT = 47433;

    private LabServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int gatewayPort = DEFAULT_GATEWAY_PORT;
        int imdsBase = DEFAULT_IMDS_PORT_BASE;
        int sqlPort = DEFAULT_SQL_PORT;
        Path state = Path.of(System.getProperty("user.home"), ".milab");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--gateway-port" -> gatewayPort = Integer.parseInt(args[++i]);
                case "--imds-port-base" -> imdsBase = Integer.parseInt(args[++i]);
                case "--sql-port" -> sqlPort = Integer.parseInt(args[++i]);
                case "--state-dir" -> state = Path.of(args[++i]);
                default -> {
                    System.err.println("Unknown option " + args[i]
                        + "\nUsage: LabServer [--gateway-port N] [--imds-port-base N] [--sql-port N] [--state-dir DIR]");
                    System.exit(2);
                }
            }
        }
        Lab lab = Lab.builder().gatewayPort(gatewayPort).imdsPortBase(imdsBase).sqlPort(sqlPort).stateDirectory(state)
            .keepCaOnDisk(true).start();
        seedDefaultScenario(lab);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            lab.close();
            System.out.println("Lab stopped.");
            stopped.countDown();
        }, "lab-shutdown"));
        printBanner(lab, System.out);
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
     */
    static Path writeAdminEnvironment(Lab lab) {
        Path file = lab.trustFiles().caPem().resolveSibling("admin.env");
        StringBuilder text = new StringBuilder("# The lab's admin principal (Owner of the subscription). Lab only.\n");
        lab.adminEnvironment().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
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

    static void printBanner(Lab lab, PrintStream out) {
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
