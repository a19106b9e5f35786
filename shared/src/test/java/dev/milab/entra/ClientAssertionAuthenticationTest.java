package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.lab.Lab;

/** Certificate and federated client assertions at the token endpoint, without HTTP: each refusal with its code. */
class ClientAssertionAuthenticationTest {

    private static Lab lab;
    private static Application app;
    private static ApplicationCredentialsIT.SelfSigned cert;
    private static String x5tS256;

    @BeforeAll
    static void anAppWithACertificate() throws Exception {
        lab = Lab.start();
        app = lab.directory().registerApplication("assertion-app");
        cert = ApplicationCredentialsIT.SelfSigned.create("CN=assertion-app");
        lab.directory().addClientCertificate(app.appId(), cert.certificate());
        x5tS256 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
            .digest(cert.certificate().getEncoded()));
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void aFreshCertificateAssertionGetsATokenAndTheSameAssertionIsRefusedTheSecondTime() throws Exception {
        Map<String, String> form = form(assertion(claims(app.appId(), tokenEndpoint(), Duration.ofMinutes(10))));

        IssuedToken token = lab.tokenEndpoint().issue(form, true);
        assertThat(token.principal().appId()).isEqualTo(app.appId());

        assertThatThrownBy(() -> lab.tokenEndpoint().issue(form, true)).isInstanceOf(TokenRequestException.class)
            .satisfies(e -> assertThat(((TokenRequestException) e).aadsts()).isEqualTo(50013));
    }

    @Test
    void anAssertionForAnotherAudienceIsRefused() {
        assertRefused(form(assertion(claims(app.appId(), "https://example.org/token", Duration.ofMinutes(10)))),
            700024);
    }

    @Test
    void anAssertionWhoseSubjectIsAnotherClientIsRefused() {
        Map<String, Object> claims = claims(app.appId(), tokenEndpoint(), Duration.ofMinutes(10));
        claims.put("sub", UUID.randomUUID().toString());
        assertRefused(form(assertion(claims)), 700021);
    }

    @Test
    void anExpiredAssertionIsRefused() {
        assertRefused(form(assertion(claims(app.appId(), tokenEndpoint(), Duration.ofMinutes(-1)))), 700024);
    }

    @Test
    void aTamperedAssertionFailsSignatureValidation() {
        String good = assertion(claims(app.appId(), tokenEndpoint(), Duration.ofMinutes(10)));
        String[] parts = good.split("\\.");
        Map<String, Object> other = claims(app.appId(), tokenEndpoint(), Duration.ofHours(10));
        String forgedPayload = Base64.getUrlEncoder().withoutPadding()
            .encodeToString(dev.milab.http.Json.write(other).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertRefused(form(parts[0] + "." + forgedPayload + "." + parts[2]), 700027);
    }

    @Test
    void anAssertionFromAnIssuerTheLabCannotReachIsRefusedWith50166() {
        Application federated = lab.directory().registerApplication("unreachable-issuer-app");
        lab.directory().addFederatedCredential(federated.appId(), new FederatedCredential("far", "https://far.example",
            "job", List.of(FederatedCredential.TOKEN_EXCHANGE_AUDIENCE)));
        ExternalIdentityProvider notHosted = new ExternalIdentityProvider("https://far.example", lab.clock());
        Map<String, String> form = form(notHosted.issueToken("job", FederatedCredential.TOKEN_EXCHANGE_AUDIENCE,
            Duration.ofMinutes(5)));
        form.put("client_id", federated.appId());

        assertThatThrownBy(() -> lab.tokenEndpoint().issue(form, true))
            .satisfies(e -> assertThat(((TokenRequestException) e).aadsts()).isEqualTo(50166));
    }

    @Test
    void theAssertionTypeMustBeJwtBearer() {
        Map<String, String> form = form(assertion(claims(app.appId(), tokenEndpoint(), Duration.ofMinutes(10))));
        form.put("client_assertion_type", "urn:example:other");
        assertThatThrownBy(() -> lab.tokenEndpoint().issue(form, true)).isInstanceOf(TokenRequestException.class)
            .hasMessageContaining("client_assertion_type");
    }

    private static void assertRefused(Map<String, String> form, int aadsts) {
        assertThatThrownBy(() -> lab.tokenEndpoint().issue(form, true)).isInstanceOf(TokenRequestException.class)
            .satisfies(e -> assertThat(((TokenRequestException) e).aadsts()).isEqualTo(aadsts));
    }

    private static String tokenEndpoint() {
        return "https://login.microsoftonline.com/" + lab.tenant().id() + "/oauth2/v2.0/token";
    }

    private static Map<String, Object> claims(String clientId, String audience, Duration lifetime) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", clientId);
        claims.put("sub", clientId);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("nbf", now.getEpochSecond() - (lifetime.isNegative() ? 3600 : 0));
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        return claims;
    }

    private static String assertion(Map<String, Object> claims) {
        return JsonWebToken.signWithHeader(Map.of("alg", "RS256", "typ", "JWT", "x5t#S256", x5tS256), claims,
            cert.keys().getPrivate());
    }

    private static Map<String, String> form(String assertion) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", app.appId());
        form.put("scope", "https://vault.azure.net/.default");
        form.put("client_assertion_type", ClientAssertionAuthentication.JWT_BEARER);
        form.put("client_assertion", assertion);
        return form;
    }
}
