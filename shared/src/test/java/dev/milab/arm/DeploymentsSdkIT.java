package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.Region;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.models.PowerState;
import com.azure.resourcemanager.compute.models.VirtualMachine;
import com.azure.resourcemanager.resources.ResourceManager;
import com.azure.resourcemanager.resources.models.Deployment;
import com.azure.resourcemanager.resources.models.DeploymentMode;

import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The template {@code az vm create} deploys, deployed with the unmodified azure-resourcemanager SDK over the lab's
 * sockets (its long-running-operation poller on the deployment's {@code Azure-AsyncOperation}), and the VM read back
 * with the Compute and Network clients: power state from the instance view, the NIC's private address, the public IP.
 */
class DeploymentsSdkIT {

    private static Lab lab;
    private static ResourceManager resources;
    private static ComputeManager compute;

    @BeforeAll
    static void signInAsTheAdmin() {
        lab = SharedLab.get();
        TokenCredential admin = ArmClients.admin(lab);
        resources = ResourceManager.authenticate(admin, ArmClients.profile(lab)).withSubscription(lab.subscriptionId());
        compute = ComputeManager.authenticate(admin, ArmClients.profile(lab));
    }

    @Test
    void azVmCreatesTemplateDeploysAndTheVmHasItsNicPublicIpAndPowerState() throws IOException {
        String rg = newGroup();
        Deployment deployment = resources.deployments().define("vm_deploy_sdk").withExistingResourceGroup(rg)
            .withTemplate(template("vm-create-public-ip-ssh", rg)).withParameters("{}")
            .withMode(DeploymentMode.INCREMENTAL).create();

        assertThat(deployment.provisioningState()).isEqualTo("Succeeded");
        assertThat(deployment.outputResources()).hasSize(5);
        VirtualMachine vm = compute.virtualMachines().getByResourceGroup(rg, "vm1");
        assertThat(vm.powerState()).isEqualTo(PowerState.RUNNING);
        assertThat(vm.getPrimaryNetworkInterface().primaryPrivateIP()).isEqualTo("10.0.0.4");
        assertThat(vm.getPrimaryPublicIPAddress().ipAddress()).startsWith("203.0.113.");
    }

    @Test
    void aDeploymentWhoseNicNamesNoSubnetFailsWithDeploymentFailed() throws IOException {
        String rg = newGroup();
        String template = template("vm-create-existing-subnet", rg).replace("vm1VNET", "novnet");

        assertThatThrownBy(() -> resources.deployments().define("vm_deploy_bad").withExistingResourceGroup(rg)
            .withTemplate(template).withParameters("{}").withMode(DeploymentMode.INCREMENTAL).create())
            .isInstanceOfSatisfying(ManagementException.class, e -> {
                assertThat(e.getValue().getCode()).isEqualTo("DeploymentFailed");
                assertThat(e.getValue().getDetails()).anySatisfy(d ->
                    assertThat(d.getCode()).isEqualTo("InvalidResourceReference"));
            });
        assertThat(lab.resources().virtualMachine(rg, "vm2")).isEmpty();
    }

    private static String newGroup() {
        String rg = "rg-deploy-" + UUID.randomUUID().toString().substring(0, 8);
        resources.resourceGroups().define(rg).withRegion(Region.EUROPE_WEST).create();
        return rg;
    }

    /** {@code properties.template} of one of az's own {@code vm create} deployments, for the lab and this group. */
    private static String template(String name, String rg) throws IOException {
        try (InputStream in = DeploymentsSdkIT.class.getResourceAsStream("/arm/" + name + ".json")) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .replace("SUBSCRIPTION_ID", lab.subscriptionId()).replace("RESOURCE_GROUP", rg);
            return Json.read(body).at("/properties/template").toString();
        }
    }
}
