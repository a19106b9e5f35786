package dev.milab.keyvault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import com.azure.core.util.polling.SyncPoller;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.DeletedSecret;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;
import com.azure.security.keyvault.secrets.models.SecretProperties;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.RoleDefinition;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.arm.VirtualMachine;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The unmodified {@code SecretClient}, authenticated by a VM's managed identity, against the lab's Key Vault: the
 * challenge, versions, attributes, paging, soft delete and recovery, and refusals.
 */
class SecretClientIT {

    private static final String VM = "kv-sdk-vm";
    private static Lab lab;
    private static VirtualMachine vm;
    private static SecretClient client;
    private static KeyVault vault;

    @BeforeAll
    static void aVmWhoseIdentityMayUseTheVault() {
        lab = SharedLab.get();
        vault = lab.createKeyVault("kv-sdk");
        lab.createVirtualMachine(VM);
        vm = lab.enableSystemAssignedIdentity(VM);
        lab.grantRole(vm.systemAssigned().objectId(), BuiltInRoles.KEY_VAULT_SECRETS_OFFICER, vault.resourceId());
        lab.routeThisJvmTo(VM);
        client = new SecretClientBuilder().vaultUrl("https://kv-sdk.vault.azure.net")
            .credential(new ManagedIdentityCredentialBuilder().build()).buildClient();
    }

    @AfterAll
    static void leave() {
        SharedLab.leaveVm();
    }

    @Test
    void aSecretSetIsReadBackWithItsAttributes() {
        KeyVaultSecret set = client.setSecret(new KeyVaultSecret("db-password", "Zoë-s3cr3t")
            .setProperties(new SecretProperties().setContentType("text/plain")));

        KeyVaultSecret read = client.getSecret("db-password");

        assertThat(read.getValue()).isEqualTo("Zoë-s3cr3t");
        assertThat(read.getProperties().getVersion()).isEqualTo(set.getProperties().getVersion()).hasSize(32);
        assertThat(read.getProperties().getContentType()).isEqualTo("text/plain");
        assertThat(read.getId()).startsWith("https://kv-sdk.vault.azure.net/secrets/db-password/");
        assertThat(read.getProperties().getRecoveryLevel()).isEqualTo("Recoverable+Purgeable");
    }

    @Test
    void everySetAddsAVersionAndOldVersionsStayReadable() {
        String v1 = client.setSecret("rotating", "one").getProperties().getVersion();
        String v2 = client.setSecret("rotating", "two").getProperties().getVersion();

        assertThat(client.getSecret("rotating").getValue()).isEqualTo("two");
        assertThat(client.getSecret("rotating", v1).getValue()).isEqualTo("one");
        List<String> versions = new ArrayList<>();
        client.listPropertiesOfSecretVersions("rotating").forEach(p -> versions.add(p.getVersion()));
        assertThat(versions).containsExactly(v1, v2);
    }

    @Test
    void listingPagesThroughNextLinkAndNeverReturnsValues() {
        for (int i = 0; i < 30; i++) {
            client.setSecret("paged-" + i, "value-" + i);
        }
        List<SecretProperties> all = new ArrayList<>();
        client.listPropertiesOfSecrets().forEach(all::add);

        assertThat(all).extracting(SecretProperties::getName).contains("paged-0", "paged-29");
        assertThat(all).hasSizeGreaterThan(25);
    }

    @Test
    void aDisabledSecretCannotBeReadButAnExpiredOneCan() {
        client.setSecret(new KeyVaultSecret("expired", "old")
            .setProperties(new SecretProperties().setExpiresOn(OffsetDateTime.now(ZoneOffset.UTC).minusDays(1))));
        KeyVaultSecret disabled = client.setSecret("disabled", "hidden");
        client.updateSecretProperties(disabled.getProperties().setEnabled(false));

        assertThat(client.getSecret("expired").getValue()).isEqualTo("old");
        assertThatThrownBy(() -> client.getSecret("disabled")).isInstanceOf(HttpResponseException.class)
            .hasMessageContaining("Operation get is not allowed on a disabled secret")
            .satisfies(e -> assertThat(((HttpResponseException) e).getResponse().getStatusCode()).isEqualTo(403));
    }

    @Test
    void deleteIsSoftAndRecoverBringsEveryVersionBack() {
        client.setSecret("soft", "a");
        client.setSecret("soft", "b");

        SyncPoller<DeletedSecret, Void> deleting = client.beginDeleteSecret("soft");
        deleting.waitForCompletion();
        assertThat(client.getDeletedSecret("soft").getRecoveryId())
            .isEqualTo("https://kv-sdk.vault.azure.net/deletedsecrets/soft");
        assertThatThrownBy(() -> client.getSecret("soft")).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> client.setSecret("soft", "c")).isInstanceOf(HttpResponseException.class)
            .hasMessageContaining("deleted but recoverable");

        client.beginRecoverDeletedSecret("soft").waitForCompletion();

        assertThat(client.getSecret("soft").getValue()).isEqualTo("b");
        assertThat(client.listPropertiesOfSecretVersions("soft").stream().count()).isEqualTo(2);
    }

    @Test
    void aPurgedSecretIsGoneForGood() {
        client.setSecret("purged", "x");
        client.beginDeleteSecret("purged").waitForCompletion();

        client.purgeDeletedSecret("purged");

        assertThatThrownBy(() -> client.getDeletedSecret("purged")).isInstanceOf(ResourceNotFoundException.class);
        assertThat(client.setSecret("purged", "new").getValue()).isEqualTo("new");
    }

    /**
     * Each built-in Key Vault role against each kind of operation, with a user-assigned identity per role on the
     * same VM (ManagedIdentityCredential by client id).
     */
    @ParameterizedTest(name = "{0}: get {1}, set {2}, list {3}")
    @CsvSource({
        "Key Vault Secrets Officer, true, true, true",
        "Key Vault Secrets User, true, false, true",
        "Key Vault Reader, false, false, true",
        "Reader, false, false, false",
        "Contributor, false, false, false",
        "none, false, false, false"})
    void eachRoleAllowsExactlyItsDataActions(String role, boolean get, boolean set, boolean list) {
        String name = "kv-role-" + role.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        UserAssignedIdentity identity = lab.createUserAssignedIdentity(name);
        lab.attachUserAssignedIdentity(VM, name);
        if (!role.equals("none")) {
            RoleDefinition definition = BuiltInRoles.ALL.stream().filter(r -> r.roleName().equals(role)).findFirst()
                .orElseThrow();
            lab.grantRole(identity.principalId(), definition, vault.resourceId());
        }
        client.setSecret("role-matrix", "visible");
        SecretClient asRole = new SecretClientBuilder().vaultUrl("https://kv-sdk.vault.azure.net")
            .credential(new ManagedIdentityCredentialBuilder().clientId(identity.clientId()).build()).buildClient();

        assertThat(allowed(() -> asRole.getSecret("role-matrix"))).as("get").isEqualTo(get);
        assertThat(allowed(() -> asRole.setSecret("role-matrix", "changed"))).as("set").isEqualTo(set);
        assertThat(allowed(() -> asRole.listPropertiesOfSecrets().stream().count())).as("list").isEqualTo(list);
    }

    @Test
    void aRefusalNamesTheCallerTheActionAndTheScopeAsAzureDoes() {
        UserAssignedIdentity identity = lab.createUserAssignedIdentity("kv-no-role");
        lab.attachUserAssignedIdentity(VM, "kv-no-role");
        SecretClient noRole = new SecretClientBuilder().vaultUrl("https://kv-sdk.vault.azure.net")
            .credential(new ManagedIdentityCredentialBuilder().clientId(identity.clientId()).build()).buildClient();

        assertThatThrownBy(() -> noRole.getSecret("db-password")).isInstanceOf(HttpResponseException.class)
            .hasMessageContaining("ForbiddenByRbac")
            .hasMessageContaining("Caller: appid=" + identity.clientId() + ";oid=" + identity.principalId())
            .hasMessageContaining("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    }

    private static boolean allowed(Runnable call) {
        try {
            call.run();
            return true;
        } catch (HttpResponseException e) {
            assertThat(e.getResponse().getStatusCode()).isEqualTo(403);
            return false;
        }
    }

    @Test
    void concurrentWritersKeepEveryVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                writes.add(pool.submit(() -> client.setSecret("contended", "v" + n).getProperties().getVersion()));
            }
            Set<String> written = ConcurrentHashMap.newKeySet();
            for (Future<String> w : writes) {
                written.add(w.get(60, TimeUnit.SECONDS));
            }
            List<String> stored = new ArrayList<>();
            client.listPropertiesOfSecretVersions("contended").forEach(p -> stored.add(p.getVersion()));

            assertThat(written).hasSize(40);
            assertThat(stored).hasSize(40).containsExactlyInAnyOrderElementsOf(written);
        } finally {
            pool.shutdownNow();
        }
    }
}
