package dev.milab.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.Application;
import dev.milab.entra.ClientAssertionAuthentication;
import dev.milab.entra.ClientCertificate;
import dev.milab.entra.EntraEndpoint;
import dev.milab.entra.IssuedToken;
import dev.milab.entra.JsonWebToken;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.TokenRequestException;
import dev.milab.http.Json;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;
import dev.milab.lab.LabServer;

/**
 * Microsoft Graph's writes without sockets, in the shapes the Azure CLI sends them: applications apart from their
 * service principals, passwords and certificates that work at the token endpoint at once, identifier URIs that make
 * an API a token resource only with its service principal, and Graph's refusals of bad input with nothing changed.
 */
class GraphWritesTest {

    private static final String VAULT = "https://vault.azure.net";
    private static Lab lab;
    private static GraphEndpoint graph;
    private static String writer;
    private static String reader;
    private static ServicePrincipal vm1;

    @BeforeAll
    static void aLabWhoseAdminMayWriteApplications() {
        lab = Lab.start();
        lab.createVirtualMachine("vm1");
        vm1 = lab.enableSystemAssignedIdentity("vm1").systemAssigned();
        graph = new GraphEndpoint(lab.directory(), lab.tokenValidator(), lab.clock());
        ServicePrincipal admin = lab.directory().byObjectId(lab.admin().objectId()).orElseThrow();
        reader = lab.tokens().issueApplicationToken(admin, GraphEndpoint.RESOURCE, "1").accessToken();
        lab.directory().grantAppRole(admin.objectId(), GraphEndpoint.RESOURCE, GraphEndpoint.APPLICATION_READ_WRITE_ALL);
        writer = lab.tokens().issueApplicationToken(admin, GraphEndpoint.RESOURCE, "1").accessToken();
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void theDefaultScenarioLetsTheAdminWriteApplications() {
        try (Lab fresh = Lab.start()) {
            assertThat(fresh.directory().appRoles(fresh.admin().objectId(), GraphEndpoint.RESOURCE))
                .containsExactly(GraphEndpoint.DIRECTORY_READ_ALL);
            LabServer.seedDefaultScenario(fresh);
            assertThat(fresh.directory().appRoles(fresh.admin().objectId(), GraphEndpoint.RESOURCE))
                .containsExactly(GraphEndpoint.APPLICATION_READ_WRITE_ALL, GraphEndpoint.DIRECTORY_READ_ALL);
        }
    }

    @Test
    void creatingAnApplicationMakesNoServicePrincipal() {
        LabHttpResponse r = send("POST", "/v1.0/applications", "{\"displayName\":\"orders-api\",\"keyCredentials\":[]}",
            writer);
        assertThat(r.status()).isEqualTo(201);
        JsonNode app = json(r);
        assertThat(app.get("@odata.context").asText()).endsWith("$metadata#applications/$entity");
        assertThat(app.get("displayName").asText()).isEqualTo("orders-api");
        assertThat(app.get("identifierUris")).isEmpty();
        String appId = app.get("appId").asText();
        assertThat(lab.directory().application(appId)).hasValueSatisfying(a -> {
            assertThat(a.objectId()).isEqualTo(app.get("id").asText());
            assertThat(a.hasServicePrincipal()).isFalse();
        });
        assertThat(lab.directory().byAppId(appId)).isEmpty();
        // az ad app show finds it by appId, az ad sp list finds no principal
        assertThat(json(send("GET", "/v1.0/applications?$filter=" + encode("appId eq '" + appId + "'"), null,
            reader)).get("value")).hasSize(1);
        assertThat(json(send("GET", "/v1.0/servicePrincipals?$filter=" + encode("servicePrincipalNames/any(c:c eq '"
            + appId + "')"), null, reader)).get("value")).isEmpty();
    }

    @Test
    void readingIsNotEnoughToWriteAndAManagedIdentityHasNoGraphPermissions() {
        LabHttpResponse r = send("POST", "/v1.0/applications", "{\"displayName\":\"nope\"}", reader);
        assertThat(r.status()).isEqualTo(403);
        assertThat(json(r).at("/error/code").asText()).isEqualTo("Authorization_RequestDenied");
        assertThat(json(r).at("/error/message").asText()).isEqualTo("Insufficient privileges to complete the operation.");
        String vmToken = lab.tokens().issueManagedIdentityToken(vm1, GraphEndpoint.RESOURCE).accessToken();
        assertThat(send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + lab.admin().clientId() + "\"}",
            vmToken).status()).isEqualTo(403);
        assertThat(lab.directory().applications()).noneMatch(a -> a.displayName().equals("nope"));
    }

    @Test
    void anApiIsATokenResourceOnlyWithItsIdentifierUriAndItsServicePrincipal() throws Exception {
        JsonNode app = created("tokens-api");
        String appId = app.get("appId").asText();
        String resource = "api://" + appId;
        assertThat(lab.resourceApplications().resolve(resource)).isEmpty();

        LabHttpResponse patch = send("PATCH", "/v1.0/applications/" + app.get("id").asText(),
            "{\"identifierUris\":[\"" + resource + "\"]}", writer);
        assertThat(patch.status()).isEqualTo(204);
        assertThat(patch.body()).isEmpty();
        assertThat(lab.resourceApplications().resolve(resource)).as("no service principal yet").isEmpty();

        LabHttpResponse sp = send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + appId
            + "\",\"accountEnabled\":true}", writer);
        assertThat(sp.status()).isEqualTo(201);
        assertThat(json(sp).get("servicePrincipalNames")).extracting(JsonNode::asText)
            .containsExactly(appId, resource);
        assertThat(json(sp).get("id").asText()).isEqualTo(lab.directory().byAppId(appId).orElseThrow().objectId());
        assertThat(lab.resourceApplications().resolve(resource + "/.default")).contains(resource);
        IssuedToken forApi = lab.tokens().issueManagedIdentityToken(vm1, resource);

        assertThat(send("DELETE", "/v1.0/applications/" + app.get("id").asText(), null, writer).status())
            .isEqualTo(204);
        assertThat(lab.directory().byAppId(appId)).as("deleting the app deletes its principal").isEmpty();
        assertThat(lab.resourceApplications().resolve(resource)).isEmpty();
        assertThat(lab.tokenValidator().validate(forApi.accessToken(), Set.of(resource)).audience())
            .as("a token issued before stays valid until it expires").isEqualTo(resource);
        assertThat(json(send("DELETE", "/v1.0/applications/" + app.get("id").asText(), null, writer))
            .at("/error/code").asText()).isEqualTo("Request_ResourceNotFound");
    }

    @Test
    void identifierUrisFollowEntraIdsRestrictionsAndAreUniqueInTheTenant() {
        JsonNode app = created("uri-api");
        String id = app.get("id").asText();
        String appId = app.get("appId").asText();
        String tenant = lab.tenant().id();
        for (String allowed : List.of("api://" + appId, "api://" + tenant + "/orders", "api://orders/" + appId,
            "https://orders.milab.onmicrosoft.com", "api://milab.onmicrosoft.com/orders")) {
            assertThat(send("PATCH", "/v1.0/applications/" + id, "{\"identifierUris\":[\"" + allowed + "\"]}", writer)
                .status()).as(allowed).isEqualTo(204);
        }
        for (String refused : List.of("api://" + UUID.randomUUID(), "https://contoso.com/orders", "api://orders",
            "urn:orders", "https://vault.azure.net")) {
            LabHttpResponse r = send("PATCH", "/v1.0/applications/" + id, "{\"identifierUris\":[\"" + refused + "\"]}",
                writer);
            assertThat(r.status()).as(refused).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("HostNameNotOnVerifiedDomain");
            assertThat(json(r).at("/error/message").asText()).isEqualTo("Values of identifierUris property must use a "
                + "verified domain of the organization or its subdomain: '" + refused + "'");
        }
        JsonNode other = created("uri-api-2");
        LabHttpResponse taken = send("PATCH", "/v1.0/applications/" + other.get("id").asText(),
            "{\"identifierUris\":[\"API://MILAB.onmicrosoft.com/orders/\"]}", writer);
        assertThat(taken.status()).isEqualTo(400);
        assertThat(json(taken).at("/error/message").asText())
            .isEqualTo("Another object with the same value for property identifierUris already exists.");
    }

    @Test
    void aServicePrincipalNeedsAnApplicationOfThisTenantAndOnlyOne() {
        JsonNode app = created("sp-api");
        String appId = app.get("appId").asText();
        assertThat(send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + appId + "\"}", writer).status())
            .isEqualTo(201);
        LabHttpResponse again = send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + appId + "\"}", writer);
        assertThat(again.status()).isEqualTo(409);
        assertThat(json(again).at("/error/code").asText()).isEqualTo("Request_MultipleObjectsWithSameKeyValue");
        String unknown = UUID.randomUUID().toString();
        LabHttpResponse missing = send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + unknown + "\"}", writer);
        assertThat(missing.status()).isEqualTo(400);
        // az ad sp create-for-rbac retries on ' does not reference ' (replication), as on Azure
        assertThat(json(missing).at("/error/message").asText()).isEqualTo("The appId '" + unknown + "' of the "
            + "service principal does not reference a valid application object.");
        LabHttpResponse managed = send("DELETE", "/v1.0/servicePrincipals/" + vm1.objectId(), null, writer);
        assertThat(managed.status()).isEqualTo(400);
        assertThat(lab.directory().byObjectId(vm1.objectId())).isPresent();

        String spId = lab.directory().byAppId(appId).orElseThrow().objectId();
        assertThat(send("DELETE", "/v1.0/servicePrincipals/" + spId, null, writer).status()).isEqualTo(204);
        assertThat(lab.directory().byObjectId(spId)).isEmpty();
        assertThat(lab.directory().application(appId)).as("the application stays").hasValueSatisfying(a ->
            assertThat(a.hasServicePrincipal()).isFalse());
    }

    @Test
    void aPasswordFromAddPasswordWorksAtOnceOnceThereIsAServicePrincipalAndIsShownOnlyOnce() throws Exception {
        JsonNode app = created("password-app");
        String id = app.get("id").asText();
        String appId = app.get("appId").asText();
        LabHttpResponse added = send("POST", "/v1.0/applications/" + id + "/addPassword", "{\"passwordCredential\":"
            + "{\"displayName\":\"rbac\",\"endDateTime\":\"2099-01-01T00:00:00Z\",\"startDateTime\":\""
            + Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS) + "\"}}", writer);
        assertThat(added.status()).isEqualTo(200);
        JsonNode credential = json(added);
        String secret = credential.get("secretText").asText();
        assertThat(secret).hasSize(40).startsWith(credential.get("hint").asText());
        assertThat(credential.get("displayName").asText()).isEqualTo("rbac");
        assertThat(credential.get("endDateTime").asText()).isEqualTo("2099-01-01T00:00:00Z");
        JsonNode shown = json(send("GET", "/v1.0/applications/" + id, null, reader)).get("passwordCredentials").get(0);
        assertThat(shown.get("secretText").isNull()).isTrue();
        assertThat(shown.get("keyId").asText()).isEqualTo(credential.get("keyId").asText());

        assertThatThrownBy(() -> clientCredentials(appId, secret)).isInstanceOfSatisfying(TokenRequestException.class,
            e -> assertThat(e.aadsts()).isEqualTo(7000229));
        send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + appId + "\"}", writer);
        assertThat(clientCredentials(appId, secret).principal().appId()).isEqualTo(appId);

        assertThat(send("POST", "/v1.0/applications/" + id + "/removePassword", "{\"keyId\":\""
            + credential.get("keyId").asText() + "\"}", writer).status()).isEqualTo(204);
        assertThatThrownBy(() -> clientCredentials(appId, secret)).isInstanceOfSatisfying(TokenRequestException.class,
            e -> assertThat(e.aadsts()).isEqualTo(7000215));
    }

    @Test
    void aCertificatePatchedIntoKeyCredentialsSignsClientAssertionsAndSurvivesBeingSentBackWithoutItsKey()
        throws Exception {
        JsonNode app = created("cert-app");
        String id = app.get("id").asText();
        String appId = app.get("appId").asText();
        send("POST", "/v1.0/servicePrincipals", "{\"appId\":\"" + appId + "\"}", writer);
        AppCertificate first = certificate("cert-app-1");
        AppCertificate second = certificate("cert-app-2");
        String keyId = UUID.randomUUID().toString();
        assertThat(send("PATCH", "/v1.0/applications/" + id, "{\"keyCredentials\":[" + keyCredential(first, keyId)
            + "]}", writer).status()).isEqualTo(204);
        // az ad app credential reset --append: what GET showed (no key), plus the new one
        JsonNode shown = json(send("GET", "/v1.0/applications/" + id, null, reader)).get("keyCredentials");
        assertThat(shown.get(0).get("key").isNull()).isTrue();
        assertThat(shown.get(0).get("keyId").asText()).isEqualTo(keyId);
        assertThat(send("PATCH", "/v1.0/applications/" + id, "{\"keyCredentials\":[" + shown.get(0) + ","
            + keyCredential(second, null) + "]}", writer).status()).isEqualTo(204);
        assertThat(lab.directory().application(appId).orElseThrow().certificates()).extracting(ClientCertificate::keyId)
            .hasSize(2).startsWith(keyId);

        assertThat(JsonWebToken.parse(clientAssertion(appId, first).accessToken()).claimString("appidacr"))
            .isEqualTo("2");
        assertThat(JsonWebToken.parse(clientAssertion(appId, second).accessToken()).claimString("appidacr"))
            .isEqualTo("2");

        // without --append az sends only the new one: the first certificate is gone
        assertThat(send("PATCH", "/v1.0/applications/" + id, "{\"keyCredentials\":[" + keyCredential(second, null)
            + "]}", writer).status()).isEqualTo(204);
        assertThatThrownBy(() -> clientAssertion(appId, first)).isInstanceOfSatisfying(TokenRequestException.class,
            e -> assertThat(e.aadsts()).isEqualTo(700027));
    }

    @Test
    void badKeyCredentialsAreRefusedAndChangeNothing() {
        JsonNode app = created("bad-cert-app");
        String id = app.get("id").asText();
        for (String item : List.of("{\"keyId\":\"" + UUID.randomUUID() + "\",\"key\":null}",
            "{\"type\":\"AsymmetricX509Cert\",\"usage\":\"Verify\",\"key\":\"bm90IGEgY2VydA==\"}",
            "{\"type\":\"Symmetric\",\"usage\":\"Verify\",\"key\":\"" + base64(certificate("bad-1")) + "\"}",
            "{\"type\":\"AsymmetricX509Cert\",\"usage\":\"Verify\",\"keyId\":\"not-a-guid\",\"key\":\""
                + base64(certificate("bad-2")) + "\"}")) {
            LabHttpResponse r = send("PATCH", "/v1.0/applications/" + id, "{\"displayName\":\"renamed\","
                + "\"keyCredentials\":[" + item + "]}", writer);
            assertThat(r.status()).as(item).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("Request_BadRequest");
        }
        LabHttpResponse sign = send("PATCH", "/v1.0/applications/" + id, "{\"keyCredentials\":[{\"type\":"
            + "\"AsymmetricX509Cert\",\"usage\":\"Sign\",\"key\":\"" + base64(certificate("bad-3")) + "\"}]}", writer);
        assertThat(json(sign).at("/error/message").asText()).contains("does not model the property 'usage'");
        Application unchanged = lab.directory().applicationByObjectId(id).orElseThrow();
        assertThat(unchanged.displayName()).isEqualTo("bad-cert-app");
        assertThat(unchanged.certificates()).isEmpty();
    }

    @Test
    void malformedUnknownAndWronglyTypedBodiesGetGraphsErrorsAndChangeNothing() {
        JsonNode app = created("strict-app");
        String path = "/v1.0/applications/" + app.get("id").asText();
        assertError(send("POST", "/v1.0/applications", "{\"displayName\":", writer), 400, "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid "
                + "JSON format.");
        assertError(send("POST", "/v1.0/applications", "[1,2]", writer), 400, "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid "
                + "JSON format.");
        assertError(send("PATCH", path, "{\"displayName\":\"x\",\"colour\":\"blue\"}", writer), 400, "BadRequest",
            "The property 'colour' does not exist on type 'microsoft.graph.application'. Make sure to only use "
                + "property names that are defined by the type or mark the type as open type.");
        assertThat(json(send("PATCH", path, "{\"displayName\":[\"x\"]}", writer)).at("/error/message").asText())
            .startsWith("A node of type 'StartArray' was read from the JSON reader");
        assertThat(send("PATCH", path, "{\"identifierUris\":\"api://x\"}", writer).status()).isEqualTo(400);
        assertError(send("POST", "/v1.0/applications", "{\"identifierUris\":[]}", writer), 400, "Request_BadRequest",
            "Invalid value specified for property 'displayName' of resource 'Application'.");
        assertThat(json(send("PATCH", path, "{\"web\":{\"redirectUris\":[\"https://x\"]}}", writer))
            .at("/error/message").asText()).contains("does not model the property 'web'");
        // the lab's own value for a property it does not model is accepted
        assertThat(send("PATCH", path, "{\"signInAudience\":\"AzureADMyOrg\",\"tags\":[]}", writer).status())
            .isEqualTo(204);
        LabHttpResponse noType = graph.handle(request("PATCH", path, "{\"displayName\":\"y\"}", writer, false));
        assertError(noType, 400, "BadRequest", "Entity only allows writes with a JSON Content-Type header.");
        // one bad part refuses the whole update
        assertThat(send("PATCH", path, "{\"displayName\":\"renamed\",\"identifierUris\":[\"https://contoso.com\"]}",
            writer).status()).isEqualTo(400);
        assertThat(lab.directory().applicationByObjectId(app.get("id").asText()).orElseThrow().displayName())
            .isEqualTo("strict-app");
        assertThat(send("PUT", path, "{}", writer).status()).isEqualTo(405);
        assertThat(send("POST", path + "/addKey", "{}", writer).status()).isEqualTo(400);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static JsonNode created(String name) {
        LabHttpResponse r = send("POST", "/v1.0/applications", "{\"displayName\":\"" + name + "\"}", writer);
        assertThat(r.status()).as(r.bodyAsString()).isEqualTo(201);
        return json(r);
    }

    private static IssuedToken clientCredentials(String appId, String secret) throws TokenRequestException {
        return lab.tokenEndpoint().issue(Map.of("grant_type", "client_credentials", "client_id", appId,
            "client_secret", secret, "resource", VAULT), false);
    }

    private static IssuedToken clientAssertion(String appId, AppCertificate cert) throws Exception {
        ClientCertificate named = ClientCertificate.of(cert.certificate());
        long now = Instant.now().getEpochSecond();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("x5t", named.x5t());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", EntraEndpoint.AUTHORITY + "/" + lab.tenant().id() + "/oauth2/v2.0/token");
        claims.put("iss", appId);
        claims.put("sub", appId);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("nbf", now);
        claims.put("exp", now + 600);
        return lab.tokenEndpoint().issue(Map.of("grant_type", "client_credentials", "client_id", appId,
            "client_assertion_type", ClientAssertionAuthentication.JWT_BEARER, "client_assertion",
            JsonWebToken.signWithHeader(header, claims, cert.privateKey()), "scope", VAULT + "/.default"), true);
    }

    /** A certificate with its private key, as {@code openssl req -x509 -newkey rsa:2048} makes one for an app. */
    record AppCertificate(PrivateKey privateKey, X509Certificate certificate) {
    }

    private static AppCertificate certificate(String name) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + name);
            Instant now = Instant.now();
            return new AppCertificate(keys.getPrivate(), new JcaX509CertificateConverter()
                .getCertificate(new JcaX509v3CertificateBuilder(subject,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(3600)),
                    Date.from(now.plusSeconds(86_400)), subject, keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA")
                        .build(keys.getPrivate()))));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String base64(AppCertificate cert) {
        try {
            return Base64.getEncoder().encodeToString(cert.certificate().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }

    /** A keyCredential as az builds it: the PEM's body (with its line breaks) as key, a new keyId. */
    private static String keyCredential(AppCertificate cert, String keyId) throws Exception {
        String pemBody = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.certificate().getEncoded()) + "\n";
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("@odata.type", "#microsoft.graph.keyCredential");
        k.put("displayName", null);
        k.put("endDateTime", cert.certificate().getNotAfter().toInstant().toString());
        k.put("key", pemBody);
        k.put("keyId", keyId != null ? keyId : UUID.randomUUID().toString());
        k.put("startDateTime", cert.certificate().getNotBefore().toInstant().toString());
        k.put("type", "AsymmetricX509Cert");
        k.put("usage", "Verify");
        return Json.write(k);
    }

    private static void assertError(LabHttpResponse r, int status, String code, String message) {
        assertThat(r.status()).as(r.bodyAsString()).isEqualTo(status);
        assertThat(json(r).at("/error/code").asText()).isEqualTo(code);
        assertThat(json(r).at("/error/message").asText()).isEqualTo(message);
    }

    private static LabHttpResponse send(String method, String pathAndQuery, String body, String token) {
        return graph.handle(request(method, pathAndQuery, body, token, true));
    }

    private static LabHttpRequest request(String method, String pathAndQuery, String body, String token,
                                          boolean contentType) {
        int q = pathAndQuery.indexOf('?');
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("authorization", List.of("Bearer " + token));
        if (body != null && contentType) {
            headers.put("content-type", List.of("application/json"));
        }
        return new LabHttpRequest(method, "graph.microsoft.com", q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
            q < 0 ? "" : pathAndQuery.substring(q + 1), headers,
            body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode json(LabHttpResponse r) {
        try {
            return Json.read(r.bodyAsString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
