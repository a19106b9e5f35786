package dev.milab.bearertoken.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.arm.StoredResource;
import dev.milab.arm.VirtualMachine;
import dev.milab.entra.Application;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.testing.AzureCli;
import dev.milab.testing.ScriptOnTheLab;

/**
 * {@code azure/setup.sh}, the script this module's README gives for real Azure, run unchanged by the Azure CLI
 * against the standalone lab's default scenario, signed in as the learner: VM1 and its system-assigned identity, the
 * API's app registration, its App ID URI and its service principal. Then the lab holds what the script says it
 * made, and the VM's identity gets a token for the API's audience. Skipped without {@code az}.
 */
class SetupScriptOnTheLabIT {

    @RegisterExtension
    static final ScriptOnTheLab SCRIPT = ScriptOnTheLab.of(Path.of("azure/setup.sh"), "", Map.of());

    @Test
    void theScriptEndsWellAndPrintsWhatItMade() {
        assertThat(run().exitCode()).as(run().text()).isZero();
        VirtualMachine vm1 = lab().resources().virtualMachine("rg-milab-04", "vm1").orElseThrow();
        Application api = lab().directory().applications().stream()
            .filter(a -> a.displayName().equals("orders-api")).findFirst().orElseThrow();
        assertThat(run().stdout())
            .contains("VM1's identity: principalId " + vm1.systemAssigned().objectId())
            .contains("The API: appId " + api.appId() + ", App ID URI api://" + api.appId())
            .contains("entra.tenant-id=" + lab().tenant().id())
            .contains("api.allowed-callers=" + vm1.systemAssigned().objectId());
    }

    @Test
    void theApiHasItsAppIdUriAndAServicePrincipalSoThatEntraIdIssuesTokensForIt() {
        Application api = lab().directory().applications().stream()
            .filter(a -> a.displayName().equals("orders-api")).findFirst().orElseThrow();
        assertThat(api.identifierUris()).containsExactly("api://" + api.appId());
        assertThat(api.hasServicePrincipal()).isTrue();
        VirtualMachine vm1 = lab().resources().virtualMachine("rg-milab-04", "vm1").orElseThrow();
        assertThat(vm1.systemAssigned()).isNotNull();
        assertThat(lab().directory().byObjectId(vm1.systemAssigned().objectId())).isPresent();
    }

    @Test
    void theVmsIdentityGetsATokenForTheApiFromImdsAsTheScriptsLastLineShows() throws Exception {
        Application api = lab().directory().applications().stream()
            .filter(a -> a.displayName().equals("orders-api")).findFirst().orElseThrow();
        // The script's curl line for VM1, with the lab's IMDS address for the VM it made in place of 169.254.169.254.
        String printed = run().stdout().lines().filter(l -> l.contains("curl -s -H Metadata:true")).findFirst()
            .orElseThrow().strip();
        String url = printed.substring(printed.indexOf("\"http://") + 1, printed.length() - 1)
            .replace("http://169.254.169.254", lab().imdsAddress("rg-milab-04", "vm1").toString());
        HttpResponse<String> token = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build().send(
            HttpRequest.newBuilder(URI.create(url)).header("Metadata", "true").build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String payload = Json.read(token.body()).get("access_token").asText().split("\\.")[1];
        JsonNode claims = Json.read(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
        VirtualMachine vm1 = lab().resources().virtualMachine("rg-milab-04", "vm1").orElseThrow();
        assertThat(claims.get("aud").asText()).isEqualTo("api://" + api.appId());
        assertThat(claims.get("oid").asText()).isEqualTo(vm1.systemAssigned().objectId());
    }

    @Test
    void vm1HasTheNetworkAzVmCreateDeploysAndOpenPortLetPort8443IntoItsNsg() {
        VirtualMachine vm1 = lab().resources().virtualMachine("rg-milab-04", "vm1").orElseThrow();
        Map<?, ?> profile = (Map<?, ?>) vm1.profiles().get("networkProfile");
        String nicId = (String) ((Map<?, ?>) ((List<?>) profile.get("networkInterfaces")).get(0)).get("id");
        StoredResource nic = lab().resources().storedResource(nicId).orElseThrow();
        Map<?, ?> config = (Map<?, ?>) ((Map<?, ?>) ((List<?>) nic.properties().get("ipConfigurations")).get(0))
            .get("properties");
        assertThat(config.get("privateIPAddress")).isEqualTo("10.0.0.4");
        String nsgId = (String) ((Map<?, ?>) nic.properties().get("networkSecurityGroup")).get("id");
        List<?> rules = (List<?>) lab().resources().storedResource(nsgId).orElseThrow().properties()
            .get("securityRules");
        assertThat(rules.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("name"))).toList())
            .containsExactly("default-allow-ssh", "open-port-8443");
        Map<?, ?> open = (Map<?, ?>) ((Map<?, ?>) rules.get(1)).get("properties");
        assertThat(open.get("destinationPortRange")).isEqualTo("8443");
        assertThat(open.get("priority")).isEqualTo(900);
        assertThat(open.get("access")).isEqualTo("Allow");
    }

    @Test
    void onlyTheCommandsDebiansAzCannotRunWentToTheStandIns() {
        assumeTrue(AzureCli.needsStandIns(), "the installed az is not Debian's 2.45: no stand-ins were used");
        assertThat(run().stderr())
            .contains("(lab stand-in for Debian's az 2.45) az vm create sends an ARM template deployment");
        // Every Graph write went through the real az: its requests are in the trace, sent by the Azure CLI.
        assertThat(lab().trace().hops()).anySatisfy(h -> {
            assertThat(h.to()).isEqualTo("Microsoft Graph");
            assertThat(h.request()).startsWith("POST /v1.0/applications");
        });
    }

    private static Lab lab() {
        return SCRIPT.lab();
    }

    private static AzureCli.Result run() {
        return SCRIPT.result();
    }
}
