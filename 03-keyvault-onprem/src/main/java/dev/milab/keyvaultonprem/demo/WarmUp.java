package dev.milab.keyvaultonprem.demo;

import java.io.PrintStream;

import javax.net.ssl.SSLContext;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClientBuilder;

/**
 * A lab device, not part of the lesson: run on each host's JVM as it boots, it loads and initialises what the app
 * will need (azure-identity, MSAL, azure-core's HTTP pipeline, the Key Vault client, TLS), so that the hosts do not
 * pay for class loading one after the other in the steps. It sends nothing over the network and asks for no token.
 */
public final class WarmUp {

    private static final String[] CLASSES = {
        "com.microsoft.aad.msal4j.ConfidentialClientApplication",
        "com.microsoft.aad.msal4j.ManagedIdentityApplication",
        "com.microsoft.aad.msal4j.TokenCache",
        "com.azure.identity.implementation.IdentityClient",
        "com.azure.identity.implementation.IdentitySyncClient",
        "com.azure.core.http.HttpPipelineBuilder",
        "com.azure.core.http.policy.RetryPolicy",
        "com.azure.security.keyvault.secrets.implementation.SecretClientImpl",
        "com.azure.security.keyvault.secrets.models.KeyVaultSecret",
        "com.fasterxml.jackson.databind.ObjectMapper"};

    private WarmUp() {
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        int loaded = 0;
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, WarmUp.class.getClassLoader());
                loaded++;
            } catch (ClassNotFoundException | LinkageError e) {
                // a library version without this class: nothing to warm
            }
        }
        new SecretClientBuilder().vaultUrl("https://warm-up.vault.azure.net")
            .credential(new DefaultAzureCredentialBuilder().build()).buildClient();
        SSLContext.getDefault().createSSLEngine();
        out.println("warm: " + loaded + " classes");
        return 0;
    }
}
