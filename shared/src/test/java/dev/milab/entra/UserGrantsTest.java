package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/**
 * Entra ID's device authorization and refresh token grants as the Azure CLI (MSAL Python) uses them, through
 * {@code login.microsoftonline.com}'s handler without sockets: each answer of the polling, the tokens' claims, and a
 * refresh token that gets a token for another resource.
 */
class UserGrantsTest {

    private static final String ARM_SCOPE = "https://management.core.windows.net//.default offline_access openid "
        + "profile";
    private static final String GRAPH_SCOPE = "https://graph.microsoft.com//.default offline_access openid profile";

    private Lab lab;
    private EntraEndpoint entra;

    @BeforeEach
    void aLab() {
        lab = Lab.start();
        entra = new EntraEndpoint(lab.tenant(), lab.signingKeys(), lab.tokenEndpoint());
    }

    @AfterEach
    void stop() {
        lab.close();
    }

    @Test
    void theDeviceAuthorizationAnswerHasEntraIdsFieldsAndSaysWhereToApprove() {
        JsonNode code = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));

        assertThat(code.get("user_code").asText()).matches("[A-Z2-9]{9}");
        assertThat(code.get("device_code").asText()).hasSizeGreaterThan(100);
        assertThat(code.get("verification_uri").asText()).isEqualTo("https://microsoft.com/devicelogin");
        assertThat(code.get("expires_in").asInt()).isEqualTo(900);
        assertThat(code.get("interval").asInt()).isEqualTo(5);
        assertThat(code.get("message").asText()).isEqualTo("To sign in, approve the code "
            + code.get("user_code").asText() + " on the lab: lab.deviceCodes().approve(\""
            + code.get("user_code").asText() + "\", lab.learner()) (the lab's stand-in for "
            + "https://microsoft.com/devicelogin, where you would enter the code on Azure).");
        assertThat(lab.deviceCodes().pending()).singleElement().satisfies(p -> {
            assertThat(p.userCode()).isEqualTo(code.get("user_code").asText());
            assertThat(p.client()).isEqualTo("Microsoft Azure CLI");
            assertThat(p.scope()).isEqualTo(ARM_SCOPE);
        });
    }

    @Test
    void aShorterPollingIntervalReachesNewCodesOnlyAndStaysWithinEntrasFiveSeconds() {
        JsonNode before = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));
        lab.deviceCodes().pollingInterval(1);
        JsonNode after = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));

        assertThat(before.get("interval").asInt()).isEqualTo(5);
        assertThat(after.get("interval").asInt()).isEqualTo(1);
        assertThatThrownBy(() -> lab.deviceCodes().pollingInterval(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lab.deviceCodes().pollingInterval(6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pollingIsPendingUntilTheLearnerApprovesThenTheCodeIsRedeemedOnce() {
        JsonNode code = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));
        String deviceCode = code.get("device_code").asText();

        assertError(poll(deviceCode), 400, "authorization_pending", 70016,
            "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
        lab.clock().advance(Duration.ofSeconds(5));
        assertThat(lab.deviceCodes().approve(code.get("user_code").asText().toLowerCase(), lab.learner()))
            .isEqualTo(DeviceCodes.Decision.APPROVED);
        JsonNode tokens = ok(poll(deviceCode));

        assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(tokens.get("scope").asText()).isEqualTo("https://management.core.windows.net//user_impersonation "
            + "https://management.core.windows.net//.default");
        assertThat(tokens.get("expires_in").asLong()).isBetween(3590L, 3600L);
        assertThat(tokens.get("refresh_token").asText()).doesNotContain(".");
        assertThat(lab.deviceCodes().pending()).isEmpty();
        assertError(poll(deviceCode), 400, "bad_verification_code", 70000, "device_code' is not valid");
    }

    @Test
    void theAccessTokenIsAUsersV1TokenForTheResourceAtThePublicClient() throws Exception {
        JsonNode tokens = signIn(ARM_SCOPE);
        JsonWebToken access = JsonWebToken.parse(tokens.get("access_token").asText());
        User learner = lab.learner();

        Map<String, Object> claims = access.claims();
        assertThat(claims).containsEntry("aud", "https://management.core.windows.net/")
            .containsEntry("iss", lab.tenant().v1Issuer()).containsEntry("ver", "1.0")
            .containsEntry("oid", learner.objectId()).containsEntry("tid", lab.tenant().id())
            .containsEntry("upn", "learner@milab.onmicrosoft.com")
            .containsEntry("unique_name", "learner@milab.onmicrosoft.com").containsEntry("name", "Lab Learner")
            .containsEntry("given_name", "Lab").containsEntry("family_name", "Learner")
            .containsEntry("idtyp", "user").containsEntry("scp", "user_impersonation")
            .containsEntry("appid", FirstPartyClients.AZURE_CLI).containsEntry("appidacr", "0")
            .doesNotContainKeys("roles", "amr", "xms_mirid");
        ValidatedToken validated = lab.tokenValidator().validate(tokens.get("access_token").asText(),
            ResourceApplications.audienceForms(ResourceApplications.ARM_CLASSIC));
        assertThat(validated.isUser()).isTrue();
        assertThat(validated.objectId()).isEqualTo(learner.objectId());
        assertThat(validated.userPrincipalName()).isEqualTo("learner@milab.onmicrosoft.com");
    }

    @Test
    void theIdTokenAndClientInfoNameTheUserForMsalsAccount() throws Exception {
        JsonNode tokens = signIn(ARM_SCOPE);
        JsonWebToken id = JsonWebToken.parse(tokens.get("id_token").asText());

        assertThat(id.verifies(lab.signingKeys().current().publicKey())).isTrue();
        assertThat(id.claims()).containsEntry("aud", FirstPartyClients.AZURE_CLI)
            .containsEntry("iss", lab.tenant().v2Issuer()).containsEntry("ver", "2.0")
            .containsEntry("oid", lab.learner().objectId()).containsEntry("tid", lab.tenant().id())
            .containsEntry("preferred_username", "learner@milab.onmicrosoft.com").containsEntry("name", "Lab Learner");
        JsonNode clientInfo = Json.read(new String(Base64.getUrlDecoder().decode(tokens.get("client_info").asText()),
            StandardCharsets.UTF_8));
        assertThat(clientInfo.get("uid").asText()).isEqualTo(lab.learner().objectId());
        assertThat(clientInfo.get("utid").asText()).isEqualTo(lab.tenant().id());
    }

    @Test
    void theRefreshTokenGetsATokenForMicrosoftGraphWithItsDelegatedPermissionsAndANewRefreshToken() {
        JsonNode signedIn = signIn(ARM_SCOPE);
        String refreshToken = signedIn.get("refresh_token").asText();

        JsonNode graph = ok(token(Map.of("grant_type", "refresh_token", "client_id", FirstPartyClients.AZURE_CLI,
            "refresh_token", refreshToken, "scope", GRAPH_SCOPE, "client_info", "1")));

        Map<String, Object> claims = JsonWebToken.parse(graph.get("access_token").asText()).claims();
        assertThat(claims).containsEntry("aud", "https://graph.microsoft.com/")
            .containsEntry("oid", lab.learner().objectId()).containsEntry("idtyp", "user");
        assertThat(claims.get("scp").toString().split(" ")).contains("Directory.AccessAsUser.All", "User.Read.All");
        assertThat(graph.get("refresh_token").asText()).isNotEqualTo(refreshToken);
        // As in Entra ID, the refresh token redeemed stays good: az may use either.
        ok(token(Map.of("grant_type", "refresh_token", "client_id", FirstPartyClients.AZURE_CLI, "refresh_token",
            refreshToken, "scope", "https://vault.azure.net/.default offline_access openid profile")));
    }

    @Test
    void aRefreshTokenIsBoundToItsClientAndToItsNinetyDays() {
        String refreshToken = signIn(ARM_SCOPE).get("refresh_token").asText();

        assertError(token(Map.of("grant_type", "refresh_token", "client_id", FirstPartyClients.AZURE_POWERSHELL,
            "refresh_token", refreshToken, "scope", GRAPH_SCOPE)), 400, "invalid_grant", 70000,
            "AADSTS70000: Provided grant is invalid or malformed.");
        assertError(token(Map.of("grant_type", "refresh_token", "client_id", FirstPartyClients.AZURE_CLI,
            "refresh_token", "not-one-the-lab-issued", "scope", GRAPH_SCOPE)), 400, "invalid_grant", 9002313,
            "Invalid request. Request is malformed or invalid.");
        lab.clock().advance(Duration.ofDays(91));
        assertError(token(Map.of("grant_type", "refresh_token", "client_id", FirstPartyClients.AZURE_CLI,
            "refresh_token", refreshToken, "scope", GRAPH_SCOPE)), 400, "invalid_grant", 700082,
            "The refresh token has expired due to inactivity.");
    }

    @Test
    void aDeclinedCodeIsDeclinedAndAnExpiredOneExpired() {
        JsonNode declined = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));
        JsonNode expiring = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));

        assertThat(lab.deviceCodes().decline(declined.get("user_code").asText()))
            .isEqualTo(DeviceCodes.Decision.DECLINED);
        assertThat(lab.deviceCodes().approve(declined.get("user_code").asText(), lab.learner()))
            .isEqualTo(DeviceCodes.Decision.ALREADY_DECIDED);
        assertError(poll(declined.get("device_code").asText()), 400, "authorization_declined", 70000, "declined");
        lab.clock().advance(Duration.ofSeconds(901));
        assertError(poll(expiring.get("device_code").asText()), 400, "expired_token", 70020,
            "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code "
                + "has expired.");
        assertThat(lab.deviceCodes().approve(expiring.get("user_code").asText(), lab.learner()))
            .isEqualTo(DeviceCodes.Decision.EXPIRED);
        assertThat(lab.deviceCodes().approve("NOSUCHCOD", lab.learner())).isEqualTo(DeviceCodes.Decision.UNKNOWN_CODE);
    }

    @Test
    void pollingFasterThanTheIntervalIsToldToSlowDownByFiveSeconds() {
        String deviceCode = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE)).get("device_code").asText();

        assertError(poll(deviceCode), 400, "authorization_pending", 70016, "pending");
        lab.clock().advance(Duration.ofSeconds(1));
        assertError(poll(deviceCode), 400, "slow_down", 70016, "wait 10 seconds");
        lab.clock().advance(Duration.ofSeconds(9));
        assertError(poll(deviceCode), 400, "authorization_pending", 70016, "pending");
    }

    @Test
    void aCodeIsRedeemedOnlyByTheClientItWasIssuedTo() {
        JsonNode code = ok(deviceCode(FirstPartyClients.AZURE_CLI, ARM_SCOPE));
        lab.deviceCodes().approve(code.get("user_code").asText(), lab.learner());

        assertError(token(Map.of("grant_type", UserGrants.DEVICE_CODE_GRANT, "client_id",
            FirstPartyClients.AZURE_POWERSHELL, "device_code", code.get("device_code").asText())), 400, "invalid_grant",
            70000, "Provided grant is invalid or malformed.");
        ok(poll(code.get("device_code").asText()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "11111111-2222-3333-4444-555555555555 | https://management.core.windows.net//.default | 400 | unauthorized_client | 700016",
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46 | https://nowhere.example.com/.default          | 400 | invalid_resource    | 500011",
        "04b07795-8ddb-461a-bbee-02f9e1bf7b46 | https://vault.azure.net/.default https://graph.microsoft.com/User.Read | 400 | invalid_scope | 28000"})
    void aDeviceCodeRequestEntraIdCannotServeIsRefusedWithItsCode(String clientId, String scope, int status,
                                                                  String error, int aadsts) {
        assertError(deviceCode(clientId, scope), status, error, aadsts, "AADSTS" + aadsts + ":");
    }

    @Test
    void theLabsConfidentialApplicationsAreNoPublicClientsAndPublicClientsPresentNoSecret() {
        assertError(deviceCode(lab.admin().clientId(), ARM_SCOPE), 401, "invalid_client", 7000218,
            "'client_assertion' or 'client_secret'");
        assertError(token(Map.of("grant_type", "refresh_token", "client_id", FirstPartyClients.AZURE_CLI,
            "client_secret", "x", "refresh_token", "y", "scope", GRAPH_SCOPE)), 401, "invalid_client", 700025,
            "Client is public");
        assertError(token(Map.of("grant_type", UserGrants.DEVICE_CODE_GRANT, "client_id",
            FirstPartyClients.AZURE_CLI)), 400, "invalid_request", 900144, "'device_code'");
    }

    @Test
    void aBareGraphPermissionAsksForAGraphToken() {
        JsonNode tokens = signIn("User.Read openid profile offline_access");

        assertThat(JsonWebToken.parse(tokens.get("access_token").asText()).claims())
            .containsEntry("aud", "https://graph.microsoft.com");
    }

    @Test
    void theStoresAreBounded() {
        for (int i = 0; i < DeviceCodes.LIMIT + 5; i++) {
            lab.deviceCodes().start(FirstPartyClients.AZURE_CLI, "Microsoft Azure CLI", ARM_SCOPE,
                "https://management.core.windows.net/");
        }
        assertThat(lab.deviceCodes().pending()).hasSize(DeviceCodes.LIMIT);
        RefreshTokens refreshTokens = lab.tokenEndpoint().userGrants().refreshTokens();
        String first = refreshTokens.issue(lab.learner(), FirstPartyClients.AZURE_CLI);
        for (int i = 0; i < RefreshTokens.LIMIT; i++) {
            refreshTokens.issue(lab.learner(), FirstPartyClients.AZURE_CLI);
        }
        assertThat(refreshTokens.size()).isEqualTo(RefreshTokens.LIMIT);
        assertThat(refreshTokens.find(first)).isEmpty();
    }

    // --- requests ------------------------------------------------------------------------------------------------

    private JsonNode signIn(String scope) {
        JsonNode code = ok(deviceCode(FirstPartyClients.AZURE_CLI, scope));
        lab.deviceCodes().approve(code.get("user_code").asText(), lab.learner());
        return ok(poll(code.get("device_code").asText()));
    }

    private LabHttpResponse deviceCode(String clientId, String scope) {
        return post("/organizations/oauth2/v2.0/devicecode", Map.of("client_id", clientId, "scope", scope));
    }

    /** A poll as MSAL Python sends it: the code twice, client_info, the CP1 claims. */
    private LabHttpResponse poll(String deviceCode) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", UserGrants.DEVICE_CODE_GRANT);
        form.put("client_id", FirstPartyClients.AZURE_CLI);
        form.put("device_code", deviceCode);
        form.put("code", deviceCode);
        form.put("client_info", "1");
        form.put("claims", "{\"access_token\":{\"xms_cc\":{\"values\":[\"CP1\"]}}}");
        return token(form);
    }

    private LabHttpResponse token(Map<String, String> form) {
        return post("/organizations/oauth2/v2.0/token", form);
    }

    private LabHttpResponse post(String path, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
            StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return entra.handle(new LabHttpRequest("POST", "login.microsoftonline.com", path, "",
            Map.of("content-type", List.of("application/x-www-form-urlencoded")),
            body.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode ok(LabHttpResponse response) {
        assertThat(response.status()).as(response.bodyAsString()).isEqualTo(200);
        return json(response);
    }

    private static void assertError(LabHttpResponse response, int status, String error, int aadsts, String text) {
        assertThat(response.status()).as(response.bodyAsString()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(aadsts);
        assertThat(body.get("error_description").asText()).contains(text);
        assertThat(Set.of("access_token", "refresh_token")).noneMatch(body::has);
    }

    private static JsonNode json(LabHttpResponse response) {
        try {
            return Json.read(response.bodyAsString());
        } catch (IOException e) {
            throw new AssertionError(response.bodyAsString(), e);
        }
    }
}
