package dev.milab.systemassigned.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.milab.kit.Machine;
import dev.milab.kit.MachineRoom;
import dev.milab.lab.Lab;

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
    final MachineRoom machines;

    LabWiring() throws Exception {
        lab = Lab.start();
        // This JVM is your workstation: Azure SDK traffic to the lab, DefaultAzureCredential signed in as you.
        lab.signInThisJvmAsAdmin();
        lab.createVirtualMachine(VM);
        lab.createSqlServer(SQL_SERVER);
        lab.createSqlDatabase(SQL_SERVER, DATABASE);
        machines = new MachineRoom(lab, "01", PRELOAD);
    }

    /** The JDBC URL of SQL1 as seen from any machine here: the lab's port, Azure's host name for TLS. */
    String sqlUrl() {
        return lab.jdbcUrl(SQL_SERVER, DATABASE);
    }

    /** What a machine's JVM loads while it waits for its first program: the app's libraries. */
    private static final List<String> PRELOAD = List.of("com.microsoft.sqlserver.jdbc.SQLServerDataSource",
        "com.microsoft.sqlserver.jdbc.SQLServerConnection", "com.zaxxer.hikari.HikariDataSource",
        "com.azure.identity.ManagedIdentityCredentialBuilder", "com.azure.identity.DefaultAzureCredentialBuilder",
        "com.microsoft.aad.msal4j.ManagedIdentityApplication", "com.azure.resourcemanager.sql.SqlServerManager",
        "dev.milab.systemassigned.app.OrdersApp");

    /** Starts a JVM "on" a VM: its IMDS, Azure's host names routed to the lab. */
    Machine startVm(String vmName) {
        return machines.vm(vmName);
    }

    /** Starts a JVM on a laptop outside Azure, with {@code settings} (for example a developer's sign-in). */
    Machine startLaptop(String name, Map<String, String> settings) {
        return machines.offAzure(name, settings);
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
