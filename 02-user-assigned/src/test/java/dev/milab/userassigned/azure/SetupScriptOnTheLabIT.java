package dev.milab.userassigned.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.milab.arm.ResourceIds;
import dev.milab.arm.SqlServer;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.lab.Lab;
import dev.milab.testing.AzureCli;
import dev.milab.testing.ScriptOnTheLab;

/**
 * {@code azure/setup.sh}, the script this module's README gives for real Azure, run unchanged by the Azure CLI
 * against the standalone lab's default scenario, signed in as the learner: MyUserIdentity on its own, VM1..VM5 with
 * it attached, SQL1 with Entra-only authentication and the learner as its Entra admin, db1 and the firewall rule.
 * Skipped without {@code az}.
 */
class SetupScriptOnTheLabIT {

    private static final String SQL = "sql1-setup" + UUID.randomUUID().toString().substring(0, 6);
    @RegisterExtension
    static final ScriptOnTheLab SCRIPT = ScriptOnTheLab.of(Path.of("azure/setup.sh"), "", Map.of("SQL_SERVER", SQL));

    @Test
    void theScriptEndsWellAndPrintsTheClientIdTheAppNames() {
        assertThat(run().exitCode()).as(run().text()).isZero();
        UserAssignedIdentity identity = myUserIdentity();
        assertThat(run().stdout())
            .contains("clientId    " + identity.clientId() + "   (azure.client-id in app.properties)")
            .contains("principalId " + identity.principal().objectId() + "   (the object id; not what the app names)")
            .contains("azure.client-id=" + identity.clientId())
            .contains("sql.url=jdbc:sqlserver://" + SQL + ".database.windows.net:1433;databaseName=db1;");
    }

    @Test
    void theOneIdentityIsOnAllFiveVmsAndNoneHasOneOfItsOwn() {
        for (int n = 1; n <= 5; n++) {
            var vm = lab().resources().virtualMachine("rg-milab-02", "vm" + n).orElseThrow();
            assertThat(vm.userAssigned()).extracting(UserAssignedIdentity::id)
                .containsExactly(myUserIdentity().id());
            assertThat(vm.systemAssigned()).isNull();
        }
    }

    @Test
    void theFiveVmsShareTheFirstVmsSubnetWithNoPublicIpAndNoInboundRule() {
        for (int n = 1; n <= 5; n++) {
            String nic = ResourceIds.resourceGroup(lab().subscriptionId(), "rg-milab-02")
                + "/providers/Microsoft.Network/networkInterfaces/vm" + n + "VMNic";
            Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) ((List<?>) lab().resources().storedResource(nic).orElseThrow()
                .properties().get("ipConfigurations")).get(0)).get("properties");
            assertThat(config.get("privateIPAddress")).isEqualTo("10.0.0." + (3 + n));
            assertThat(String.valueOf(((Map<?, ?>) config.get("subnet")).get("id"))).endsWith("/virtualNetworks/vm1VNET"
                + "/subnets/vm1Subnet");
            assertThat(config.get("publicIPAddress")).isNull();
        }
        assertThat(lab().resources().storedResources("Microsoft.Network/virtualNetworks")).hasSize(1);
    }

    @Test
    void sql1AcceptsEntraOnlyWithTheLearnerAsItsAdmin() {
        SqlServer server = lab().resources().sqlServer("rg-milab-02", SQL).orElseThrow();
        assertThat(server.entraOnlyAuthentication()).isTrue();
        assertThat(server.entraAdmin().sid()).isEqualTo(lab().learner().objectId());
        assertThat(server.entraAdmin().principalType()).isEqualTo("User");
        assertThat(server.databases()).containsExactly("db1");
        assertThat(server.firewallRules()).extracting(SqlServer.FirewallRule::name).contains("AllowAzureServices");
    }

    private static UserAssignedIdentity myUserIdentity() {
        return lab().resources().userAssignedIdentity(ResourceIds.userAssignedIdentity(lab().subscriptionId(),
            "rg-milab-02", "MyUserIdentity")).orElseThrow();
    }

    private static Lab lab() {
        return SCRIPT.lab();
    }

    private static AzureCli.Result run() {
        return SCRIPT.result();
    }
}
