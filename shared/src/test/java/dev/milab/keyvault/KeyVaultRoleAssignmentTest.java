package dev.milab.keyvault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.RoleAssignment;
import dev.milab.entra.ServicePrincipal;
import dev.milab.http.LabHttpRequest;
import dev.milab.http.LabHttpResponse;
import dev.milab.lab.Lab;

/**
 * A role assignment at the Key Vault data plane, with the lab's own wiring (its token validator and RBAC): a
 * grant counts once it has propagated, and a deleted one no longer counts. A lab of its own, since it changes the
 * propagation delay.
 */
class KeyVaultRoleAssignmentTest {

    private static Lab lab;
    private static KeyVault vault;
    private static KeyVaultEndpoint endpoint;

    @BeforeAll
    static void aVaultWithASecret() {
        lab = Lab.start();
        vault = lab.createKeyVault("kv-rbac");
        vault.secrets().set("db-password", "s3cret", null, null, null, null, null);
        // what Lab binds at *.vault.azure.net
        endpoint = new KeyVaultEndpoint(lab.tenant(), lab.tokenValidator(),
            name -> name.equals("kv-rbac") ? vault : null, lab.rbac()::isDataActionAllowed);
    }

    @AfterAll
    static void stop() {
        lab.close();
    }

    @Test
    void secretsUserReadsUntilItsAssignmentIsDeleted() {
        ServicePrincipal app = lab.createUserAssignedIdentity("kv-rbac-app").principal();
        String token = lab.tokens().issueManagedIdentityToken(app, "https://vault.azure.net").accessToken();
        assertThat(read(token).status()).isEqualTo(403);

        RoleAssignment grant = lab.grantRole(app.objectId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
        assertThat(read(token).status()).isEqualTo(200);
        assertThat(read(token).bodyAsString()).contains("s3cret");

        lab.resources().deleteRoleAssignment(grant.id());
        LabHttpResponse after = read(token);
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.bodyAsString()).contains("ForbiddenByRbac");
    }

    @Test
    void aNewAssignmentCountsOnlyOnceThePropagationDelayHasPassed() {
        ServicePrincipal app = lab.createUserAssignedIdentity("kv-rbac-late").principal();
        String token = lab.tokens().issueManagedIdentityToken(app, "https://vault.azure.net").accessToken();
        lab.settings().roleAssignmentPropagationDelay(Duration.ofMinutes(5));
        try {
            lab.grantRole(app.objectId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());
            assertThat(read(token).status()).isEqualTo(403);

            lab.clock().advance(Duration.ofMinutes(4));
            assertThat(read(token).status()).isEqualTo(403);

            lab.clock().advance(Duration.ofMinutes(2));
            assertThat(read(token).status()).isEqualTo(200);
        } finally {
            lab.settings().roleAssignmentPropagationDelay(Duration.ZERO);
            lab.clock().reset();
        }
    }

    private static LabHttpResponse read(String token) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("authorization", List.of("Bearer " + token));
        return endpoint.handle(new LabHttpRequest("GET", "kv-rbac.vault.azure.net", "/secrets/db-password",
            "api-version=7.6", headers, new byte[0]));
    }
}
