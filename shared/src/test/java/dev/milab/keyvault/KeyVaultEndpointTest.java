package dev.milab.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.IssuedToken;
import dev.milab.entra.ServicePrincipal;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;
import dev.milab.lab.LabClock;

/** The Key Vault handler without sockets: authentication, validation of input, and Azure's error shapes. */
class KeyVaultEndpointTest {

    private static Lab lab;
    private static KeyVaultEndpoint endpoint;
    private static String vaultToken;
    private static ServicePrincipal caller;
    private static KeyVault vault;
    private static KeyVault policyVault;

    @BeforeAll
    static void aVaultAndACallerAllowedEverything() {
        lab = Lab.start();
        lab.createVirtualMachine("kv-unit");
        caller = lab.enableSystemAssignedIdentity("kv-unit").systemAssigned();
        vault = lab.createKeyVault("kv-unit");
        policyVault = new KeyVault("kv-policy", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/"
            + "vaults/kv-policy", "westeurope", false, new SecretStore(lab.clock()));
        endpoint = new KeyVaultEndpoint(lab.tenant(), lab.tokenValidator(),
            name -> name.equals("kv-unit") ? vault : name.equals("kv-policy") ? policyVault : null,
            (principal, action, scope) -> principal.equals(caller.objectId()));
        vaultToken = lab.tokens().issueManagedIdentityToken(caller, "https://vault.azure.net").accessToken();
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void aRequestWithoutATokenGetsTheChallengeTheSdkNeeds() {
        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/x?api-version=7.6", null, null));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().get("WWW-Authenticate")).isEqualTo("Bearer authorization=\"https://login.microsoftonline"
            + ".com/" + lab.tenant().id() + "\", resource=\"https://vault.azure.net\"");
        assertThat(json(r).at("/error/message").asText()).isEqualTo("AKV10000: Request is missing a Bearer or PoP token.");
    }

    @Test
    void aTokenForAnotherResourceIsRefusedWithKeyVaultsAudienceError() {
        String armToken = lab.tokens().issueManagedIdentityToken(caller, "https://management.azure.com/").accessToken();

        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/x?api-version=7.6", armToken, null));

        assertThat(r.status()).isEqualTo(401);
        assertThat(json(r).at("/error/message").asText()).isEqualTo("AKV10022: Invalid audience. Expected "
            + "https://vault.azure.net, found: https://management.azure.com/.");
    }

    @Test
    void anExpiredTokenIsRefused() {
        IssuedToken token = lab.tokens().issueManagedIdentityToken(caller, "https://vault.azure.net");
        LabClock clock = lab.clock();
        try {
            clock.advance(Duration.ofDays(2));
            LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/x?api-version=7.6",
                token.accessToken(), null));
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.headers().get("WWW-Authenticate")).isEqualTo("Bearer authorization=\"https://login"
                + ".microsoftonline.com/" + lab.tenant().id() + "\", resource=\"https://vault.azure.net\"");
            // expiry is the reason, not some other refusal
            assertThat(json(r).at("/error/code").asText()).isEqualTo("Unauthorized");
            assertThat(json(r).at("/error/message").asText()).isEqualTo("Token validation failed: The token expired "
                + "at " + java.time.Instant.ofEpochSecond(token.expiresOn().getEpochSecond()) + ".");
        } finally {
            clock.reset();
        }
    }

    /** Entra ID signs every tenant's tokens with the same keys: another tenant's token verifies, its issuer does not. */
    @Test
    void aTokenOfAnotherTenantIsRefusedWithKeyVaultsIssuerError() {
        String otherTenant = java.util.UUID.randomUUID().toString();
        long now = lab.clock().instant().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", "https://vault.azure.net");
        claims.put("iss", "https://sts.windows.net/" + otherTenant + "/");
        claims.put("nbf", now - 60);
        claims.put("exp", now + 3600);
        claims.put("oid", caller.objectId());
        claims.put("appid", caller.appId());
        claims.put("tid", otherTenant);
        dev.milab.entra.SigningKey key = lab.signingKeys().current();
        String token = dev.milab.entra.JsonWebToken.sign(claims, key.kid(), key.keyPair().getPrivate());

        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/x?api-version=7.6", token, null));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers()).containsKey("WWW-Authenticate");
        assertThat(json(r).at("/error/message").asText()).isEqualTo("AKV10032: Invalid issuer. Expected one of "
            + lab.tenant().v1Issuer() + ", " + lab.tenant().v2Issuer() + ", found https://sts.windows.net/"
            + otherTenant + "/.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad_name", "a.b", "%C3%A9t%C3%A9", "x123456789x123456789x123456789x123456789x123456789x123456789"
        + "x123456789x123456789x123456789x123456789x123456789x123456789x1234567"})
    void invalidSecretNamesAreBadParameters(String name) {
        LabHttpResponse r = endpoint.handle(request("PUT", "kv-unit", "/secrets/" + name + "?api-version=7.6",
            vaultToken, "{\"value\":\"v\"}"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("BadParameter");
    }

    @Test
    void aValueOver25KilobytesIsRefusedAndNothingIsStored() {
        String big = "x".repeat(SecretStore.MAX_VALUE_BYTES + 1);
        LabHttpResponse r = endpoint.handle(request("PUT", "kv-unit", "/secrets/big?api-version=7.6", vaultToken,
            Json.write(Map.of("value", big))));

        assertThat(r.status()).isEqualTo(400);
        assertThat(vault.secrets().find("big")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"value\":42}", "{}", "{\"value\":\"v\",\"attributes\":{\"enabled\":\"yes\"}}",
        "{\"value\":\"v\",\"attributes\":{\"exp\":\"tomorrow\"}}", "{\"value\":\"v\",\"tags\":[\"a\"]}"})
    void malformedBodiesAreBadParametersAndLeaveNoVersion(String body) {
        LabHttpResponse r = endpoint.handle(request("PUT", "kv-unit", "/secrets/malformed?api-version=7.6",
            vaultToken, body));

        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("BadParameter");
        assertThat(vault.secrets().find("malformed")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"'', 400", "6.0, 400", "7.7, 400", "2024-01-01, 400", "2016-10-01, 404", "7.0, 404", "7.6, 404",
        "2025-07-01, 404", "2026-04-01, 404"})
    void theApiVersionMustBeOneKeyVaultServes(String version, int status) {
        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/nothing-here?api-version=" + version,
            vaultToken, null));

        assertThat(r.status()).isEqualTo(status);
    }

    @Test
    void anUnknownVersionIsRefusedWithKeyVaultsTextNamingTheLatest() {
        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/x?api-version=7.7", vaultToken, null));

        assertThat(r.status()).isEqualTo(400);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("BadParameter");
        assertThat(json(r).at("/error/message").asText())
            .isEqualTo("The specified version (7.7) is not recognized. Consider using the latest supported version "
                + "(2026-04-01).");
    }

    @Test
    void aMissingSecretIsSecretNotFoundWithAzuresText() {
        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets/absent?api-version=7.6", vaultToken, null));

        assertThat(r.status()).isEqualTo(404);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("SecretNotFound");
        assertThat(json(r).at("/error/message").asText()).startsWith("A secret with (name/id) absent was not found");
    }

    @Test
    void aVaultWithAccessPoliciesRefusesWithoutAPolicy() {
        LabHttpResponse r = endpoint.handle(request("GET", "kv-policy", "/secrets/x?api-version=7.6", vaultToken, null));

        assertThat(r.status()).isEqualTo(403);
        assertThat(json(r).at("/error/innererror/code").asText()).isEqualTo("AccessDenied");
        assertThat(json(r).at("/error/message").asText()).contains("does not have secrets get permission on key vault "
            + "'kv-policy;location=westeurope'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "26", "abc"})
    void maxResultsOutsideOneToTwentyFiveIsRefused(String max) {
        LabHttpResponse r = endpoint.handle(request("GET", "kv-unit", "/secrets?api-version=7.6&maxresults=" + max,
            vaultToken, null));

        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void anUnknownVaultIsNotFound() {
        LabHttpResponse r = endpoint.handle(request("GET", "nope", "/secrets/x?api-version=7.6", vaultToken, null));

        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void anUnsupportedOperationIsRefusedWithoutChangingTheVault() {
        LabHttpResponse r = endpoint.handle(request("POST", "kv-unit", "/secrets/x?api-version=7.6", vaultToken, "{}"));

        assertThat(r.status()).isEqualTo(405);
        assertThat(vault.secrets().find("x")).isEmpty();
    }

    private static LabHttpRequest request(String method, String vaultName, String pathAndQuery, String token,
                                          String body) {
        int q = pathAndQuery.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (token != null) {
            headers.put("authorization", List.of("Bearer " + token));
        }
        headers.put("content-type", List.of("application/json"));
        return new LabHttpRequest(method.toUpperCase(Locale.ROOT), vaultName + ".vault.azure.net",
            pathAndQuery.substring(0, q), pathAndQuery.substring(q + 1), headers,
            body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(LabHttpResponse r) {
        try {
            return Json.read(r.bodyAsString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

}
