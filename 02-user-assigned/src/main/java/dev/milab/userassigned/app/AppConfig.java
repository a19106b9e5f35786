package dev.milab.userassigned.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The app's configuration, from a properties file ({@code app.properties}):
 * <pre>
 * sql.url=jdbc:sqlserver://sql1.database.windows.net:1433;databaseName=db1;encrypt=true
 * sql.authentication=managed-identity      # or connection-string (the driver gets the token itself)
 * azure.client-id=00000000-0000-0000-0000-000000000000   # MyUserIdentity's client id
 * </pre>
 * {@code azure.client-id} names the user-assigned identity to use. Without it, IMDS picks the VM's system-assigned
 * identity, else its only user-assigned one, and refuses when the VM has several: set it always.
 */
public record AppConfig(String sqlUrl, Authentication authentication, Optional<String> clientId) {

    /** How the app hands the identity's token to the database driver. */
    public enum Authentication {
        /** azure-identity's {@code ManagedIdentityCredential} gets the token; the driver asks for it per connection. */
        MANAGED_IDENTITY,
        /** {@code authentication=ActiveDirectoryManagedIdentity;msiClientId=...} in the JDBC URL: the driver asks IMDS. */
        CONNECTION_STRING
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
        String url = p.getProperty("sql.url");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("sql.url is missing");
        }
        String authentication = p.getProperty("sql.authentication", "managed-identity").trim();
        Authentication mode;
        try {
            mode = Authentication.valueOf(authentication.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sql.authentication is managed-identity or connection-string, not '"
                + authentication + "'");
        }
        String clientId = p.getProperty("azure.client-id");
        return new AppConfig(url.trim(), mode, clientId == null || clientId.isBlank() ? Optional.empty()
            : Optional.of(clientId.trim()));
    }
}
