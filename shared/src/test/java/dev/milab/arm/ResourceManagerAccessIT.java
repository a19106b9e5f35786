package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.JsonWebToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.SigningKey;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.testing.RoutedHttp;
import dev.milab.testing.SharedLab;

/**
 * Who sees what at Resource Manager, over HTTPS through the lab's routing: a listing shows only what the caller's
 * roles allow, and a token of another tenant is refused for its tenant.
 */
class ResourceManagerAccessIT {

    private static Lab lab;

    @BeforeAll
    static void twoMoreResourceGroups() {
        lab = SharedLab.get();
        lab.resources().createResourceGroup("rg-access-seen", Lab.DEFAULT_LOCATION);
        lab.resources().createResourceGroup("rg-access-hidden", Lab.DEFAULT_LOCATION);
    }

    @Test
    void aPrincipalWithReaderOnOneResourceGroupListsOnlyThatOne() throws Exception {
        ServicePrincipal reader = lab.createUserAssignedIdentity("rg-access-reader").principal();
        lab.grantRole(reader.objectId(), BuiltInRoles.READER, "/subscriptions/" + lab.subscriptionId()
            + "/resourceGroups/rg-access-seen");
        String token = lab.tokens().issueManagedIdentityToken(reader, ResourceApplications.ARM).accessToken();

        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, "/subscriptions/" + lab.subscriptionId()
            + "/resourcegroups?api-version=2025-04-01", token, null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(names(Json.read(response.body()).get("value"))).containsExactly("rg-access-seen");
        // the admin, Owner of the subscription, sees them all
        RoutedHttp.Response all = ArmClients.call(HttpMethod.GET, "/subscriptions/" + lab.subscriptionId()
            + "/resourcegroups?api-version=2025-04-01", ArmClients.token(ArmClients.admin(lab)), null);
        assertThat(names(Json.read(all.body()).get("value")))
            .contains("rg-access-seen", "rg-access-hidden", Lab.DEFAULT_RESOURCE_GROUP);
    }

    @Test
    void aPrincipalWithoutARoleListsNoResourceGroup() throws Exception {
        ServicePrincipal nobody = lab.createUserAssignedIdentity("rg-access-nobody").principal();
        String token = lab.tokens().issueManagedIdentityToken(nobody, ResourceApplications.ARM).accessToken();

        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, "/subscriptions/" + lab.subscriptionId()
            + "/resourcegroups?api-version=2025-04-01", token, null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(names(Json.read(response.body()).get("value"))).isEmpty();
    }

    /**
     * Entra ID signs every tenant's tokens with the same keys, so a token of another tenant verifies; its issuer
     * is what Resource Manager refuses.
     */
    @Test
    void aTokenOfAnotherTenantIsInvalidAuthenticationTokenTenant() throws Exception {
        String otherTenant = UUID.randomUUID().toString();
        String token = tokenOfAnotherTenant(otherTenant, ResourceApplications.ARM);

        RoutedHttp.Response response = ArmClients.call(HttpMethod.GET, "/subscriptions/" + lab.subscriptionId()
            + "/resourceGroups/" + Lab.DEFAULT_RESOURCE_GROUP + "?api-version=2025-04-01", token, null);

        assertThat(response.status()).isEqualTo(401);
        JsonNode error = Json.read(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("InvalidAuthenticationTokenTenant");
        assertThat(error.get("message").asText()).startsWith("The access token is from the wrong issuer "
            + "'https://sts.windows.net/" + otherTenant + "/'. It must match the tenant 'https://sts.windows.net/"
            + lab.tenant().id() + "/' associated with this subscription.");
    }

    /** A token as Entra ID would issue it in tenant {@code tenantId}, signed with the (shared) current key. */
    static String tokenOfAnotherTenant(String tenantId, String audience) {
        long now = lab.clock().instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", "https://sts.windows.net/" + tenantId + "/");
        claims.put("iat", now - 60);
        claims.put("nbf", now - 60);
        claims.put("exp", now + 3600);
        claims.put("appid", UUID.randomUUID().toString());
        claims.put("oid", UUID.randomUUID().toString());
        claims.put("tid", tenantId);
        claims.put("ver", "1.0");
        SigningKey key = lab.signingKeys().current();
        return JsonWebToken.sign(claims, key.kid(), key.keyPair().getPrivate());
    }

    private static List<String> names(JsonNode value) {
        List<String> names = new ArrayList<>();
        value.forEach(rg -> names.add(rg.get("name").asText()));
        return names;
    }
}
