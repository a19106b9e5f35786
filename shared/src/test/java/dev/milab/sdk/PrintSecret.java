package dev.milab.sdk;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

/**
 * App code as it runs on any Azure-connected host: reads one secret with whatever identity the host has.
 * Arguments: vault URL, secret name.
 */
public final class PrintSecret {

    private PrintSecret() {
    }

    public static void main(String[] args) {
        SecretClient secrets = new SecretClientBuilder().vaultUrl(args[0])
            .credential(new DefaultAzureCredentialBuilder().build()).buildClient();
        System.out.println("secret=" + secrets.getSecret(args[1]).getValue());
    }
}
