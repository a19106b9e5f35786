package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.management.Region;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.keyvault.KeyVaultManager;
import com.azure.resourcemanager.keyvault.models.Vault;
import com.azure.resourcemanager.sql.SqlServerManager;
import com.azure.resourcemanager.sql.models.SqlActiveDirectoryAdministrator;
import com.azure.resourcemanager.sql.models.SqlFirewallRule;

import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * {@code azure-resourcemanager-sql} and {@code -keyvault} (the versions azure-resourcemanager 2.57.0 uses) against
 * the lab: a SQL server's Microsoft Entra admin is set through ARM and the TDS side can read it from the graph; a
 * key vault is created with RBAC authorization.
 */
class SqlAndKeyVaultSdkIT {

    private static final String RG = Lab.DEFAULT_RESOURCE_GROUP;
    private static Lab lab;
    private static SqlServerManager sql;
    private static KeyVaultManager keyVault;

    @BeforeAll
    static void signInAsTheAdmin() {
        lab = SharedLab.get();
        sql = SqlServerManager.authenticate(ArmClients.admin(lab), ArmClients.profile(lab));
        keyVault = KeyVaultManager.authenticate(ArmClients.admin(lab), ArmClients.profile(lab));
    }

    @Test
    void theEntraAdminOfASqlServerIsSetThroughArmAndSeenByTheGraph() {
        lab.createSqlServer("sdk-sql1");
        lab.createSqlDatabase("sdk-sql1", "appdb");
        List<SqlServer> changes = new CopyOnWriteArrayList<>();
        lab.resources().addListener(new ResourceGraph.Listener() {
            @Override
            public void sqlServerChanged(SqlServer server) {
                changes.add(server);
            }
        });
        UserAssignedIdentity admin = lab.createUserAssignedIdentity("sdk-sql-admin");
        var server = sql.sqlServers().getByResourceGroup(RG, "sdk-sql1");
        assertThat(server.fullyQualifiedDomainName()).isEqualTo("sdk-sql1.database.windows.net");
        // Before an admin is set, ARM answers 404, and this SDK version throws rather than returning null.
        assertThatThrownBy(server::getActiveDirectoryAdministrator).isInstanceOfSatisfying(ManagementException.class,
            e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(404));

        SqlActiveDirectoryAdministrator set = server.setActiveDirectoryAdministrator("sdk-sql-admin",
            admin.principalId());

        assertThat(set.signInName()).isEqualTo("sdk-sql-admin");
        SqlServer inGraph = lab.resources().sqlServerByHostName("sdk-sql1.database.windows.net").orElseThrow();
        assertThat(inGraph.entraAdmin().sid()).isEqualTo(admin.principalId());
        assertThat(changes).extracting(s -> s.entraAdmin() == null ? null : s.entraAdmin().login())
            .contains("sdk-sql-admin");
        assertThat(server.getActiveDirectoryAdministrator().id()).isEqualTo(admin.principalId());
        assertThat(server.firewallRules().list()).extracting(SqlFirewallRule::name)
            .contains("AllowAllWindowsAzureIps");
        assertThat(server.databases().get("appdb").name()).isEqualTo("appdb");
    }

    @Test
    void sqlDbContributorMayNotSetTheEntraAdmin() {
        lab.createSqlServer("sdk-sql2");
        ArmClients.App dba = ArmClients.newApplication(lab, "sdk-dba");
        String serverId = lab.resources().sqlServer(RG, "sdk-sql2").orElseThrow().id();
        lab.grantRole(dba.objectId(), BuiltInRoles.SQL_DB_CONTRIBUTOR, serverId);
        SqlServerManager asDba = SqlServerManager.authenticate(dba.credential(), ArmClients.profile(lab));
        var server = asDba.sqlServers().getByResourceGroup(RG, "sdk-sql2");

        assertThatThrownBy(() -> server.setActiveDirectoryAdministrator("x", dba.objectId()))
            .isInstanceOf(ManagementException.class)
            .hasMessageContaining("Microsoft.Sql/servers/administrators/write");
        assertThat(lab.resources().sqlServer(RG, "sdk-sql2").orElseThrow().entraAdmin()).isNull();
    }

    @Test
    void aKeyVaultIsCreatedWithRbacAuthorization() {
        Vault vault = keyVault.vaults().define("sdk-kv1").withRegion(Region.EUROPE_WEST).withExistingResourceGroup(RG)
            .withRoleBasedAccessControl().create();

        assertThat(vault.roleBasedAccessControlEnabled()).isTrue();
        assertThat(vault.vaultUri()).isEqualTo("https://sdk-kv1.vault.azure.net/");
        assertThat(lab.resources().keyVaultByName("sdk-kv1").orElseThrow().enableRbacAuthorization()).isTrue();
        assertThat(keyVault.vaults().getByResourceGroup(RG, "sdk-kv1").roleBasedAccessControlEnabled()).isTrue();
        // The vault's data plane at https://sdk-kv1.vault.azure.net follows the ARM resource.
        assertThat(lab.keyVault("sdk-kv1").orElseThrow().rbacAuthorization()).isTrue();
        assertThat(lab.keyVault("sdk-kv1").orElseThrow().resourceId()).isEqualToIgnoringCase(vault.id());
    }
}
