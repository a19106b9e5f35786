package dev.milab.imds;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.milab.entra.ServicePrincipal;
import dev.milab.lab.Lab;
import dev.milab.lab.VmProcess;
import dev.milab.sdk.PrintManagedIdentityToken;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenVerifier;

/** App Service's identity endpoint: the header rule over plain HTTP, and unmodified SDK code in an app process. */
class AppServiceIdentityEndpointIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();

    @Test
    void onlyARequestCarryingTheIdentityHeaderGetsAToken() throws Exception {
        Lab lab = SharedLab.get();
        ServicePrincipal identity = lab.createAppServiceApp("web-http");
        Map<String, String> env = lab.hostEnvironment("web-http");
        String url = env.get("IDENTITY_ENDPOINT") + "?api-version=2019-08-01&resource=https://vault.azure.net";

        assertThat(send(url, null).statusCode()).isEqualTo(401);
        assertThat(send(url, "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> ok = send(url, env.get("IDENTITY_HEADER"));
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(ok.body());
        assertThat(body.get("client_id").asText()).isEqualTo(identity.appId());
        assertThat(body.get("expires_on").isTextual()).isTrue();
        assertThat(send(url.replace("2019-08-01", "2017-09-01"), env.get("IDENTITY_HEADER")).statusCode())
            .isEqualTo(400);
    }

    @Test
    void defaultAzureCredentialInAnAppServiceAppGetsTheAppsIdentity() throws Exception {
        Lab lab = SharedLab.get();
        ServicePrincipal identity = lab.createAppServiceApp("web1");

        try (VmProcess process = lab.launchOnHost("web1", PrintManagedIdentityToken.class.getName(), List.of(),
            System.out)) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", process.output())).isZero();
            String token = process.output().stream().filter(l -> l.startsWith("token=")).findFirst().orElseThrow()
                .substring("token=".length());
            JWTClaimsSet claims = TokenVerifier.verify(token, lab.tenant().id(), "https://management.azure.com");
            assertThat(claims.getStringClaim("oid")).isEqualTo(identity.objectId());
            assertThat(claims.getStringClaim("xms_mirid")).endsWith("/providers/Microsoft.Web/sites/web1");
        }
    }

    private static HttpResponse<String> send(String url, String header) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (header != null) {
            b.header("X-IDENTITY-HEADER", header);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
