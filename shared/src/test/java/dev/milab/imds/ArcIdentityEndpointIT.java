package dev.milab.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.milab.arm.BuiltInRoles;
import dev.milab.entra.ServicePrincipal;
import dev.milab.keyvault.KeyVault;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.sdk.PrintSecret;
import dev.milab.testing.SharedLab;

/**
 * Azure Arc's HIMDS: the key-file challenge over plain HTTP, and unmodified {@code DefaultAzureCredential} plus
 * {@code SecretClient} on an "on-premises server" reading a Key Vault secret with the server's Arc identity.
 */
class ArcIdentityEndpointIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theFirstRequestIsChallengedWithAKeyFileAndItsContentBuysOneToken(@TempDir Path keys) throws Exception {
        try (Lab lab = Lab.builder().arcKeyDirectory(keys).start()) {
            ServicePrincipal identity = lab.createArcServer("onprem-http");
            String endpoint = lab.hostEnvironment("onprem-http").get("IDENTITY_ENDPOINT")
                + "?api-version=2019-11-01&resource=https://vault.azure.net";

            HttpResponse<String> challenge = send(endpoint, null);
            assertThat(challenge.statusCode()).isEqualTo(401);
            String realm = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
            assertThat(realm).startsWith("Basic realm=" + keys).endsWith(".key");
            Path file = Path.of(realm.substring("Basic realm=".length()));
            String key = Files.readString(file);

            HttpResponse<String> token = send(endpoint, "Basic " + key);
            assertThat(token.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(token.body()).get("client_id").asText()).isEqualTo(identity.appId());
            assertThat(file).doesNotExist();

            assertThat(send(endpoint, "Basic " + key).statusCode()).as("a key is good once").isEqualTo(401);
            assertThat(send(endpoint, "Basic not-a-key").statusCode()).isEqualTo(401);
        }
    }

    @Test
    void challengesNeverAnsweredAreBoundedAndTheNewestKeyStillBuysAToken(@TempDir Path keys) throws Exception {
        try (Lab lab = Lab.builder().arcKeyDirectory(keys).start()) {
            lab.createArcServer("onprem-flood");
            String endpoint = lab.hostEnvironment("onprem-flood").get("IDENTITY_ENDPOINT")
                + "?api-version=2019-11-01&resource=https://vault.azure.net";
            String first = null;
            String last = null;
            for (int i = 0; i < ArcIdentityEndpoint.MAX_OUTSTANDING_CHALLENGES + 50; i++) {
                String realm = send(endpoint, null).headers().firstValue("WWW-Authenticate").orElseThrow();
                last = realm.substring("Basic realm=".length());
                first = first == null ? last : first;
            }

            try (var files = Files.list(keys)) {
                assertThat(files.count()).isEqualTo(ArcIdentityEndpoint.MAX_OUTSTANDING_CHALLENGES);
            }
            assertThat(Path.of(first)).as("the oldest challenge was withdrawn").doesNotExist();
            assertThat(send(endpoint, "Basic " + Files.readString(Path.of(last))).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void userAssignedIdentitiesAndUnknownApiVersionsAreRefused(@TempDir Path keys) throws Exception {
        try (Lab lab = Lab.builder().arcKeyDirectory(keys).start()) {
            lab.createArcServer("onprem-bad");
            String endpoint = lab.hostEnvironment("onprem-bad").get("IDENTITY_ENDPOINT");

            assertThat(send(endpoint + "?api-version=2019-11-01&resource=https://vault.azure.net&client_id=x", null)
                .statusCode()).isEqualTo(400);
            assertThat(send(endpoint + "?api-version=2018-02-01&resource=https://vault.azure.net", null)
                .statusCode()).isEqualTo(400);
            assertThat(send(endpoint + "?api-version=2020-06-01", null).statusCode()).isEqualTo(400);
            assertThat(keys).isEmptyDirectory();
        }
    }

    @Test
    void anOnPremisesServerReadsAVaultSecretWithItsArcIdentity() {
        Lab lab = SharedLab.get();
        assumeTrue(lab.arcKeyFileProblem().isEmpty(), () -> "Skipped: " + lab.arcKeyFileProblem().orElse(""));
        ServicePrincipal identity = lab.createArcServer("onprem1");
        KeyVault vault = lab.createKeyVault("kv-arc");
        vault.secrets().set("app-config", "from-the-vault", null, null, null, null, null);
        lab.grantRole(identity.objectId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
        try (VmProcess process = lab.launchOnHost("onprem1", PrintSecret.class.getName(),
            List.of("https://kv-arc.vault.azure.net", "app-config"), System.out)) {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as(String.join("\n", process.output())).isZero();
            assertThat(process.output()).contains("secret=from-the-vault");
        }
    }

    private static HttpResponse<String> send(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Metadata", "true");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
