package dev.milab.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.DeviceCodes;
import dev.milab.entra.FirstPartyClients;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;

/** The control endpoint as a function: settings by name, all-or-none changes, the clock, and what it refuses. */
class LabControlEndpointTest {

    private static Lab lab;
    private static LabControlEndpoint endpoint;

    @BeforeAll
    static void start() {
        lab = Lab.start();
        endpoint = new LabControlEndpoint(new LabControl(lab));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void everySettingIsListedWithItsValueAndMeaning() {
        LabHttpResponse response = endpoint.handle(request("GET", "/lab/settings", "", Map.of()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyAsString()).contains("\"name\":\"managedIdentityTokenLifetime\",\"value\":\"PT24H\"",
            "\"name\":\"imdsThrottling\",\"value\":\"false\"", "Azure: about 24 h");
    }

    @Test
    void aPatchWithOneRefusedValueChangesNothing() {
        Duration skew = lab.settings().validationClockSkew();

        LabHttpResponse response = endpoint.handle(request("PATCH", "/lab/settings",
            "{\"validationClockSkew\": \"1s\", \"applicationTokenLifetime\": \"-5m\"}", Map.of()));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.bodyAsString()).contains("InvalidValue",
            "Setting 'applicationTokenLifetime' cannot be '-5m': A token lifetime must be positive");
        assertThat(lab.settings().validationClockSkew()).isEqualTo(skew);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"noSuchSetting\": \"1s\"}                | Unknown setting 'noSuchSetting'. Settings: managedIdentityTokenLifetime",
        "{\"imdsThrottling\": \"maybe\"}            | 'maybe' is not true or false",
        "{\"sqlIdleSessionTimeout\": \"soon\"}      | 'soon' is not a duration",
        "{\"imdsRequestsPerSecond\": {\"a\": 1}}    | needs a string, number or boolean value",
        "[1, 2]                                     | The body must be a JSON object",
        "not json                                   | The body must be a JSON object"})
    void aBadPatchIsA400ThatSaysWhy(String body, String message) {
        LabHttpResponse response = endpoint.handle(request("PATCH", "/lab/settings", body, Map.of()));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.bodyAsString()).contains(message);
    }

    @Test
    void aPatchChangesTheLabsSettings() {
        try {
            LabHttpResponse response = endpoint.handle(request("PATCH", "/lab/settings",
                "{\"roleAssignmentPropagationDelay\": \"PT3S\", \"imdsThrottling\": true}", Map.of()));

            assertThat(response.status()).isEqualTo(200);
            assertThat(lab.settings().roleAssignmentPropagationDelay()).isEqualTo(Duration.ofSeconds(3));
            assertThat(lab.settings().imdsThrottling()).isTrue();
        } finally {
            lab.settings().roleAssignmentPropagationDelay(Duration.ZERO).imdsThrottling(false);
        }
    }

    @Test
    void theClockMovesAndComesBack() {
        try {
            LabHttpResponse moved = endpoint.handle(request("POST", "/lab/clock/advance", "by=90m", Map.of()));

            assertThat(moved.status()).isEqualTo(200);
            assertThat(moved.bodyAsString()).contains("\"offset\":\"PT1H30M");
            assertThat(Duration.between(java.time.Instant.now(), lab.clock().instant()).toMinutes()).isEqualTo(90);
        } finally {
            assertThat(endpoint.handle(request("POST", "/lab/clock/reset", "", Map.of())).status()).isEqualTo(200);
        }
        assertThat(Duration.between(java.time.Instant.now(), lab.clock().instant()).abs())
            .isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aRequestFromAWebPageIsRefused() {
        LabHttpResponse response = endpoint.handle(request("POST", "/lab/clock/advance", "by=1h",
            Map.of("origin", List.of("http://evil.example"))));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.bodyAsString()).contains("OriginNotAllowed");
        assertThat(Duration.between(java.time.Instant.now(), lab.clock().instant()).abs())
            .isLessThan(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @CsvSource({"DELETE, /lab/settings, 405", "GET, /lab/clock/advance, 405", "GET, /lab/nothing, 404",
        "POST, /lab/clock/advance, 400", "GET, /lab, 200"})
    void routesAndMethodsAreChecked(String method, String path, int status) {
        assertThat(endpoint.handle(request(method, path, "", Map.of())).status()).isEqualTo(status);
    }

    @Test
    void everyVmIsListedWithItsGroupIdentityAndTheImdsThatAnswersForIt() throws Exception {
        lab.resources().createResourceGroup("rg-script", "westeurope");
        lab.resources().createVirtualMachine("rg-script", "vm1");
        var scripted = lab.resources().enableSystemAssignedIdentity("rg-script", "vm1");

        LabHttpResponse listed = endpoint.handle(request("GET", "/lab/virtual-machines", "", Map.of()));

        assertThat(listed.status()).isEqualTo(200);
        JsonNode vms = Json.read(listed.bodyAsString()).get("virtualMachines");
        assertThat(vms).anySatisfy(vm -> {
            assertThat(vm.get("name").asText()).isEqualTo("vm1");
            assertThat(vm.get("resourceGroup").asText()).isEqualTo("rg-script");
            assertThat(vm.get("systemAssignedPrincipalId").asText()).isEqualTo(scripted.systemAssigned().objectId());
            assertThat(vm.get("imds").asText()).isEqualTo(lab.imdsAddress("rg-script", "vm1").toString())
                .startsWith("http://127.0.0.1:");
        });
        assertThat(endpoint.handle(request("POST", "/lab/virtual-machines", "", Map.of())).status()).isEqualTo(405);
    }

    @Test
    void pendingDeviceCodesAreListedWithoutTheirDeviceCodeAndApprovedAsTheLearner() throws Exception {
        DeviceCodes.Authorization code = lab.deviceCodes().start(FirstPartyClients.AZURE_CLI, "Microsoft Azure CLI",
            "https://management.core.windows.net//.default openid", "https://management.core.windows.net/");

        LabHttpResponse listed = endpoint.handle(request("GET", "/lab/device-codes", "", Map.of()));
        assertThat(listed.status()).isEqualTo(200);
        JsonNode pending = Json.read(listed.bodyAsString()).get("deviceCodes");
        assertThat(pending).anySatisfy(p -> {
            assertThat(p.get("userCode").asText()).isEqualTo(code.userCode());
            assertThat(p.get("client").asText()).isEqualTo("Microsoft Azure CLI");
            assertThat(p.get("clientId").asText()).isEqualTo(FirstPartyClients.AZURE_CLI);
            assertThat(p.get("scope").asText()).isEqualTo("https://management.core.windows.net//.default openid");
            assertThat(p.has("expiresOn")).isTrue();
        });
        assertThat(listed.bodyAsString()).doesNotContain(code.deviceCode());

        LabHttpResponse approved = endpoint.handle(request("POST", "/lab/device-codes/" + code.userCode()
            + "/approve", "", Map.of()));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.bodyAsString()).contains("\"decision\":\"approved\"",
            "\"user\":\"learner@milab.onmicrosoft.com\"");
        assertThat(lab.deviceCodes().poll(code.deviceCode(), FirstPartyClients.AZURE_CLI))
            .isEqualTo(new DeviceCodes.Poll.Approved(lab.learner(), FirstPartyClients.AZURE_CLI,
                "https://management.core.windows.net//.default openid", "https://management.core.windows.net/"));
        assertThat(endpoint.handle(request("GET", "/lab/device-codes", "", Map.of())).bodyAsString())
            .doesNotContain(code.userCode());
    }

    @Test
    void aDeclinedCodeCannotBeApprovedAndAnUnknownOneIsNotFound() {
        DeviceCodes.Authorization code = lab.deviceCodes().start(FirstPartyClients.AZURE_CLI, "Microsoft Azure CLI",
            "openid", "https://graph.microsoft.com");

        assertThat(endpoint.handle(request("POST", "/lab/device-codes/" + code.userCode() + "/decline", "",
            Map.of())).status()).isEqualTo(200);
        LabHttpResponse again = endpoint.handle(request("POST", "/lab/device-codes/" + code.userCode() + "/approve",
            "", Map.of()));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.bodyAsString()).contains("AlreadyDecided");
        LabHttpResponse unknown = endpoint.handle(request("POST", "/lab/device-codes/NOSUCHCOD/approve", "",
            Map.of()));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.bodyAsString()).contains("UnknownCode", "GET /lab/device-codes");
    }

    @Test
    void aWebPageCannotApproveACode() {
        DeviceCodes.Authorization code = lab.deviceCodes().start(FirstPartyClients.AZURE_CLI, "Microsoft Azure CLI",
            "openid", "https://graph.microsoft.com");

        LabHttpResponse response = endpoint.handle(request("POST", "/lab/device-codes/" + code.userCode()
            + "/approve", "", Map.of("origin", List.of("http://evil.example"))));

        assertThat(response.status()).isEqualTo(403);
        assertThat(lab.deviceCodes().pending()).anySatisfy(p -> assertThat(p.userCode()).isEqualTo(code.userCode()));
    }

    @ParameterizedTest
    @CsvSource({"GET, /lab/device-codes/ABC/approve, 405", "POST, /lab/device-codes, 405",
        "POST, /lab/device-codes/ABC/grant, 404", "POST, /lab/device-codes/ABC, 404"})
    void deviceCodeRoutesAndMethodsAreChecked(String method, String path, int status) {
        assertThat(endpoint.handle(request(method, path, "", Map.of())).status()).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource({"0, PT0S", "500ms, PT0.5S", "2s, PT2S", "10m, PT10M", "1h, PT1H", "14d, PT336H", "PT2S, PT2S",
        "-1h, PT-1H", "pt1m, PT1M"})
    void durationsReadInBothSpellings(String text, String duration) {
        assertThat(LabControl.parseDuration(text)).isEqualTo(Duration.parse(duration));
    }

    private static LabHttpRequest request(String method, String path, String queryOrBody,
                                          Map<String, List<String>> headers) {
        boolean body = method.equals("PATCH");
        return new LabHttpRequest(method, "127.0.0.1", path, body ? "" : queryOrBody, headers,
            body ? queryOrBody.getBytes(StandardCharsets.UTF_8) : new byte[0]);
    }
}
