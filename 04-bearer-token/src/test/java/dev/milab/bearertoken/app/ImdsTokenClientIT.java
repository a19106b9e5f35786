package dev.milab.bearertoken.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;

/** The JDK-only IMDS client against a lab VM's IMDS: the request it sends and the answers it reads. */
class ImdsTokenClientIT {

    private static Lab lab;
    private static ServicePrincipal vm1;
    private static ImdsTokenClient onVm1;

    @BeforeAll
    static void startTheLab() {
        lab = Lab.start();
        lab.createVirtualMachine("vm1");
        vm1 = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
        lab.createVirtualMachine("vm2");
        onVm1 = new ImdsTokenClient(lab.imdsAddress("vm1"));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void theRequestIsAGetWithTheApiVersionTheResourceAndTheMetadataHeader() {
        var request = new ImdsTokenClient(ImdsTokenClient.AZURE_ENDPOINT).request("https://vault.azure.net",
            Optional.of("abc"));

        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.uri()).hasToString("http://169.254.169.254/metadata/identity/oauth2/token"
            + "?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&client_id=abc");
        assertThat(request.headers().firstValue("Metadata")).contains("true");
    }

    @Test
    void imdsGivesTheVmsIdentityATokenForTheResource() throws Exception {
        ImdsToken token = onVm1.token("https://vault.azure.net", Optional.empty());

        assertThat(token.tokenType()).isEqualTo("Bearer");
        assertThat(token.resource()).isEqualTo("https://vault.azure.net");
        assertThat(token.clientId()).isEqualTo(vm1.appId());
        assertThat(token.expiresIn()).isBetween(86_000L, 86_400L);
        assertThat(token.expiresOn()).isAfter(Instant.now().plus(Duration.ofHours(23)));
        assertThat(token.notBefore()).isBefore(Instant.now());
        assertThat(token.accessToken().split("\\.")).hasSize(3);
        assertThat(token.toString()).doesNotContain(token.accessToken());
    }

    @Test
    void aVmWithoutAnIdentityGetsImdsOwnRefusal() {
        ImdsTokenClient onVm2 = new ImdsTokenClient(lab.imdsAddress("vm2"));

        assertThatThrownBy(() -> onVm2.token("https://vault.azure.net", Optional.empty()))
            .isInstanceOfSatisfying(ImdsException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.body()).contains("Identity not found");
            });
    }

    @Test
    void withoutAConfiguredAddressTheClientUsesAzuresImdsAddress() {
        Properties settings = new Properties();
        settings.setProperty("api.resource", "api://orders");
        settings.setProperty("api.url", "https://orders.example/orders");

        assertThat(ClientConfig.from(settings).imdsEndpoint()).isEqualTo(ImdsTokenClient.AZURE_ENDPOINT);
    }
}
