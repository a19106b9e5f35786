package dev.milab.userassigned.app;

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

import dev.milab.arm.UserAssignedIdentity;
import dev.milab.kit.Machine;
import dev.milab.kit.junit.LabExtension;

/**
 * The inventory app on VMs that carry a user-assigned identity, offline: what demo 02 shows, as a test of the app
 * code alone. VM1 carries MyUserIdentity; VM2 carries it and MyBatchIdentity.
 */
class InventoryAppIT {

    @RegisterExtension
    static LabExtension lab = LabExtension.withVm("vm1").userAssigned("MyUserIdentity")
        .andVm("vm2").userAssigned("MyUserIdentity").userAssigned("MyBatchIdentity")
        .sqlServer("sql1", "db1");

    @TempDir
    static Path disk;

    private static final List<String> THE_STOCK = List.of(
        "A-100    Hex bolts M8      1200",
        "B-220    Wing nuts M6       640");

    @BeforeAll
    static void theIdentityIsADatabaseUserAndTheDatabaseHasStock() throws Exception {
        lab.sqlAdmin("sql1", "db1").execute(
            "CREATE TABLE dbo.Inventory (Sku nvarchar(8) PRIMARY KEY, Name nvarchar(40), OnHand int);"
            + " INSERT INTO dbo.Inventory VALUES (N'A-100', N'Hex bolts M8', 1200), (N'B-220', N'Wing nuts M6', 640);"
            + " CREATE USER [MyUserIdentity] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER"
            + " [MyUserIdentity];");
    }

    @Test
    void bothVmsReadTheStockAsTheOneIdentity() throws Exception {
        Path config = appProperties("app.properties", "azure.client-id=" + identity("MyUserIdentity").clientId());

        Machine.Result vm1 = lab.runOnVm("vm1", InventoryApp.class, "--config", config.toString());
        Machine.Result vm2 = lab.runOnVm("vm2", InventoryApp.class, "--config", config.toString());

        List<String> expected = new ArrayList<>();
        expected.add("Signed in to Azure SQL as " + identity("MyUserIdentity").clientId() + "@" + lab.get().tenant().id()
            + " (database user MyUserIdentity)");
        expected.addAll(THE_STOCK);
        assertThat(vm1.lines()).as(vm1.text()).containsExactlyElementsOf(expected);
        assertThat(vm2.lines()).as(vm2.text()).containsExactlyElementsOf(expected);
    }

    @Test
    void theConnectionStringNamesTheIdentityWithMsiClientId() throws Exception {
        Path config = appProperties("app-connection-string.properties", "sql.authentication=connection-string",
            "azure.client-id=" + identity("MyUserIdentity").clientId());

        Machine.Result run = lab.runOnVm("vm2", InventoryApp.class, "--config", config.toString());

        assertThat(run.exitCode()).as(run.text()).isZero();
        assertThat(run.lines().get(0)).endsWith("(database user MyUserIdentity)");
    }

    @Test
    void withoutAClientIdAVmWithTwoIdentitiesGetsNoToken() throws Exception {
        Path config = appProperties("app-no-client-id.properties");

        Machine.Result run = lab.runOnVm("vm2", InventoryApp.class, "--config", config.toString());

        assertThat(run.exitCode()).as(run.text()).isEqualTo(2);
        assertThat(run.lines()).containsExactly("Cannot read stock: no token: Multiple user assigned identities exist,"
            + " please specify the clientId / resourceId of the identity in the token request");
    }

    @Test
    void theObjectIdInPlaceOfTheClientIdIsIdentityNotFound() throws Exception {
        Path config = appProperties("app-object-id.properties",
            "azure.client-id=" + identity("MyUserIdentity").principalId());

        Machine.Result run = lab.runOnVm("vm1", InventoryApp.class, "--config", config.toString());

        assertThat(run.exitCode()).as(run.text()).isEqualTo(2);
        assertThat(run.lines()).containsExactly("Cannot read stock: no token: Identity not found");
    }

    private static UserAssignedIdentity identity(String name) {
        return lab.get().resources().userAssignedIdentities().stream().filter(u -> u.name().equals(name))
            .findFirst().orElseThrow();
    }

    /** The app's config file: the server and database, then {@code lines}; no secret. */
    private static Path appProperties(String name, String... lines) throws Exception {
        List<String> all = new ArrayList<>();
        all.add("sql.url=" + lab.jdbcUrl("sql1", "db1"));
        all.addAll(List.of(lines));
        return Files.write(disk.resolve(name), all, StandardCharsets.UTF_8);
    }
}
