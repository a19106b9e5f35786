package dev.milab.keyvaultonprem.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    private static AppConfig parse(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return AppConfig.from(p);
    }

    @Test
    void aVaultConfigNamesTheVaultAndDefaultsTheSecretName() throws Exception {
        AppConfig config = parse("db.url=jdbc:x\ndb.user=u\nkeyvault.url=https://kv1.vault.azure.net\n");

        assertThat(config.vaultUrl()).contains(URI.create("https://kv1.vault.azure.net"));
        assertThat(config.secretName()).isEqualTo("db-password");
        assertThat(config.dbPassword()).isEmpty();
    }

    @Test
    void aConfigWithThePasswordAndAVaultIsRefused() {
        assertThatThrownBy(() -> parse("db.url=jdbc:x\ndb.user=u\ndb.password=p\nkeyvault.url=https://kv1.vault.azure"
            + ".net\n")).hasMessageContaining("delete db.password");
    }

    @Test
    void aConfigWithNeitherIsRefused() {
        assertThatThrownBy(() -> parse("db.url=jdbc:x\ndb.user=u\n")).hasMessageContaining("where is the password");
    }

    @Test
    void thePasswordNeverShowsInTheOutputOrInToString(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "db.url=jdbc:x\ndb.user=u\ndb.password=Very-Secret-1\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int exit = SettingsApp.run(new String[] {"--config", file.toString()}, new PrintStream(bytes, true,
            StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(out).contains("from        app.properties").contains("(13 chars, sha256 ")
            .doesNotContain("Very-Secret-1");
        assertThat(new DatabaseSettings("jdbc:x", "u", "Very-Secret-1", "file").toString())
            .doesNotContain("Very-Secret-1");
    }
}
