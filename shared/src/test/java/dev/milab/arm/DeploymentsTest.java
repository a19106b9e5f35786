package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/**
 * Template deployments at resource-group scope against the lab's Resource Manager handler (no sockets): the
 * templates {@code az vm create} builds for the demos' scripts (made by az's own template builder,
 * {@code src/test/resources/arm/vm-create-*.json}), and small templates for ordering, expressions, outputs and
 * failures.
 */
class DeploymentsTest {

    private static final String VERSION = "2022-09-01";
    private static DirectArm arm;
    private static Lab lab;
    private static String owner;
    private static String reader;
    private static String vmContributor;

    @BeforeAll
    static void aLabWithAnOwnerAReaderAndAVirtualMachineContributor() {
        arm = DirectArm.start("rg-d");
        lab = arm.lab;
        owner = arm.tokenWithRole("deployer", BuiltInRoles.OWNER);
        reader = arm.tokenWithRole("onlooker", BuiltInRoles.READER);
        vmContributor = arm.tokenWithRole("vmonly", BuiltInRoles.VIRTUAL_MACHINE_CONTRIBUTOR);
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @Test
    void azVmCreatesTemplateMakesTheNetworkTheNicAndTheVmInDependencyOrder() throws Exception {
        String rg = group();
        LabHttpResponse put = deploy(rg, "vm_deploy_1", fixture("vm-create-public-ip-ssh", rg), owner);

        assertThat(put.status()).isEqualTo(201);
        assertThat(json(put).at("/properties/provisioningState").asText()).isEqualTo("Accepted");
        JsonNode status = json(get(put.headers().get("Azure-AsyncOperation"), owner));
        assertThat(status.get("status").asText()).isEqualTo("Succeeded");
        JsonNode deployment = json(call("GET", deployment(rg, "vm_deploy_1"), VERSION, owner, null));
        assertThat(deployment.at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(ids(deployment.at("/properties/outputResources"))).containsExactly(
            network(rg, "virtualNetworks/vm1VNET"), network(rg, "networkSecurityGroups/vm1NSG"),
            network(rg, "publicIPAddresses/vm1PublicIP"), network(rg, "networkInterfaces/vm1VMNic"),
            ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vm1"));

        JsonNode vm = json(call("GET", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vm1"), "2022-11-01",
            owner, null, "$expand=instanceView"));
        assertThat(vm.at("/properties/networkProfile/networkInterfaces/0/id").asText())
            .isEqualTo(network(rg, "networkInterfaces/vm1VMNic"));
        assertThat(vm.at("/properties/hardwareProfile/vmSize").asText()).isEqualTo("Standard_B1s");
        assertThat(vm.at("/properties/instanceView/statuses/1/code").asText()).isEqualTo("PowerState/running");
        JsonNode nic = json(call("GET", network(rg, "networkInterfaces/vm1VMNic"), "2022-01-01", owner, null));
        assertThat(nic.at("/properties/ipConfigurations/0/properties/privateIPAddress").asText()).isEqualTo("10.0.0.4");
        assertThat(nic.at("/properties/macAddress").asText()).matches("00-0D-3A-[0-9A-F]{2}-[0-9A-F]{2}-[0-9A-F]{2}");
        JsonNode ip = json(call("GET", network(rg, "publicIPAddresses/vm1PublicIP"), "2022-01-01", owner, null));
        assertThat(ip.at("/properties/ipAddress").asText()).startsWith("203.0.113.");
        assertThat(ip.at("/properties/publicIPAllocationMethod").asText()).isEqualTo("Static");
        assertThat(ip.at("/sku/name").asText()).isEqualTo("Standard");
        JsonNode nsg = json(call("GET", network(rg, "networkSecurityGroups/vm1NSG"), "2022-01-01", owner, null));
        assertThat(nsg.at("/properties/securityRules/0/name").asText()).isEqualTo("default-allow-ssh");
        assertThat(nsg.at("/properties/securityRules/0/properties/destinationPortRange").asText()).isEqualTo("22");
    }

    @Test
    void demo02sTemplatesAttachTheUserAssignedIdentityAndTheSecondVmJoinsTheFirstsSubnet() throws Exception {
        String rg = group();
        UserAssignedIdentity identity = lab.resources().createUserAssignedIdentity(rg, "MyBatchIdentity");
        succeed(deploy(rg, "d1", fixture("vm-create-user-assigned-no-public-ip", rg), owner));
        succeed(deploy(rg, "d2", fixture("vm-create-existing-subnet", rg), owner));

        VirtualMachine vm2 = lab.resources().virtualMachine(rg, "vm2").orElseThrow();
        assertThat(vm2.userAssigned()).extracting(UserAssignedIdentity::principalId)
            .containsExactly(identity.principalId());
        assertThat(vm2.systemAssigned()).isNull();
        JsonNode nic = json(call("GET", network(rg, "networkInterfaces/vm2VMNic"), "2022-01-01", owner, null));
        assertThat(nic.at("/properties/ipConfigurations/0/properties/privateIPAddress").asText()).isEqualTo("10.0.0.5");
        assertThat(nic.at("/properties/ipConfigurations/0/properties/publicIPAddress").isMissingNode()).isTrue();
        JsonNode nsg = json(call("GET", network(rg, "networkSecurityGroups/vm2NSG"), "2022-01-01", owner, null));
        assertThat(nsg.at("/properties/securityRules")).isEmpty();
    }

    @Test
    void resourcesRunInDependsOnOrderWhateverOrderTheTemplateListsThem() throws Exception {
        String rg = group();
        String template = template("""
            {"type":"Microsoft.Network/networkInterfaces","apiVersion":"2022-01-01","name":"nic1",
             "location":"westeurope","dependsOn":["[resourceId('Microsoft.Network/virtualNetworks','net1')]",
             "Microsoft.Network/networkSecurityGroups/nsg1"],
             "properties":{"ipConfigurations":[{"name":"ip1","properties":{"subnet":{"id":
             "[resourceId('Microsoft.Network/virtualNetworks/subnets','net1','default')]"}}}],
             "networkSecurityGroup":{"id":"[resourceId('Microsoft.Network/networkSecurityGroups','nsg1')]"}}},
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2015-06-15","name":"nsg1",
             "location":"westeurope","dependsOn":["net1"]},
            {"type":"Microsoft.Network/virtualNetworks","apiVersion":"2015-06-15","name":"net1",
             "location":"westeurope","properties":{"addressSpace":{"addressPrefixes":["10.1.0.0/16"]},
             "subnets":[{"name":"default","properties":{"addressPrefix":"10.1.2.0/24"}}]}}
            """, "{}", "{}");
        succeed(deploy(rg, "ordered", template, owner));

        JsonNode operations = json(call("GET", deployment(rg, "ordered") + "/operations", VERSION, owner, null));
        List<String> order = new ArrayList<>();
        operations.get("value").forEach(o -> order.add(o.at("/properties/targetResource/resourceName").asText()));
        assertThat(order).containsExactly("net1", "nsg1", "nic1");
        JsonNode nic = json(call("GET", network(rg, "networkInterfaces/nic1"), "2022-01-01", owner, null));
        assertThat(nic.at("/properties/ipConfigurations/0/properties/privateIPAddress").asText()).isEqualTo("10.1.2.4");
    }

    @Test
    void parametersVariablesConcatCopyIndexAndAFullReferenceInTheOutputsAreEvaluated() throws Exception {
        String rg = group();
        String template = template("""
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-01-01",
             "name":"[concat(variables('prefix'), '-nsg', copyIndex(1))]","location":"[parameters('where')]",
             "copy":{"name":"nsgs","count":2}},
            {"type":"Microsoft.Compute/virtualMachines","apiVersion":"2022-11-01","name":"[parameters('vmName')]",
             "location":"[resourceGroup().location]","dependsOn":["nsgs"],"identity":{"type":"SystemAssigned"},
             "properties":{"hardwareProfile":{"vmSize":"Standard_B1s"}}}
            """, """
            {"vmName":{"type":"string"},"where":{"type":"string","defaultValue":"westeurope"}}
            """, """
            {"principal":{"type":"string","value":"[reference(resourceId('Microsoft.Compute/virtualMachines', \
            parameters('vmName')), '2019-07-01', 'Full').identity.principalId]"},
             "nsg":{"type":"string","value":"[reference(concat(variables('prefix'), '-nsg2')).provisioningState]"},
             "literal":{"type":"string","value":"[[not an expression]"}}
            """).replace("\"variables\":{}", "\"variables\":{\"prefix\":\"[concat('lab', '-', parameters('vmName'))]\"}");
        LabHttpResponse put = deploy(rg, "expressions", template, owner, "{\"vmName\":{\"value\":\"vmx\"}}");
        succeed(put);

        VirtualMachine vm = lab.resources().virtualMachine(rg, "vmx").orElseThrow();
        JsonNode outputs = json(call("GET", deployment(rg, "expressions"), VERSION, owner, null))
            .at("/properties/outputs");
        assertThat(outputs.at("/principal/value").asText()).isEqualTo(vm.systemAssigned().objectId());
        assertThat(outputs.at("/nsg/value").asText()).isEqualTo("Succeeded");
        assertThat(outputs.at("/literal/value").asText()).isEqualTo("[not an expression]");
        assertThat(lab.resources().storedResource(network(rg, "networkSecurityGroups/lab-vmx-nsg1"))).isPresent();
        assertThat(lab.resources().storedResource(network(rg, "networkSecurityGroups/lab-vmx-nsg2"))).isPresent();
    }

    @Test
    void aFunctionTheLabDoesNotEvaluateIsInvalidTemplateAndNothingIsDeployed() throws Exception {
        String rg = group();
        String template = template("""
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-01-01","name":"first",
             "location":"westeurope"},
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-01-01",
             "name":"[uniqueString(resourceGroup().id)]","location":"westeurope"}
            """, "{}", "{}");
        LabHttpResponse put = deploy(rg, "bad", template, owner);

        assertThat(put.status()).isEqualTo(400);
        assertThat(json(put).at("/error/code").asText()).isEqualTo("InvalidTemplate");
        assertThat(json(put).at("/error/message").asText()).contains("The template function 'uniqueString' is not "
            + "valid. Please see https://aka.ms/arm-template-expressions for usage details.");
        assertThat(lab.resources().storedResources(NetworkApi.NSG)).noneMatch(r -> r.resourceGroup().equals(rg));
        assertThat(call("GET", deployment(rg, "bad"), VERSION, owner, null).status()).isEqualTo(404);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "{\"properties\":{\"mode\":\"Incremental\",\"template\":{\"resources\":{}}}}",
        "{\"properties\":{\"mode\":\"Incremental\",\"template\":{\"resources\":[{\"type\":5,\"name\":\"x\",\"apiVersion\":\"2022-01-01\"}]}}}",
        "{\"properties\":{\"mode\":\"Incremental\",\"template\":{\"resources\":[]},\"parameters\":[1]}}",
        "{\"properties\":{\"mode\":\"Incremental\",\"template\":{\"resources\":[{\"type\":\"Microsoft.Network/networkSecurityGroups\",\"name\":\"[concat('a']\",\"apiVersion\":\"2022-01-01\"}]}}}",
        "{\"properties\":{\"mode\":\"Complete\",\"template\":{\"resources\":[]}}}",
        "{\"properties\":{\"mode\":\"Incremental\",\"template\":{\"resources\":[{\"type\":\"Microsoft.Storage/storageAccounts\",\"name\":\"sa\",\"apiVersion\":\"2015-06-15\"}]}}}",
        "{\"properties\":{\"mode\":\"Incremental\",\"templateLink\":{\"uri\":\"https://example.com/t.json\"}}}",
        "[]",
    })
    void aMalformedDeploymentIs400AndMakesNothing(String body) throws Exception {
        String rg = group();
        LabHttpResponse put = deploy(rg, "malformed", body, owner);

        assertThat(put.status()).as(put.bodyAsString()).isEqualTo(400);
        assertThat(json(put).at("/error/code").asText()).isIn("InvalidTemplate", "InvalidRequestContent",
            "InvalidDeploymentMode", "InvalidResourceNamespace");
        assertThat(call("GET", deployment(rg, "malformed"), VERSION, owner, null).status()).isEqualTo(404);
    }

    @Test
    void aCircularDependsOnIsInvalidTemplate() throws Exception {
        String rg = group();
        String template = template("""
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-01-01","name":"a",
             "location":"westeurope","dependsOn":["b"]},
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-01-01","name":"b",
             "location":"westeurope","dependsOn":["a"]}
            """, "{}", "{}");
        LabHttpResponse put = deploy(rg, "cycle", template, owner);

        assertThat(put.status()).isEqualTo(400);
        assertThat(json(put).at("/error/message").asText()).contains("Circular dependency detected on resource");
    }

    @Test
    void aResourceItsProviderRefusesFailsTheDeploymentWithDeploymentFailedAndItsErrorInTheDetails() throws Exception {
        String rg = group();
        String template = template("""
            {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-01-01","name":"kept",
             "location":"westeurope"},
            {"type":"Microsoft.Network/networkInterfaces","apiVersion":"2022-01-01","name":"orphan",
             "location":"westeurope","dependsOn":["kept"],"properties":{"ipConfigurations":[{"name":"ip",
             "properties":{"subnet":{"id":"[resourceId('Microsoft.Network/virtualNetworks/subnets','nowhere','x')]"}}}]}},
            {"type":"Microsoft.Compute/virtualMachines","apiVersion":"2022-11-01","name":"never",
             "location":"westeurope","dependsOn":["orphan"]}
            """, "{}", "{}");
        LabHttpResponse put = deploy(rg, "fails", template, owner);

        assertThat(put.status()).isEqualTo(201);
        JsonNode status = json(get(put.headers().get("Azure-AsyncOperation"), owner));
        assertThat(status.get("status").asText()).isEqualTo("Failed");
        assertThat(status.at("/error/code").asText()).isEqualTo("DeploymentFailed");
        assertThat(status.at("/error/target").asText()).isEqualTo(deployment(rg, "fails"));
        assertThat(status.at("/error/message").asText()).startsWith("At least one resource deployment operation "
            + "failed. Please list deployment operations for details.");
        assertThat(status.at("/error/details/0/code").asText()).isEqualTo("InvalidResourceReference");
        assertThat(status.at("/error/details/0/message").asText()).contains("/virtualNetworks/nowhere/subnets/x");
        assertThat(lab.resources().storedResource(network(rg, "networkSecurityGroups/kept"))).isPresent();
        assertThat(lab.resources().storedResource(network(rg, "networkInterfaces/orphan"))).isEmpty();
        assertThat(lab.resources().virtualMachine(rg, "never")).isEmpty();
        JsonNode shown = json(call("GET", deployment(rg, "fails"), VERSION, owner, null));
        assertThat(shown.at("/properties/provisioningState").asText()).isEqualTo("Failed");
        assertThat(shown.at("/properties/error/details/0/code").asText()).isEqualTo("InvalidResourceReference");
    }

    @Test
    void aReadersDeploymentIsRefusedWithAuthorizationFailedAndNothingIsMade() throws Exception {
        String rg = group();
        LabHttpResponse put = deploy(rg, "vm_deploy_reader", fixture("vm-create-public-ip-ssh", rg), reader);

        assertThat(put.status()).isEqualTo(403);
        assertThat(json(put).at("/error/code").asText()).isEqualTo("AuthorizationFailed");
        assertThat(json(put).at("/error/message").asText()).contains("'Microsoft.Resources/deployments/write'");
        assertThat(lab.resources().virtualMachine(rg, "vm1")).isEmpty();
        assertThat(lab.resources().storedResources(NetworkApi.VNET)).noneMatch(r -> r.resourceGroup().equals(rg));
    }

    @Test
    void aVirtualMachineContributorMayDeployButNotMakeTheNetworkSoPreflightRefusesBeforeAnythingIsMade()
        throws Exception {
        String rg = group();
        LabHttpResponse put = deploy(rg, "vm_deploy_vmc", fixture("vm-create-public-ip-ssh", rg), vmContributor);

        assertThat(put.status()).isEqualTo(403);
        assertThat(json(put).at("/error/code").asText()).isEqualTo("InvalidTemplateDeployment");
        assertThat(json(put).at("/error/message").asText()).contains("Authorization failed for template resource "
            + "'vm1VNET' of type 'Microsoft.Network/virtualNetworks'");
        assertThat(lab.resources().storedResources(NetworkApi.NSG)).noneMatch(r -> r.resourceGroup().equals(rg));
    }

    @Test
    void deletingTheResourceGroupDeletesItsNetworkResourcesAndDeployments() throws Exception {
        String rg = group();
        succeed(deploy(rg, "gone", fixture("vm-create-public-ip-ssh", rg), owner));
        assertThat(call("DELETE", ResourceIds.resourceGroup(lab.subscriptionId(), rg), VERSION, owner, null).status())
            .isEqualTo(202);

        for (String type : List.of(NetworkApi.VNET, NetworkApi.NSG, NetworkApi.PUBLIC_IP, NetworkApi.NIC,
            "Microsoft.Resources/deployments")) {
            assertThat(lab.resources().storedResources(type)).noneMatch(r -> r.resourceGroup().equals(rg));
        }
    }

    @Test
    void validateRunsThePreflightAlone() throws Exception {
        String rg = group();
        LabHttpResponse ok = call("POST", deployment(rg, "check") + "/validate", VERSION, owner,
            fixture("vm-create-public-ip-ssh", rg));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(json(ok).at("/properties/validatedResources")).hasSize(5);
        assertThat(lab.resources().virtualMachine(rg, "vm1")).isEmpty();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    static String template(String resources, String parameters, String outputs) {
        return "{\"properties\":{\"mode\":\"Incremental\",\"template\":{\"$schema\":\"https://schema.management.azure"
            + ".com/schemas/2015-01-01/deploymentTemplate.json#\",\"contentVersion\":\"1.0.0.0\",\"parameters\":"
            + parameters + ",\"variables\":{},\"resources\":[" + resources + "],\"outputs\":" + outputs + "}}}";
    }

    /** One of az's own templates, with the lab's subscription and the test's group. */
    static String fixture(String name, String resourceGroup) throws IOException {
        try (InputStream in = DeploymentsTest.class.getResourceAsStream("/arm/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("SUBSCRIPTION_ID",
                lab.subscriptionId()).replace("RESOURCE_GROUP", resourceGroup);
        }
    }

    private static void succeed(LabHttpResponse put) throws IOException {
        assertThat(put.status()).as(put.bodyAsString()).isIn(200, 201);
        JsonNode status = json(get(put.headers().get("Azure-AsyncOperation"), owner));
        assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("Succeeded");
    }

    private static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.get("id").asText()));
        return ids;
    }

    private static String network(String rg, String typeAndName) {
        return arm.networkId(rg, typeAndName);
    }

    private static String deployment(String rg, String name) {
        return ResourceIds.resourceGroup(lab.subscriptionId(), rg) + "/providers/Microsoft.Resources/deployments/"
            + name;
    }

    private static LabHttpResponse deploy(String rg, String name, String body, String token) {
        return call("PUT", deployment(rg, name), VERSION, token, body);
    }

    private static LabHttpResponse deploy(String rg, String name, String body, String token, String parameters) {
        return deploy(rg, name, body.replace("\"mode\":\"Incremental\",", "\"mode\":\"Incremental\",\"parameters\":"
            + parameters + ","), token);
    }

    private static String group() {
        return arm.group();
    }

    private static LabHttpResponse get(String url, String token) {
        return arm.get(url, token);
    }

    private static LabHttpResponse call(String method, String path, String apiVersion, String token, String body) {
        return arm.call(method, path, apiVersion, token, body);
    }

    private static LabHttpResponse call(String method, String path, String apiVersion, String token, String body,
                                        String query) {
        return arm.call(method, path, apiVersion, token, body, query);
    }

    private static JsonNode json(LabHttpResponse response) throws IOException {
        return DirectArm.json(response);
    }
}
