package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import dev.milab.entra.InvalidTokenException.Reason;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;
import dev.milab.routing.Loopback;

/**
 * Signing key rollover as Entra ID runs it: the next key is published before it signs, so validators that cache the
 * JWKS know it in time; the retiring key stays published for a while, so tokens it signed still validate; then it
 * is gone. Each test runs its own lab, since a rollover changes that lab's keys for everyone using it.
 */
class KeyRolloverTest {

    private static final String ARM = "https://management.azure.com/";
    private static final Set<String> ARM_AUDIENCES = ResourceApplications.audienceForms(ARM);
    private static final Duration PREPUBLISH = Duration.ofHours(1);
    private static final Duration RETENTION = Duration.ofHours(2);

    @Test
    void withPrepublishTheNewKeyIsInTheJwksBeforeItSigns() throws Exception {
        try (Lab lab = rolloverLab()) {
            ServicePrincipal identity = systemAssigned(lab, "vm1");
            SigningKey old = lab.signingKeys().current();
            String kidFromImdsBefore = kid(imdsToken(lab, "vm1"));

            SigningKey next = lab.signingKeys().rollover();

            assertThat(next.kid()).isNotEqualTo(old.kid());
            assertThat(next.signsFrom()).isEqualTo(next.publishedAt().plus(PREPUBLISH));
            assertThat(gatewayJwksKids(lab, "discovery/keys")).containsExactlyInAnyOrder(old.kid(), next.kid());
            assertThat(gatewayJwksKids(lab, "discovery/v2.0/keys")).containsExactlyInAnyOrder(old.kid(), next.kid());
            assertThat(handlerJwksKids(lab)).containsExactlyInAnyOrder(old.kid(), next.kid());
            assertThat(lab.signingKeys().current().kid()).as("the new key does not sign yet").isEqualTo(old.kid());
            assertThat(kid(lab.tokens().issueManagedIdentityToken(identity, ARM).accessToken())).isEqualTo(old.kid());
            assertThat(kidFromImdsBefore).isEqualTo(old.kid());
            assertThat(kid(imdsToken(lab, "vm1"))).isEqualTo(old.kid());
        }
    }

    @Test
    void afterTheSwitchNewTokensCarryTheNewKid() throws Exception {
        try (Lab lab = rolloverLab()) {
            ServicePrincipal identity = systemAssigned(lab, "vm1");
            SigningKey old = lab.signingKeys().current();
            String cachedBefore = imdsToken(lab, "vm1");
            SigningKey next = lab.signingKeys().rollover();

            lab.clock().advance(PREPUBLISH.plusSeconds(1));

            assertThat(lab.signingKeys().current().kid()).isEqualTo(next.kid());
            String issued = lab.tokens().issueManagedIdentityToken(identity, ARM).accessToken();
            assertThat(kid(issued)).isEqualTo(next.kid());
            String fromImds = imdsToken(lab, "vm1");
            assertThat(fromImds).as("IMDS does not hand out its cached old-key token after the switch")
                .isNotEqualTo(cachedBefore);
            assertThat(kid(fromImds)).isEqualTo(next.kid());
            assertThat(lab.tokenValidator().validate(fromImds, ARM_AUDIENCES).objectId())
                .isEqualTo(identity.objectId());
            assertThat(gatewayJwksKids(lab, "discovery/keys")).as("the retiring key is still published")
                .containsExactlyInAnyOrder(old.kid(), next.kid());
        }
    }

    @Test
    void aValidatorThatFetchedTheJwksBeforeTheSwitchValidatesTokensSignedAfterIt() throws Exception {
        try (Lab lab = rolloverLab()) {
            ServicePrincipal identity = systemAssigned(lab, "vm1");
            lab.signingKeys().rollover();
            // an independent resource server (nimbus-jose-jwt) caches the keys it sees now
            JWKSet cachedByValidator = JWKSet.parse(gatewayGet(lab, lab.tenant().id() + "/discovery/keys"));

            lab.clock().advance(PREPUBLISH.plusSeconds(1));
            String afterSwitch = lab.tokens().issueManagedIdentityToken(identity, ARM).accessToken();

            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(cachedByValidator)));
            processor.setJWTClaimsSetVerifier((claims, context) -> { });
            assertThat(processor.process(afterSwitch, null).getStringClaim("oid")).isEqualTo(identity.objectId());
        }
    }

    @Test
    void aTokenSignedWithTheRetiringKeyValidatesWhileItIsPublishedAndNotAfterRetention() throws Exception {
        try (Lab lab = rolloverLab()) {
            ServicePrincipal identity = systemAssigned(lab, "vm1");
            SigningKey old = lab.signingKeys().current();
            String oldToken = lab.tokens().issueManagedIdentityToken(identity, ARM).accessToken();
            SigningKey next = lab.signingKeys().rollover();

            lab.clock().advance(PREPUBLISH.plusSeconds(1));
            assertThat(lab.tokenValidator().validate(oldToken, ARM_AUDIENCES).objectId())
                .as("just after the switch").isEqualTo(identity.objectId());

            lab.clock().advance(RETENTION.minusMinutes(1));
            assertThat(lab.tokenValidator().validate(oldToken, ARM_AUDIENCES).objectId())
                .as("a minute before the retiring key is unpublished").isEqualTo(identity.objectId());

            lab.clock().advance(Duration.ofMinutes(2));
            assertThat(gatewayJwksKids(lab, "discovery/keys")).containsExactly(next.kid());
            assertThat(lab.signingKeys().publishedKey(old.kid())).isEmpty();
            assertThatThrownBy(() -> lab.tokenValidator().validate(oldToken, ARM_AUDIENCES))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SIGNING_KEY));
            String newToken = lab.tokens().issueManagedIdentityToken(identity, ARM).accessToken();
            assertThat(lab.tokenValidator().validate(newToken, ARM_AUDIENCES).objectId())
                .isEqualTo(identity.objectId());
        }
    }

    @Test
    void withoutPrepublishTheNewKeySignsAtOnceAndTheOldOneStaysPublished() throws Exception {
        try (Lab lab = Lab.start()) {
            assertThat(lab.settings().keyPrepublishPeriod()).isZero();
            ServicePrincipal identity = systemAssigned(lab, "vm1");
            SigningKey old = lab.signingKeys().current();
            String oldToken = lab.tokens().issueManagedIdentityToken(identity, ARM).accessToken();

            SigningKey next = lab.signingKeys().rollover();

            assertThat(lab.signingKeys().current().kid()).isEqualTo(next.kid());
            assertThat(kid(imdsToken(lab, "vm1"))).isEqualTo(next.kid());
            assertThat(gatewayJwksKids(lab, "discovery/keys")).containsExactlyInAnyOrder(old.kid(), next.kid());
            assertThat(lab.tokenValidator().validate(oldToken, ARM_AUDIENCES)).isNotNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"discovery/keys", "discovery/v2.0/keys"})
    void everyPublishedJwkDescribesItsKeyAndCertificate(String path) throws Exception {
        try (Lab lab = rolloverLab()) {
            lab.signingKeys().rollover();
            JsonNode jwks = Json.read(gatewayGet(lab, lab.tenant().id() + "/" + path));

            assertThat(jwks.get("keys")).hasSize(2);
            for (JsonNode jwk : jwks.get("keys")) {
                SigningKey key = lab.signingKeys().publishedKey(jwk.get("kid").asText()).orElseThrow();
                assertThat(jwk.get("kty").asText()).isEqualTo("RSA");
                assertThat(jwk.get("use").asText()).isEqualTo("sig");
                assertThat(jwk.get("x5t").asText()).isEqualTo(key.kid());
                assertThat(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("n").asText())))
                    .isEqualTo(key.publicKey().getModulus());
                assertThat(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("e").asText())))
                    .isEqualTo(key.publicKey().getPublicExponent());
                byte[] der = Base64.getDecoder().decode(jwk.get("x5c").get(0).asText());
                assertThat(der).isEqualTo(key.certificate().getEncoded());
                assertThat(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-1").digest(der))).isEqualTo(key.kid());
                if (path.contains("v2.0")) {
                    assertThat(jwk.get("issuer").asText()).isEqualTo(lab.tenant().v2Issuer());
                } else {
                    assertThat(jwk.has("issuer")).isFalse();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    @Test
    void labsInOneJvmStartWithEntraIdsCommonKeyButATokenOfOneTenantIsRefusedByAnotherAndRolloverStaysInItsLab()
        throws Exception {
        try (Lab first = rolloverLab(); Lab second = rolloverLab()) {
            // Entra ID signs for every tenant with the same global keys; the issuer keeps tenants apart.
            assertThat(gatewayJwksKids(second, "discovery/keys")).isEqualTo(gatewayJwksKids(first, "discovery/keys"));
            String firstsToken = first.tokens().issueManagedIdentityToken(systemAssigned(first, "vm1"), ARM)
                .accessToken();

            assertThat(first.tokenValidator().validate(firstsToken, ARM_AUDIENCES).tenantId())
                .isEqualTo(first.tenant().id());
            assertThatThrownBy(() -> second.tokenValidator().validate(firstsToken, ARM_AUDIENCES))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_ISSUER));

            SigningKey next = first.signingKeys().rollover();
            assertThat(gatewayJwksKids(first, "discovery/keys")).contains(next.kid());
            assertThat(gatewayJwksKids(second, "discovery/keys")).doesNotContain(next.kid())
                .containsExactly(second.signingKeys().current().kid());
        }
    }

    private static final HttpClient HTTP_NO_PROXY = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5)).build();

    private static Lab rolloverLab() {
        Lab lab = Lab.start();
        lab.settings().keyPrepublishPeriod(PREPUBLISH).retiredKeyRetention(RETENTION);
        return lab;
    }

    private static ServicePrincipal systemAssigned(Lab lab, String vm) {
        lab.createVirtualMachine(vm);
        return lab.enableSystemAssignedIdentity(vm).systemAssigned();
    }

    private static String kid(String jwt) {
        return JsonWebToken.parse(jwt).headerString("kid");
    }

    /** Entra ID's JWKS as the gateway serves it over HTTPS on 127.0.0.1, trusting only the lab CA. */
    private static List<String> gatewayJwksKids(Lab lab, String path) throws Exception {
        return kids(Json.read(gatewayGet(lab, lab.tenant().id() + "/" + path)));
    }

    private static String gatewayGet(Lab lab, String path) throws IOException, InterruptedException {
        URI uri = URI.create(lab.gatewayAddress() + "/" + path);
        requireLoopback(uri);
        HttpClient https = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .sslContext(lab.tls().clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = https.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return response.body();
    }

    /** The same JWKS from the Entra handler, as login.microsoftonline.com. */
    private static List<String> handlerJwksKids(Lab lab) throws IOException {
        LabHttpResponse response = new EntraEndpoint(lab.tenant(), lab.signingKeys()).handle(LabHttpRequest.get(
            "login.microsoftonline.com", "/" + lab.tenant().id() + "/discovery/keys", Map.of()));
        assertThat(response.status()).isEqualTo(200);
        return kids(Json.read(response.bodyAsString()));
    }

    private static List<String> kids(JsonNode jwks) {
        List<String> kids = new ArrayList<>();
        jwks.get("keys").forEach(k -> kids.add(k.get("kid").asText()));
        return kids;
    }

    /** A token for ARM from the VM's IMDS over plain HTTP on loopback. */
    private static String imdsToken(Lab lab, String vm) throws IOException, InterruptedException {
        URI uri = URI.create(lab.imdsAddress(vm) + "/metadata/identity/oauth2/token?api-version=2018-02-01"
            + "&resource=" + ARM);
        requireLoopback(uri);
        HttpResponse<String> response = HTTP_NO_PROXY.send(HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10)).header("Metadata", "true").GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.read(response.body()).get("access_token").asText();
    }

    private static void requireLoopback(URI uri) {
        if (!Loopback.isLoopbackLiteral(uri.getHost())) {
            throw new IllegalStateException("Tests talk to loopback only, not " + uri);
        }
    }
}
