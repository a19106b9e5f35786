package dev.milab.keyvaultonprem.app;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;

/**
 * The one place that decides where the password comes from: the config file (the "before"), or Key Vault. For Key
 * Vault the credential is {@code DefaultAzureCredential}, which asks the host who the app is: a service principal's
 * secret or certificate in the environment ({@code AZURE_CLIENT_ID} with {@code AZURE_CLIENT_SECRET} or
 * {@code AZURE_CLIENT_CERTIFICATE_PATH}), a federated token file ({@code AZURE_FEDERATED_TOKEN_FILE}), or the host's
 * managed identity (IMDS on a VM, App Service's or the Arc agent's {@code IDENTITY_ENDPOINT}).
 */
public final class SettingsLoader {

    /**
     * azure-core retries every exception by default, a refused credential too: 3 more tries over about 6 s. A
     * credential Entra ID refused (an expired secret, an untrusted issuer; MSAL's exception reaches the retry policy
     * wrapped in a RuntimeException) or one the host does not have will be refused again, so the app fails at once;
     * network failures, 408, 429 and 5xx are retried as before.
     */
    static final RetryOptions RETRY = new RetryOptions(new ExponentialBackoffOptions())
        .setShouldRetryCondition(SettingsLoader::worthRetrying);
    private static final ExponentialBackoff DEFAULT_RETRY = new ExponentialBackoff();

    private final TokenCredential credential;

    public SettingsLoader() {
        this(new DefaultAzureCredentialBuilder().build());
    }

    /** With another credential (tests, or a host where you want exactly one kind). */
    public SettingsLoader(TokenCredential credential) {
        this.credential = credential;
    }

    public DatabaseSettings load(AppConfig config) {
        if (config.dbPassword().isPresent()) {
            return new DatabaseSettings(config.dbUrl(), config.dbUser(), config.dbPassword().get(), "app.properties");
        }
        SecretClient secrets = new SecretClientBuilder().vaultUrl(config.vaultUrl().orElseThrow().toString())
            .credential(credential).retryOptions(RETRY).buildClient();
        // The latest enabled version: a new version written by whoever rotates the password is read on the next load.
        KeyVaultSecret secret = secrets.getSecret(config.secretName());
        return new DatabaseSettings(config.dbUrl(), config.dbUser(), secret.getValue(), secret.getId());
    }

    /** Retry what the network did (timeouts, lost connections) and what the service asks for (408, 429, 5xx). */
    static boolean worthRetrying(RequestRetryCondition condition) {
        if (condition.getThrowable() == null) {
            return DEFAULT_RETRY.shouldRetryCondition(condition);
        }
        for (Throwable t = condition.getThrowable(); t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException) {
                return false;
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
