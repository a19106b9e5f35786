package dev.milab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.milab.entra.Application;
import dev.milab.entra.NewClientSecret;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenVerifier;

/**
 * The lab side of {@link TokenIssuerBenchmark}, not timed: a new {@code ClientSecretCredential} per request makes a
 * real token request every time (no token comes from MSAL's cache), and each token is the application's.
 */
class TokenIssuerBenchmarkIT {

    @Test
    void aNewCredentialPerRequestGetsANewVerifiableTokenForTheApplicationEachTime() throws Exception {
        Lab lab = SharedLab.get();
        Application app = lab.directory().registerApplication("token-issuer-benchmark-it");
        NewClientSecret secret = lab.directory().addClientSecret(app.appId(), "benchmark", lab.clock().instant(),
            Duration.ofDays(1));
        TokenIssuerBenchmark.RequestCounter counter = new TokenIssuerBenchmark.RequestCounter();
        TokenRequestContext request = new TokenRequestContext().addScopes(TokenIssuerBenchmark.SCOPE);

        AccessToken first = TokenIssuerBenchmark.labCredential(lab.tenant().id(), app.appId(), secret.value(), counter)
            .getTokenSync(request);
        AccessToken second = TokenIssuerBenchmark.labCredential(lab.tenant().id(), app.appId(), secret.value(),
            counter).getTokenSync(request);

        assertThat(counter.tokenRequests()).isEqualTo(2);
        assertThat(second.getToken()).isNotEqualTo(first.getToken());
        for (AccessToken token : new AccessToken[] {first, second}) {
            JWTClaimsSet claims = TokenVerifier.verify(token.getToken(), lab.tenant().id(),
                "https://management.azure.com");
            assertThat(claims.getStringClaim("appid")).isEqualTo(app.appId());
            assertThat(claims.getStringClaim("oid")).isEqualTo(app.servicePrincipal().objectId());
            assertThat(claims.getStringClaim("appidacr")).isEqualTo("1");
        }
    }
}
