package dev.milab.imds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.arm.UserAssignedIdentity;
import dev.milab.arm.VirtualMachine;
import dev.milab.entra.JsonWebToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.lab.LabSettings;
import dev.milab.routing.Loopback;
import dev.milab.testing.SharedLab;

/**
 * The managed identity endpoint of a VM's IMDS over real sockets, request by request as Microsoft Learn shows it:
 * <pre>
 * curl 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&amp;resource=https://management.azure.com/' -H Metadata:true
 * </pre>
 * sent here to the VM's IMDS on 127.0.0.1 ({@code lab.imdsAddress(vm)}), never to 169.254.169.254.
 */
class ImdsProtocolIT {

    private static final String TOKEN_PATH = "/metadata/identity/oauth2/token";
    private static final String ARM = "https://management.azure.com/";
    private static final String LEARN_QUERY = "?api-version=2018-02-01&resource=" + ARM;
    private static final Map<String, String> METADATA = Map.of("Metadata", "true");
    private static final List<String> NEWEST_VERSIONS = List.of("2025-04-07", "2024-07-17", "2024-03-15");
    private static final String MULTIPLE_USER_ASSIGNED = "Multiple user assigned identities exist, please specify "
        + "the clientId / resourceId of the identity in the token request";

    /** No proxy, ever: a proxy setting in the environment must not turn a loopback request into a remote one. */
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger VM_NUMBER = new AtomicInteger();

    private static Lab lab;

    @BeforeAll
    static void startLab() {
        lab = SharedLab.get();
    }

    // ---------------------------------------------------------------------------------------------------- success

    @Test
    void theMicrosoftLearnCurlRequestGetsAllTokenFieldsAsStrings() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-sys");

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode body = reply.json();
        assertThat(fieldNames(body)).containsExactlyInAnyOrder("access_token", "refresh_token", "expires_in",
            "expires_on", "ext_expires_in", "not_before", "resource", "token_type", "client_id");
        body.fields().forEachRemaining(f -> assertThat(f.getValue().isTextual())
            .as("IMDS sends %s as a JSON string", f.getKey()).isTrue());
        assertThat(body.get("refresh_token").asText()).isEmpty();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("resource").asText()).isEqualTo(ARM);
        assertThat(body.get("client_id").asText()).isEqualTo(vm.systemAssigned().appId());

        long expiresIn = Long.parseLong(body.get("expires_in").asText());
        long expiresOn = Long.parseLong(body.get("expires_on").asText());
        long notBefore = Long.parseLong(body.get("not_before").asText());
        long now = lab.clock().instant().getEpochSecond();
        assertThat(expiresIn).isBetween(86_390L, 86_400L);
        assertThat(Long.parseLong(body.get("ext_expires_in").asText())).isEqualTo(expiresIn);
        assertThat(expiresOn).isBetween(now + expiresIn - 5, now + expiresIn + 5);
        assertThat(notBefore).isLessThanOrEqualTo(now);

        ValidatedToken token = lab.tokenValidator().validate(body.get("access_token").asText(),
            ResourceApplications.audienceForms(ARM));
        assertThat(token.objectId()).isEqualTo(vm.systemAssigned().objectId());
        assertThat(token.appId()).isEqualTo(vm.systemAssigned().appId());
        assertThat(token.audience()).isEqualTo(ARM);
        assertThat(token.expiresOn().getEpochSecond()).isEqualTo(expiresOn);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2018-02-01", "2019-08-01", "2021-02-01", "2025-04-07"})
    void everyIdentityApiVersionFrom20180201OnIsAccepted(String apiVersion) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-ver");

        Reply reply = get(vm.name(), TOKEN_PATH + "?api-version=" + apiVersion + "&resource=" + ARM, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("access_token").asText()).isNotEmpty();
    }

    @Test
    void aPathWithTwoLeadingSlashesAsMsalSendsItIsAccepted() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-slash");

        Reply reply = get(vm.name(), "/" + TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("client_id").asText()).isEqualTo(vm.systemAssigned().appId());
    }

    @Test
    void aTokenPathWithATrailingSlashAsMsalNodeSendsItIsAccepted() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-trail");

        Reply reply = get(vm.name(), TOKEN_PATH + "/" + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("client_id").asText()).isEqualTo(vm.systemAssigned().appId());
    }

    @Test
    void aTokenPathWithATrailingSlashStillNeedsTheMetadataHeader() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-trail-nohdr");

        Reply reply = get(vm.name(), TOKEN_PATH + "/" + LEARN_QUERY, Map.of());

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("bad_request_102");
    }

    // ------------------------------------------------------------------------------------------- Metadata header

    @Test
    void aRequestWithoutTheMetadataHeaderIsRefusedWithBadRequest102() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-nohdr");

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY, Map.of());

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json()).isEqualTo(json(
            "{\"error\":\"bad_request_102\",\"error_description\":\"Required metadata header not specified\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "yes", "1"})
    void aMetadataHeaderOtherThanTrueIsRefusedWithBadRequest102(String value) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-hdr");

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY, Map.of("Metadata", value));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("bad_request_102");
        assertThat(reply.json().get("error_description").asText()).isEqualTo("Required metadata header not specified");
    }

    @Test
    void anXForwardedForHeaderIsRefused() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-xff");

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY,
            Map.of("Metadata", "true", "X-Forwarded-For", "127.0.0.2"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("bad_request");
        assertThat(reply.json().has("access_token")).isFalse();
    }

    // ------------------------------------------------------------------------------------------------ api-version

    static Stream<Arguments> invalidApiVersions() {
        return Stream.of(
            Arguments.of("missing", "?resource=" + ARM),
            Arguments.of("unknown", "?api-version=2099-01-01&resource=" + ARM),
            Arguments.of("not a date", "?api-version=latest&resource=" + ARM),
            Arguments.of("empty", "?api-version=&resource=" + ARM),
            Arguments.of("before the identity endpoint existed", "?api-version=2017-12-01&resource=" + ARM));
    }

    @ParameterizedTest(name = "{0} api-version")
    @MethodSource("invalidApiVersions")
    void anInvalidApiVersionIsRefusedWithTheNewestVersions(String what, String query) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-apiv");

        Reply reply = get(vm.name(), TOKEN_PATH + query, METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText())
            .isEqualTo("Bad request. api-version is invalid or was not specified in the request. "
                + "For more information refer to aka.ms/azureimds");
        JsonNode newest = reply.json().get("newest-versions");
        assertThat(newest.isArray()).isTrue();
        List<String> versions = new ArrayList<>();
        newest.forEach(v -> versions.add(v.asText()));
        assertThat(versions).isEqualTo(NEWEST_VERSIONS);
    }

    // --------------------------------------------------------------------------------------------- query string

    static Stream<Arguments> duplicatedParameters() {
        return Stream.of(
            Arguments.of("resource", LEARN_QUERY + "&resource=" + ARM),
            Arguments.of("api-version", LEARN_QUERY + "&api-version=2018-02-01"),
            Arguments.of("client_id", LEARN_QUERY + "&client_id=a&client_id=a"));
    }

    @ParameterizedTest(name = "{0} twice")
    @MethodSource("duplicatedParameters")
    void aQueryParameterSentTwiceIsRefused(String name, String query) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-dup");

        Reply reply = get(vm.name(), TOKEN_PATH + query, METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(reply.json().get("error_description").asText()).contains("'" + name + "'");
    }

    @Test
    void aRequestWithoutResourceIsRefused() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-nores");

        Reply reply = get(vm.name(), TOKEN_PATH + "?api-version=2018-02-01", METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json()).isEqualTo(json("{\"error\":\"invalid_request\","
            + "\"error_description\":\"Required query variable 'resource' is missing\"}"));
    }

    @ParameterizedTest(name = "{0} and {1}")
    @MethodSource("selectorPairs")
    void twoIdentitySelectorsInOneRequestAreRefused(String first, String second) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-two-sel");
        UserAssignedIdentity uai = lab.createUserAssignedIdentity("imds-two-sel-id-" + VM_NUMBER.incrementAndGet());
        lab.attachUserAssignedIdentity(vm.name(), uai.name());

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY + "&" + first + "=" + selectorValue(first, uai)
            + "&" + second + "=" + selectorValue(second, uai), METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(reply.json().has("access_token")).isFalse();
    }

    static Stream<Arguments> selectorPairs() {
        return Stream.of(
            Arguments.of("client_id", "object_id"),
            Arguments.of("client_id", "msi_res_id"),
            Arguments.of("object_id", "msi_res_id"),
            Arguments.of("msi_res_id", "mi_res_id"));
    }

    // --------------------------------------------------------------------------------------- which identity

    @Test
    void withoutASelectorTheSystemAssignedIdentityIsTheDefaultEvenWithUserAssignedOnes() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-default-sys");
        UserAssignedIdentity uai = lab.createUserAssignedIdentity(vm.name() + "-id");
        lab.attachUserAssignedIdentity(vm.name(), uai.name());

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("client_id").asText()).isEqualTo(vm.systemAssigned().appId())
            .isNotEqualTo(uai.clientId());
    }

    @Test
    void withoutASelectorTheOnlyUserAssignedIdentityIsTheDefault() throws Exception {
        String vm = newVm("imds-default-uai").name();
        UserAssignedIdentity uai = lab.createUserAssignedIdentity(vm + "-id");
        lab.attachUserAssignedIdentity(vm, uai.name());

        Reply reply = get(vm, TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("client_id").asText()).isEqualTo(uai.clientId());
        assertThat(oid(reply)).isEqualTo(uai.principalId());
    }

    @Test
    void withoutASelectorTwoUserAssignedIdentitiesAndNoSystemAssignedOneAreRefused() throws Exception {
        String vm = newVm("imds-multi-uai").name();
        lab.attachUserAssignedIdentity(vm, lab.createUserAssignedIdentity(vm + "-a").name());
        lab.attachUserAssignedIdentity(vm, lab.createUserAssignedIdentity(vm + "-b").name());

        Reply reply = get(vm, TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json()).isEqualTo(json("{\"error\":\"invalid_request\",\"error_description\":\""
            + MULTIPLE_USER_ASSIGNED + "\"}"));
    }

    @Test
    void aVmWithNoIdentityAnswersIdentityNotFound() throws Exception {
        String vm = newVm("imds-none").name();

        Reply reply = get(vm, TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json())
            .isEqualTo(json("{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}"));
    }

    @ParameterizedTest(name = "by {0}")
    @ValueSource(strings = {"client_id", "object_id", "msi_res_id", "mi_res_id"})
    void eachSelectorPicksThatUserAssignedIdentityAmongSeveral(String selector) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-pick");
        UserAssignedIdentity a = lab.createUserAssignedIdentity(vm.name() + "-a");
        UserAssignedIdentity b = lab.createUserAssignedIdentity(vm.name() + "-b");
        lab.attachUserAssignedIdentity(vm.name(), a.name());
        lab.attachUserAssignedIdentity(vm.name(), b.name());

        Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY + "&" + selector + "=" + selectorValue(selector, b),
            METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("client_id").asText()).isEqualTo(b.clientId());
        assertThat(oid(reply)).isEqualTo(b.principalId());
    }

    @ParameterizedTest(name = "by {0}")
    @ValueSource(strings = {"client_id", "object_id", "msi_res_id", "mi_res_id"})
    void anIdentityAttachedOnlyToAnotherVmIsNotFound(String selector) throws Exception {
        VirtualMachine mine = vmWithSystemAssigned("imds-mine");
        String other = newVm("imds-other").name();
        UserAssignedIdentity othersIdentity = lab.createUserAssignedIdentity(other + "-id");
        lab.attachUserAssignedIdentity(other, othersIdentity.name());
        assertThat(get(other, TOKEN_PATH + LEARN_QUERY + "&" + selector + "="
            + selectorValue(selector, othersIdentity), METADATA).status())
            .as("the identity works on the VM it is attached to").isEqualTo(200);

        Reply reply = get(mine.name(), TOKEN_PATH + LEARN_QUERY + "&" + selector + "="
            + selectorValue(selector, othersIdentity), METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json())
            .isEqualTo(json("{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}"));
    }

    @Test
    void anotherVmsSystemAssignedIdentityIsNotFoundByClientId() throws Exception {
        VirtualMachine mine = vmWithSystemAssigned("imds-mine-sys");
        VirtualMachine other = vmWithSystemAssigned("imds-other-sys");

        Reply reply = get(mine.name(), TOKEN_PATH + LEARN_QUERY + "&client_id=" + other.systemAssigned().appId(),
            METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error_description").asText()).isEqualTo("Identity not found");
    }

    // ------------------------------------------------------------------------------------------------- resource

    @Test
    void anUnknownResourceIsRefusedWithAadsts500011() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-badres");
        String resource = "https://unknown.example.com/";

        Reply reply = get(vm.name(), TOKEN_PATH + "?api-version=2018-02-01&resource=" + resource, METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).isEqualTo("invalid_resource");
        assertThat(reply.json().get("error_description").asText())
            .startsWith("AADSTS500011: The resource principal named " + resource
                + " was not found in the tenant named " + lab.tenant().id() + ".");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://management.azure.com", "https://vault.azure.net",
        "https://database.windows.net/", "https://storage.azure.com/"})
    void knownResourcesAreIssuedWithTheAudienceAsRequested(String resource) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-res");

        Reply reply = get(vm.name(), TOKEN_PATH + "?api-version=2018-02-01&resource=" + resource, METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("resource").asText()).isEqualTo(resource);
        assertThat(JsonWebToken.parse(reply.json().get("access_token").asText()).claimString("aud"))
            .isEqualTo(resource);
    }

    // --------------------------------------------------------------------------------------- methods and paths

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE"})
    void aMethodOtherThanGetIsNotAllowed(String method) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-method");

        Reply reply = send(vm.name(), method, TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.json().get("error").asText()).isEqualTo("method_not_allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/metadata", "/metadata/identity/oauth2/tokens", "/metadata/identity/oauth2",
        "/oauth2/token"})
    void anUnknownPathIsNotFound(String path) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-path");

        Reply reply = get(vm.name(), path + LEARN_QUERY, METADATA);

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("error").asText()).isEqualTo("not_found");
    }

    // ------------------------------------------------------------------------------------------ instance metadata

    @Test
    void instanceMetadataNamesTheVm() throws Exception {
        VirtualMachine vm = newVm("imds-inst");

        Reply reply = get(vm.name(), "/metadata/instance?api-version=2021-02-01", METADATA);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode compute = reply.json().get("compute");
        assertThat(compute.get("name").asText()).isEqualTo(vm.name());
        assertThat(compute.get("resourceGroupName").asText()).isEqualTo(Lab.DEFAULT_RESOURCE_GROUP);
        assertThat(compute.get("subscriptionId").asText()).isEqualTo(lab.subscriptionId());
        assertThat(compute.get("vmId").asText()).isEqualTo(vm.vmId());
        assertThat(compute.get("resourceId").asText()).isEqualTo(vm.id());
        assertThat(reply.json().has("network")).isTrue();
    }

    @Test
    void instanceComputeMetadataIsTheComputeObjectAlone() throws Exception {
        VirtualMachine vm = newVm("imds-inst-c");

        Reply reply = get(vm.name(), "/metadata/instance/compute?api-version=2021-02-01", METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("name").asText()).isEqualTo(vm.name());
        assertThat(reply.json().get("vmId").asText()).isEqualTo(vm.vmId());
    }

    @Test
    void aLeafWithFormatTextIsItsValueAsPlainText() throws Exception {
        VirtualMachine vm = newVm("imds-leaf");

        Reply reply = get(vm.name(), "/metadata/instance/compute/vmId?api-version=2021-02-01&format=text", METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("text/plain");
        assertThat(reply.body()).isEqualTo(vm.vmId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute/name", "compute/resourceGroupName", "compute/subscriptionId", "compute/location",
        "compute/resourceId", "compute/osType", "compute/azEnvironment",
        "network/interface/0/ipv4/ipAddress/0/privateIpAddress", "network/interface/0/macAddress"})
    void everyLeafOfTheDocumentIsServedAsText(String leaf) throws Exception {
        VirtualMachine vm = newVm("imds-leaves");
        JsonNode document = get(vm.name(), "/metadata/instance?api-version=2021-02-01", METADATA).json();

        Reply reply = get(vm.name(), "/metadata/instance/" + leaf + "?api-version=2021-02-01&format=text", METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isNotEmpty().isEqualTo(document.at("/" + leaf).asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "&format=json"})
    void aLeafWithoutFormatTextIsABadRequest(String format) throws Exception {
        VirtualMachine vm = newVm("imds-leaf-json");

        Reply reply = get(vm.name(), "/metadata/instance/compute/vmId?api-version=2021-02-01" + format, METADATA);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).startsWith("Bad request");
    }

    @Test
    void aNestedRouteIsThatPartOfTheDocumentAsJson() throws Exception {
        VirtualMachine vm = newVm("imds-nested");

        Reply reply = get(vm.name(), "/metadata/instance/network/interface/0?api-version=2021-02-01", METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).startsWith("application/json");
        assertThat(reply.json().get("ipv4").get("ipAddress").get(0).get("privateIpAddress").asText())
            .isEqualTo("127.0.0.1");
    }

    @Test
    void anInnerNodeWithFormatTextListsItsChildren() throws Exception {
        VirtualMachine vm = newVm("imds-text-inner");

        Reply reply = get(vm.name(), "/metadata/instance?api-version=2021-02-01&format=text", METADATA);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().lines()).containsExactly("compute/", "network/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute/noSuchField", "network/interface/1", "network/interface/x", "compute/vmId/more",
        "computer"})
    void aRouteThatNamesNothingIsNotFound(String route) throws Exception {
        VirtualMachine vm = newVm("imds-route-404");

        Reply reply = get(vm.name(), "/metadata/instance/" + route + "?api-version=2021-02-01&format=text", METADATA);

        assertThat(reply.status()).isEqualTo(404);
    }

    @Test
    void theVmSizeIsTheOneResourceManagerHolds() throws Exception {
        VirtualMachine vm = newVm("imds-size");
        String defaultSize = get(vm.name(), "/metadata/instance/compute/vmSize?api-version=2021-02-01&format=text",
            METADATA).body();
        assertThat(defaultSize).isEqualTo(vm.vmSize()).isEqualTo("Standard_B1s");

        lab.resources().updateVirtualMachine(vm.resourceGroup(), vm.name(), null,
            Map.of("hardwareProfile", Map.of("vmSize", "Standard_D4s_v5")));

        Reply reply = get(vm.name(), "/metadata/instance/compute/vmSize?api-version=2021-02-01&format=text", METADATA);
        assertThat(reply.body()).isEqualTo("Standard_D4s_v5");
    }

    @Test
    void instanceMetadataWithoutTheMetadataHeaderIsRefused() throws Exception {
        VirtualMachine vm = newVm("imds-inst-nohdr");

        Reply reply = get(vm.name(), "/metadata/instance?api-version=2021-02-01", Map.of());

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asText()).contains("Required metadata header not specified");
    }

    // ------------------------------------------------------------------------------------------------- caching

    @Test
    void twoIdenticalRequestsGetTheSameCachedToken() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-cache");

        Reply first = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);
        Reply second = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("access_token").asText()).isEqualTo(first.json().get("access_token").asText());
        assertThat(second.json().get("expires_on").asText()).isEqualTo(first.json().get("expires_on").asText());
    }

    @Test
    void aDifferentResourceGetsADifferentToken() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-cache-res");

        Reply arm = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);
        Reply vault = get(vm.name(), TOKEN_PATH + "?api-version=2018-02-01&resource=https://vault.azure.net",
            METADATA);

        assertThat(vault.status()).isEqualTo(200);
        assertThat(vault.json().get("access_token").asText()).isNotEqualTo(arm.json().get("access_token").asText());
        assertThat(vault.json().get("resource").asText()).isEqualTo("https://vault.azure.net");
    }

    @Test
    void clearingTheTokenCacheIssuesANewToken() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-cache-clear");

        Reply first = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);
        lab.imds(vm.name()).clearTokenCache();
        Reply second = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(second.json().get("access_token").asText()).isNotEqualTo(first.json().get("access_token").asText());
    }

    // ----------------------------------------------------------------------------------- throttling and faults

    @Test
    void pastTheRequestRateTheEndpointAnswers429() throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-throttle");
        LabSettings settings = lab.settings();
        boolean wasThrottling = settings.imdsThrottling();
        int rps = settings.imdsRequestsPerSecond();
        int concurrent = settings.imdsConcurrentRequests();
        try {
            settings.imdsLimits(1, 5).imdsThrottling(true);
            // With one request a second allowed, some two of ten quick requests share a second.
            List<Integer> statuses = new ArrayList<>();
            Reply throttled = null;
            for (int i = 0; i < 10 && throttled == null; i++) {
                Reply reply = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);
                statuses.add(reply.status());
                if (reply.status() == 429) {
                    throttled = reply;
                }
            }
            assertThat(throttled).as("statuses seen: %s", statuses).isNotNull();
            assertThat(statuses).containsOnly(200, 429);
            assertThat(throttled.json().get("error").asText()).isEqualTo("too_many_requests");
        } finally {
            settings.imdsLimits(rps, concurrent).imdsThrottling(wasThrottling);
        }
        assertThat(get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA).status())
            .as("throttling is off again").isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {404, 410, 429, 500, 503})
    void injectedFaultsAnswerThatStatusNTimesThenTheRequestSucceeds(int status) throws Exception {
        VirtualMachine vm = vmWithSystemAssigned("imds-fault");
        lab.imds(vm.name()).injectFaults(2, status);

        Reply first = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);
        Reply second = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);
        Reply third = get(vm.name(), TOKEN_PATH + LEARN_QUERY, METADATA);

        assertThat(first.status()).isEqualTo(status);
        assertThat(second.status()).isEqualTo(status);
        assertThat(first.json().has("access_token")).isFalse();
        assertThat(third.status()).isEqualTo(200);
        assertThat(third.json().get("client_id").asText()).isEqualTo(vm.systemAssigned().appId());
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 400, 401, 403, 502})
    void onlyStatusesClientsRetryCanBeInjected(int status) {
        VirtualMachine vm = newVm("imds-fault-bad");

        assertThatThrownBy(() -> lab.imds(vm.name()).injectFaults(1, status))
            .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static VirtualMachine newVm(String prefix) {
        return lab.createVirtualMachine(prefix + "-" + VM_NUMBER.incrementAndGet());
    }

    private static VirtualMachine vmWithSystemAssigned(String prefix) {
        return lab.enableSystemAssignedIdentity(newVm(prefix).name());
    }

    private static String selectorValue(String selector, UserAssignedIdentity identity) {
        return switch (selector) {
            case "client_id" -> identity.clientId();
            case "object_id" -> identity.principalId();
            case "msi_res_id", "mi_res_id" -> identity.id();
            default -> throw new IllegalArgumentException(selector);
        };
    }

    private static String oid(Reply reply) throws IOException {
        return JsonWebToken.parse(reply.json().get("access_token").asText()).claimString("oid");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new java.util.LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode json(String text) throws IOException {
        return Json.read(text);
    }

    record Reply(int status, String contentType, String body) {
        JsonNode json() throws IOException {
            return Json.read(body);
        }
    }

    static Reply get(String vmName, String pathAndQuery, Map<String, String> headers)
        throws IOException, InterruptedException {
        return send(vmName, "GET", pathAndQuery, headers);
    }

    /** Sends one request to the VM's IMDS on loopback; refuses to build any other address. */
    static Reply send(String vmName, String method, String pathAndQuery, Map<String, String> headers)
        throws IOException, InterruptedException {
        URI uri = URI.create(lab.imdsAddress(vmName) + pathAndQuery);
        if (!Loopback.isLoopbackLiteral(uri.getHost())) {
            throw new IllegalStateException("Tests talk to loopback only, not " + uri);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
            .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(""));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
            response.body());
    }
}
