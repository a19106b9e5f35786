package dev.milab.systemassigned.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.milab.kit.Machine;
import dev.milab.kit.MachineShell;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.sql.SqlDatabase;
import dev.milab.systemassigned.app.OrdersApp;

/**
 * What a VM process costs: from exec of a new JVM "on VM1" to the first row the app prints (the app's main, a
 * managed identity token from IMDS, a TLS login to Azure SQL, one query), against the same program run again in a
 * JVM that is already warm (what a demo's {@link Machine} gives every step after its first), and a JVM that only
 * starts and exits (the floor no JVM start can go under).
 *
 * <pre>
 * ./mvnw -q -pl 01-system-assigned test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.milab.systemassigned.bench.VmProcessCostBenchmark
 * </pre>
 */
public final class VmProcessCostBenchmark {

    private static final int RUNS = 7;

    private VmProcessCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (Lab lab = Lab.start()) {
            lab.createVirtualMachine("vm1");
            var vm = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
            var server = lab.azureSql().createServer("sql1");
            SqlDatabase db = server.createDatabase("db1");
            // Azure SQL accepts Entra tokens only on a server that has an Entra admin.
            server.setEntraAdmin(lab.createUserAssignedIdentity("sql-admin").principal());
            db.seed("CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Customer nvarchar(50), Total decimal(10,2));"
                + " INSERT INTO dbo.Orders VALUES (1, N'Contoso', 120.50)");
            db.createExternalUser("vm1", vm.appId(), vm.objectId());
            db.addRoleMember(dev.milab.sql.DatabaseRole.DB_DATAREADER, "vm1");
            Path config = Files.createTempFile("bench-", ".properties");
            Files.writeString(config, "sql.url=jdbc:sqlserver://127.0.0.1:" + lab.sqlPort() + ";databaseName=db1"
                + ";encrypt=strict;hostNameInCertificate=sql1.database.windows.net;trustStore="
                + lab.trustFiles().trustStore() + ";trustStorePassword=changeit;loginTimeout=15\n"
                + "sql.authentication=managed-identity\n", StandardCharsets.UTF_8);

            long childCpuBefore = childCpuMillis();
            for (int i = 0; i < RUNS; i++) {
                VmProcess app = lab.launchOnVm("vm1", OrdersApp.class.getName(), List.of("--config",
                    config.toString()), null);
                app.waitFor(60, TimeUnit.SECONDS);
            }
            long cpuPerVmProcess = (childCpuMillis() - childCpuBefore) / RUNS;
            List<Long> floor = new ArrayList<>();
            List<Long> cold = new ArrayList<>();
            List<Long> warm = new ArrayList<>();
            for (int i = 0; i < RUNS + 1; i++) {
                long t0 = System.nanoTime();
                VmProcess empty = lab.launchOnVm("vm1", Empty.class.getName(), List.of(), null);
                empty.waitFor(60, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                VmProcess app = lab.launchOnVm("vm1", OrdersApp.class.getName(), List.of("--config",
                    config.toString()), null);
                int row = app.awaitLine(0, "Order 1", 60, TimeUnit.SECONDS);
                long t2 = System.nanoTime();
                app.waitFor(60, TimeUnit.SECONDS);
                if (row < 0) {
                    throw new IllegalStateException("No row: " + app.output());
                }
                try (Machine shell = new Machine("vm1", lab.launchOnVm("vm1", MachineShell.class.getName(),
                    List.of(), null))) {
                    shell.run(OrdersApp.class, "--config", config.toString());
                    long t3 = System.nanoTime();
                    Machine.Result again = shell.run(OrdersApp.class, "--config", config.toString());
                    long t4 = System.nanoTime();
                    if (again.exitCode() != 0) {
                        throw new IllegalStateException(again.text());
                    }
                    if (i > 0) {
                        floor.add(t1 - t0);
                        cold.add(t2 - t1);
                        warm.add(t4 - t3);
                    }
                }
            }
            print("JVM start and exit, nothing else (floor)", floor);
            print("new JVM on vm1: exec to first row", cold);
            print("warm JVM on vm1 (MachineShell): run to end", warm);
            System.out.printf("%-46s %5d ms (mean of %d; user+sys of the child, from /proc/self/stat)%n",
                "CPU of one new JVM on vm1, exec to exit", cpuPerVmProcess, RUNS);
            System.out.printf("%-46s %5d ms on %d cores%n", "so N such JVMs take at least N x",
                cpuPerVmProcess / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
        }
    }

    private static void print(String what, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf("%-46s min %5d ms  median %5d ms  max %5d ms  (%d runs)%n", what,
            sorted.get(0) / 1_000_000, sorted.get(sorted.size() / 2) / 1_000_000,
            sorted.get(sorted.size() - 1) / 1_000_000, sorted.size());
    }

    /**
     * CPU time of this JVM's children that have ended and been waited for (cutime + cstime of /proc/self/stat, in
     * clock ticks of 10 ms); -1 where there is no /proc.
     */
    private static long childCpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ", field 3 is state; cutime and cstime are fields 16 and 17 of the whole line
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A program that does nothing: what starting a JVM costs. */
    public static final class Empty {
        public static void main(String[] args) {
        }
    }
}
