package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.testing.SharedLab;

/** The admin workstation: a JVM with only {@code lab.adminEnvironment()} reaches Resource Manager as Owner. */
class AdminWorkstationIT {

    @Test
    void defaultAzureCredentialSignsInAsTheAdminFromTheEnvironment() {
        Lab lab = SharedLab.get();

        try (VmProcess process = lab.launchOnWorkstation(ListResourceGroupsAsAdmin.class.getName(), List.of(),
            System.out)) {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", process.output())).isZero();
            assertThat(process.output()).contains("resourceGroup=" + Lab.DEFAULT_RESOURCE_GROUP);
        }
    }

    @Test
    void theAdminEnvironmentHasTheStandardSettingsAndNoImdsRoute() {
        Lab lab = SharedLab.get();

        assertThat(lab.adminEnvironment()).containsKeys("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID",
            "AZURE_HTTP_CLIENT_IMPLEMENTATION");
        assertThat(lab.adminEnvironment().get("MILAB_ROUTES")).doesNotContain("169.254.169.254");
        assertThat(lab.rbac().isAllowed(lab.admin().objectId(), "Microsoft.Authorization/roleAssignments/write",
            "/subscriptions/" + lab.subscriptionId())).isTrue();
    }
}
