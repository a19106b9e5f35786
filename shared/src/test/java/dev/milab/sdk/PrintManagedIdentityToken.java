package dev.milab.sdk;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;

/**
 * App code as it would run on an Azure VM: no secret, no lab line. Prints the token it gets for ARM.
 */
public final class PrintManagedIdentityToken {

    private PrintManagedIdentityToken() {
    }

    public static void main(String[] args) {
        TokenCredential credential = new DefaultAzureCredentialBuilder().build();
        AccessToken token = credential.getTokenSync(
            new TokenRequestContext().addScopes("https://management.azure.com/.default"));
        System.out.println("token=" + token.getToken());
        System.out.println("expiresAt=" + token.getExpiresAt().toEpochSecond());
    }
}
