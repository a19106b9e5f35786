package dev.milab.systemassigned.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.milab.kit.Machine;
import dev.milab.kit.MachineShell;
import dev.milab.lab.Lab;
import dev.milab.routing.LabHttpClientProvider;
import dev.milab.routing.LabRouting;

/**
 * Everything that makes this demo run on the lab instead of Azure, in one place: start the lab, create what the
 * module README's az script creates on Azure (VM1, SQL1 with db1), route this JVM's Azure SDK traffic to the lab,
 * sign this JVM in as the lab's admin, and start programs "on" a machine in a JVM with that machine's settings.
 */
final class LabWiring implements AutoCloseable {

    static final String VM = "vm1";
    static final String SQL_SERVER = "sql1";
    static final String DATABASE = "db1";

    final Lab lab;
    final Path disks;

    LabWiring() throws Exception {
        // The lab's HTTP client is this JVM's azure-core client, routed to the lab and trusting only its CA.
        System.setProperty("AZURE_HTTP_CLIENT_IMPLEMENTATION", LabHttpClientProvider.class.getName());
        lab = Lab.start();
        LabRouting.install(lab.routesForWorkstation());
        // DefaultAzureCredential reads these settings (system properties or environment): you, signed in.
        lab.adminEnvironment().forEach((k, v) -> {
            if (k.startsWith("AZURE_") && !k.equals("AZURE_HTTP_CLIENT_IMPLEMENTATION")) {
                System.setProperty(k, v);
            }
        });
        lab.createVirtualMachine(VM);
        lab.createSqlServer(SQL_SERVER);
        lab.createSqlDatabase(SQL_SERVER, DATABASE);
        disks = Files.createTempDirectory("milab-01-");
    }

    /** The JDBC URL of SQL1 as seen from any machine here: the lab's port, Azure's host name for TLS. */
    String sqlUrl() {
        return "jdbc:sqlserver://127.0.0.1:" + lab.sqlPort() + ";databaseName=" + DATABASE + ";encrypt=strict"
            + ";hostNameInCertificate=" + SQL_SERVER + ".database.windows.net;trustStore="
            + lab.trustFiles().trustStore() + ";trustStorePassword=" + lab.trustFiles().trustStorePassword()
            + ";loginTimeout=15";
    }

    /** What a machine's JVM loads while it waits for its first program: the app's libraries. */
    private static final List<String> PRELOAD = List.of("com.microsoft.sqlserver.jdbc.SQLServerDataSource",
        "com.microsoft.sqlserver.jdbc.SQLServerConnection", "com.zaxxer.hikari.HikariDataSource",
        "com.azure.identity.ManagedIdentityCredentialBuilder", "com.azure.identity.DefaultAzureCredentialBuilder",
        "com.microsoft.aad.msal4j.ManagedIdentityApplication", "com.azure.resourcemanager.sql.SqlServerManager",
        "dev.milab.systemassigned.app.OrdersApp");

    /** Starts a JVM "on" a VM: its IMDS, Azure's host names routed to the lab. */
    Machine startVm(String vmName) {
        return new Machine(vmName, lab.launchOnVm(vmName, MachineShell.class.getName(), PRELOAD, null));
    }

    /** Starts a JVM on a laptop outside Azure, with {@code settings} (for example a developer's sign-in). */
    Machine startLaptop(String name, Map<String, String> settings) {
        return new Machine(name, lab.launchOffAzure(name, settings, MachineShell.class.getName(), PRELOAD, null));
    }

    /** A file on a machine's "disk" (a folder of this run). */
    Path file(String machine, String name) throws Exception {
        Path dir = Files.createDirectories(disks.resolve(machine));
        return dir.resolve(name);
    }

    @Override
    public void close() {
        lab.close();
    }
}
