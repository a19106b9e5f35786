package dev.milab.entra;

/**
 * A client secret just added to an application: the only moment its value is known, as in the portal.
 *
 * @param value the secret value a client sends as {@code client_secret} ({@code AZURE_CLIENT_SECRET})
 */
public record NewClientSecret(String appId, ClientSecret secret, String value) {

    @Override
    public String toString() {
        // Keep the value out of logs and assertion messages.
        return "NewClientSecret[appId=" + appId + ", keyId=" + secret.keyId() + ", hint=" + secret.hint() + "...]";
    }
}
