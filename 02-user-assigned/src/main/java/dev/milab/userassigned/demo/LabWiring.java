package dev.milab.userassigned.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import dev.milab.kit.Machine;
import dev.milab.kit.MachineRoom;
import dev.milab.lab.Lab;

/**
 * Everything that makes this demo run on the lab instead of Azure, in one place: start the lab, create what the
 * module README's az script creates on Azure besides the identity (VM1..VM5, SQL1 with db1), turn on Entra ID's
 * replication window for new principals (step 4 shows it), route this JVM's Azure
 * SDK traffic to the lab, sign this JVM in as the lab's admin, and start programs "on" a VM in a JVM with that VM's
 * settings.
 */
final class LabWiring implements AutoCloseable {

    static final List<String> VMS = IntStream.rangeClosed(1, 5).mapToObj(n -> "vm" + n).toList();
    static final String SQL_SERVER = "sql1";
    static final String DATABASE = "db1";
    /** Entra ID's replication window for new principals, which step 4 runs into (the lab's default is none). */
    static final java.time.Duration REPLICATION_WINDOW = java.time.Duration.ofSeconds(60);

    final Lab lab;
    final MachineRoom machines;

    LabWiring() throws Exception {
        lab = Lab.start();
        lab.settings().principalReplicationDelay(REPLICATION_WINDOW);
        // This JVM is your workstation: Azure SDK traffic to the lab, DefaultAzureCredential signed in as you.
        lab.signInThisJvmAsAdmin();
        VMS.forEach(lab::createVirtualMachine);
        lab.createSqlServer(SQL_SERVER);
        lab.createSqlDatabase(SQL_SERVER, DATABASE);
        machines = new MachineRoom(lab, "02", PRELOAD);
    }

    /** The JDBC URL of SQL1 as seen from any machine here: the lab's port, Azure's host name for TLS. */
    String sqlUrl() {
        return lab.jdbcUrl(SQL_SERVER, DATABASE);
    }

    /** What a VM's JVM loads while it waits for its first program: the app's libraries. */
    private static final List<String> PRELOAD = List.of("com.microsoft.sqlserver.jdbc.SQLServerDataSource",
        "com.microsoft.sqlserver.jdbc.SQLServerConnection", "com.zaxxer.hikari.HikariDataSource",
        "com.azure.identity.ManagedIdentityCredentialBuilder", "com.microsoft.aad.msal4j.ManagedIdentityApplication",
        "com.azure.core.http.HttpPipelineBuilder", "dev.milab.userassigned.app.InventoryApp");

    /**
     * Starts a JVM "on" a VM: its IMDS, Azure's host names routed to the lab. Returns at once; the JVM boots and
     * loads the app's libraries meanwhile.
     */
    Machine startVm(String vmName) {
        return machines.vm(vmName);
    }

    /** A file on a machine's "disk" (a folder of this run). */
    Path file(String machine, String name) throws Exception {
        return machines.file(machine, name);
    }

    @Override
    public void close() {
        lab.close();
    }
}
