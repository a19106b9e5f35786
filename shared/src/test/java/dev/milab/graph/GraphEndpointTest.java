package dev.milab.graph;

import static dev.milab.graph.GraphRequests.get;
import static dev.milab.graph.GraphRequests.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.ServicePrincipal;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/** Microsoft Graph's handler without sockets: its auth rules, the filters az sends, and Graph's error shape. */
class GraphEndpointTest {

    private static Lab lab;
    private static GraphEndpoint graph;
    private static String adminToken;
    private static ServicePrincipal vm1;

    @BeforeAll
    static void aLabWithAVmIdentity() {
        lab = Lab.start();
        lab.createVirtualMachine("vm1");
        vm1 = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
        graph = new GraphEndpoint(lab.directory(), lab.tokenValidator(), lab.clock());
        ServicePrincipal admin = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        adminToken = lab.tokens().issueApplicationToken(admin, "https://graph.microsoft.com", "1").accessToken();
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void theAdminsGraphTokenCarriesDirectoryReadAllInItsRolesClaim() {
        assertThat(dev.milab.entra.JsonWebToken.parse(adminToken).claims().get("roles"))
            .isEqualTo(List.of("Directory.Read.All"));
    }

    @Test
    void aRequestWithoutATokenIsRefusedWithGraphsErrorShape() {
        LabHttpResponse r = graph.handle(get("/v1.0/servicePrincipals", null));
        assertThat(r.status()).isEqualTo(401);
        JsonNode error = json(r).get("error");
        assertThat(error.get("code").asText()).isEqualTo("InvalidAuthenticationToken");
        assertThat(error.get("message").asText()).isEqualTo("Access token is empty.");
        assertThat(error.at("/innerError/request-id").asText()).isEqualTo(r.headers().get("request-id"));
        assertThat(r.headers().get("WWW-Authenticate")).contains("client_id=\"00000003-0000-0000-c000-000000000000\"");
    }

    @Test
    void aTokenForResourceManagerIsTheWrongAudience() {
        ServicePrincipal admin = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        String arm = lab.tokens().issueApplicationToken(admin, "https://management.azure.com/", "1").accessToken();
        LabHttpResponse r = graph.handle(get("/v1.0/servicePrincipals", arm));
        assertThat(r.status()).isEqualTo(401);
        assertThat(json(r).at("/error/message").asText()).isEqualTo("Access token validation failure. Invalid audience.");
    }

    @Test
    void aPrincipalWithoutApplicationPermissionsIsDenied() {
        String vmToken = lab.tokens().issueManagedIdentityToken(vm1, "https://graph.microsoft.com").accessToken();
        LabHttpResponse r = graph.handle(get("/v1.0/servicePrincipals", vmToken));
        assertThat(r.status()).isEqualTo(403);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("Authorization_RequestDenied");
        assertThat(json(r).at("/error/message").asText()).isEqualTo("Insufficient privileges to complete the operation.");
    }

    @Test
    void servicePrincipalNamesAnyFindsAManagedIdentityByItsClientId() {
        LabHttpResponse r = graph.handle(get("/v1.0/servicePrincipals?$filter=" + encode("servicePrincipalNames/any(c:c eq '"
            + vm1.appId().toUpperCase() + "')"), adminToken));
        assertThat(r.status()).isEqualTo(200);
        JsonNode value = json(r).get("value");
        assertThat(value).hasSize(1);
        assertThat(value.get(0).get("id").asText()).isEqualTo(vm1.objectId());
        assertThat(value.get(0).get("servicePrincipalType").asText()).isEqualTo("ManagedIdentity");
        assertThat(value.get(0).get("alternativeNames").get(0).asText()).isEqualTo("isExplicit=False");
    }

    @Test
    void appIdAndDisplayNameFiltersFindTheAdminApplication() {
        JsonNode apps = json(graph.handle(get("/v1.0/applications?$filter=" + encode("appId eq '"
            + lab.admin().clientId() + "'"), adminToken))).get("value");
        assertThat(apps).hasSize(1);
        assertThat(apps.get(0).get("displayName").asText()).isEqualTo(Lab.ADMIN_APPLICATION_NAME);
        assertThat(apps.get(0).get("passwordCredentials").get(0).get("secretText").isNull()).isTrue();
        JsonNode sps = json(graph.handle(get("/v1.0/servicePrincipals?$filter=" + encode("displayName eq 'vm1'"),
            adminToken))).get("value");
        assertThat(sps).extracting(n -> n.get("id").asText()).containsExactly(vm1.objectId());
        // a managed identity has no application object
        assertThat(json(graph.handle(get("/v1.0/applications?$filter=" + encode("appId eq '" + vm1.appId() + "'"),
            adminToken))).get("value")).isEmpty();
    }

    @Test
    void anUnknownIdIsResourceNotFoundAndAnUnsupportedFilterIsRefused() {
        LabHttpResponse missing = graph.handle(get("/v1.0/servicePrincipals/00000000-0000-0000-0000-000000000001",
            adminToken));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(json(missing).at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
        LabHttpResponse bad = graph.handle(get("/v1.0/servicePrincipals?$filter=" + encode("tags/any(t:t ne 'x')"),
            adminToken));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(json(bad).at("/error/code").asText()).isEqualTo("Request_UnsupportedQuery");
    }

    @Test
    void getByIdsReturnsTheKnownObjectsWithTheirODataType() {
        String body = "{\"ids\":[\"" + vm1.objectId() + "\",\"00000000-0000-0000-0000-000000000002\"],"
            + "\"types\":[\"user\",\"group\",\"servicePrincipal\"]}";
        LabHttpResponse r = graph.handle(new LabHttpRequest("POST", "graph.microsoft.com",
            "/v1.0/directoryObjects/getByIds", "", Map.of("authorization", List.of("Bearer " + adminToken)),
            body.getBytes(StandardCharsets.UTF_8)));
        JsonNode value = json(r).get("value");
        assertThat(value).hasSize(1);
        assertThat(value.get(0).get("@odata.type").asText()).isEqualTo("#microsoft.graph.servicePrincipal");
    }

    @Test
    void meNeedsASignedInUserWhichAnAppOnlyTokenHasNot() {
        LabHttpResponse r = graph.handle(get("/v1.0/me", adminToken));
        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).at("/error/message").asText())
            .isEqualTo("/me request is only valid with delegated authentication flow.");
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
