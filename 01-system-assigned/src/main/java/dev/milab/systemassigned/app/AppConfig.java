package dev.milab.systemassigned.app;

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
 * sql.authentication=managed-identity      # or password (the "before"), or connection-string
 * azure.credential=managed-identity        # or default (DefaultAzureCredential: also a developer's sign-in)
 * azure.client-id=                         # only for a user-assigned identity
 * </pre>
 * With {@code sql.authentication=password}, {@code sql.user} and {@code sql.password} hold a SQL login: the
 * secret this module shows how to get rid of.
 */
public record AppConfig(String sqlUrl, Authentication authentication, Credential credential,
                        Optional<String> clientId, Optional<String> sqlUser, Optional<String> sqlPassword) {

    /** How the app proves who it is to the database. */
    public enum Authentication {
        /** A SQL login and its password from this file: the "before" state. */
        PASSWORD,
        /** An Entra ID access token from the credential, handed to the driver for each new connection. */
        MANAGED_IDENTITY,
        /** {@code authentication=ActiveDirectoryManagedIdentity} in the JDBC URL: the driver gets the token itself. */
        CONNECTION_STRING
    }

    /** Which azure-identity credential gets the token. */
    public enum Credential {
        /** {@code ManagedIdentityCredential}: only the machine's managed identity (IMDS on a VM). */
        MANAGED_IDENTITY,
        /** {@code DefaultAzureCredential}: environment, workload identity, managed identity, then developer tools. */
        DEFAULT
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
        return new AppConfig(url.trim(),
            choice(Authentication.class, "sql.authentication", p.getProperty("sql.authentication", "managed-identity")),
            choice(Credential.class, "azure.credential", p.getProperty("azure.credential", "managed-identity")),
            nonBlank(p.getProperty("azure.client-id")), nonBlank(p.getProperty("sql.user")),
            nonBlank(p.getProperty("sql.password")));
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E option : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(option.name().toLowerCase(Locale.ROOT)
                    .replace('_', '-'));
            }
            throw new IllegalArgumentException(key + " is one of " + allowed + ", not '" + value.trim() + "'");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
