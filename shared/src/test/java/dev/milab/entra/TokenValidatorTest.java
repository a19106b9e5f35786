package dev.milab.entra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.milab.entra.InvalidTokenException.Reason;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;
import dev.milab.testing.TokenSpelling;

/**
 * The checks every lab resource runs on a bearer token (signature via the published keys, issuer, audience, times),
 * one bad token at a time, each refused for its own reason.
 */
class TokenValidatorTest {

    private static final String ARM = "https://management.azure.com/";
    private static final Set<String> ARM_AUDIENCES = ResourceApplications.audienceForms(ARM);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    /** A key the tenant never published. */
    private static final KeyPair STRANGER = newRsaKeyPair();

    private static Lab lab;

    @BeforeAll
    static void startLab() {
        lab = SharedLab.get();
    }

    @Test
    void aWellFormedTokenFromTheTenantValidates() throws Exception {
        Map<String, Object> claims = claims();

        ValidatedToken token = lab.tokenValidator().validate(signed(claims), ARM_AUDIENCES);

        assertThat(token.objectId()).isEqualTo(claims.get("oid"));
        assertThat(token.appId()).isEqualTo(claims.get("appid"));
        assertThat(token.tenantId()).isEqualTo(lab.tenant().id());
        assertThat(token.audience()).isEqualTo(ARM);
        assertThat(token.issuer()).isEqualTo(lab.tenant().v1Issuer());
        assertThat(token.expiresOn().getEpochSecond()).isEqualTo(claims.get("exp"));
    }

    static Stream<Arguments> acceptedTokens() {
        long skew = skewSeconds();
        return Stream.of(
            accepted("a v2.0 issuer of the tenant", c -> c.put("iss", lab().tenant().v2Issuer())),
            accepted("the audience without trailing slash", c -> c.put("aud", "https://management.azure.com")),
            accepted("azp instead of appid", c -> {
                c.remove("appid");
                c.put("azp", "client");
            }),
            accepted("no nbf", c -> c.remove("nbf")),
            accepted("expired, but within the clock skew", c -> c.put("exp", now() - skew + 60)),
            accepted("not yet valid, but within the clock skew", c -> c.put("nbf", now() + skew - 60)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedTokens")
    void tokensWithinTheRulesAreAccepted(Supplier<String> token) throws Exception {
        assertThat(lab.tokenValidator().validate(token.get(), ARM_AUDIENCES)).isNotNull();
    }

    static Stream<Arguments> badTokens() {
        long skew = skewSeconds();
        return Stream.of(
            // not a compact JWS at all
            bad("null", () -> null, Reason.MALFORMED),
            bad("an empty string", () -> "", Reason.MALFORMED),
            bad("one part", () -> "eyJhbGciOiJSUzI1NiJ9", Reason.MALFORMED),
            bad("two parts", () -> "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0", Reason.MALFORMED),
            bad("four parts", () -> signed(claims()) + ".AAAA", Reason.MALFORMED),
            bad("garbage base64", () -> "!!!.***.???", Reason.MALFORMED),
            bad("non-JSON header and claims", () -> b64("not json") + "." + b64("at all") + ".c2ln",
                Reason.MALFORMED),
            bad("a JSON array as header", () -> b64("[1,2]") + "." + b64("{}") + ".c2ln", Reason.MALFORMED),
            bad("JSON null claims", () -> b64("{\"alg\":\"RS256\"}") + "." + b64("null") + ".c2ln",
                Reason.MALFORMED),
            bad("longer than 16 KiB", () -> signed(with(c -> c.put("pad", "x".repeat(17_000)))), Reason.MALFORMED),
            bad("no exp claim", () -> signed(with(c -> c.remove("exp"))), Reason.MALFORMED),
            bad("exp not a number", () -> signed(with(c -> c.put("exp", "tomorrow"))), Reason.MALFORMED),

            // algorithms other than RS256
            bad("alg none, empty signature", () -> unsigned("none", claims()), Reason.UNSUPPORTED_ALGORITHM),
            bad("alg HS256 with an HMAC signature", () -> hs256(claims()), Reason.UNSUPPORTED_ALGORITHM),
            bad("alg RS512", () -> withHeader(Map.of("alg", "RS512", "kid", currentKid())),
                Reason.UNSUPPORTED_ALGORITHM),
            bad("no alg", () -> withHeader(Map.of("kid", currentKid())), Reason.UNSUPPORTED_ALGORITHM),

            // keys
            bad("a kid the tenant does not publish",
                () -> JsonWebToken.sign(claims(), "unknown-" + UUID.randomUUID(), STRANGER.getPrivate()),
                Reason.UNKNOWN_SIGNING_KEY),
            bad("no kid", () -> JsonWebToken.sign(claims(), null, lab().signingKeys().current().keyPair()
                .getPrivate()), Reason.UNKNOWN_SIGNING_KEY),

            // signatures
            bad("a tampered payload", TokenValidatorTest::tamperedPayload, Reason.BAD_SIGNATURE),
            bad("the tenant's kid, signed with another key",
                () -> JsonWebToken.sign(claims(), currentKid(), STRANGER.getPrivate()), Reason.BAD_SIGNATURE),
            bad("an empty signature", () -> {
                String t = signed(claims());
                return t.substring(0, t.lastIndexOf('.') + 1);
            }, Reason.BAD_SIGNATURE),

            // issuer
            bad("another tenant's issuer",
                () -> signed(with(c -> c.put("iss", "https://sts.windows.net/" + UUID.randomUUID() + "/"))),
                Reason.WRONG_ISSUER),
            bad("the issuer without trailing slash", () -> signed(with(c -> c.put("iss",
                "https://sts.windows.net/" + lab().tenant().id()))), Reason.WRONG_ISSUER),
            bad("no issuer", () -> signed(with(c -> c.remove("iss"))), Reason.WRONG_ISSUER),

            // audience
            bad("another resource's audience", () -> signed(with(c -> c.put("aud", "https://vault.azure.net"))),
                Reason.WRONG_AUDIENCE),
            bad("no audience", () -> signed(with(c -> c.remove("aud"))), Reason.WRONG_AUDIENCE),
            bad("an audience array", () -> signed(with(c -> c.put("aud", java.util.List.of(ARM)))),
                Reason.WRONG_AUDIENCE),

            // times
            bad("not valid before the clock skew from now",
                () -> signed(with(c -> c.put("nbf", now() + skew + 60))), Reason.NOT_YET_VALID),
            bad("expired longer than the clock skew ago",
                () -> signed(with(c -> c.put("exp", now() - skew - 60))), Reason.EXPIRED),
            bad("expired a day ago", () -> signed(with(c -> {
                c.put("nbf", now() - 90_000);
                c.put("iat", now() - 90_000);
                c.put("exp", now() - 86_400);
            })), Reason.EXPIRED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badTokens")
    void aBadTokenIsRefusedForItsReason(Supplier<String> token, Reason reason) {
        String jwt = token.get();

        assertThatThrownBy(() -> lab.tokenValidator().validate(jwt, ARM_AUDIENCES))
            .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                assertThat(e.reason()).isEqualTo(reason);
                assertThat(e.getMessage()).isNotBlank();
            });
    }

    @Test
    void aTokenForTheAudienceIsRefusedByAResourceWithAnotherAudience() throws Exception {
        String token = signed(claims());

        assertThat(lab.tokenValidator().validate(token, ARM_AUDIENCES)).isNotNull();
        assertThatThrownBy(() -> lab.tokenValidator().validate(token,
            ResourceApplications.audienceForms(ResourceApplications.KEY_VAULT)))
            .isInstanceOfSatisfying(InvalidTokenException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_AUDIENCE));
    }

    /** A real token of the lab's token service, and each other spelling of it: only the canonical one is valid. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(TokenSpelling.class)
    void anotherSpellingOfARealTokenIsMalformed(TokenSpelling spelling) throws Exception {
        ServicePrincipal principal = lab.createUserAssignedIdentity("spelling-" + spelling.ordinal()).principal();
        String token = lab.tokens().issueManagedIdentityToken(principal, ARM).accessToken();
        String altered = spelling.apply(token);

        assertThat(lab.tokenValidator().validate(token, ARM_AUDIENCES).objectId()).isEqualTo(principal.objectId());
        assertThatThrownBy(() -> lab.tokenValidator().validate(altered, ARM_AUDIENCES))
            .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                // '=' alone or after a 132-character header the JDK's decoder refuses already; the rest only
                // the canonical rule does
                assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
                assertThat(e.getMessage()).startsWith("The token is malformed");
            });
    }

    /**
     * Header and claims too have one spelling. These tokens are signed over their non-canonical text with the
     * tenant's own key, so only the canonical rule can refuse them (a lenient decoder reads the same JSON).
     */
    static Stream<Arguments> nonCanonicalPartsSignedAsTheyAre() {
        return Stream.of(
            Arguments.of(Named.of("claims with '=' padding", (Supplier<String>) () -> {
                String claims = b64(Json.write(with(c -> c.put("pad", paddingFor(c, 2)))));
                return signInput(header() + "." + claims + "==");
            })),
            Arguments.of(Named.of("claims' last character in its unused bits", (Supplier<String>) () -> {
                String claims = b64(Json.write(with(c -> c.put("pad", paddingFor(c, 3)))));
                return signInput(header() + "." + TokenSpelling.inUnusedBits(claims));
            })),
            Arguments.of(Named.of("header with '=' padding", (Supplier<String>) () -> {
                String header = headerOfLength(2);
                return signInput(header + "==." + b64(Json.write(claims())));
            })),
            Arguments.of(Named.of("header's last character in its unused bits", (Supplier<String>) () -> {
                String header = headerOfLength(3);
                return signInput(TokenSpelling.inUnusedBits(header) + "." + b64(Json.write(claims())));
            })));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonCanonicalPartsSignedAsTheyAre")
    void aNonCanonicalHeaderOrClaimsPartIsMalformedEvenWhenSignedAsItIs(Supplier<String> token) {
        String jwt = token.get();
        String[] parts = jwt.split("\\.");
        // the JDK's decoder accepts every part: the refusal below is the canonical rule's, not the decoder's
        for (String part : parts) {
            Base64.getUrlDecoder().decode(part);
        }

        assertThatThrownBy(() -> lab.tokenValidator().validate(jwt, ARM_AUDIENCES))
            .isInstanceOfSatisfying(InvalidTokenException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
                assertThat(e.getMessage()).contains("not canonical base64url");
            });
    }

    @Test
    void theCanonicalFormsOfTheSameCraftedPartsValidate() throws Exception {
        String claims = b64(Json.write(with(c -> c.put("pad", paddingFor(c, 2)))));

        assertThat(lab.tokenValidator().validate(signInput(header() + "." + claims), ARM_AUDIENCES)).isNotNull();
        assertThat(lab.tokenValidator().validate(signInput(headerOfLength(3) + "." + b64(Json.write(claims()))),
            ARM_AUDIENCES)).isNotNull();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static Lab lab() {
        return SharedLab.get();
    }

    private static long now() {
        return lab().clock().instant().getEpochSecond();
    }

    private static long skewSeconds() {
        return lab().settings().validationClockSkew().getSeconds();
    }

    private static String currentKid() {
        return lab().signingKeys().current().kid();
    }

    private static Arguments bad(String name, Supplier<String> token, Reason reason) {
        return Arguments.of(Named.of(name, token), reason);
    }

    private static Arguments accepted(String name, Consumer<Map<String, Object>> change) {
        return Arguments.of(Named.<Supplier<String>>of(name, () -> signed(with(change))));
    }

    /** A managed identity token's claims, valid now for ARM in the lab's tenant. */
    private static Map<String, Object> claims() {
        long now = now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", ARM);
        claims.put("iss", lab().tenant().v1Issuer());
        claims.put("iat", now - 300);
        claims.put("nbf", now - 300);
        claims.put("exp", now + 3600);
        claims.put("appid", UUID.randomUUID().toString());
        claims.put("oid", UUID.randomUUID().toString());
        claims.put("sub", claims.get("oid"));
        claims.put("tid", lab().tenant().id());
        claims.put("ver", "1.0");
        return claims;
    }

    private static Map<String, Object> with(Consumer<Map<String, Object>> change) {
        Map<String, Object> claims = claims();
        change.accept(claims);
        return claims;
    }

    /** Signed RS256 with the tenant's current key. */
    private static String signed(Map<String, Object> claims) {
        SigningKey key = lab().signingKeys().current();
        return JsonWebToken.sign(claims, key.kid(), key.keyPair().getPrivate());
    }

    private static String b64(String text) {
        return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String unsigned(String alg, Map<String, Object> claims) {
        return b64(Json.write(Map.of("typ", "JWT", "alg", alg))) + "." + b64(Json.write(claims)) + ".";
    }

    private static String hs256(Map<String, Object> claims) {
        String input = b64(Json.write(Map.of("typ", "JWT", "alg", "HS256", "kid", currentKid()))) + "."
            + b64(Json.write(claims));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec("a shared secret of thirty-two bytes!".getBytes(StandardCharsets.UTF_8),
                "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A header of our choosing on a real signature of the tenant's key (the signature then fails, if checked). */
    private static String withHeader(Map<String, Object> header) {
        String token = signed(claims());
        int first = token.indexOf('.');
        return b64(Json.write(header)) + token.substring(first);
    }

    /** A genuine token whose claims were swapped for others (another oid) after signing. */
    private static String tamperedPayload() {
        String token = signed(claims());
        String[] parts = token.split("\\.");
        Map<String, Object> changed = claims();
        changed.put("oid", "00000000-0000-0000-0000-000000000000");
        return parts[0] + "." + b64(Json.write(changed)) + "." + parts[2];
    }

    private static String header() {
        return b64(Json.write(Map.of("typ", "JWT", "alg", "RS256", "kid", currentKid())));
    }

    /** The lab's header with a filler field sized so its base64url is {@code remainder} characters past a quantum. */
    private static String headerOfLength(int remainder) {
        for (int n = 0; ; n++) {
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.put("kid", currentKid());
            header.put("x", "y".repeat(n));
            String text = b64(Json.write(header));
            if (text.length() % 4 == remainder) {
                return text;
            }
        }
    }

    /** A filler claim value that makes {@code claims} encode to {@code remainder} characters past a quantum. */
    private static String paddingFor(Map<String, Object> claims, int remainder) {
        for (int n = 0; ; n++) {
            Map<String, Object> copy = new LinkedHashMap<>(claims);
            copy.put("pad", "p".repeat(n));
            if (b64(Json.write(copy)).length() % 4 == remainder) {
                return "p".repeat(n);
            }
        }
    }

    /** An RS256 signature of the tenant's current key over exactly this text, however it is spelled. */
    private static String signInput(String input) {
        try {
            java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
            rs256.initSign(lab().signingKeys().current().keyPair().getPrivate());
            rs256.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(rs256.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
