package dev.milab.systemassigned.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.milab.kit.Machine;
import dev.milab.kit.junit.LabExtension;

/**
 * The orders app on a VM with a system-assigned identity, offline: what demo 01 shows, as a test of the app code
 * alone. Each VM here is its own machine with its own JVM, so one test's grant cannot help another's.
 */
class OrdersAppIT {

    @RegisterExtension
    static LabExtension lab = LabExtension.withVm("vm1").systemAssigned()
        .andVm("vm2").systemAssigned()
        .sqlServer("sql1", "db1");

    @TempDir
    static Path disk;

    private static final List<String> THE_ORDERS = List.of(
        "Order 1  Contoso          120.50",
        "Order 2  Fabrikam          89.90",
        "Order 3  Northwind        240.00");

    @BeforeAll
    static void theDatabaseHasOrders() throws Exception {
        lab.sqlAdmin("sql1", "db1").execute(
            "CREATE TABLE dbo.Orders (Id int PRIMARY KEY, Customer nvarchar(50), Total decimal(10,2));"
            + " INSERT INTO dbo.Orders VALUES (1, N'Contoso', 120.50), (2, N'Fabrikam', 89.90),"
            + " (3, N'Northwind', 240.00);");
    }

    /** The app's config file: the server and database, then {@code lines}; no secret. */
    private static Path appProperties(String name, String... lines) throws Exception {
        List<String> all = new ArrayList<>();
        all.add("sql.url=" + lab.jdbcUrl("sql1", "db1"));
        all.addAll(List.of(lines));
        return Files.write(disk.resolve(name), all, StandardCharsets.UTF_8);
    }

    private static String signedInAs(String vm) {
        return "Signed in to Azure SQL as " + lab.systemAssignedIdentity(vm).appId() + "@" + lab.get().tenant().id()
            + " (database user " + vm + ")";
    }

    @Test
    void withManagedIdentityTheAppIsRefusedUntilTheVmIsADatabaseUserAndThenReadsTheOrders() throws Exception {
        Path config = appProperties("app.properties", "sql.authentication=managed-identity");

        Machine.Result refused = lab.runOnVm("vm1", OrdersApp.class, "--config", config.toString());
        lab.sqlAdmin("sql1", "db1").execute(
            "CREATE USER [vm1] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [vm1];");
        Machine.Result read = lab.runOnVm("vm1", OrdersApp.class, "--config", config.toString());

        assertThat(refused.exitCode()).as(refused.text()).isEqualTo(1);
        // mssql-jdbc appends " ClientConnectionId:<id>" to the server's message
        assertThat(refused.lines()).singleElement().asString().startsWith(
            "Cannot read orders: SQL error 18456: Login failed for user '<token-identified principal>'.");
        assertThat(read.exitCode()).as(read.text()).isZero();
        assertThat(read.lines()).containsExactlyElementsOf(concat(signedInAs("vm1"), THE_ORDERS));
    }

    @Test
    void withTheConnectionStringAloneTheDriverGetsTheTokenFromImdsItself() throws Exception {
        lab.sqlAdmin("sql1", "db1").execute(
            "CREATE USER [vm2] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [vm2];");
        Path config = appProperties("app-connection-string.properties", "sql.authentication=connection-string");

        Machine.Result read = lab.runOnVm("vm2", OrdersApp.class, "--config", config.toString());

        assertThat(read.exitCode()).as(read.text()).isZero();
        assertThat(read.lines()).containsExactlyElementsOf(concat(signedInAs("vm2"), THE_ORDERS));
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
