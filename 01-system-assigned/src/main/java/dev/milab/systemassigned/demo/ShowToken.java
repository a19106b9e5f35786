package dev.milab.systemassigned.demo;

import java.io.PrintStream;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ManagedIdentityCredentialBuilder;

/**
 * Runs on VM1: asks the VM's managed identity for a token for {@code args[0]} (a scope) and prints it, so the demo
 * can take it apart. A real app never prints a token: anyone who holds it is the VM until it expires.
 */
public final class ShowToken {

    private ShowToken() {
    }

    public static int run(String[] args, PrintStream out) {
        AccessToken token = new ManagedIdentityCredentialBuilder().build()
            .getTokenSync(new TokenRequestContext().addScopes(args[0]));
        out.println("token " + token.getToken());
        out.println("expiresAt " + token.getExpiresAt().toInstant());
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
