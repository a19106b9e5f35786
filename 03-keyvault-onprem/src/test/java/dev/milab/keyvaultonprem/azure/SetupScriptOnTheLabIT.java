package dev.milab.keyvaultonprem.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.milab.arm.BuiltInRoles;
import dev.milab.arm.KeyVault;
import dev.milab.arm.ResourceIds;
import dev.milab.arm.UserAssignedIdentity;
import dev.milab.entra.Application;
import dev.milab.lab.Lab;
import dev.milab.testing.AzureCli;
import dev.milab.testing.ScriptOnTheLab;

/**
 * {@code azure/setup.sh}, the script this module's README gives for real Azure, run unchanged by the Azure CLI
 * against the standalone lab's default scenario, signed in as the learner (the database password typed on standard
 * input, as the script asks): kv1 with Azure RBAC and the secret, VM1's and the web app's system-assigned identities,
 * the on-premises app registration with a client secret and a certificate, MyUserIdentity with its federated
 * credential, each with Key Vault Secrets User on the vault. Skipped without {@code az} or {@code openssl}.
 */
class SetupScriptOnTheLabIT {

    private static final String KV = "kv1-setup" + UUID.randomUUID().toString().substring(0, 6);
    private static final String WEB = "web1-setup" + UUID.randomUUID().toString().substring(0, 6);
    private static final String DB_PASSWORD = "orders-" + UUID.randomUUID();
    @RegisterExtension
    static final ScriptOnTheLab SCRIPT = ScriptOnTheLab.of(Path.of("azure/setup.sh"), DB_PASSWORD + "\n",
        Map.of("KV", KV, "WEB", WEB)).requiring("openssl");

    @Test
    void theScriptEndsWellAndPrintsTheSettingsOfEachHost() {
        assertThat(run().exitCode()).as(run().text()).isZero();
        assertThat(run().stdout())
            .contains("keyvault.url=https://" + KV + ".vault.azure.net")
            .contains("AZURE_TENANT_ID=" + lab().tenant().id() + " AZURE_CLIENT_ID=" + onPremApp().appId()
                + " AZURE_CLIENT_SECRET=<password from create-for-rbac>")
            .contains("AZURE_CLIENT_CERTIFICATE_PATH=/path/to/kv-reader-onprem.pem")
            .contains("AZURE_CLIENT_ID=" + myUserIdentity().clientId() + " AZURE_FEDERATED_TOKEN_FILE=/path/to/token");
    }

    @Test
    void theVaultHoldsTheTypedPasswordWhichTheLearnerWroteAsSecretsOfficer() {
        KeyVault vault = lab().resources().keyVaultByName(KV).orElseThrow();
        assertThat(lab().keyVault(KV).orElseThrow().secrets().get("db-password", null).value()).isEqualTo(DB_PASSWORD);
        assertThat(readersOf(vault))
            .contains(lab().learner().objectId() + " " + BuiltInRoles.KEY_VAULT_SECRETS_OFFICER.name());
    }

    @Test
    void everyHostsIdentityIsSecretsUserOnTheVault() {
        KeyVault vault = lab().resources().keyVaultByName(KV).orElseThrow();
        String vm1 = lab().resources().virtualMachine("rg-milab-03", "vm1").orElseThrow().systemAssigned().objectId();
        String web = lab().resources().webSite("rg-milab-03", WEB).orElseThrow().systemAssigned().objectId();
        String onPrem = lab().directory().byAppId(onPremApp().appId()).orElseThrow().objectId();
        String uami = myUserIdentity().principal().objectId();
        String user = BuiltInRoles.KEY_VAULT_SECRETS_USER.name();
        assertThat(readersOf(vault)).contains(vm1 + " " + user, web + " " + user, onPrem + " " + user,
            uami + " " + user);
    }

    @Test
    void theAppRegistrationHasTheCertificateTheScriptMadeAndMyUserIdentityTrustsTheIdentityProvider() throws Exception {
        assertThat(onPremApp().certificates()).hasSize(1);
        assertThat(SCRIPT.directory().resolve("kv-reader-onprem.pem")).exists();
        assertThat(Files.getPosixFilePermissions(SCRIPT.directory().resolve("kv-reader-onprem.pem")))
            .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(myUserIdentity().federatedCredentials()).anySatisfy(f -> {
            assertThat(f.issuer()).isEqualTo("https://idp.contoso.example");
            assertThat(f.subject()).isEqualTo("svc-orders@onprem-fed");
            assertThat(f.audiences()).containsExactly("api://AzureADTokenExchange");
        });
    }

    private static List<String> readersOf(KeyVault vault) {
        return lab().resources().roleAssignments().stream().filter(a -> a.scope().equalsIgnoreCase(vault.id()))
            .map(a -> a.principalId() + " " + a.roleDefinitionName()).toList();
    }

    private static Application onPremApp() {
        return lab().directory().applications().stream().filter(a -> a.displayName().equals("kv-reader-onprem"))
            .findFirst().orElseThrow();
    }

    private static UserAssignedIdentity myUserIdentity() {
        return lab().resources().userAssignedIdentity(ResourceIds.userAssignedIdentity(lab().subscriptionId(),
            "rg-milab-03", "MyUserIdentity")).orElseThrow();
    }

    private static Lab lab() {
        return SCRIPT.lab();
    }

    private static AzureCli.Result run() {
        return SCRIPT.result();
    }
}
