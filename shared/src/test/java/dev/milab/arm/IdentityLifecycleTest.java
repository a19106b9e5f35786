package dev.milab.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.milab.entra.InvalidTokenException;
import dev.milab.entra.JsonWebToken;
import dev.milab.entra.ResourceApplications;
import dev.milab.entra.ServicePrincipal;
import dev.milab.entra.ValidatedToken;
import dev.milab.http.Json;
import dev.milab.lab.Lab;
import dev.milab.routing.Loopback;
import dev.milab.testing.SharedLab;

/**
 * Azure's identity lifecycle in the resource graph, observed where a VM sees it: at its IMDS (plain HTTP on
 * 127.0.0.1). A system-assigned identity is born and dies with its VM; a user-assigned identity lives until it is
 * deleted, whatever happens to the VMs it is attached to; tokens already issued stay valid until they expire.
 */
class IdentityLifecycleTest {

    private static final String ARM = "https://management.azure.com/";
    private static final Set<String> ARM_AUDIENCES = ResourceApplications.audienceForms(ARM);
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicInteger NUMBER = new AtomicInteger();

    private static Lab lab;

    @BeforeAll
    static void startLab() {
        lab = SharedLab.get();
    }

    // ------------------------------------------------------------------------------------- system-assigned

    @Test
    void deletingAVmEndsItsSystemAssignedIdentityAtImdsAndInTheDirectory() throws Exception {
        String vm = unique("life-del");
        lab.createVirtualMachine(vm);
        ServicePrincipal principal = lab.enableSystemAssignedIdentity(vm).systemAssigned();
        assertThat(token(vm, "").status()).isEqualTo(200);
        assertThat(lab.directory().byObjectId(principal.objectId())).contains(principal);

        assertThat(lab.deleteVirtualMachine(vm)).isTrue();

        assertThat(lab.virtualMachine(vm)).isEmpty();
        assertIdentityNotFound(token(vm, ""));
        assertIdentityNotFound(token(vm, "&client_id=" + principal.appId()));
        assertIdentityNotFound(token(vm, "&object_id=" + principal.objectId()));
        assertThat(lab.directory().byObjectId(principal.objectId())).isEmpty();
        assertThat(lab.directory().byAppId(principal.appId())).isEmpty();
        assertThat(lab.deleteVirtualMachine(vm)).as("a second delete finds nothing").isFalse();
    }

    @Test
    void aVmCreatedAgainWithTheSameNameGetsANewSystemAssignedIdentity() throws Exception {
        String vm = unique("life-recreate");
        lab.createVirtualMachine(vm);
        ServicePrincipal before = lab.enableSystemAssignedIdentity(vm).systemAssigned();
        lab.deleteVirtualMachine(vm);

        lab.createVirtualMachine(vm);
        ServicePrincipal after = lab.enableSystemAssignedIdentity(vm).systemAssigned();

        assertTheVmNowGetsTokensFor(vm, after, before);
    }

    @Test
    void disablingThenEnablingTheSystemAssignedIdentityMakesANewPrincipal() throws Exception {
        String vm = unique("life-toggle");
        lab.createVirtualMachine(vm);
        ServicePrincipal first = lab.enableSystemAssignedIdentity(vm).systemAssigned();
        assertThat(lab.enableSystemAssignedIdentity(vm).systemAssigned())
            .as("enabling again while on keeps the principal").isEqualTo(first);

        VirtualMachine off = lab.resources().disableSystemAssignedIdentity(Lab.DEFAULT_RESOURCE_GROUP, vm);
        assertThat(off.systemAssigned()).isNull();
        assertThat(lab.directory().byObjectId(first.objectId())).isEmpty();
        assertIdentityNotFound(token(vm, ""));

        ServicePrincipal second = lab.enableSystemAssignedIdentity(vm).systemAssigned();

        assertTheVmNowGetsTokensFor(vm, second, first);
    }

    /** {@code current} is a new principal, the VM's IMDS issues its tokens, and {@code old} is gone from it. */
    private static void assertTheVmNowGetsTokensFor(String vm, ServicePrincipal current, ServicePrincipal old)
        throws Exception {
        assertThat(current.objectId()).isNotEqualTo(old.objectId());
        assertThat(current.appId()).isNotEqualTo(old.appId());
        Reply reply = token(vm, "");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("client_id").asText()).isEqualTo(current.appId());
        assertThat(oid(reply)).isEqualTo(current.objectId());
        assertIdentityNotFound(token(vm, "&client_id=" + old.appId()));
    }

    // ------------------------------------------------------------------------------------------ user-assigned

    @Test
    void aUserAssignedIdentityOutlivesAVmItWasAttachedTo() throws Exception {
        String vmA = unique("life-uai-a");
        String vmB = unique("life-uai-b");
        lab.createVirtualMachine(vmA);
        lab.createVirtualMachine(vmB);
        UserAssignedIdentity uai = lab.createUserAssignedIdentity(unique("life-uai"));
        lab.attachUserAssignedIdentity(vmA, uai.name());
        lab.attachUserAssignedIdentity(vmB, uai.name());
        Reply beforeOnA = token(vmA, "&client_id=" + uai.clientId());
        assertThat(beforeOnA.status()).isEqualTo(200);

        lab.deleteVirtualMachine(vmA);

        assertThat(lab.resources().userAssignedIdentity(uai.id())).contains(uai);
        assertThat(lab.directory().byObjectId(uai.principalId())).isPresent();
        assertIdentityNotFound(token(vmA, "&client_id=" + uai.clientId()));
        for (String selector : new String[] {"", "&client_id=" + uai.clientId(), "&object_id=" + uai.principalId(),
            "&msi_res_id=" + uai.id()}) {
            Reply onB = token(vmB, selector);
            assertThat(onB.status()).as("token on %s with '%s'", vmB, selector).isEqualTo(200);
            assertThat(onB.json().get("client_id").asText()).isEqualTo(uai.clientId())
                .isEqualTo(beforeOnA.json().get("client_id").asText());
            assertThat(oid(onB)).isEqualTo(uai.principalId()).isEqualTo(oid(beforeOnA));
        }
    }

    @Test
    void deletingAUserAssignedIdentityRemovesItFromEveryVm() throws Exception {
        String vmA = unique("life-uaidel-a");
        String vmB = unique("life-uaidel-b");
        lab.createVirtualMachine(vmA);
        lab.createVirtualMachine(vmB);
        lab.enableSystemAssignedIdentity(vmB);
        UserAssignedIdentity uai = lab.createUserAssignedIdentity(unique("life-uaidel"));
        lab.attachUserAssignedIdentity(vmA, uai.name());
        lab.attachUserAssignedIdentity(vmB, uai.name());
        assertThat(token(vmA, "&client_id=" + uai.clientId()).status()).isEqualTo(200);
        assertThat(token(vmB, "&client_id=" + uai.clientId()).status()).isEqualTo(200);

        assertThat(lab.resources().deleteUserAssignedIdentity(uai.id())).isTrue();

        assertThat(lab.resources().userAssignedIdentity(uai.id())).isEmpty();
        assertThat(lab.directory().byObjectId(uai.principalId())).isEmpty();
        assertThat(lab.virtualMachine(vmA).orElseThrow().userAssigned()).isEmpty();
        assertThat(lab.virtualMachine(vmA).orElseThrow().identityType()).isEqualTo("None");
        assertThat(lab.virtualMachine(vmB).orElseThrow().userAssigned()).isEmpty();
        assertThat(lab.virtualMachine(vmB).orElseThrow().identityType()).isEqualTo("SystemAssigned");
        assertIdentityNotFound(token(vmA, "&client_id=" + uai.clientId()));
        assertIdentityNotFound(token(vmA, ""));
        assertIdentityNotFound(token(vmB, "&client_id=" + uai.clientId()));
        assertIdentityNotFound(token(vmB, "&msi_res_id=" + uai.id()));
        assertThat(token(vmB, "").status()).as("vmB's system-assigned identity is untouched").isEqualTo(200);
        assertThat(lab.resources().deleteUserAssignedIdentity(uai.id())).as("a second delete finds nothing")
            .isFalse();
    }

    @Test
    void aUserAssignedIdentityCreatedAgainWithTheSameNameIsANewPrincipal() throws Exception {
        String vm = unique("life-uai-again");
        lab.createVirtualMachine(vm);
        String name = unique("life-uai-again-id");
        UserAssignedIdentity first = lab.createUserAssignedIdentity(name);
        assertThat(lab.createUserAssignedIdentity(name)).as("PUT is idempotent").isEqualTo(first);
        lab.resources().deleteUserAssignedIdentity(first.id());

        UserAssignedIdentity second = lab.createUserAssignedIdentity(name);
        lab.attachUserAssignedIdentity(vm, name);

        assertThat(second.id()).isEqualToIgnoringCase(first.id());
        assertThat(second.principalId()).isNotEqualTo(first.principalId());
        assertThat(token(vm, "&msi_res_id=" + first.id()).json().get("client_id").asText())
            .isEqualTo(second.clientId());
        assertIdentityNotFound(token(vm, "&client_id=" + first.clientId()));
    }

    @Test
    void attachingAnIdentityThatDoesNotExistIsRefused() {
        String vm = unique("life-attach-missing");
        lab.createVirtualMachine(vm);

        assertThatThrownBy(() -> lab.attachUserAssignedIdentity(vm, unique("life-never-created")))
            .isInstanceOf(ResourceNotFoundException.class);
        assertThat(lab.virtualMachine(vm).orElseThrow().identityType()).isEqualTo("None");
    }

    // ------------------------------------------------------------------------------------- the identity block

    @ParameterizedTest(name = "system-assigned {0}, user-assigned {1} -> \"{2}\"")
    @CsvSource(delimiter = '|', value = {
        "false | 0 | None",
        "true  | 0 | SystemAssigned",
        "false | 1 | UserAssigned",
        "false | 2 | UserAssigned",
        "true  | 1 | SystemAssigned, UserAssigned",
        "true  | 2 | SystemAssigned, UserAssigned"})
    void theIdentityBlockNamesItsTypeAsArmDoes(boolean systemAssigned, int userAssigned, String type) {
        String vm = unique("life-type");
        lab.createVirtualMachine(vm);
        if (systemAssigned) {
            lab.enableSystemAssignedIdentity(vm);
        }
        for (int i = 0; i < userAssigned; i++) {
            lab.attachUserAssignedIdentity(vm, lab.createUserAssignedIdentity(vm + "-id" + i).name());
        }
        VirtualMachine machine = lab.virtualMachine(vm).orElseThrow();

        Map<String, Object> block = machine.identityBlock(lab.tenant().id());

        assertThat(machine.identityType()).isEqualTo(type);
        assertThat(block.get("type")).isEqualTo(type);
        if (systemAssigned) {
            assertThat(block).containsEntry("principalId", machine.systemAssigned().objectId())
                .containsEntry("tenantId", lab.tenant().id());
        } else {
            assertThat(block).doesNotContainKeys("principalId", "tenantId");
        }
        if (userAssigned > 0) {
            @SuppressWarnings("unchecked")
            Map<String, Map<String, String>> map = (Map<String, Map<String, String>>) block
                .get("userAssignedIdentities");
            assertThat(map).hasSize(userAssigned);
            for (UserAssignedIdentity u : machine.userAssigned()) {
                assertThat(map.get(u.id())).containsEntry("principalId", u.principalId())
                    .containsEntry("clientId", u.clientId());
            }
        } else {
            assertThat(block).doesNotContainKey("userAssignedIdentities");
        }
    }

    @Test
    void theIdentityTypeFollowsEachChange() {
        String vm = unique("life-type-steps");
        lab.createVirtualMachine(vm);
        UserAssignedIdentity uai = lab.createUserAssignedIdentity(vm + "-id");
        ResourceGraph graph = lab.resources();

        assertThat(type(vm)).isEqualTo("None");
        lab.enableSystemAssignedIdentity(vm);
        assertThat(type(vm)).isEqualTo("SystemAssigned");
        lab.attachUserAssignedIdentity(vm, uai.name());
        assertThat(type(vm)).isEqualTo("SystemAssigned, UserAssigned");
        graph.disableSystemAssignedIdentity(Lab.DEFAULT_RESOURCE_GROUP, vm);
        assertThat(type(vm)).isEqualTo("UserAssigned");
        graph.detachUserAssignedIdentity(Lab.DEFAULT_RESOURCE_GROUP, vm, uai.id());
        assertThat(type(vm)).isEqualTo("None");
        assertThat(graph.userAssignedIdentity(uai.id())).as("detaching does not delete").isPresent();
    }

    // ---------------------------------------------------------------------------- tokens outlive their principal

    @Test
    void aTokenIssuedBeforeTheVmWasDeletedValidatesUntilItExpires() throws Exception {
        String vm = unique("life-token");
        lab.createVirtualMachine(vm);
        ServicePrincipal principal = lab.enableSystemAssignedIdentity(vm).systemAssigned();
        Reply reply = token(vm, "");
        String accessToken = reply.json().get("access_token").asText();
        Instant expiresOn = Instant.ofEpochSecond(Long.parseLong(reply.json().get("expires_on").asText()));

        lab.deleteVirtualMachine(vm);
        assertThat(lab.directory().byObjectId(principal.objectId())).isEmpty();

        ValidatedToken stillValid = lab.tokenValidator().validate(accessToken, ARM_AUDIENCES);
        assertThat(stillValid.objectId()).isEqualTo(principal.objectId());
        assertThat(stillValid.expiresOn()).isEqualTo(expiresOn);

        Duration skew = lab.settings().validationClockSkew();
        try {
            // just inside expiry plus the validators' clock skew: still accepted
            lab.clock().advance(Duration.between(lab.clock().instant(), expiresOn).plus(skew).minusSeconds(30));
            assertThat(lab.tokenValidator().validate(accessToken, ARM_AUDIENCES).objectId())
                .isEqualTo(principal.objectId());

            // past it: refused as expired, not for the deleted principal
            lab.clock().advance(Duration.ofSeconds(31));
            assertThatThrownBy(() -> lab.tokenValidator().validate(accessToken, ARM_AUDIENCES))
                .isInstanceOfSatisfying(InvalidTokenException.class,
                    e -> assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.EXPIRED));
        } finally {
            lab.clock().reset();
        }
        assertThat(lab.tokenValidator().validate(accessToken, ARM_AUDIENCES)).isNotNull();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static String unique(String prefix) {
        return prefix + "-" + NUMBER.incrementAndGet();
    }

    private static String type(String vm) {
        return lab.virtualMachine(vm).orElseThrow().identityType();
    }

    private static void assertIdentityNotFound(Reply reply) throws IOException {
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json())
            .isEqualTo(Json.read("{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}"));
    }

    private static String oid(Reply reply) throws IOException {
        return JsonWebToken.parse(reply.json().get("access_token").asText()).claimString("oid");
    }

    record Reply(int status, String body) {
        JsonNode json() throws IOException {
            return Json.read(body);
        }
    }

    /** A token request for ARM to the VM's IMDS on loopback, with {@code extraQuery} appended. */
    private static Reply token(String vmName, String extraQuery) throws IOException, InterruptedException {
        URI uri = URI.create(lab.imdsAddress(vmName) + "/metadata/identity/oauth2/token?api-version=2018-02-01"
            + "&resource=" + ARM + extraQuery);
        if (!Loopback.isLoopbackLiteral(uri.getHost())) {
            throw new IllegalStateException("Tests talk to loopback only, not " + uri);
        }
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
            .header("Metadata", "true").GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }
}
