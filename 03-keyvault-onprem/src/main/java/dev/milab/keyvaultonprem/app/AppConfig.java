package dev.milab.keyvaultonprem.app;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The app's configuration, from a properties file ({@code app.properties}):
 * <pre>
 * db.url=jdbc:postgresql://db1.contoso.internal:5432/orders
 * db.user=orders_app
 * keyvault.url=https://kv1.vault.azure.net     # where the password is
 * keyvault.secret=db-password                  # its name there (the default)
 * </pre>
 * The "before" state has {@code db.password} in this file instead of {@code keyvault.url}: the secret this module
 * moves into Key Vault. Nothing here says how the app authenticates to the vault: that is the host's business
 * ({@code DefaultAzureCredential} finds out).
 */
public record AppConfig(String dbUrl, String dbUser, Optional<String> dbPassword, Optional<URI> vaultUrl,
                        String secretName) {

    public static final String DEFAULT_SECRET_NAME = "db-password";

    public AppConfig {
        if (dbPassword.isEmpty() && vaultUrl.isEmpty()) {
            throw new IllegalArgumentException("Neither db.password nor keyvault.url is set: where is the password?");
        }
        if (dbPassword.isPresent() && vaultUrl.isPresent()) {
            throw new IllegalArgumentException("Both db.password and keyvault.url are set: delete db.password");
        }
    }

    /** The file the app reads: {@code --config FILE}, else {@code APP_CONFIG}, else {@code app.properties}. */
    public static Path locate(String[] args) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--config")) {
                return Path.of(args[i + 1]);
            }
        }
        String env = System.getenv("APP_CONFIG");
        return Path.of(env != null && !env.isBlank() ? env : "app.properties");
    }

    public static AppConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        }
        return from(p);
    }

    public static AppConfig from(Properties p) {
        return new AppConfig(required(p, "db.url"), required(p, "db.user"), nonBlank(p.getProperty("db.password")),
            nonBlank(p.getProperty("keyvault.url")).map(URI::create),
            nonBlank(p.getProperty("keyvault.secret")).orElse(DEFAULT_SECRET_NAME));
    }

    private static String required(Properties p, String key) {
        return nonBlank(p.getProperty(key)).orElseThrow(() -> new IllegalArgumentException(key + " is missing"));
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
