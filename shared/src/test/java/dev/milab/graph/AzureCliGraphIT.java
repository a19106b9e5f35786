package dev.milab.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.Application;
import dev.milab.entra.JsonWebToken;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.testing.AzureCli;
import dev.milab.testing.SharedLab;

/**
 * The Azure CLI's {@code az ad} writes, unmodified, against the lab: the commands of demos 03 and 04's
 * {@code azure/setup.sh}. Each test asserts what az printed, what the lab's trace saw it send, and what the result
 * is good for: a password that the real {@code ClientSecretCredential} signs in with, a certificate for
 * {@code ClientCertificateCredential}, and an API that IMDS issues tokens for only once it has its identifier URI and
 * its service principal. Skipped where {@code az} or {@code openssl} is not installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class AzureCliGraphIT {

    private static final String VAULT_SCOPE = "https://vault.azure.net/.default";
    private static final String VM = "graph-cli-vm";
    private static Lab lab;
    private static AzureCli az;
    private static Path state;
    private static String apiAppId;
    private static String apiToken;
    private static String readerAppId;
    private static String readerPassword;

    @BeforeAll
    static void theLabsAdminSignedInToTheAzureCli() throws Exception {
        assumeTrue(AzureCli.onPath("az"), "the Azure CLI (az) is not installed (apt-get install azure-cli)");
        assumeTrue(AzureCli.onPath("openssl"), "openssl is not installed (the demo scripts make certificates with it)");
        lab = SharedLab.get();
        // What LabServer.seedDefaultScenario grants the admin of the standalone lab.
        lab.directory().grantAppRole(lab.admin().objectId(), GraphEndpoint.RESOURCE,
            GraphEndpoint.APPLICATION_READ_WRITE_ALL);
        lab.createVirtualMachine(VM);
        lab.enableSystemAssignedIdentity(VM);
        state = Files.createDirectories(Path.of("target", "azure-cli-graph-" + UUID.randomUUID())).toAbsolutePath();
        az = AzureCli.signedInAsAdmin(lab, state.resolve("azure-cli"));
    }

    @Test
    @Order(1)
    void anApiGetsTokensFromImdsOnlyOnceItHasItsIdentifierUriAndItsServicePrincipal() throws Exception {
        long before = lab.trace().lastSequence();
        List<String> created = az.lines("ad", "app", "create", "--display-name", "orders-api", "--query", "appId",
            "-o", "tsv");
        assertThat(created).hasSize(1);
        apiAppId = created.get(0);
        assertThat(lab.directory().application(apiAppId)).hasValueSatisfying(a ->
            assertThat(a.hasServicePrincipal()).as("az ad app create makes no service principal").isFalse());
        String resource = "api://" + apiAppId;
        assertThat(imds(resource).body()).contains("AADSTS500011: The resource principal named " + resource
            + " was not found in the tenant");

        AzureCli.Result update = az.run("ad", "app", "update", "--id", apiAppId, "--identifier-uris", resource);
        assertThat(update.exitCode()).as(update.text()).isZero();
        assertThat(imds(resource).statusCode()).as("an identifier URI without a service principal").isEqualTo(400);

        JsonNode sp = az.json("ad", "sp", "create", "--id", apiAppId);
        assertThat(sp.get("appId").asText()).isEqualTo(apiAppId);
        assertThat(sp.get("servicePrincipalNames")).extracting(JsonNode::asText).contains(resource);
        HttpResponse<String> issued = imds(resource);
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        apiToken = Json.read(issued.body()).get("access_token").asText();
        assertThat(JsonWebToken.parse(apiToken).claimString("aud")).isEqualTo(resource);

        assertThat(graphHops(before)).containsSubsequence("POST /v1.0/applications 201",
            "PATCH /v1.0/applications/" + shortId(lab.directory().application(apiAppId).orElseThrow().objectId())
                + " 204", "POST /v1.0/servicePrincipals 201");
    }

    @Test
    @Order(2)
    void showAndListSeeTheNewApplicationAndItsPrincipal() {
        JsonNode shown = az.json("ad", "app", "show", "--id", apiAppId);
        assertThat(shown.get("identifierUris")).extracting(JsonNode::asText).containsExactly("api://" + apiAppId);
        assertThat(az.lines("ad", "app", "list", "--display-name", "orders-api", "--query", "[].appId", "-o", "tsv"))
            .containsExactly(apiAppId);
        assertThat(az.lines("ad", "sp", "list", "--display-name", "orders-api", "--query", "[].appId", "-o", "tsv"))
            .containsExactly(apiAppId);
    }

    @Test
    @Order(3)
    void createForRbacMakesAnApplicationItsPrincipalAndAPasswordThatSignsInAtOnce() throws Exception {
        long before = lab.trace().lastSequence();
        JsonNode sp = az.json("ad", "sp", "create-for-rbac", "-n", "kv-reader-onprem", "--years", "1", "-o", "json");
        readerAppId = sp.get("appId").asText();
        readerPassword = sp.get("password").asText();
        assertThat(sp.get("tenant").asText()).isEqualTo(lab.tenant().id());
        assertThat(sp.get("displayName").asText()).isEqualTo("kv-reader-onprem");
        Application app = lab.directory().application(readerAppId).orElseThrow();
        assertThat(app.hasServicePrincipal()).isTrue();
        assertThat(app.secrets()).singleElement().satisfies(s -> {
            assertThat(s.description()).isEqualTo("rbac");
            assertThat(s.hint()).isEqualTo(readerPassword.substring(0, 3));
        });
        assertThat(graphHops(before)).containsSubsequence("POST /v1.0/applications 201",
            "POST …/" + shortId(app.objectId()) + "/addPassword 200", "POST /v1.0/servicePrincipals 201");

        assertThat(appid(secretToken(readerAppId, readerPassword))).isEqualTo(readerAppId);
    }

    @Test
    @Order(4)
    void createForRbacWithARoleStillMakesTheApplicationItsPrincipalAndItsPassword() {
        AzureCli.Result r = az.run("ad", "sp", "create-for-rbac", "-n", "kv-reader-rbac", "--role", "Reader",
            "--scopes", lab.defaultResourceGroupId(), "--years", "1", "-o", "json");
        Application app = lab.directory().applications().stream()
            .filter(a -> a.displayName().equals("kv-reader-rbac")).findFirst().orElseThrow();
        assertThat(app.hasServicePrincipal()).isTrue();
        assertThat(app.secrets()).hasSize(1);
        if (r.exitCode() != 0) {
            // az 2.45 fails inside its role assignment code before it sends the PUT (see notes/az-facts.md).
            assertThat(r.text()).contains("'RoleAssignmentsOperations' object has no attribute 'config'");
        }
    }

    @Test
    @Order(5)
    void aCertificateResetWithAppendKeepsTheOtherCredentialsAndSignsIn() throws Exception {
        long before = lab.trace().lastSequence();
        Path first = openssl("kv-reader-onprem");
        Path second = openssl("kv-reader-onprem-2");
        for (Path pem : List.of(first, second)) {
            AzureCli.Result r = az.run("ad", "app", "credential", "reset", "--id", readerAppId, "--cert",
                "@" + pem.resolveSibling(pem.getFileName().toString().replace(".pem", ".crt")), "--append", "-o",
                "none");
            assertThat(r.exitCode()).as(r.text()).isZero();
        }
        Application app = lab.directory().application(readerAppId).orElseThrow();
        assertThat(app.certificates()).as("--append sends the first back without its key").hasSize(2);
        assertThat(app.secrets()).hasSize(1);
        assertThat(graphHops(before)).filteredOn(h -> h.startsWith("PATCH")).hasSize(2).allSatisfy(h ->
            assertThat(h).endsWith(" 204"));
        for (Path pem : List.of(first, second)) {
            AccessToken token = new ClientCertificateCredentialBuilder().tenantId(lab.tenant().id())
                .clientId(readerAppId).pemCertificate(pem.toString()).build()
                .getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE));
            assertThat(JsonWebToken.parse(token.getToken()).claimString("appidacr")).isEqualTo("2");
        }
    }

    @Test
    @Order(6)
    void aPasswordResetWithAppendAddsAPasswordAndKeepsTheOldOne() throws Exception {
        JsonNode reset = az.json("ad", "app", "credential", "reset", "--id", readerAppId, "--append");
        String second = reset.get("password").asText();
        assertThat(second).isNotEqualTo(readerPassword);
        assertThat(appid(secretToken(readerAppId, second))).isEqualTo(readerAppId);
        assertThat(appid(secretToken(readerAppId, readerPassword))).isEqualTo(readerAppId);
    }

    @Test
    @Order(7)
    void deletingPrincipalsAndApplicationsStopsNewTokensButNotTheOnesIssued() throws Exception {
        String issued = secretToken(readerAppId, readerPassword);
        AzureCli.Result deleteSp = az.run("ad", "sp", "delete", "--id", readerAppId);
        assertThat(deleteSp.exitCode()).as(deleteSp.text()).isZero();
        assertThatThrownBy(() -> secretToken(readerAppId, readerPassword))
            .hasMessageContaining("AADSTS7000229: The client application " + readerAppId + " is missing service "
                + "principal in the tenant");
        assertThat(lab.tokenValidator().validate(issued, Set.of("https://vault.azure.net")).claims().get("appid"))
            .isEqualTo(readerAppId);

        AzureCli.Result deleteApp = az.run("ad", "app", "delete", "--id", apiAppId);
        assertThat(deleteApp.exitCode()).as(deleteApp.text()).isZero();
        assertThat(lab.directory().application(apiAppId)).isEmpty();
        assertThat(lab.directory().byAppId(apiAppId)).as("its service principal went with it").isEmpty();
        assertThat(imds("api://" + apiAppId).body()).contains("AADSTS500011");
        assertThat(lab.tokenValidator().validate(apiToken, Set.of("api://" + apiAppId)).audience())
            .as("the token issued before stays valid until it expires").isEqualTo("api://" + apiAppId);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** What a VM's process gets from IMDS for {@code resource}, as curl -H Metadata:true would. */
    private static HttpResponse<String> imds(String resource) throws Exception {
        URI uri = URI.create(lab.imdsAddress(VM) + "/metadata/identity/oauth2/token?api-version=2018-02-01&resource="
            + URLEncoder.encode(resource, StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header("Metadata", "true").build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static String secretToken(String clientId, String secret) {
        return new ClientSecretCredentialBuilder().tenantId(lab.tenant().id()).clientId(clientId).clientSecret(secret)
            .build().getTokenSync(new TokenRequestContext().addScopes(VAULT_SCOPE)).getToken();
    }

    private static String appid(String token) {
        return JsonWebToken.parse(token).claimString("appid");
    }

    /** The demo script's certificate: {@code openssl req -x509 ...}, then key and certificate in one PEM. */
    private static Path openssl(String name) throws Exception {
        Path key = state.resolve(name + ".key");
        Path crt = state.resolve(name + ".crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
            key.toString(), "-out", crt.toString(), "-days", "365", "-subj", "/CN=" + name)
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        Path pem = state.resolve(name + ".pem");
        Files.writeString(pem, Files.readString(key) + Files.readString(crt));
        return pem;
    }

    /** The Graph hops since {@code sequence}, as "request outcome". */
    private static List<String> graphHops(long sequence) {
        return lab.trace().since(sequence).stream().filter(h -> h.to().equals("Microsoft Graph"))
            .map(h -> h.request() + " " + h.outcome()).toList();
    }

    /** An object id as the trace shortens it. */
    private static String shortId(String id) {
        return id.substring(0, 8) + "…";
    }
}
