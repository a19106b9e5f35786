package dev.milab.arm;

import static dev.milab.arm.DirectArm.json;
import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/**
 * {@code Microsoft.Network}'s virtual networks, NSGs (and the security-rule PUT {@code az vm open-port} sends),
 * public IPs and NICs, Compute's image versions and instance view, as the lab's Resource Manager handler answers
 * them (no sockets), in the api-versions the Azure CLI 2.45 (2022-01-01) and its templates (2015-06-15) send.
 */
class NetworkApiTest {

    private static final String V = "2022-01-01";
    private static DirectArm arm;
    private static Lab lab;
    private static String owner;
    private static String reader;

    @BeforeAll
    static void aLabWithAnOwnerAndAReader() {
        arm = DirectArm.start("rg-n");
        lab = arm.lab;
        owner = arm.tokenWithRole("netowner", BuiltInRoles.OWNER);
        reader = arm.tokenWithRole("netreader", BuiltInRoles.READER);
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @Test
    void aNetworkWithASubnetIsCreatedListedByGroupAndItsSubnetIsAChildResource() throws Exception {
        String rg = group();
        LabHttpResponse put = call("PUT", id(rg, "virtualNetworks/net"), "2015-06-15", owner, vnet("10.0.0.0/16",
            "10.0.0.0/24"));
        assertThat(put.status()).isEqualTo(201);
        assertThat(json(put).at("/properties/provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(json(put).at("/properties/subnets/0/id").asText()).isEqualTo(id(rg, "virtualNetworks/net/subnets/"
            + "default"));

        JsonNode list = json(call("GET", ResourceIds.resourceGroup(lab.subscriptionId(), rg)
            + "/providers/Microsoft.Network/virtualNetworks", V, owner, null));
        assertThat(list.get("value")).hasSize(1);
        JsonNode subnet = json(call("GET", id(rg, "virtualNetworks/net/subnets/default"), V, owner, null));
        assertThat(subnet.at("/properties/addressPrefix").asText()).isEqualTo("10.0.0.0/24");
        assertThat(call("PUT", id(rg, "virtualNetworks/net"), V, reader, vnet("10.0.0.0/16", "10.0.0.0/24"))
            .status()).isEqualTo(403);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "outside | 10.0.0.0/16 | 10.1.0.0/24 | NetcfgSubnetRangeOutsideVnet",
        "garbled | 10.0.0.0/16 | 10.0.0/24 | InvalidAddressPrefixFormat",
    })
    void aSubnetOutsideItsNetworkOrNotACidrIsRefused(String label, String space, String prefix, String code)
        throws Exception {
        String rg = group();
        LabHttpResponse put = call("PUT", id(rg, "virtualNetworks/bad"), V, owner, vnet(space, prefix));
        assertThat(put.status()).isEqualTo(400);
        assertThat(json(put).at("/error/code").asText()).isEqualTo(code);
        assertThat(lab.resources().storedResource(id(rg, "virtualNetworks/bad"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "virtualNetworks/w1 | {\"location\":\"westeurope\",\"properties\":{\"addressSpace\":{\"addressPrefixes\":[\"10.0.0.0/16\"]},\"subnets\":[{\"name\":7,\"properties\":{\"addressPrefix\":\"10.0.0.0/24\"}}]}}",
        "virtualNetworks/w2 | {\"location\":\"westeurope\",\"properties\":{\"addressSpace\":{\"addressPrefixes\":[\"10.0.0.0/16\"]},\"subnets\":[{\"name\":\"s\",\"properties\":{\"addressPrefix\":{}}}]}}",
        "networkSecurityGroups/w3 | {\"location\":\"westeurope\",\"properties\":{\"securityRules\":[{\"name\":[],\"properties\":{}}]}}",
        "publicIPAddresses/w4 | {\"location\":\"westeurope\",\"sku\":\"Standard\"}",
        "networkInterfaces/w5 | {\"location\":\"westeurope\",\"properties\":{\"ipConfigurations\":[{\"name\":\"c\",\"properties\":{\"subnet\":{\"id\":42}}}]}}",
        "networkInterfaces/w6 | {\"location\":1}",
    })
    void aBodyWithAMemberOfTheWrongTypeIs400AndMakesNothing(String resource, String body) throws Exception {
        String rg = group();
        LabHttpResponse put = call("PUT", id(rg, resource), V, owner, body);
        assertThat(put.status()).as(put.bodyAsString()).isEqualTo(400);
        assertThat(json(put).at("/error/code").asText()).isNotEmpty();
        assertThat(lab.resources().storedResource(id(rg, resource))).isEmpty();
    }

    @Test
    void aNicGetsTheFirstFreeAddressAfterAzuresFourAndAMacAndItsPublicIpGetsADocumentationAddress()
        throws Exception {
        String rg = group();
        call("PUT", id(rg, "virtualNetworks/net"), V, owner, vnet("10.2.0.0/16", "10.2.1.0/24"));
        LabHttpResponse ip = call("PUT", id(rg, "publicIPAddresses/ip1"), V, owner, "{\"location\":\"westeurope\","
            + "\"sku\":{\"name\":\"Basic\"},\"properties\":{\"publicIPAllocationMethod\":\"Dynamic\"}}");
        assertThat(json(ip).at("/properties/ipAddress").isMissingNode()).isTrue();
        String nic = nic(rg, "net", id(rg, "publicIPAddresses/ip1"), null);
        JsonNode first = json(call("PUT", id(rg, "networkInterfaces/nic1"), V, owner, nic));
        JsonNode second = json(call("PUT", id(rg, "networkInterfaces/nic2"), V, owner, nic(rg, "net", null, null)));

        assertThat(first.at("/properties/ipConfigurations/0/properties/privateIPAddress").asText())
            .isEqualTo("10.2.1.4");
        assertThat(second.at("/properties/ipConfigurations/0/properties/privateIPAddress").asText())
            .isEqualTo("10.2.1.5");
        assertThat(first.at("/properties/macAddress").asText()).startsWith("00-0D-3A-");
        JsonNode attached = json(call("GET", id(rg, "publicIPAddresses/ip1"), V, owner, null));
        assertThat(attached.at("/properties/ipAddress").asText()).startsWith("203.0.113.");
        assertThat(attached.at("/properties/ipConfiguration/id").asText()).endsWith("/networkInterfaces/nic1/"
            + "ipConfigurations/ipconfig1");
        LabHttpResponse again = call("PUT", id(rg, "networkInterfaces/nic3"), V, owner, nic);
        assertThat(json(again).at("/error/code").asText()).isEqualTo("PublicIPAddressInUse");
    }

    @Test
    void aStandardPublicIpMustBeStaticAndAStaticOneHasItsAddressAtOnce() throws Exception {
        String rg = group();
        LabHttpResponse dynamic = call("PUT", id(rg, "publicIPAddresses/std"), V, owner, "{\"location\":\"westeurope\","
            + "\"sku\":{\"name\":\"Standard\"},\"properties\":{\"publicIPAllocationMethod\":\"Dynamic\"}}");
        assertThat(json(dynamic).at("/error/code").asText()).isEqualTo("StandardSkuPublicIPAddressesMustBeStatic");
        LabHttpResponse fixed = call("PUT", id(rg, "publicIPAddresses/std"), V, owner, "{\"location\":\"westeurope\","
            + "\"sku\":{\"name\":\"Standard\"},\"properties\":{\"publicIPAllocationMethod\":\"static\"}}");
        assertThat(json(fixed).at("/properties/publicIPAllocationMethod").asText()).isEqualTo("Static");
        assertThat(json(fixed).at("/properties/ipAddress").asText()).matches("203\\.0\\.113\\.\\d+");
    }

    @Test
    void aNicMustReferenceAnExistingSubnetAndNsg() throws Exception {
        String rg = group();
        call("PUT", id(rg, "virtualNetworks/net"), V, owner, vnet("10.3.0.0/16", "10.3.0.0/24"));
        LabHttpResponse put = call("PUT", id(rg, "networkInterfaces/nic1"), V, owner, nic(rg, "net", null,
            id(rg, "networkSecurityGroups/missing")));
        assertThat(put.status()).isEqualTo(400);
        assertThat(json(put).at("/error/code").asText()).isEqualTo("InvalidResourceReference");
        assertThat(json(put).at("/error/message").asText()).contains("/networkSecurityGroups/missing referenced by "
            + "resource");
    }

    @Test
    void openPortsRulePutAddsARuleAndASecondRuleWithTheSamePriorityAndDirectionConflicts() throws Exception {
        String rg = group();
        call("PUT", id(rg, "networkSecurityGroups/nsg"), "2015-06-15", owner, "{\"location\":\"westeurope\"}");
        String rule = "{\"name\":\"open-port-8443\",\"properties\":{\"protocol\":\"*\",\"access\":\"allow\","
            + "\"direction\":\"inbound\",\"sourcePortRange\":\"*\",\"destinationPortRange\":\"8443\",\"priority\":900,"
            + "\"sourceAddressPrefix\":\"*\",\"destinationAddressPrefix\":\"*\"}}";
        LabHttpResponse put = call("PUT", id(rg, "networkSecurityGroups/nsg/securityRules/open-port-8443"), V, owner,
            rule);
        assertThat(put.status()).isEqualTo(201);
        assertThat(json(put).at("/properties/access").asText()).isEqualTo("Allow");
        JsonNode nsg = json(call("GET", id(rg, "networkSecurityGroups/nsg"), V, owner, null));
        assertThat(nsg.at("/properties/securityRules/0/properties/destinationPortRange").asText()).isEqualTo("8443");
        assertThat(nsg.at("/properties/defaultSecurityRules")).hasSize(6);

        LabHttpResponse clash = call("PUT", id(rg, "networkSecurityGroups/nsg/securityRules/other"), V, owner,
            rule.replace("open-port-8443", "other"));
        assertThat(json(clash).at("/error/code").asText()).isEqualTo("SecurityRuleConflict");
        LabHttpResponse low = call("PUT", id(rg, "networkSecurityGroups/nsg/securityRules/low"), V, owner,
            rule.replace("900", "50"));
        assertThat(json(low).at("/error/code").asText()).isEqualTo("SecurityRuleInvalidPriority");
        assertThat(json(call("GET", id(rg, "networkSecurityGroups/nsg"), V, owner, null))
            .at("/properties/securityRules")).hasSize(1);
    }

    @Test
    void whatAVmOrNicStillUsesCannotBeDeleted() throws Exception {
        String rg = group();
        call("PUT", id(rg, "virtualNetworks/net"), V, owner, vnet("10.4.0.0/16", "10.4.0.0/24"));
        call("PUT", id(rg, "networkSecurityGroups/nsg"), V, owner, "{\"location\":\"westeurope\"}");
        call("PUT", id(rg, "networkInterfaces/nic"), V, owner, nic(rg, "net", null, id(rg, "networkSecurityGroups/nsg")));
        call("PUT", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vm"), "2022-11-01", owner,
            "{\"location\":\"westeurope\",\"properties\":{\"networkProfile\":{\"networkInterfaces\":[{\"id\":\""
                + id(rg, "networkInterfaces/nic") + "\"}]}}}");

        assertThat(json(call("DELETE", id(rg, "networkInterfaces/nic"), V, owner, null)).at("/error/code").asText())
            .isEqualTo("NicInUse");
        assertThat(json(call("DELETE", id(rg, "networkSecurityGroups/nsg"), V, owner, null)).at("/error/code")
            .asText()).isEqualTo("InUseNetworkSecurityGroupCannotBeDeleted");
        assertThat(json(call("DELETE", id(rg, "virtualNetworks/net"), V, owner, null)).at("/error/code").asText())
            .isEqualTo("InUseSubnetCannotBeDeleted");
        call("DELETE", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vm"), "2022-11-01", owner, null);
        assertThat(call("DELETE", id(rg, "networkInterfaces/nic"), V, owner, null).status()).isEqualTo(200);
        assertThat(call("DELETE", id(rg, "networkInterfaces/nic"), V, owner, null).status()).isEqualTo(204);
        assertThat(call("DELETE", id(rg, "virtualNetworks/net"), V, owner, null).status()).isEqualTo(200);
    }

    @Test
    void theImageVersionLookupsAzVmCreateSendsFindUbuntu2204sLatestVersion() throws Exception {
        String versions = ResourceIds.subscription(lab.subscriptionId()) + "/providers/Microsoft.Compute/locations/"
            + "westeurope/publishers/Canonical/artifacttypes/vmimage/offers/0001-com-ubuntu-server-jammy/skus/"
            + "22_04-lts-gen2/versions";
        JsonNode top = json(call("GET", versions, "2022-11-01", reader, null, "$top=1&$orderby=name%20desc"));
        assertThat(top).hasSize(1);
        String version = top.get(0).get("name").asText();
        JsonNode image = json(call("GET", versions + "/" + version, "2022-11-01", reader, null));
        assertThat(image.at("/properties/osDiskImage/operatingSystem").asText()).isEqualTo("Linux");
        assertThat(image.at("/properties/hyperVGeneration").asText()).isEqualTo("V2");
        LabHttpResponse unknown = call("GET", versions.replace("jammy", "nowhere"), "2022-11-01", reader, null);
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void aVmsInstanceViewSaysItRuns() throws Exception {
        String rg = group();
        call("PUT", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vmrun"), "2022-11-01", owner,
            "{\"location\":\"westeurope\"}");
        JsonNode plain = json(call("GET", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vmrun"), "2022-11-01",
            reader, null));
        assertThat(plain.at("/properties/instanceView").isMissingNode()).isTrue();
        JsonNode view = json(call("GET", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vmrun"), "2022-11-01",
            reader, null, "$expand=instanceView"));
        assertThat(view.at("/properties/instanceView/statuses").findValuesAsText("code"))
            .containsExactly("ProvisioningState/succeeded", "PowerState/running");
        assertThat(view.at("/properties/instanceView/statuses/1/displayStatus").asText()).isEqualTo("VM running");
        JsonNode alone = json(call("GET", ResourceIds.virtualMachine(lab.subscriptionId(), rg, "vmrun") + "/instanceView",
            "2022-11-01", reader, null));
        assertThat(alone.at("/statuses/1/code").asText()).isEqualTo("PowerState/running");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static String vnet(String space, String subnet) {
        return "{\"location\":\"westeurope\",\"properties\":{\"addressSpace\":{\"addressPrefixes\":[\"" + space
            + "\"]},\"subnets\":[{\"name\":\"default\",\"properties\":{\"addressPrefix\":\"" + subnet + "\"}}]}}";
    }

    private static String nic(String rg, String vnet, String publicIp, String nsg) {
        return "{\"location\":\"westeurope\",\"properties\":{\"ipConfigurations\":[{\"name\":\"ipconfig1\","
            + "\"properties\":{\"privateIPAllocationMethod\":\"Dynamic\",\"subnet\":{\"id\":\""
            + id(rg, "virtualNetworks/" + vnet + "/subnets/default") + "\"}"
            + (publicIp == null ? "" : ",\"publicIPAddress\":{\"id\":\"" + publicIp + "\"}") + "}}]"
            + (nsg == null ? "" : ",\"networkSecurityGroup\":{\"id\":\"" + nsg + "\"}") + "}}";
    }

    private static String id(String rg, String typeAndName) {
        return arm.networkId(rg, typeAndName);
    }

    private static String group() {
        return arm.group();
    }

    private static LabHttpResponse call(String method, String path, String apiVersion, String token, String body) {
        return arm.call(method, path, apiVersion, token, body);
    }

    private static LabHttpResponse call(String method, String path, String apiVersion, String token, String body,
                                        String query) {
        return arm.call(method, path, apiVersion, token, body, query);
    }
}
