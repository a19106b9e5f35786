package dev.milab.keyvaultonprem.demo;

import java.io.PrintStream;

import com.azure.core.exception.HttpResponseException;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

/**
 * Runs on a host: tries to write a secret with the host's identity (what an attacker on the host would try).
 * Arguments: vault URL, secret name, value.
 */
public final class TryToWriteSecret {

    private TryToWriteSecret() {
    }

    public static int run(String[] args, PrintStream out) {
        SecretClient secrets = new SecretClientBuilder().vaultUrl(args[0])
            .credential(new DefaultAzureCredentialBuilder().build()).buildClient();
        try {
            out.println("wrote version " + secrets.setSecret(args[1], args[2]).getProperties().getVersion());
            return 0;
        } catch (HttpResponseException e) {
            String message = e.getMessage();
            out.println("refused " + e.getResponse().getStatusCode() + " " + message.replaceAll("(?s).*\"innererror\""
                + "\\s*:\\s*\\{\\s*\"code\"\\s*:\\s*\"([^\"]+)\".*", "$1"));
            out.println("message " + message.replaceAll("(?s).*?\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\".*", "$1")
                .replace("\\r", "").replace("\\n", " ").replace("\\'", "'"));
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
