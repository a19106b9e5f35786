package dev.milab.bearertoken.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.milab.entra.JsonWebToken;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.SigningKey;
import dev.milab.http.Json;
import dev.milab.lab.Lab;

/**
 * The orders API against tokens of a real lab: genuine ones from its token service, and every kind of bad one,
 * each answered with its status and the reason in {@code WWW-Authenticate}.
 */
class OrdersApiTokenMatrixIT {

    private static final String ROLE = "Orders.Read";
    private static final String INVALID = "Bearer error=\"invalid_token\", error_description=\"";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** A key pair the tenant never published. */
    private static final KeyPair STRANGER = rsaKeyPair();

    private static Lab lab;
    private static ServicePrincipal vm1;
    private static ServicePrincipal other;
    private static String audience;
    private static OrdersApi api;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheLabAndTheApi() throws Exception {
        lab = Lab.start();
        lab.createVirtualMachine("vm1");
        vm1 = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
        other = lab.createUserAssignedIdentity("reports").principal();
        audience = "api://" + lab.directory().registerApplication("orders-api").appId();
        lab.resourceApplications().register(audience);
        api = OrdersApi.start(ApiConfig.from(apiSettings(lab, audience, vm1.objectId())), access -> { });
    }

    @AfterAll
    static void stop() {
        api.close();
        lab.close();
    }

    /** What the demo's lab wiring writes: the API on loopback, Entra ID's documents at the lab's gateway. */
    static Properties apiSettings(Lab lab, String audience, String allowedCaller) {
        Properties p = new Properties();
        p.setProperty("entra.tenant-id", lab.tenant().id());
        p.setProperty("api.audience", audience);
        p.setProperty("api.allowed-callers", allowedCaller);
        p.setProperty("api.required-role", ROLE);
        p.setProperty("api.bind-address", "127.0.0.1");
        p.setProperty("api.port", "0");
        URI tenant = lab.gatewayAddress().resolve("/" + lab.tenant().id() + "/");
        p.setProperty("entra.openid-configuration", tenant.resolve(".well-known/openid-configuration").toString());
        p.setProperty("entra.jwks-uri", tenant.resolve("discovery/keys").toString());
        p.setProperty("https.trust-store", lab.trustFiles().trustStore().toString());
        p.setProperty("https.trust-store-password", lab.trustFiles().trustStorePassword());
        return p;
    }

    static Stream<Arguments> requests() {
        return Stream.of(
            // RFC 6750, section 3.1: no credentials, no error code
            answer("no Authorization header", () -> null, 401, "Bearer"),
            answer("Basic credentials instead of a bearer token", () -> "Basic b3JkZXJzOnNlY3JldA==", 401, "Bearer"),
            answer("Bearer and no token", () -> "Bearer ", 401, "Bearer"),
            answer("not a JWT", () -> "Bearer abc", 401, INVALID + "not a JWT: .*"),

            answer("a genuine managed identity token", () -> bearer(genuine()), 200, null),
            answer("expired, but within the 5 minutes of clock skew", () -> bearer(signed(with(c ->
                c.put("exp", now() - 240)))), 200, null),
            answer("an app role instead of the allowed list", () -> bearer(signed(with(c -> {
                c.put("oid", other.objectId());
                c.put("roles", List.of(ROLE));
            }))), 200, null),

            answer("alg none", () -> bearer(unsigned(claims())), 401,
                INVALID + "the token is not signed \\(alg none\\): anyone could have written it\""),
            answer("alg HS256, keyed with the tenant's public key", () -> bearer(hs256WithPublicKey(claims())), 401,
                INVALID + "alg HS256 is not accepted: Entra ID signs with RS256\""),
            answer("alg RS512", () -> bearer(JsonWebToken.signWithHeader(Map.of("typ", "JWT", "alg", "RS512", "kid",
                key().kid()), claims(), key().keyPair().getPrivate())), 401,
                INVALID + "alg RS512 is not accepted: Entra ID signs with RS256\""),
            answer("a tampered payload", () -> bearer(tampered(genuine())), 401,
                INVALID + "the signature does not verify: .*\""),
            answer("the tenant's kid, signed with another key", () -> bearer(JsonWebToken.sign(claims(), key().kid(),
                STRANGER.getPrivate())), 401, INVALID + "the signature does not verify: .*\""),
            answer("a kid the tenant does not publish", () -> bearer(JsonWebToken.sign(claims(), "stranger",
                STRANGER.getPrivate())), 401, INVALID + "no signing key stranger is published by the tenant\""),

            answer("a genuine token for Key Vault", () -> bearer(lab.tokens().issueManagedIdentityToken(vm1,
                "https://vault.azure.net").accessToken()), 401,
                INVALID + "the token is for another audience \\(aud https://vault.azure.net\\)\""),
            answer("no audience", () -> bearer(signed(with(c -> c.remove("aud")))), 401,
                INVALID + "the token is for another audience \\(aud \\)\""),
            answer("another tenant's issuer", () -> bearer(signed(with(c -> c.put("iss", "https://sts.windows.net/"
                + "00000000-0000-0000-0000-000000000001/")))), 401, INVALID + "the token is from another issuer "
                + "\\(iss https://sts.windows.net/00000000-0000-0000-0000-000000000001/\\)\""),
            answer("the tenant's v2.0 issuer, at an API that reads the v1.0 configuration", () -> bearer(signed(with(
                c -> c.put("iss", lab.tenant().v2Issuer())))), 401, INVALID + "the token is from another issuer .*"),
            answer("expired longer than the clock skew ago", () -> bearer(signed(with(c -> c.put("exp",
                now() - 360)))), 401, INVALID + "the token expired at \\d{4}-.*Z\""),
            answer("not valid for another hour", () -> bearer(signed(with(c -> c.put("nbf", now() + 3600)))), 401,
                INVALID + "the token is not valid before \\d{4}-.*Z\""),
            answer("no oid", () -> bearer(signed(with(c -> c.remove("oid")))), 401,
                INVALID + "JWT missing required claims: \\[oid\\]\""),

            answer("a genuine token of an identity the API does not serve", () -> bearer(signed(with(c ->
                c.put("oid", other.objectId())))), 403, "Bearer error=\"insufficient_scope\", error_description=\"the"
                + " caller " + other.objectId() + " \\(appid .*\\) may not read orders\""));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("requests")
    void eachRequestGetsItsAnswer(Supplier<String> authorization, int status, String wwwAuthenticate)
        throws Exception {
        HttpResponse<String> response = get(api, authorization.get());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (wwwAuthenticate == null) {
            assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
            assertThat(response.body()).contains("\"orders\":[");
        } else {
            assertThat(response.headers().firstValue("WWW-Authenticate")).get().asString().matches(wwwAuthenticate);
        }
    }

    @Test
    void afterEntraIdRollsItsKeysATokenSignedWithTheNewKeyIsAcceptedOnceTheApiFetchesTheKeysAgain()
        throws Exception {
        // Its own API, so that its key cache and rate limit owe nothing to the matrix above.
        try (OrdersApi fresh = OrdersApi.start(ApiConfig.from(apiSettings(lab, audience, vm1.objectId())),
            access -> { })) {
            assertThat(get(fresh, bearer(genuine())).statusCode()).isEqualTo(200);
            long before = lab.trace().lastSequence();
            lab.signingKeys().rollover();

            assertThat(get(fresh, bearer(genuine())).statusCode()).isEqualTo(200);
            assertThat(lab.trace().since(before)).filteredOn(h -> h.request().equals("GET signing keys")).hasSize(1);
        }
    }

    @Test
    void whenEntraIdCannotBeReachedTheApiSays503AndRefusesNothingAsInvalid() throws Exception {
        Properties settings = apiSettings(lab, audience, vm1.objectId());
        settings.setProperty("entra.openid-configuration", "https://127.0.0.1:1/nowhere");
        try (OrdersApi cut = OrdersApi.start(ApiConfig.from(settings), access -> { })) {
            HttpResponse<String> response = get(cut, bearer(genuine()));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("temporarily_unavailable");
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static Arguments answer(String name, Supplier<String> authorization, int status, String header) {
        return Arguments.of(Named.of(name, authorization), status, header);
    }

    private static HttpResponse<String> get(OrdersApi target, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.baseUri().resolve("/orders")).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String genuine() {
        return lab.tokens().issueManagedIdentityToken(vm1, audience).accessToken();
    }

    private static SigningKey key() {
        return lab.signingKeys().current();
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    /** VM1's claims for the API, valid now. */
    private static Map<String, Object> claims() {
        long now = now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", audience);
        claims.put("iss", lab.tenant().v1Issuer());
        claims.put("iat", now - 300);
        claims.put("nbf", now - 300);
        claims.put("exp", now + 3600);
        claims.put("appid", vm1.appId());
        claims.put("idtyp", "app");
        claims.put("oid", vm1.objectId());
        claims.put("sub", vm1.objectId());
        claims.put("tid", lab.tenant().id());
        claims.put("ver", "1.0");
        return claims;
    }

    private static Map<String, Object> with(Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = claims();
        change.accept(claims);
        return claims;
    }

    private static String signed(Map<String, Object> claims) {
        return JsonWebToken.sign(claims, key().kid(), key().keyPair().getPrivate());
    }

    private static String unsigned(Map<String, Object> claims) {
        return b64(Json.write(Map.of("typ", "JWT", "alg", "none"))) + "." + b64(Json.write(claims)) + ".";
    }

    private static String hs256WithPublicKey(Map<String, Object> claims) {
        String input = b64(Json.write(Map.of("typ", "JWT", "alg", "HS256", "kid", key().kid()))) + "."
            + b64(Json.write(claims));
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(key().publicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(pem.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A genuine token whose payload names another oid, its signature left as it was. */
    private static String tampered(String token) {
        String[] parts = token.split("\\.");
        Map<String, Object> changed = with(c -> c.put("oid", UUID.randomUUID().toString()));
        return parts[0] + "." + b64(Json.write(changed)) + "." + parts[2];
    }

    private static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
