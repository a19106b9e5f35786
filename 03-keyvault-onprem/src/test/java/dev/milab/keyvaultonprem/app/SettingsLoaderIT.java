package dev.milab.keyvaultonprem.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.identity.ClientSecretCredentialBuilder;

import dev.milab.arm.BuiltInRoles;
import dev.milab.entra.Application;
import dev.milab.entra.NewClientSecret;
import dev.milab.keyvault.KeyVault;
import dev.milab.lab.Lab;
import dev.milab.testing.SharedLab;

/**
 * The app's loader against the lab's Key Vault with the real {@code SecretClient}: it reads the latest version,
 * reports Key Vault's refusal in Key Vault's words, and gives up at once on a credential Entra ID refused.
 */
class SettingsLoaderIT {

    private static Lab lab;
    private static KeyVault vault;

    @BeforeAll
    static void aVaultWithThePassword() {
        lab = SharedLab.get();
        vault = lab.createKeyVault("kv-settings");
        vault.secrets().set("db-password", "first", null, null, null, null, null);
        vault.secrets().set("db-password", "second", null, null, null, null, null);
    }

    private static SettingsLoader loaderFor(Application app, String secret) {
        return new SettingsLoader(new ClientSecretCredentialBuilder().tenantId(lab.tenant().id())
            .clientId(app.appId()).clientSecret(secret).build());
    }

    private static AppConfig config() {
        return new AppConfig("jdbc:x", "u", java.util.Optional.empty(),
            java.util.Optional.of(java.net.URI.create(vault.vaultUri())), "db-password");
    }

    @Test
    void aReaderGetsTheLatestVersion() {
        Application app = lab.directory().registerApplication("settings-reader");
        NewClientSecret secret = lab.directory().addClientSecret(app.appId(), "s", lab.clock().instant(),
            Duration.ofDays(1));
        lab.grantRole(app.servicePrincipal().objectId(), BuiltInRoles.KEY_VAULT_SECRETS_USER, vault.resourceId());

        DatabaseSettings settings = loaderFor(app, secret.value()).load(config());

        assertThat(settings.password()).isEqualTo("second");
        assertThat(settings.source()).startsWith(vault.vaultUri() + "/secrets/db-password/");
    }

    @Test
    void withoutARoleTheAppSaysForbiddenByRbac(@TempDir Path dir) throws Exception {
        Application app = lab.directory().registerApplication("settings-no-role");
        NewClientSecret secret = lab.directory().addClientSecret(app.appId(), "s", lab.clock().instant(),
            Duration.ofDays(1));

        String out = run(dir, loaderFor(app, secret.value()));

        assertThat(out).contains("Cannot read db-password from " + vault.vaultUri() + ": 403 Forbidden / ForbiddenByRbac");
    }

    @Test
    void anExpiredSecretFailsAtOnceInsteadOfBeingRetried(@TempDir Path dir) throws Exception {
        Application app = lab.directory().registerApplication("settings-expired");
        NewClientSecret old = lab.directory().addClientSecret(app.appId(), "old",
            lab.clock().instant().minus(Duration.ofDays(2)), Duration.ofDays(1));
        long started = System.nanoTime();

        String out = run(dir, loaderFor(app, old.value()));

        assertThat(out).contains("no token").contains("AADSTS7000222");
        // azure-core's default would try 3 more times, 0.8 + 1.6 + 3.2 s apart
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
    }

    private static String run(Path dir, SettingsLoader loader) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "db.url=jdbc:x\ndb.user=u\nkeyvault.url=" + vault.vaultUri() + "\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SettingsApp.run(new String[] {"--config", file.toString()}, new PrintStream(bytes, true,
            StandardCharsets.UTF_8), loader);
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
