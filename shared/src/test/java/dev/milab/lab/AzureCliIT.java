package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.arm.BuiltInRoles;
import dev.milab.testing.AzureCli;
import dev.milab.testing.AzureCli.Result;
import dev.milab.trace.Hop;

/**
 * The Azure CLI, unmodified, against the standalone lab: Azure's URLs through the lab's proxy, the lab CA as the
 * only trust, its own configuration directory under {@code target/}. The commands are the ones shared/README.md
 * gives ("Use the standalone lab from the Azure CLI"); each test asserts what az printed and what the lab's trace
 * saw it send. Skipped where {@code az} is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AzureCliIT {

    private static Lab lab;
    private static AzureCli cli;
    private static String identityClientId;
    private static String identityPrincipalId;

    @BeforeAll
    static void startTheStandaloneLabAndSignIn() throws Exception {
        AzureCli.OnLab started = AzureCli.defaultLabSignedInAsAdmin("azure-cli-lab");
        lab = started.lab();
        cli = started.az();
        lab.settings().principalReplicationDelay(Duration.ofMinutes(5));
    }

    @AfterAll
    static void stopTheLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void loginGotATokenAndListedTheSubscriptionWithTheApiVersionAzSends() {
        assertThat(lab.trace().hops()).anySatisfy(h -> {
            assertThat(h.to()).isEqualTo("Entra ID");
            assertThat(h.request()).isEqualTo("POST /token (client_credentials)");
            assertThat(h.ok()).isTrue();
        }).anySatisfy(h -> {
            assertThat(h.to()).isEqualTo("Resource Manager");
            assertThat(h.request()).isEqualTo("GET /subscriptions");
            assertThat(h.outcome()).isEqualTo("200");
        });
        JsonNode account = json(az("account", "show"));
        assertThat(account.get("id").asText()).isEqualTo(lab.subscriptionId());
        assertThat(account.get("tenantId").asText()).isEqualTo(lab.tenant().id());
        assertThat(account.at("/user/type").asText()).isEqualTo("servicePrincipal");
        assertThat(account.at("/user/name").asText()).isEqualTo(lab.admin().clientId());
    }

    @Test
    @Order(2)
    void groupsAreCreatedShownAndListed() {
        assertThat(json(az("group", "create", "-n", "rg-cli", "-l", "westeurope")).at("/properties/provisioningState")
            .asText()).isEqualTo("Succeeded");
        assertThat(json(az("group", "show", "-n", "rg-lab")).get("location").asText()).isEqualTo("westeurope");
        assertThat(text(az("group", "list", "--query", "[].name", "-o", "tsv"))).containsExactlyInAnyOrder("rg-lab",
            "rg-cli");
    }

    @Test
    @Order(3)
    void anIdentityIsCreatedShownAndListedAsAResource() {
        JsonNode created = json(az("identity", "create", "-g", "rg-lab", "-n", "cli-identity"));
        identityClientId = created.get("clientId").asText();
        identityPrincipalId = created.get("principalId").asText();
        assertThat(lab.directory().byObjectId(identityPrincipalId)).hasValueSatisfying(sp ->
            assertThat(sp.appId()).isEqualTo(identityClientId));
        assertThat(text(az("identity", "show", "-g", "rg-lab", "-n", "cli-identity", "--query", "principalId", "-o",
            "tsv"))).containsExactly(identityPrincipalId);
        assertThat(text(az("resource", "list", "-g", "rg-lab", "--resource-type",
            "Microsoft.ManagedIdentity/userAssignedIdentities", "--query", "[].name", "-o", "tsv")))
            .containsExactly("cli-identity");
    }

    @Test
    @Order(4)
    void microsoftGraphFindsTheIdentityByItsClientId() {
        long before = lab.trace().lastSequence();
        JsonNode sp = json(az("ad", "sp", "show", "--id", identityClientId));
        assertThat(sp.get("id").asText()).isEqualTo(identityPrincipalId);
        assertThat(sp.get("servicePrincipalType").asText()).isEqualTo("ManagedIdentity");
        assertThat(lab.trace().since(before)).filteredOn(h -> h.to().equals("Microsoft Graph"))
            .extracting(Hop::request, Hop::outcome)
            .contains(org.assertj.core.groups.Tuple.tuple("GET /v1.0/servicePrincipals", "200"));
        AzureCli.Result me = az("ad", "signed-in-user", "show");
        assertThat(me.exitCode()).isNotZero();
        assertThat(me.text()).contains("/me request is only valid with delegated authentication flow.");
    }

    @Test
    @Order(5)
    void aRoleForTheNewIdentityNeedsItsPrincipalTypeWhileEntraIdReplicates() {
        String scope = lab.defaultResourceGroupId();
        String url = "https://management.azure.com" + scope + "/providers/Microsoft.Authorization/roleAssignments/";
        String role = BuiltInRoles.READER.idAt(lab.subscriptionId());
        AzureCli.Result refused = az("rest", "--method", "put", "--url", url + UUID.randomUUID() + "?api-version=2022-04-01",
            "--body", "{\"properties\":{\"roleDefinitionId\":\"" + role + "\",\"principalId\":\"" + identityPrincipalId
                + "\"}}");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.text()).contains("PrincipalNotFound", "replication delay");
        JsonNode created = json(az("rest", "--method", "put", "--url", url + UUID.randomUUID()
            + "?api-version=2022-04-01", "--body", "{\"properties\":{\"roleDefinitionId\":\"" + role
            + "\",\"principalId\":\"" + identityPrincipalId + "\",\"principalType\":\"ServicePrincipal\"}}"));
        assertThat(created.at("/properties/principalId").asText()).isEqualTo(identityPrincipalId);
        assertThat(lab.rbac().isAllowed(identityPrincipalId, "Microsoft.Compute/virtualMachines/read", scope))
            .isTrue();
        JsonNode listed = json(az("rest", "--method", "get", "--url", "https://management.azure.com" + scope
            + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=principalId eq '"
            + identityPrincipalId + "'"));
        assertThat(listed.get("value")).hasSize(1);
    }

    @Test
    @Order(6)
    void nothingLeavesTheMachine() {
        AzureCli.Result elsewhere = az("rest", "--method", "get", "--url", "https://example.org/");
        assertThat(elsewhere.exitCode()).isNotZero();
        assertThat(elsewhere.text()).containsIgnoringCase("proxy");
    }

    // --- running az --------------------------------------------------------------------------------------------

    private static Result az(String... args) {
        return cli.run(args);
    }

    private static JsonNode json(Result r) {
        return AzureCli.json(r);
    }

    private static List<String> text(Result r) {
        return AzureCli.lines(r);
    }
}
