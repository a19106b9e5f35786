package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.testing.RoutedHttp;
import dev.milab.testing.SharedLab;

/**
 * Resource Manager's wire rules over HTTPS through the lab's routing: authentication failures, bad input and
 * unknown routes get Azure's status and error code, never a 500, and a refused request changes nothing.
 */
class ResourceManagerProtocolIT {

    private static Lab lab;
    private static String token;
    private static String sub;

    @BeforeAll
    static void adminToken() {
        lab = SharedLab.get();
        token = ArmClients.token(ArmClients.admin(lab));
        sub = "/subscriptions/" + lab.subscriptionId();
    }

    private static String rg() {
        return sub + "/resourceGroups/" + Lab.DEFAULT_RESOURCE_GROUP;
    }

    private static JsonNode error(RoutedHttp.Response response) throws Exception {
        return Json.read(response.body()).get("error");
    }

    private static String assignmentPath(String scope, String name) {
        return scope + "/providers/Microsoft.Authorization/roleAssignments/" + name + "?api-version=2022-04-01";
    }

    private static String assignmentBody(String roleGuid, String principalId) {
        return "{\"properties\":{\"roleDefinitionId\":\"" + sub + "/providers/Microsoft.Authorization/roleDefinitions/"
            + roleGuid + "\",\"principalId\":\"" + principalId + "\"}}";
    }

    @Test
    void noAuthorizationHeaderIs401WithArmsChallenge() throws Exception {
        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, rg() + "?api-version=2025-04-01", null, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(error(response).get("code").asText()).isEqualTo("AuthenticationFailed");
        assertThat(error(response).get("message").asText())
            .isEqualTo("Authentication failed. The 'Authorization' header is missing.");
    }

    @Test
    void aKeyVaultTokenIsRefusedForItsAudience() throws Exception {
        String vaultToken = ArmClients.admin(lab).getTokenSync(new TokenRequestContext()
            .addScopes("https://vault.azure.net/.default")).getToken();

        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, rg() + "?api-version=2025-04-01", vaultToken,
            null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(error(response).get("code").asText()).isEqualTo("InvalidAuthenticationTokenAudience");
        assertThat(error(response).get("message").asText()).contains("'https://vault.azure.net'");
    }

    @Test
    void aTamperedTokenIsInvalidAuthenticationToken() throws Exception {
        String tampered = token.substring(0, token.length() - 4) + "AAAA";

        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, rg() + "?api-version=2025-04-01", tampered,
            null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(error(response).get("code").asText()).isEqualTo("InvalidAuthenticationToken");
    }

    @Test
    void anExpiredTokenIsExpiredAuthenticationToken() throws Exception {
        lab.clock().advance(Duration.ofHours(2));
        try {
            RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, rg() + "?api-version=2025-04-01", token,
                null);
            assertThat(response.status()).isEqualTo(401);
            assertThat(error(response).get("code").asText()).isEqualTo("ExpiredAuthenticationToken");
        } finally {
            lab.clock().reset();
        }
    }

    @Test
    void pathsMayStartWithTwoSlashesAsTheSdkSendsScopes() {
        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, "/" + rg()
            + "/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()", token,
            null);

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void anUnknownApiVersionIsNoRegisteredProviderFound() throws Exception {
        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, rg()
            + "/providers/Microsoft.Compute/virtualMachines?api-version=2099-01-01", token, null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("NoRegisteredProviderFound");
        assertThat(ArmClients.call(HttpMethod.GET, rg() + "/providers/Microsoft.Compute/virtualMachines", token, null)
            .body()).contains("MissingApiVersionParameter");
    }

    @Test
    void unknownTypesAndNamespacesAreRefusedWithAzuresCodes() throws Exception {
        RoutedHttp.Response type = ArmClients.call(HttpMethod.GET, rg()
            + "/providers/Microsoft.Compute/spaceships/x?api-version=2025-04-01", token, null);
        RoutedHttp.Response namespace = ArmClients.call(HttpMethod.GET, rg()
            + "/providers/Microsoft.Nope/things/x?api-version=2025-04-01", token, null);

        assertThat(type.status()).isEqualTo(400);
        assertThat(error(type).get("code").asText()).isEqualTo("InvalidResourceType");
        assertThat(namespace.status()).isEqualTo(400);
        assertThat(error(namespace).get("code").asText()).isEqualTo("InvalidResourceNamespace");
    }

    @Test
    void malformedJsonAndUnknownPropertiesAreInvalidRequestContent() throws Exception {
        lab.createVirtualMachine("proto-vm");
        String vm = rg() + "/providers/Microsoft.Compute/virtualMachines/proto-vm?api-version=2025-04-01";

        RoutedHttp.Response malformed = ArmClients.call(HttpMethod.PATCH, vm, token, "{\"identity\":");
        RoutedHttp.Response unknown = ArmClients.call(HttpMethod.PATCH, vm, token,
            "{\"identity\":{\"type\":\"SystemAssigned\"},\"properties\":{\"warpDrive\":true}}");

        assertThat(malformed.status()).isEqualTo(400);
        assertThat(error(malformed).get("code").asText()).isEqualTo("InvalidRequestContent");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(error(unknown).get("message").asText()).contains("warpDrive");
        assertThat(lab.virtualMachine("proto-vm").orElseThrow().systemAssigned()).isNull();
    }

    @Test
    void attachingAMissingIdentityFailsAndChangesNothing() throws Exception {
        lab.createVirtualMachine("proto-half");
        String missing = rg() + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nobody";

        RoutedHttp.Response response = ArmClients.call(HttpMethod.PATCH, rg()
            + "/providers/Microsoft.Compute/virtualMachines/proto-half?api-version=2025-04-01", token,
            "{\"identity\":{\"type\":\"SystemAssigned, UserAssigned\",\"userAssignedIdentities\":{\"" + missing
                + "\":{}}}}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("FailedIdentityOperation");
        assertThat(lab.virtualMachine("proto-half").orElseThrow().identityType()).isEqualTo("None");
    }

    @Test
    void roleAssignmentInputIsCheckedAsArmChecksIt() throws Exception {
        String principal = lab.createUserAssignedIdentity("proto-principal").principalId();
        String reader = BuiltInRoles.READER.name();

        RoutedHttp.Response badName = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(), "not-a-guid"), token,
            assignmentBody(reader, principal));
        RoutedHttp.Response badPrincipal = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(),
            UUID.randomUUID().toString()), token, assignmentBody(reader, "nobody"));
        RoutedHttp.Response noSuchPrincipal = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(),
            UUID.randomUUID().toString()), token, assignmentBody(reader, UUID.randomUUID().toString()));
        RoutedHttp.Response noSuchRole = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(),
            UUID.randomUUID().toString()), token, assignmentBody(UUID.randomUUID().toString(), principal));
        RoutedHttp.Response malformed = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(),
            UUID.randomUUID().toString()), token, "{\"properties\":{");

        assertThat(error(badName).get("code").asText()).isEqualTo("InvalidRoleAssignmentId");
        assertThat(error(badPrincipal).get("code").asText()).isEqualTo("InvalidPrincipalId");
        assertThat(noSuchPrincipal.status()).isEqualTo(400);
        assertThat(error(noSuchPrincipal).get("code").asText()).isEqualTo("PrincipalNotFound");
        assertThat(error(noSuchRole).get("code").asText()).isEqualTo("RoleDefinitionDoesNotExist");
        assertThat(error(malformed).get("code").asText()).isEqualTo("InvalidRequestContent");
        assertThat(lab.resources().roleAssignments()).noneMatch(a -> a.principalId().equals(principal));
    }

    @Test
    void aDuplicateGrantIs409AndDeletingWhatIsGoneIs204() throws Exception {
        String principal = lab.createUserAssignedIdentity("proto-dup").principalId();
        String name = UUID.randomUUID().toString();
        String body = assignmentBody(BuiltInRoles.READER.name(), principal);

        RoutedHttp.Response first = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(), name), token, body);
        RoutedHttp.Response again = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(), name), token, body);
        RoutedHttp.Response other = ArmClients.call(HttpMethod.PUT, assignmentPath(rg(), UUID.randomUUID().toString()),
            token, body);

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(other.status()).isEqualTo(409);
        assertThat(error(other).get("code").asText()).isEqualTo("RoleAssignmentExists");
        assertThat(ArmClients.call(HttpMethod.DELETE, assignmentPath(rg(), name), token, null).status())
            .isEqualTo(200);
        assertThat(ArmClients.call(HttpMethod.DELETE, assignmentPath(rg(), name), token, null).status())
            .isEqualTo(204);
        assertThat(ArmClients.call(HttpMethod.DELETE, rg()
            + "/providers/Microsoft.Compute/virtualMachines/never-was?api-version=2025-04-01", token, null).status())
            .isEqualTo(204);
        assertThat(error(ArmClients.call(HttpMethod.GET, assignmentPath(rg(), name), token, null)).get("code")
            .asText()).isEqualTo("RoleAssignmentNotFound");
    }

    @Test
    void roleDefinitionsAreFoundByRoleNameWithTheirRealIds() throws Exception {
        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, sub
            + "/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter="
            + "roleName%20eq%20'Key%20Vault%20Secrets%20User'", token, null);

        JsonNode value = Json.read(response.body()).get("value");
        assertThat(value).hasSize(1);
        assertThat(value.get(0).get("name").asText()).isEqualTo("4633458b-17de-408a-b874-0445c86b69e6");
        assertThat(value.get(0).get("properties").get("permissions").get(0).get("dataActions").toString())
            .contains("Microsoft.KeyVault/vaults/secrets/getSecret/action");
    }

    @Test
    void aVmCreatedWithPutGetsItsIdentityAndItsImds() throws Exception {
        RoutedHttp.Response response = ArmClients.call(HttpMethod.PUT, rg()
            + "/providers/Microsoft.Compute/virtualMachines/proto-put?api-version=2025-04-01", token,
            "{\"location\":\"westeurope\",\"identity\":{\"type\":\"SystemAssigned\"},"
                + "\"properties\":{\"hardwareProfile\":{\"vmSize\":\"Standard_D2s_v5\"}}}");

        assertThat(response.status()).isEqualTo(201);
        JsonNode vm = Json.read(response.body());
        assertThat(vm.get("identity").get("principalId").asText())
            .isEqualTo(lab.virtualMachine("proto-put").orElseThrow().systemAssigned().objectId());
        assertThat(vm.get("properties").get("hardwareProfile").get("vmSize").asText()).isEqualTo("Standard_D2s_v5");
        assertThat(vm.get("properties").get("provisioningState").asText()).isEqualTo("Succeeded");
        assertThat(lab.imdsAddress("proto-put")).isNotNull();
        assertThat(imdsText("proto-put", "compute/vmSize")).isEqualTo("Standard_D2s_v5");
    }

    /** A leaf of the VM's instance metadata, asked of its IMDS on loopback as code on the VM asks it. */
    private static String imdsText(String vmName, String leaf) throws Exception {
        java.net.URI uri = java.net.URI.create(lab.imdsAddress(vmName) + "/metadata/instance/" + leaf
            + "?api-version=2021-02-01&format=text");
        if (!dev.milab.routing.Loopback.isLoopbackLiteral(uri.getHost())) {
            throw new IllegalStateException("Tests talk to loopback only, not " + uri);
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .proxy(java.net.http.HttpClient.Builder.NO_PROXY).build();
        java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(uri)
            .header("Metadata", "true").timeout(Duration.ofSeconds(10)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void deletingAnIdentityAnswers200WithNoBodyAndThen204() throws Exception {
        String path = rg() + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/proto-delete"
            + "?api-version=2023-01-31";
        RoutedHttp.Response created = ArmClients.call(HttpMethod.PUT, path, token, "{\"location\":\"westeurope\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(Json.read(created.body()).get("id").asText()).isEqualTo(sub + "/resourcegroups/"
            + Lab.DEFAULT_RESOURCE_GROUP + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/proto-delete");

        RoutedHttp.Response deleted = ArmClients.call(HttpMethod.DELETE, path, token, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEmpty();

        RoutedHttp.Response again = ArmClients.call(HttpMethod.DELETE, path, token, null);
        assertThat(again.status()).isEqualTo(204);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void deletingAFederatedCredentialAnswers200WithNoBody() throws Exception {
        lab.createUserAssignedIdentity("proto-fic");
        String path = rg() + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/proto-fic"
            + "/federatedIdentityCredentials/proto-cred?api-version=2023-01-31";
        RoutedHttp.Response created = ArmClients.call(HttpMethod.PUT, path, token, "{\"properties\":{\"issuer\":"
            + "\"https://issuer.example\",\"subject\":\"system:serviceaccount:ns:app\",\"audiences\":"
            + "[\"api://AzureADTokenExchange\"]}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(Json.read(created.body()).get("id").asText()).contains("/resourcegroups/");

        RoutedHttp.Response deleted = ArmClients.call(HttpMethod.DELETE, path, token, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.body()).isEmpty();
        assertThat(ArmClients.call(HttpMethod.DELETE, path, token, null).status()).isEqualTo(204);
    }

    @Test
    void aNewRoleAssignmentCountsOnlyAfterThePropagationDelay() throws Exception {
        ArmClients.App app = ArmClients.newApplication(lab, "proto-propagation");
        String appToken = ArmClients.token(app.credential());
        lab.settings().roleAssignmentPropagationDelay(Duration.ofMinutes(5));
        try {
            lab.grantRole(app.objectId(), BuiltInRoles.READER, rg());
            assertThat(ArmClients.call(HttpMethod.GET, rg() + "?api-version=2025-04-01", appToken, null).status())
                .isEqualTo(403);

            lab.clock().advance(Duration.ofMinutes(6));
            assertThat(ArmClients.call(HttpMethod.GET, rg() + "?api-version=2025-04-01", appToken, null).status())
                .isEqualTo(200);
        } finally {
            lab.settings().roleAssignmentPropagationDelay(Duration.ZERO);
            lab.clock().reset();
        }
    }
}
