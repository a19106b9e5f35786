package dev.milab.systemassigned.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.SqlServer;
import dev.milab.arm.VirtualMachine;
import dev.milab.lab.Lab;
import dev.milab.testing.AzureCli;
import dev.milab.testing.ScriptOnTheLab;

/**
 * {@code azure/setup.sh}, the script this module's README gives for real Azure, run unchanged by the Azure CLI
 * against the standalone lab's default scenario, signed in as the learner (the SQL admin password of step 1's
 * "before" state typed on standard input): the resource group, VM1 with its system-assigned identity, SQL1 with the
 * learner as its Microsoft Entra admin, db1, the firewall rule, and step 5's Contributor assignment. Skipped without
 * {@code az}.
 */
class SetupScriptOnTheLabIT {

    private static final String SQL = "sql1-setup" + UUID.randomUUID().toString().substring(0, 6);
    private static final String PASSWORD = "Before-" + UUID.randomUUID().toString().substring(0, 12) + "!";
    @RegisterExtension
    static final ScriptOnTheLab SCRIPT = ScriptOnTheLab.of(Path.of("azure/setup.sh"), PASSWORD + "\n",
        Map.of("SQL", SQL));

    @Test
    void theScriptEndsWellAndPrintsWhatItMadeAndWhatToRunNext() {
        assertThat(run().exitCode()).as(run().text()).isZero();
        String principal = vm1().systemAssigned().objectId();
        assertThat(run().stdout())
            .contains("VM1's identity: principalId " + principal)
            .contains("Created: rg-milab-01 / vm1 (identity " + principal + "), " + SQL
                + ".database.windows.net / db1.")
            .contains("Now, signed in as learner@milab.onmicrosoft.com, run in db1")
            .contains("CREATE USER [vm1] FROM EXTERNAL PROVIDER;")
            .contains("sql.url=jdbc:sqlserver://" + SQL + ".database.windows.net:1433;databaseName=db1;encrypt=true");
    }

    @Test
    void theReadmeShowsWhatTheScriptPrintsOnTheLab() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int marker = readme.indexOf("<!-- setup-on-lab-output -->");
        assertThat(marker).as("README.md marks the script's output on the lab").isPositive();
        int start = readme.indexOf("```text\n", marker) + "```text\n".length();
        String shown = readme.substring(start, readme.indexOf("```", start));
        String printed = run().stdout().replace(vm1().systemAssigned().objectId(), "<principalId>")
            .replace(SQL, "sql1-<n>");
        assertThat(printed.strip()).isEqualTo(shown.strip());
    }

    @Test
    void sql1HasTheLearnerAsItsEntraAdminDb1AndTheRuleForAzureServices() {
        SqlServer server = lab().resources().sqlServer("rg-milab-01", SQL).orElseThrow();
        assertThat(server.administratorLogin()).isEqualTo("sqladmin");
        assertThat(server.entraAdmin().sid()).isEqualTo(lab().learner().objectId());
        assertThat(server.entraAdmin().login()).isEqualTo("learner@milab.onmicrosoft.com");
        assertThat(server.databases()).containsExactly("db1");
        assertThat(server.firewallRules()).anySatisfy(rule -> {
            assertThat(rule.name()).isEqualTo("AllowAzureServices");
            assertThat(rule.startIpAddress()).isEqualTo("0.0.0.0");
            assertThat(rule.endIpAddress()).isEqualTo("0.0.0.0");
        });
    }

    @Test
    void vm1sIdentityIsContributorOnTheServerWhichOpensTheControlPlaneOnly() {
        String serverId = lab().resources().sqlServer("rg-milab-01", SQL).orElseThrow().id();
        assertThat(lab().resources().roleAssignments()).anySatisfy(a -> {
            assertThat(a.principalId()).isEqualTo(vm1().systemAssigned().objectId());
            assertThat(a.roleDefinitionName()).isEqualTo(BuiltInRoles.CONTRIBUTOR.name());
            assertThat(a.scope()).isEqualToIgnoringCase(serverId);
            assertThat(a.principalType()).isEqualTo("ServicePrincipal");
        });
    }

    @Test
    void theSqlAdminPasswordTypedAtThePromptIsInNoHopOfTheLab() {
        assertThat(lab().trace().hops()).isNotEmpty()
            .allSatisfy(h -> assertThat(h.toString()).doesNotContain(PASSWORD));
        assertThat(run().stdout() + run().stderr()).doesNotContain(PASSWORD);
    }

    private static VirtualMachine vm1() {
        return lab().resources().virtualMachine("rg-milab-01", "vm1").orElseThrow();
    }

    private static Lab lab() {
        return SCRIPT.lab();
    }

    private static AzureCli.Result run() {
        return SCRIPT.result();
    }
}
