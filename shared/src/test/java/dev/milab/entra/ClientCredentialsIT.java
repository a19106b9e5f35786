package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.milab.http.Json;
import dev.milab.lab.AdminPrincipal;
import dev.milab.lab.Lab;
import dev.milab.testing.RoutedHttp;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenVerifier;

/**
 * The unmodified {@code ClientSecretCredential} (MSAL underneath, instance discovery left on) signs in to the lab's
 * Entra ID with an application's client secret, and Entra ID's refusals carry Azure's AADSTS codes.
 */
class ClientCredentialsIT {

    private static final String ARM_SCOPE = "https://management.azure.com/.default";
    private static Lab lab;

    @BeforeAll
    static void startLab() {
        lab = SharedLab.get();
    }

    private static ClientSecretCredential credential(String clientId, String secret) {
        return new ClientSecretCredentialBuilder().tenantId(lab.tenant().id()).clientId(clientId).clientSecret(secret)
            .build();
    }

    @Test
    void theAdminPrincipalGetsAVerifiableV1ArmTokenWithAppidacrOne() throws Exception {
        AdminPrincipal admin = lab.admin();
        AccessToken token = credential(admin.clientId(), admin.clientSecret())
            .getTokenSync(new TokenRequestContext().addScopes(ARM_SCOPE));

        JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(), "https://management.azure.com");
        assertThat(claims.getStringClaim("appid")).isEqualTo(admin.clientId());
        assertThat(claims.getStringClaim("oid")).isEqualTo(admin.objectId());
        assertThat(claims.getStringClaim("appidacr")).isEqualTo("1");
        assertThat(claims.getStringClaim("idtyp")).isEqualTo("app");
        assertThat(claims.getStringClaim("ver")).isEqualTo("1.0");
        assertThat(claims.getClaim("xms_mirid")).isNull();
        assertThat(TokenVerifier.currentlyValid(claims)).isTrue();
    }

    @Test
    void aWrongSecretIsRefusedWithAadsts7000215() {
        assertThatThrownBy(() -> credential(lab.admin().clientId(), "not-the-secret")
            .getTokenSync(new TokenRequestContext().addScopes(ARM_SCOPE)))
            .hasMessageContaining("AADSTS7000215").hasMessageContaining("Invalid client secret provided");
    }

    @Test
    void anUnknownClientIsRefusedWithAadsts700016() {
        assertThatThrownBy(() -> credential("11111111-2222-3333-4444-555555555555", "x")
            .getTokenSync(new TokenRequestContext().addScopes(ARM_SCOPE)))
            .hasMessageContaining("AADSTS700016");
    }

    @Test
    void anExpiredSecretIsRefusedWithAadsts7000222() {
        Application app = lab.directory().registerApplication("expired-secret-app");
        NewClientSecret old = lab.directory().addClientSecret(app.appId(), "old",
            lab.clock().instant().minus(Duration.ofDays(2)), Duration.ofDays(1));

        assertThatThrownBy(() -> credential(app.appId(), old.value())
            .getTokenSync(new TokenRequestContext().addScopes(ARM_SCOPE)))
            .hasMessageContaining("AADSTS7000222");
    }

    @Test
    void anUnknownResourceIsRefusedWithAadsts500011() {
        AdminPrincipal admin = lab.admin();
        assertThatThrownBy(() -> credential(admin.clientId(), admin.clientSecret())
            .getTokenSync(new TokenRequestContext().addScopes("https://unknown.example.com/.default")))
            .hasMessageContaining("AADSTS500011");
    }

    @Test
    void theV1EndpointTakesAResourceAndAnswersInV1Shape() throws Exception {
        AdminPrincipal admin = lab.admin();
        RoutedHttp.Response response = RoutedHttp.postForm("https://login.microsoftonline.com/" + lab.tenant().id()
            + "/oauth2/token", "grant_type=client_credentials&client_id=" + admin.clientId() + "&client_secret="
            + URLEncoder.encode(admin.clientSecret(), StandardCharsets.UTF_8) + "&resource="
            + URLEncoder.encode("https://vault.azure.net", StandardCharsets.UTF_8));

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = Json.read(response.body());
        assertThat(body.get("resource").asText()).isEqualTo("https://vault.azure.net");
        assertThat(body.get("expires_on").isTextual()).isTrue();
        TokenVerifier.verify(body.get("access_token").asText(), lab.tenant().id(), "https://vault.azure.net");
    }

    @Test
    void aScopeWithoutDefaultIsRefusedWithAadsts1002012() throws Exception {
        AdminPrincipal admin = lab.admin();
        RoutedHttp.Response response = RoutedHttp.postForm("https://login.microsoftonline.com/" + lab.tenant().id()
            + "/oauth2/v2.0/token", "grant_type=client_credentials&client_id=" + admin.clientId()
            + "&client_secret=" + URLEncoder.encode(admin.clientSecret(), StandardCharsets.UTF_8)
            + "&scope=https%3A%2F%2Fmanagement.azure.com%2F");

        assertThat(response.status()).isEqualTo(400);
        JsonNode body = Json.read(response.body());
        assertThat(body.get("error").asText()).isEqualTo("invalid_scope");
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(1002012);
    }

    @Test
    void instanceDiscoveryNamesTheTenantsOpenIdConfiguration() throws Exception {
        RoutedHttp.Response response = RoutedHttp.get("https://login.microsoftonline.com/common/discovery/instance"
            + "?api-version=1.1&authorization_endpoint=https://login.microsoftonline.com/" + lab.tenant().id()
            + "/oauth2/v2.0/authorize");

        JsonNode body = Json.read(response.body());
        assertThat(body.get("tenant_discovery_endpoint").asText()).isEqualTo("https://login.microsoftonline.com/"
            + lab.tenant().id() + "/v2.0/.well-known/openid-configuration");
        assertThat(body.get("metadata").get(0).get("aliases").toString()).contains("login.microsoftonline.com");
    }
}
